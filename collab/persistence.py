"""Storing a canvas's Y document: the compacted state plus the append-only update log.

All functions here are synchronous and touch the database: call them from a thread
(``database_sync_to_async``, or ``store_thread`` for a replica's appends), never on the
event loop.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import connections, transaction
from django.utils import timezone
from pycrdt import Doc, Text

from . import signals
from .models import ClientOrigin, DocUpdate, room_model
from .waiting_updates import FollowedClocks, WaitingUpdates, read_needs
from .yjs_positions import writer_clients

logger = logging.getLogger(__name__)

#: Rows this recent are re-read by the log poll even below the highest seq seen: on
#: PostgreSQL a transaction can commit a smaller seq after a larger one became visible.
LATE_COMMIT_WINDOW = timedelta(seconds=10)
_DELETE_CHUNK = 500


@dataclass
class Loaded:
    """What a replica needs to start: the updates to apply, in order, and the last seq."""

    updates: list[bytes]
    max_seq: int
    seqs: list[int] = field(default_factory=list)  # of the rows among ``updates``, its tail

    @property
    def whole(self) -> int:
        """How many of ``updates`` come before the rows: the compacted state, if any."""
        return len(self.updates) - len(self.seqs)

    def without(self, known: Container[int]) -> Loaded:
        """The same, less the rows whose seq is in ``known`` (the compacted state stays)."""
        head = self.whole
        kept = [(update, seq) for update, seq in zip(self.updates[head:], self.seqs, strict=True)
                if seq not in known]
        return Loaded(self.updates[:head] + [update for update, _ in kept], self.max_seq,
                      [seq for _, seq in kept])


def load(canvas_id: str) -> Loaded:
    """The canvas's compacted state and every update logged after it.

    Raises the room model's DoesNotExist: a missing room is never served as an empty
    document.
    """
    with transaction.atomic():
        state, state_seq = room_model().objects.values_list("state", "state_seq") \
            .get(pk=canvas_id)
        rows = list(DocUpdate.objects.filter(canvas_id=canvas_id).order_by("seq")
                    .values_list("seq", "data"))
    updates = [bytes(state)] if state else []
    updates += [bytes(data) for _, data in rows]
    return Loaded(updates, max([state_seq, *(seq for seq, _ in rows)]),
                  [seq for seq, _ in rows])


def apply_all(doc: Doc, updates: list[bytes], whole: int = 0) -> Doc:
    """Apply ``updates`` to ``doc`` (the first ``whole`` of them compacted states, built
    on nothing), each once what it builds on is there: see ``apply_causally``."""
    apply_causally(doc, updates, whole)
    return doc


def apply_causally(doc: Doc, updates: list[bytes], whole: int = 0) -> list[int]:
    """Apply ``updates`` to ``doc``, each once what it builds on is there, whatever order
    they come in: Yrs mishandles an update given before its dependencies (see
    collab/waiting_updates.py). The first ``whole`` are compacted states, whole documents
    built on nothing, applied as they are (checking one reads all its structs). Returns the
    indices of the updates that still lacked something at the end: they are applied too,
    and wait in ``doc`` as Yrs pending structs, as they always did. Raises ValueError (or
    a pycrdt error) for an update that is not one."""
    waiting: WaitingUpdates[int] = WaitingUpdates()
    clocks = FollowedClocks()  # each apply_update below is one transaction
    for index, update in enumerate(updates):
        if index >= whole:
            needs, typed = read_needs(update, doc.get_state)
            if waiting.hold(update, needs, clocks.of(doc), index):
                continue
            clocks.will_integrate(update, typed)
        doc.apply_update(update)
        clocks.saw_transaction()
        clocks.integrated(update, changed=True)
        while len(waiting) and (ready := waiting.release(clocks.of(doc))):
            for held, _ in ready:
                doc.apply_update(held)
                clocks.saw_transaction()
    stuck = waiting.release_all()
    for update, _ in stuck:
        doc.apply_update(update)
    return [index for _, index in stuck]


def load_doc(canvas_id: str) -> Doc:
    """A fresh pycrdt document holding the canvas as stored."""
    loaded = load(canvas_id)
    return apply_all(Doc(), loaded.updates, whole=loaded.whole)


def load_text(canvas_id: str, name: str = "content") -> str:
    """The canvas text as a fresh load from the database gives it."""
    doc = load_doc(canvas_id)
    return str(doc.get(name, type=Text))


def append_updates(canvas_id: str, items: list[tuple[bytes, str]],
                   server_client: int | None = None) -> list[int]:
    """Append ``(update, origin)`` rows in one transaction; return their seqs.

    The client ids each update writes under are recorded with its origin, the first time
    (provenance); ``server_client`` is the replica's own id (its corrections are the
    system's, not the writer's)."""
    origins = _new_origins(canvas_id, items, server_client)
    # One statement is atomic by itself: a transaction is only needed around more.
    single = not origins and len(items) <= _INSERT_CHUNK
    with contextlib.nullcontext() if single else transaction.atomic():
        seqs = _insert_rows(canvas_id, items)
        if origins:
            ClientOrigin.objects.bulk_create(
                [ClientOrigin(canvas_id=canvas_id, client_id=client, origin=origin[:80])
                 for client, origin in origins.items()], ignore_conflicts=True)
    signals.updates_appended.send(sender=None, room=canvas_id)
    _known.update((canvas_id, client) for client in origins)
    return seqs


class _LogSQL:
    """What the hand-written SQL of the log's hot paths (append, poll) needs: the log's
    connection, its table and column names quoted, and values prepared as its fields do."""

    def __init__(self) -> None:
        self.connection = connections[DocUpdate.objects.db]
        quote = self.connection.ops.quote_name
        self.table = quote(DocUpdate._meta.db_table)
        self.column = {field.name: quote(field.column)
                       for field in DocUpdate._meta.concrete_fields}

    def prep(self, field: str, value: object) -> object:
        return DocUpdate._meta.get_field(field).get_db_prep_save(value, self.connection)


#: Rows per INSERT statement (SQLite allows 32,766 parameters, four per row here).
_INSERT_CHUNK = 1000


def _insert_rows(canvas_id: str, items: list[tuple[bytes, str]]) -> list[int]:
    """``INSERT ... RETURNING seq``, as ``bulk_create`` does, without its per-row model and
    field machinery: that was three quarters of a keystroke's store, on the thread whose
    GIL the event loop waits for (measured: 410 against 100 us of CPU per append)."""
    log = _LogSQL()
    canvas = log.prep("canvas", canvas_id)
    created = log.prep("created", timezone.now())
    columns = ", ".join(log.column[name] for name in ("canvas", "data", "origin", "created"))
    seqs: list[int] = []
    with log.connection.cursor() as cursor:
        for start in range(0, len(items), _INSERT_CHUNK):
            chunk = items[start:start + _INSERT_CHUNK]
            params: list[object] = []
            for data, origin in chunk:
                params += [canvas, data, origin[:80], created]
            cursor.execute(
                f"INSERT INTO {log.table} ({columns}) VALUES "
                f"{', '.join(['(%s, %s, %s, %s)'] * len(chunk))} RETURNING {log.column['seq']}",
                params)
            seqs += [seq for (seq,) in cursor.fetchall()]
    return seqs


#: (canvas, client id) pairs this process has recorded: each is written once, not per batch.
_known: set[tuple[str, int]] = set()
_KNOWN_LIMIT = 200_000


def _new_origins(canvas_id: str, items: list[tuple[bytes, str]],
                 server_client: int | None) -> dict[int, str]:
    if len(_known) > _KNOWN_LIMIT:
        _known.clear()
    found: dict[int, str] = {}
    for data, origin in items:
        try:
            clients = writer_clients(data)
        except (ValueError, IndexError):
            continue  # not ours to judge here: the replica refused what it could not read
        for client in clients:
            if (canvas_id, client) not in _known and client not in found:
                found[client] = "system" if client == server_client else origin
    return found


# --- reading the log: what the app may know of who changed what, and when -----------------

@dataclass(frozen=True)
class LogEntry:
    """One stored update: who sent it (its origin), when it was stored, its bytes."""

    origin: str
    created: datetime
    data: bytes


def _log(canvas_id: str, after: datetime | None, until: datetime | None,
         origin_prefix: str):
    rows = DocUpdate.objects.filter(canvas_id=canvas_id)
    if after is not None:
        rows = rows.filter(created__gt=after)
    if until is not None:
        rows = rows.filter(created__lte=until)
    if origin_prefix:
        rows = rows.filter(origin__startswith=origin_prefix)
    return rows


def log_entries(canvas_id: str, *, after: datetime | None = None,
                until: datetime | None = None, origin_prefix: str = "",
                newest_first: bool = False, limit: int | None = None) -> Iterator[LogEntry]:
    """The updates stored since the last compaction, stored after ``after`` and up to
    ``until``, from origins starting with ``origin_prefix``, oldest first (or newest first),
    at most ``limit``. Read in chunks: a long log is never held at once. Compaction folds
    the log into the state, so what it returns is recent history, never all of it."""
    rows = _log(canvas_id, after, until, origin_prefix) \
        .order_by("-seq" if newest_first else "seq").values_list("origin", "created", "data")
    if limit is not None:
        rows = rows[:limit]
    for origin, created, data in rows.iterator(chunk_size=500):
        yield LogEntry(origin, created, bytes(data))


def log_origins(canvas_id: str, *, after: datetime | None = None,
                until: datetime | None = None, origin_prefix: str = "") -> set[str]:
    """The origins of the updates ``log_entries`` would return."""
    return set(_log(canvas_id, after, until, origin_prefix)
               .values_list("origin", flat=True).distinct())


def log_count(canvas_id: str, *, after: datetime | None = None,
              until: datetime | None = None) -> int:
    return _log(canvas_id, after, until, "").count()


def clients_first_seen(canvas_id: str) -> dict[int, datetime]:
    """When each client id of the canvas first wrote (its provenance record's time)."""
    return dict(ClientOrigin.objects.filter(canvas_id=canvas_id)
                .values_list("client_id", "created"))


def record_tentative(canvas_id: str, clients: set[int], origin: str) -> dict[int, Claim]:
    """Record ``clients`` as ``origin``'s, tentatively, where nobody has recorded them;
    return each one's record now (another process may have recorded one meanwhile)."""
    ClientOrigin.objects.bulk_create(
        [ClientOrigin(canvas_id=canvas_id, client_id=client, origin=origin[:80], tentative=True)
         for client in clients], ignore_conflicts=True)
    return client_claims(canvas_id, clients)


def claim(canvas_id: str, clients: set[int], origin: str) -> dict[int, Claim]:
    """Make ``origin`` the writer, for good, of those of ``clients`` recorded tentatively
    (the text under them becomes theirs); return each one's record now."""
    ClientOrigin.objects.filter(canvas_id=canvas_id, client_id__in=list(clients),
                                tentative=True).update(origin=origin[:80], tentative=False)
    return client_claims(canvas_id, clients)


class Claim(NamedTuple):
    origin: str
    tentative: bool


def client_claims(canvas_id: str, clients: set[int] | None = None) -> dict[int, Claim]:
    """Who writes under each client id of the canvas (all of them, or ``clients``), and
    whether that is only tentative (see ClientOrigin)."""
    rows = ClientOrigin.objects.filter(canvas_id=canvas_id)
    if clients is not None:
        rows = rows.filter(client_id__in=list(clients))
    return {client: Claim(origin, tentative)
            for client, origin, tentative in rows.values_list("client_id", "origin",
                                                              "tentative")}


def client_origins(canvas_id: str, clients: set[int] | None = None) -> dict[int, str]:
    """Who writes under each client id of the canvas (all of them, or ``clients``)."""
    return {client: claimed.origin for client, claimed in client_claims(canvas_id, clients).items()}


def updates_since(canvas_id: str, seq: int, since: datetime | None = None) -> Loaded:
    """Updates a reader that has seen up to ``seq`` may have missed.

    Includes the compacted state when compaction has folded rows past ``seq`` (the rows are
    gone, the state has them), and rows below ``seq`` that may have committed late: those
    created since LATE_COMMIT_WINDOW before ``since`` (the reader's previous look; now by
    default). Raises the room model's DoesNotExist for a room that is gone.
    """
    loaded = updates_since_many([LogLook(canvas_id, seq, since)])[0]
    if loaded is None:
        raise room_model().DoesNotExist(f"no room {canvas_id}")
    return loaded


@dataclass(frozen=True)
class LogLook:
    """One replica's question to the log: what of ``room`` past ``seq`` (and what committed
    late since ``since``) may it have missed?"""

    room: str
    seq: int
    since: datetime | None = None


#: Rooms per query of ``updates_since_many`` (three parameters each).
_LOOKS_PER_QUERY = 200


def updates_since_many(looks: list[LogLook]) -> list[Loaded | None]:
    """``updates_since`` for many rooms (None for a room that does not exist), in two
    queries per _LOOKS_PER_QUERY rooms plus one for the compacted states that are needed: a
    process polls the log for all its open rooms at once, not with a query per room."""
    results: list[Loaded | None] = []
    for start in range(0, len(looks), _LOOKS_PER_QUERY):
        results += _updates_since_chunk(looks[start:start + _LOOKS_PER_QUERY])
    return results


def _updates_since_chunk(looks: list[LogLook]) -> list[Loaded | None]:
    now = timezone.now()
    key = room_model()._meta.pk.to_python  # rows name their room as the database gives it
    looks = [LogLook(str(key(look.room)), look.seq, look.since) for look in looks]
    rooms = room_model().objects.filter(pk__in=[look.room for look in looks])
    state_seqs = {str(pk): state_seq for pk, state_seq in rooms.values_list("pk", "state_seq")}
    present = [look for look in looks if look.room in state_seqs]
    if not present:
        return [None] * len(looks)
    folded = [look.room for look in present if state_seqs[look.room] > look.seq]
    states = {str(pk): bytes(state or b"") for pk, state in
              rooms.filter(pk__in=folded).values_list("pk", "state")} if folded else {}
    rows = _rows_since(present, now)
    results: list[Loaded | None] = []
    for look in looks:
        if look.room not in state_seqs:
            results.append(None)
            continue
        found = rows[look.room]
        updates = [states[look.room]] if states.get(look.room) else []
        updates += [data for _, data in found]
        results.append(Loaded(updates, max([look.seq, state_seqs[look.room],
                                            *(seq for seq, _ in found)]),
                              [seq for seq, _ in found]))
    return results


def _rows_since(looks: list[LogLook], now: datetime) -> dict[str, list[tuple[int, bytes]]]:
    """Each look's rows past its seq or created since its late-commit window, in one
    SELECT. Written out rather than built with Q objects: the ORM took 0.2 ms per room to
    compile the condition, more than the database took to answer it."""
    log = _LogSQL()
    column = log.column
    rooms: dict[object, str] = {}  # the room as the database gives it back -> as asked
    conditions, params = [], []
    for look in looks:
        room = log.prep("canvas", look.room)
        rooms[room] = look.room
        conditions.append(f"({column['canvas']} = %s AND ({column['seq']} > %s "
                          f"OR {column['created']} >= %s))")
        params += [room, look.seq, log.prep("created", (look.since or now) - LATE_COMMIT_WINDOW)]
    rows: dict[str, list[tuple[int, bytes]]] = {look.room: [] for look in looks}
    with log.connection.cursor() as cursor:
        cursor.execute(f"SELECT {column['canvas']}, {column['seq']}, {column['data']} "
                       f"FROM {log.table} WHERE {' OR '.join(conditions)} "
                       f"ORDER BY {column['seq']}", params)
        for room, seq, data in cursor.fetchall():
            rows[rooms[room]].append((seq, bytes(data)))
    return rows


@dataclass
class Compaction:
    folded: int
    state_bytes: int


def compact(canvas_id: str) -> Compaction:
    """Fold every logged update into the canvas state, in one transaction.

    Replays into a document (``merge_updates`` slows sharply with many updates) and deletes
    exactly the rows it folded, so a row committed meanwhile stays in the log.
    """
    with transaction.atomic():
        canvas = room_model().objects.select_for_update().only("state", "state_seq") \
            .get(pk=canvas_id)
        rows = list(DocUpdate.objects.filter(canvas_id=canvas_id).order_by("seq")
                    .values_list("seq", "data"))
        if not rows:
            return Compaction(0, len(canvas.state or b""))
        doc = Doc()
        whole = 1 if canvas.state else 0
        try:
            stuck = apply_causally(doc, [bytes(canvas.state)] * whole +
                                   [bytes(data) for _, data in rows], whole)
        except BaseException as exc:  # a pycrdt panic is not an Exception
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            logger.error("compaction of %s skipped: %r", canvas_id, exc)
            return Compaction(0, len(canvas.state or b""))
        state = doc.get_update()
        # A row that still lacks what it builds on is not in the state (Yrs leaves pending
        # structs out): it stays in the log until a later compaction has what it needs.
        unfolded = {rows[index - whole][0] for index in stuck}
        if unfolded:
            logger.warning("compaction of %s left %d rows in the log: they build on what "
                           "is not stored", canvas_id, len(unfolded))
        seqs = [seq for seq, _ in rows if seq not in unfolded]
        if not seqs:
            return Compaction(0, len(canvas.state or b""))
        room_model().objects.filter(pk=canvas_id).update(
            state=state, state_seq=max(seqs + [canvas.state_seq]))
        for start in range(0, len(seqs), _DELETE_CHUNK):
            DocUpdate.objects.filter(seq__in=seqs[start:start + _DELETE_CHUNK]).delete()
    return Compaction(len(seqs), len(state))
