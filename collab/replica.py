"""One live copy of an open canvas's Y document per process, shared by its connections.

A replica joins the canvas group before it loads from the database, so nothing published
between the load and the subscription is missed. Every update a connection sends is
applied and relayed at once to the connections of this process, then appended to the log,
and only then published, through the channel layer, to the replicas of other processes.
Relaying before the write loses nothing: every client keeps what it has, and a replica
that could not write (or a process that died) is replaced by one loaded from the log, whose
SyncStep1 makes every reconnecting client send what the log lacks. The layer may drop
messages, so each replica also reads the log for rows it has not seen (anti-entropy).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.utils import timezone
from pycrdt import Doc, Map, Text

from . import layer_health, log_poll, persistence, relay, signals, store_thread
from .comment_stamps import Writer, stamp
from .direct_send import PreparedFrame
from .encoded_doc import Unsure
from .outbox import WRITE_WINDOW, WRITE_WINDOW_ALONE, Outbox, Run, merged
from .parked_doc import ParkedDoc
from .presence import Presence
from .protocol import AwarenessEntry, awareness_frame, sync_update
from .scoped_deletions import without_deletions_outside
from .seen_rows import SeenRows
from .waiting_updates import builds_on_missing
from .yjs_positions import (
    EMPTY_UPDATE,
    new_writers,
    read_state_vector,
    without_clients,
    writer_clients,
)

logger = logging.getLogger(__name__)

#: Seconds between reads of the log for updates the channel layer may have dropped.
RESYNC_INTERVAL = 2.0
#: An update held back this long waits for a row the poll will not bring (one folded into
#: the compacted state before this replica read it, say): the log is then read whole.
REREAD_AFTER = 3 * RESYNC_INTERVAL
#: An update still held this long after the log was read whole builds on what nobody has
#: (a client that sent it in a hurry sends it again when it reconnects): it is dropped.
HOLD_AT_MOST = 10 * REREAD_AFTER
#: Fold the log into the canvas state after this many appended updates.
COMPACT_EVERY = 2000
#: Keep a replica this long after its last connection leaves (page reloads reuse it).
LINGER_SECONDS = 3.0
#: Seconds between attempts to listen on the channel layer after it failed, and at least
#: between re-joins of the canvas group when the log shows the layer missed something.
LAYER_RETRY = 1.0
REJOIN_EVERY = 5.0
#: The shared types of a canvas document (ARCHITECTURE §3) and their kinds.
ROOTS: dict[str, type] = {"content": Text, "draft": Text, "comments": Map, "suggestions": Map}
#: The roots anyone who may edit may change freely: the server checks nothing in them.
TEXT_ROOTS = frozenset(name for name, kind in ROOTS.items() if kind is Text)


class InvalidUpdate(ValueError):
    """The bytes are not a Y update pycrdt can apply."""


class ForeignWriter(Exception):
    """The update writes under a client id that belongs to someone else."""


class DocumentTooLarge(Exception):
    """Applying the update would take the document past COLLAB_MAX_DOC."""


class Connection:
    """What a replica needs from a connection: a way to send it a frame."""

    async def send_frame(self, frame: bytes) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    async def send_prepared(self, frame: PreparedFrame) -> None:
        """A frame sent to many connections (encoded once for all that can use it)."""
        await self.send_frame(frame.payload)

    def write_prepared(self, frame: PreparedFrame) -> bool:
        """Write ``frame`` now if that needs no waiting; False to have it sent by
        ``send_prepared``. A coroutine per connection was half of a fanout's Python."""
        return False

    async def close_for_resync(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    async def recheck_access(self, ended_session: str | None = None) -> None:  # pragma: no cover
        """The person's role may have changed: look again, close if it is gone. A
        connection of ``ended_session`` (its person signed out there) closes at once."""


def _is_fatal(exc: BaseException) -> bool:
    return isinstance(exc, (KeyboardInterrupt, SystemExit, asyncio.CancelledError))


class Replica:
    def __init__(self, canvas_id: str) -> None:
        self.canvas_id = str(canvas_id)
        self.group = relay.group_name(self.canvas_id)
        self.layer = get_channel_layer()
        self._captured: list[bytes] = []
        # Changes of connections' held updates that another update released (see _apply).
        self._released: list[tuple[bytes, str]] = []
        # What a connection's update did to the comments, so their authors can be stamped.
        self._comment_changes: dict[str, dict] | None = None
        # Decoded while people change it, parked as its encoded state when they do not.
        self.document = ParkedDoc(self._attach, TEXT_ROOTS)
        self.connections: set[Connection] = set()
        self.presence = Presence(
            self.canvas_id, show=lambda update: self._fanout(awareness_frame(update)),
            tell=lambda update: self._group_send(relay.awareness_message(update)))
        self.max_seq = 0
        self.size = 0
        self.channel: str | None = None
        # Connections' changes: relayed here first, then stored, then published.
        self.outbox = Outbox(fanout=lambda update: self._fanout(sync_update(update)),
                             store=self._store, stored=self._after_store,
                             failed=self._store_failed,
                             write_window=WRITE_WINDOW_ALONE if self._alone else WRITE_WINDOW)
        self._tasks: list[asyncio.Task] = []
        self._poke = asyncio.Event()
        self._appended_since_compaction = 0
        self._compacting: asyncio.Task | None = None
        self.closed = False
        # People's edits since the last checkpoint version (see _maybe_checkpoint).
        self._edited_at: float | None = None
        self._last_editor: int | None = None
        self.origins: dict[int, str] = {}
        self._tentative: set[int] = set()  # ids of self.origins only claimed in a resync
        self._rejoined_at = 0.0
        self._reread_at = -float("inf")  # the last time the log was read whole (_stuck)
        self._abandoning: asyncio.Task | None = None
        self._looked_at = timezone.now()  # the log poll's previous look (see _poll_log)
        # Rows written or read here, left out when the poll re-reads recent rows.
        self._seen_rows = SeenRows(
            keep_for=2 * persistence.LATE_COMMIT_WINDOW.total_seconds() + RESYNC_INTERVAL)

    # --- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        if self.layer is not None:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(self.group, self.channel)
            self._tasks.append(asyncio.create_task(self._read_layer()))
        try:
            loaded = await database_sync_to_async(persistence.load)(self.canvas_id)
            for index, update in enumerate(loaded.updates):
                self._apply(update, builds_on_nothing=index < loaded.whole)
        except BaseException:
            await self.stop(flush=False)
            raise
        self.max_seq = max(self.max_seq, loaded.max_seq)
        # Who writes under which client id (provenance): loaded once, then kept up to date.
        self._learn(await database_sync_to_async(persistence.client_claims)(self.canvas_id))
        self.size = len(self.document.encoded())
        self.document.park()  # until the first change: most open canvases are only read
        self._tasks.append(asyncio.create_task(self._poll_log()))

    async def stop(self, flush: bool = True) -> None:
        """Write what is queued, fold the log, and leave the group."""
        if flush:
            await self.flush()
            await self._maybe_checkpoint(pause=0)  # everyone left: that is a pause too
            if self._appended_since_compaction:
                await self._compact()
        self.closed = True
        await self.presence.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        if self.layer is not None and self.channel:
            with contextlib.suppress(Exception):
                await self.layer.group_discard(self.group, self.channel)
        self.document.close()

    async def flush(self) -> None:
        """Wait until every update applied here is relayed and stored."""
        await self.outbox.drain()

    # --- the document ----------------------------------------------------------------------

    @property
    def doc(self) -> Doc:
        """The decoded document (decoding it if it was parked)."""
        return self.document.doc

    def _attach(self, doc: Doc) -> Callable[[], None]:
        """Observe a freshly decoded document: every change it takes, and the comments'.
        Returns how to stop observing it."""
        comments = doc.get("comments", type=Map)
        changes = doc.observe(lambda event: self._captured.append(event.update))
        comment_changes = comments.observe(self._note_comment_changes)

        def detach() -> None:
            doc.unobserve(changes)
            comments.unobserve(comment_changes)
        return detach

    def state_vector(self) -> bytes:
        return self.document.state_vector()

    def diff(self, state_vector: bytes) -> bytes:
        """What a peer with ``state_vector`` lacks (the SyncStep2 payload)."""
        try:
            return self.document.diff(state_vector)
        except BaseException as exc:
            if _is_fatal(exc):
                raise
            raise InvalidUpdate(f"bad state vector: {exc}") from exc

    def _note_comment_changes(self, event) -> None:
        if self._comment_changes is not None:
            self._comment_changes.update(event.keys)

    def _apply(self, update: bytes, writer: Writer | None = None,
               origin: str | None = None, builds_on_nothing: bool = False) -> bytes | None:
        """Apply an update; return what it changed, as an update, or None. A connection's
        update (``writer``, from ``origin``) comes with its comment corrections, as one
        change. An update that arrives before what it builds on is held back, and applied
        (as its writer's) with the update that brings the last of that: what it changes is
        part of this update's change, unless it is another connection's, which goes to
        ``_released`` to be stored as theirs. ``builds_on_nothing``: a compacted state, the
        whole of a document, is not checked (reading its structs took 150 ms for the
        automerge paper; applying it takes 6)."""
        if self.document.parked:
            try:  # a keystroke in the text: taken by the parked document as it is
                return self.document.take(update)
            except Unsure:
                pass  # a change that must be applied decoded (and checked)
        was_parked = self.document.parked
        try:
            if not builds_on_nothing and self.document.hold(update, (writer, origin)):
                return None  # (the document was decoded for the check)
        except BaseException as exc:  # pycrdt raises panics, which are BaseExceptions
            if _is_fatal(exc):
                raise
            raise InvalidUpdate(str(exc) or exc.__class__.__name__) from exc
        changes = self._apply_decoded(update, writer)
        progressed = bool(changes)
        while progressed and (ready := self.document.release()):
            progressed = False
            for held, (held_writer, held_origin) in ready:
                try:
                    released = self._apply_decoded(held, held_writer)
                except InvalidUpdate:  # its sender was told nothing: it seemed fine then
                    logger.warning("invalid held update dropped for %s", self.canvas_id)
                    continue
                progressed = progressed or bool(released)
                if held_origin is None or held_origin == origin:
                    changes += released
                else:
                    self._released += [(change, held_origin) for change in released]
        if was_parked:
            self.document.settle_after_decoding(settings.COLLAB_PARK_AFTER)
        return merged(changes) if changes else None

    def _apply_decoded(self, update: bytes, writer: Writer | None) -> list[bytes]:
        """Apply an update whose dependencies the decoded document has; return what it
        changed, as updates (its own, then its comment corrections)."""
        doc = self.doc
        self._captured.clear()
        self._comment_changes = {} if writer is not None else None
        try:
            doc.apply_update(update)
        except BaseException as exc:  # pycrdt raises panics, which are BaseExceptions
            if _is_fatal(exc):
                raise
            raise InvalidUpdate(str(exc) or exc.__class__.__name__) from exc
        finally:
            comment_changes, self._comment_changes = self._comment_changes, None
        if comment_changes:
            with doc.transaction(origin="stamp"):
                stamp(doc.get("comments", type=Map), comment_changes, writer)
        changes = [u for u in self._captured if u != EMPTY_UPDATE]
        self._captured.clear()
        self.document.applied(update, changed=bool(changes))
        return changes

    def would_change(self, update: bytes, ignoring: frozenset[str] = frozenset()) -> bool:
        """Whether applying ``update`` would change the document, other than the shared types
        named in ``ignoring`` (without applying it). A type the update creates counts, and
        so does an update that builds on what is not here yet: what it changes cannot be
        known before that arrives (it is held back until then, see _apply)."""
        probe = Doc()
        changed: list[bytes] = []
        try:
            probe.apply_update(self.document.encoded())
            if builds_on_missing(update, probe.get_state()):
                return True
            existing = set(probe.keys())
            # Kept referenced: pycrdt drops a subscription whose handle is collected.
            subscriptions = [probe.get(name, type=kind).observe_deep(
                lambda events: changed.append(b"!"))
                for name, kind in ROOTS.items() if name not in ignoring] if ignoring \
                else [probe.observe(lambda event: changed.append(event.update))]
            probe.apply_update(update)
        except BaseException as exc:
            if _is_fatal(exc):
                raise
            raise InvalidUpdate(str(exc)) from exc
        del subscriptions
        if ignoring and set(probe.keys()) - existing - set(ROOTS):
            return True
        return any(u != EMPTY_UPDATE for u in changed)

    async def receive_update(self, update: bytes, origin: str,
                             user_id: int | None = None, writer: Writer | None = None,
                             resync: bool = False) -> None:
        """A connection's update: apply (stamping comment authors), log, relay. ``resync``:
        the connection's answer to our SyncStep1, which may restore others' changes (see
        _check_writers)."""
        writers = await self._check_writers(update, origin, resync)
        if self.size + self.document.held_bytes + len(update) > settings.COLLAB_MAX_DOC \
                and self.would_change(update):
            raise DocumentTooLarge
        change = self._apply(update, writer, origin)
        for client in writers:
            self.origins.setdefault(client, origin)
        await self._store_released()
        if change is None:
            return
        self._edited_at = time.monotonic()
        self._last_editor = user_id
        self.size += len(change)
        await self.outbox.put(change, origin)
        await self.outbox.backpressure()

    async def _store_released(self) -> None:
        """Relay and store, as theirs, what other connections' held updates changed when
        the update just applied released them (a remote one, or another connection's)."""
        released, self._released = self._released, []
        for change, origin in released:
            self.size += len(change)
            await self.outbox.put(change, origin)

    async def _check_writers(self, update: bytes, origin: str, resync: bool = False) -> set[int]:
        """The client ids ``update`` writes new content under as ``origin``; ForeignWriter
        when one of them belongs to someone else (one lookup per client id this replica has
        not met: another process may have recorded it).

        Except in a resync (the answer to our SyncStep1): there a client sends everything
        it has that we lack, which includes others' changes that a replica relayed and
        then crashed before storing (changes are relayed first, stored right after). Those
        are restored under their owners' ids, and the sender's own changes with them:
        refusing the answer left the sender's offline edits, and everything typed next to
        them, waiting for good (the stress test's ASGI kill). The ids keep their owners;
        one nobody has recorded is the sender's, tentatively (collab.models.ClientOrigin)."""
        try:
            if all(self.origins.get(c) == origin and c not in self._tentative
                   for c in writer_clients(update)):
                return set()  # the usual keystroke: a client id already known to be theirs
            writers = new_writers(update, read_state_vector(self.document.state_vector()))
        except (ValueError, IndexError) as exc:
            raise InvalidUpdate(f"unreadable update: {exc}") from exc
        foreign = await self._others(writers, origin)
        if foreign and not resync:
            raise ForeignWriter(min(foreign))
        if foreign:
            logger.info("%s restored changes of %s on %s", origin,
                        sorted({self.origins[c] for c in foreign}), self.canvas_id)
        mine = writers - foreign
        if resync:
            # An id nobody has recorded may be someone else's whose first words were relayed,
            # then lost before anything of theirs was stored: the sender's for now, until
            # someone writes under it live (their owner, refused under it otherwise).
            unheard = {c for c in mine if c not in self.origins}
            if unheard:
                self._learn(await database_sync_to_async(persistence.record_tentative)(
                    self.canvas_id, unheard, origin))
            return set()
        tentative = mine & self._tentative
        if tentative:  # written live: the writer claims them, with the text under them
            self._learn(await database_sync_to_async(persistence.claim)(
                self.canvas_id, tentative, origin))
            taken = {c for c in tentative if self.origins.get(c) != origin}
            if taken:  # claimed by someone else meanwhile
                raise ForeignWriter(min(taken))
        return mine

    def _learn(self, claims: dict[int, persistence.Claim]) -> None:
        for client, (origin, tentative) in claims.items():
            self.origins[client] = origin
            if tentative:
                self._tentative.add(client)
            else:
                self._tentative.discard(client)

    async def _others(self, clients: set[int], origin: str) -> set[int]:
        """Those of ``clients`` that belong to someone other than ``origin`` (looked up for
        the ids this replica has not met: another process may have recorded them; an id
        nobody has recorded is ``origin``'s to claim, and so is one claimed tentatively)."""
        unknown = clients - self.origins.keys()
        if unknown:
            self._learn(await database_sync_to_async(persistence.client_claims)(
                self.canvas_id, unknown))
        return {client for client in clients
                if self.origins.get(client, origin) != origin and client not in self._tentative}

    def without_deletions_outside(self, update: bytes, roots: frozenset[str]) -> bytes:
        """``update`` less the deletions it would make outside ``roots``
        (collab/scoped_deletions.py: a commenter's resync)."""
        try:
            return without_deletions_outside(self.document.encoded(), update, roots)
        except BaseException as exc:  # pycrdt panics are BaseExceptions
            if _is_fatal(exc):
                raise
            raise InvalidUpdate(f"unreadable update: {exc}") from exc

    async def without_others(self, update: bytes, origin: str) -> bytes:
        """``update`` less what it writes under client ids that belong to someone else. A
        commenter's resync may hold an editor's text that a crashed replica relayed and never
        stored: a commenter may not write text, so it is left for those who may (the editor
        or a co-editor restores it), and the commenter's own comments go in meanwhile."""
        try:
            clients = writer_clients(update)
        except (ValueError, IndexError) as exc:
            raise InvalidUpdate(f"unreadable update: {exc}") from exc
        others = await self._others(clients, origin)
        try:
            return without_clients(update, others)
        except BaseException as exc:  # pycrdt panics are BaseExceptions
            if _is_fatal(exc):
                raise
            raise InvalidUpdate(f"unreadable update: {exc}") from exc

    async def _store(self, runs: list[Run]) -> None:
        # The seqs are not taken into max_seq: rows of other processes may sit below them,
        # and the log poll finds what the layer lost past max_seq.
        seqs = await store_thread.run(
            persistence.append_updates, self.canvas_id,
            [(run.update, run.origin) for run in runs], self.document.client_id)
        self._seen_rows.add(seqs)
        for run, seq in zip(runs, seqs, strict=True):
            run.seq = seq

    async def _after_store(self, runs: list[Run]) -> None:
        self._appended_since_compaction += sum(run.count for run in runs)
        await self._publish_updates([run.update for run in runs], [run.seq for run in runs])
        if self._appended_since_compaction >= COMPACT_EVERY and self._compacting is None:
            self._compacting = asyncio.create_task(self._compact())

    async def _store_failed(self, exc: Exception) -> None:
        """This replica now holds changes that are not stored. It must not serve anyone
        again: reconnecting clients would find those changes here, never send them again,
        and they would never be stored. Close it, drop every connection, and let the clients
        resync with a fresh replica loaded from the database (their documents still have
        the changes)."""
        logger.error("could not append updates of %s", self.canvas_id, exc_info=exc)
        self.closed = True
        await self._broadcast_close()
        self._abandoning = asyncio.create_task(self._abandon())

    async def _abandon(self) -> None:
        """Leave the registry and stop, storing nothing (see the write loop's failure)."""
        async with _locks.setdefault(self.canvas_id, asyncio.Lock()):
            if _replicas.get(self.canvas_id) is self:
                del _replicas[self.canvas_id]
        await self.stop(flush=False)

    async def _compact(self) -> None:
        try:
            self._appended_since_compaction = 0
            result = await database_sync_to_async(persistence.compact)(self.canvas_id)
            self.size = result.state_bytes or self.size
        except Exception:
            logger.exception("compaction of %s failed", self.canvas_id)
        finally:
            self._compacting = None

    # --- relaying ----------------------------------------------------------------------------

    async def _fanout(self, frame: bytes, exclude: object | None = None) -> None:
        prepared = PreparedFrame(frame)
        for connection in list(self.connections):
            if connection is exclude:
                continue
            try:
                if not connection.write_prepared(prepared):
                    await connection.send_prepared(prepared)
            except Exception:  # a closing socket must not stop the others
                logger.debug("send to a closing connection failed", exc_info=True)

    async def _broadcast_close(self) -> None:
        for connection in list(self.connections):
            with contextlib.suppress(Exception):
                await connection.close_for_resync()

    async def _group_send(self, message: dict) -> None:
        if self.layer is None or self._alone:
            return
        try:
            await self.layer.group_send(self.group, {**message, "sender": self.channel})
        except Exception:  # the log poll heals what the layer loses
            layer_health.health.failed("send", self.canvas_id)
            return
        layer_health.health.worked()

    async def _publish_updates(self, updates: list[bytes], seqs: list[int]) -> None:
        for message in relay.update_messages(updates, seqs=seqs):
            await self._group_send(message)

    @property
    def _alone(self) -> bool:
        """With the in-memory layer this process is the only one: nobody to tell."""
        return isinstance(self.layer, InMemoryChannelLayer)

    async def _read_layer(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer's server went away: wait, then listen again
                layer_health.health.failed("receive", self.canvas_id)
                await asyncio.sleep(LAYER_RETRY)
                continue
            layer_health.health.worked()
            if message.get("sender") == self.channel and message.get("sender"):
                continue
            try:
                await self._on_layer_message(message)
            except Exception:
                logger.exception("bad layer message for %s", self.canvas_id)

    async def _on_layer_message(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "canvas.update":
            for update in message.get("updates") or [message.get("update", b"")]:
                await self._apply_remote(update)
            self._seen_rows.add(message.get("seqs") or ())
        elif kind == "canvas.awareness":
            await self.presence.apply(message["update"], owner=None, publish=False)
        elif kind == "canvas.poke":
            self._poke.set()
        elif kind == "canvas.access":
            user_id = message.get("user_id")
            for connection in list(self.connections):
                if user_id is None or getattr(connection, "user_id", None) == user_id:
                    await connection.recheck_access(message.get("ended_session"))

    async def _apply_remote(self, update: bytes) -> bool:
        """An update already in the log (from another process): apply and show locally.
        Returns whether it was news here."""
        try:
            change = self._apply(update)
        except InvalidUpdate:
            logger.warning("invalid update relayed for %s", self.canvas_id)
            return False
        finally:
            await self._store_released()
        if change is None:
            return False
        self.size += len(change)
        await self._fanout(sync_update(change))
        return True

    async def _rejoin_layer(self) -> None:
        """The log held news the layer never brought: its server may have restarted and
        forgotten our group (Redis keeps groups in memory). Joining again is harmless."""
        now = time.monotonic()
        if self.layer is None or self._alone or not self.channel \
                or now - self._rejoined_at < REJOIN_EVERY:
            return
        self._rejoined_at = now
        try:
            await self.layer.group_add(self.group, self.channel)
        except Exception:
            logger.warning("could not rejoin %s on the channel layer", self.group,
                           exc_info=True)

    async def _poll_log(self) -> None:
        try:
            while True:
                with contextlib.suppress(asyncio.TimeoutError):
                    # On the process's shared clock: the replicas' looks go out as one query.
                    await asyncio.wait_for(self._poke.wait(),
                                           log_poll.until_next_tick(RESYNC_INTERVAL))
                self._poke.clear()
                try:
                    await self._poll_once()
                except Exception:
                    # The poll heals lost layer messages and rejoins a restarted layer: a
                    # round that fails must not end it (it would end silently, for good).
                    logger.exception("log poll of %s failed", self.canvas_id)
        except BaseException:
            if not self.closed:  # not stopped by us: a stray cancellation, say so
                logger.exception("log poll of %s ended while the replica is open",
                                 self.canvas_id)
            raise

    async def _poll_once(self) -> None:
        """One look at the log: apply what this replica missed, then the housekeeping that
        rides on the poll's clock (checkpoints, parking)."""
        looked_at = timezone.now()
        whole = self._stuck()
        try:
            # Late commits are looked for since the previous look, however long ago a busy
            # loop made it: a window counted from now alone let rows slip through for good.
            missed = await log_poll.poller().look(persistence.LogLook(
                self.canvas_id, 0 if whole else self.max_seq, self._looked_at))
        except Exception:
            logger.warning("log poll failed for %s", self.canvas_id, exc_info=True)
            return
        if whole:
            self._reread_at = time.monotonic()
            logger.info("%s read its log whole: %d updates were held back for %.0f s",
                        self.canvas_id, self.document.held, whole)
        else:
            # Rows this replica wrote or read already, including those it stored while the
            # poll read (on another thread), are left out.
            missed = missed.without(self._seen_rows)
        news = False
        for update in missed.updates:
            news = await self._apply_remote(update) or news
        if whole and (dropped := self.document.drop_held_older_than(HOLD_AT_MOST)):
            logger.warning("%s dropped %d updates held for over %.0f s: what they build on "
                           "is nowhere", self.canvas_id, dropped, HOLD_AT_MOST)
        self.max_seq = max(self.max_seq, missed.max_seq)
        self._seen_rows.add(missed.seqs)
        self._looked_at = looked_at
        if news:
            await self._rejoin_layer()
        await self._maybe_checkpoint()
        self.document.settle(settings.COLLAB_PARK_AFTER)

    def _stuck(self) -> float:
        """How long an update has been held back for a row that neither the layer nor the
        poll brought, if long enough to read the log whole (at most every REREAD_AFTER);
        else 0."""
        since = self.document.held_since
        now = time.monotonic()
        if since is None or now - since < REREAD_AFTER or now - self._reread_at < REREAD_AFTER:
            return 0.0
        return now - since

    async def _maybe_checkpoint(self, pause: float | None = None) -> None:
        """A version after people paused editing (the history's checkpoints)."""
        pause = settings.COLLAB_CHECKPOINT_PAUSE if pause is None else pause
        if self._edited_at is None or time.monotonic() - self._edited_at < pause:
            return
        await self.flush()
        author, self._edited_at = self._last_editor, None
        text = self.document.text("content")
        try:
            await database_sync_to_async(signals.editing_paused.send)(
                sender=Replica, canvas_id=self.canvas_id, text=text, user_id=author)
        except Exception:
            logger.exception("checkpoint of %s failed", self.canvas_id)

    # --- presence ----------------------------------------------------------------------------

    def awareness_snapshot(self) -> bytes | None:
        return self.presence.snapshot()

    async def receive_awareness(self, entries: list[AwarenessEntry], owner: object) -> None:
        await self.presence.receive(entries, owner)

    async def remove_owner(self, owner: object) -> None:
        await self.presence.remove_owner(owner)


# --- the registry of replicas of this process ---------------------------------------------------

_replicas: dict[str, Replica] = {}
_locks: dict[str, asyncio.Lock] = {}
_closers: dict[str, asyncio.Task] = {}


async def acquire(canvas_id: str, connection: Connection,
                  factory: Callable[[str], Replica] = Replica) -> Replica:
    """The replica of ``canvas_id`` (started on first use), with ``connection`` joined."""
    canvas_id = str(canvas_id)
    lock = _locks.setdefault(canvas_id, asyncio.Lock())
    async with lock:
        closer = _closers.pop(canvas_id, None)
        if closer:
            closer.cancel()
        replica = _replicas.get(canvas_id)
        if replica is None or replica.closed:
            replica = factory(canvas_id)
            await replica.start()
            _replicas[canvas_id] = replica
        replica.connections.add(connection)
        return replica


async def release(replica: Replica, connection: Connection) -> None:
    replica.connections.discard(connection)
    await replica.remove_owner(connection)
    if not replica.connections and replica.canvas_id not in _closers:
        _closers[replica.canvas_id] = asyncio.create_task(_close_later(replica))


async def _close_later(replica: Replica) -> None:
    try:
        await asyncio.sleep(LINGER_SECONDS)
    except asyncio.CancelledError:
        return
    lock = _locks.setdefault(replica.canvas_id, asyncio.Lock())
    async with lock:
        _closers.pop(replica.canvas_id, None)
        if replica.connections or replica.closed:
            return  # back in use, or abandoned after a failed write (it stops itself)
        if _replicas.get(replica.canvas_id) is replica:
            del _replicas[replica.canvas_id]
        await replica.stop()


def open_replicas() -> dict[str, Replica]:
    return dict(_replicas)

