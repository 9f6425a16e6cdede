"""Running one assistant turn: ask the model, apply what it chooses as it streams, report.

A turn is the assistant ``Message`` answering a person's request. It runs on a Celery
worker (or a thread on a laptop), one turn per canvas at a time. Everything the model
changes goes through ``AssistantPeer``, so it merges with what people type meanwhile.
"""

from __future__ import annotations

import json
import logging
import secrets
import time

import httpx
import openai
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from canvas import chat
from canvas.models import Canvas, Membership, Message, Role, Version
from canvas.versions import make_version

from . import activity, config, prompts, queue, room, selection, suggestions, variants
from .applier import APPLIED, FAILED, HELD, SKIPPED, SUGGESTED, Applier, ApplyOptions
from .fork import Snapshot
from .guard import Guard, Policy
from .observer import NOBODY, TurnObserver
from .peer import AssistantPeer
from .stream import CallComplete, CallProgress, StreamEnd, TextDelta, Usage, model_events
from .tools import (
    COMMENT,
    EDIT,
    REWRITE,
    TOOL_NAMES,
    StreamedCall,
    ToolArgumentsError,
)

logger = logging.getLogger(__name__)

LOCK_TTL = 15 * 60
WAIT_LIMIT = 10 * 60
HEARTBEAT_EVERY = 3.0
BROADCAST_EVERY = 0.12
DRAFT_FLUSH_EVERY = 0.08
PARSE_EVERY = 0.1
CONTEXT_CHARS = 6_000  # a correction round shows the text whole up to this size
CANCEL_EVERY = 0.05
MAX_ROUNDS = 2  # the first answer, and one chance to correct failed edits


class TurnFailed(Exception):
    """Ends the turn with this message shown to everyone."""


class TurnCancelled(Exception):
    pass


def cancel_key(message_id: int) -> str:
    return f"turn-cancel:{message_id}"


def request_stop(message_id: int) -> None:
    cache.set(cancel_key(message_id), 1, LOCK_TTL)


def reap_stale_turns(canvas_id: object) -> int:
    """Mark turns whose worker died as failed, so nothing shows "streaming" forever."""
    cutoff = timezone.now() - timezone.timedelta(seconds=settings.CANVAS_TURN_STALE_AFTER)
    stale = Message.objects.filter(canvas_id=canvas_id, is_assistant=True,
                                   status=Message.Status.STREAMING, heartbeat__lt=cutoff)
    count = 0
    for message in stale:
        updated = Message.objects.filter(id=message.id, status=Message.Status.STREAMING,
                                         heartbeat__lt=cutoff).update(
            status=Message.Status.FAILED,
            error="The assistant was interrupted: its worker stopped. Anything it had "
                  "already changed stays in the canvas; ask again to continue.")
        if updated:
            count += 1
            message.refresh_from_db()
            chat.send_message(message)
    return count


def _readable_error(exc: Exception) -> str:
    if isinstance(exc, openai.RateLimitError):
        return ("The model provider is rate-limiting requests (429) and retries did not "
                "help. Wait a minute and ask again.")
    if isinstance(exc, openai.APITimeoutError):
        return "The model did not answer in time. Try again, perhaps with a smaller request."
    if isinstance(exc, openai.AuthenticationError):
        return "The model provider rejected the API key (401). Check OPENAI_API_KEY."
    if isinstance(exc, openai.NotFoundError):
        return (f"The model provider does not know the model “{config.model_name()}” (404). "
                "Check CANVAS_MODEL.")
    if isinstance(exc, openai.APIStatusError):
        return (f"The model provider answered with an error ({exc.status_code}) and retries "
                "did not help. Try again later.")
    if isinstance(exc, openai.APIConnectionError):
        return "Could not reach the model provider. Check OPENAI_BASE_URL and the network."
    return "The model's answer could not be read."


class TurnRunner:
    def __init__(self, message_id: int, observer: TurnObserver = NOBODY) -> None:
        #: Told at fixed points of the turn (observer.py); nobody, outside the evals.
        self.observer = observer
        self.message = (Message.objects.select_related("canvas", "reply_to", "reply_to__author")
                        .get(id=message_id))
        self.canvas: Canvas = self.message.canvas
        self.request: Message | None = self.message.reply_to
        self.peer: AssistantPeer | None = None
        self.applier: Applier | None = None
        self.text = ""
        self.failed_notes: list[str] = []
        self._last_broadcast = 0.0
        self._last_heartbeat = 0.0
        self._last_cancel_check = 0.0
        self._before_version = False
        self._lock_held = False
        self._draft_buffer = ""
        # "content" (an empty canvas, typed straight in), "draft", or "stopped" (too large)
        self._draft_target: str | None = None
        self._typing_cut_short = False
        self._last_draft_flush = 0.0
        self.comments_only = False  # the person asking is a commenter (see _asker_role)
        self.variant = variants.current()  # the prompt and tool schemas (variants.py)
        self._scope_len: int | None = None  # see _scope_chars

    # --- life cycle ---------------------------------------------------------------------------

    def run(self) -> None:
        message = self.message
        if message.status != Message.Status.STREAMING:
            return  # stopped before it started
        if message.started is not None:
            # A redelivered task: its first worker died mid-turn. Re-running could repeat
            # edits, so the turn ends here and says so.
            self._finish(Message.Status.FAILED, error="The assistant was interrupted: its "
                         "worker stopped. Anything it had already changed stays in the "
                         "canvas; ask again to continue.")
            return
        message.started = message.heartbeat = timezone.now()
        message.model = config.model_name()  # the model this worker asks, for the chat to name
        message.save(update_fields=["started", "heartbeat", "model"])
        try:
            self._wait_for_turn()
            self._run()
        except TurnCancelled:
            self._finish(Message.Status.CANCELLED)
        except TurnFailed as exc:
            self._finish(Message.Status.FAILED, error=str(exc))
        except BaseException as exc:  # pycrdt panics are BaseExceptions, not Exceptions
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            logger.exception("assistant turn %s failed", message.id)
            self._finish(Message.Status.FAILED, error="Something went wrong while applying "
                         "the answer. The canvas is consistent; ask again.")
        finally:
            if self.peer is not None:
                try:
                    self.peer.clear_draft()
                    self.peer.leave()
                except Exception:
                    logger.exception("could not clean up after turn %s", message.id)
            if self._lock_held:
                cache.delete(self._lock_key)

    @property
    def _lock_key(self) -> str:
        return f"turn-lock:{self.canvas.id}"

    def _wait_for_turn(self) -> None:
        """Turns on one canvas run one after the other, never interleaved, in the order of
        the request queue (queue.py): only the first in line may take the lock."""
        deadline = time.monotonic() + WAIT_LIMIT
        said_waiting = False
        while not (queue.first_in_line(self.message)
                   and cache.add(self._lock_key, self.message.id, LOCK_TTL)):
            holder = cache.get(self._lock_key)
            if holder and not Message.objects.filter(
                    id=holder, status=Message.Status.STREAMING).exists():
                cache.delete(self._lock_key)  # its turn ended without releasing the lock
                continue
            if not said_waiting:
                self.message.summary = "Waiting for the previous request to finish…"
                self._broadcast(force=True)
                said_waiting = True
            self._check_cancel()
            self._heartbeat()
            if time.monotonic() > deadline:
                raise TurnFailed("The previous request took too long; ask again.")
            time.sleep(0.2)
        self._lock_held = True
        if queue.leave(self.message):
            queue.announce(self.canvas.id)
        if self.request is not None:
            self.request.refresh_from_db(fields=["text"])  # edited while it waited
        if said_waiting:
            self.message.summary = ""

    def _finish(self, status: str, error: str = "") -> None:
        if queue.leave(self.message):  # cancelled or failed while it waited
            queue.announce(self.canvas.id)
        message = self.message
        message.status = status
        message.error = error
        message.text = self.text or message.text
        if self.applier is not None:
            self.applier.merge()  # what a call cut short by Stop or an error had applied
        if self.applier is not None and self.applier.changed:
            message.edit_update = self.applier.update()
            self._make_version(Version.Reason.ASSISTANT_AFTER, "After the assistant's edit")
        message.action = self._action()
        message.summary = self._summary(status)
        message.save()
        chat.send_message(message)

    @property
    def applied(self) -> dict[str, int]:
        return self.applier.counts if self.applier else {"edits": 0, "comments": 0,
                                                         "rewrite": 0}

    def _action(self) -> str:
        if self.applied["rewrite"]:
            return Message.Action.REWRITE
        if self.applied["edits"]:
            return Message.Action.EDIT
        if self.applier is not None and self.applier.suggested:
            return Message.Action.SUGGEST
        if self.applied["comments"]:
            return Message.Action.COMMENT
        return Message.Action.REPLY

    def _summary(self, status: str) -> str:
        parts = []
        if self.applied["rewrite"]:
            parts.append("Rewrote the canvas")
        if self.applied["edits"]:
            n = self.applied["edits"]
            parts.append(f"Edited {n} passage{'s' if n != 1 else ''}")
        if self.applier is not None and self.applier.suggested:
            n = self.applier.suggested
            parts.append(f"Suggested {n} change{'s' if n != 1 else ''} for people to accept")
        if self.applied["comments"]:
            n = self.applied["comments"]
            parts.append(f"Left {n} comment{'s' if n != 1 else ''}")
        if self.failed_notes:
            parts.append(f"{len(self.failed_notes)} change(s) could not be applied: "
                         + "; ".join(self.failed_notes[:3]))
        if status == Message.Status.CANCELLED:
            parts.append("Stopped" + (": what was already applied stays" if
                                      any(self.applied.values()) else ""))
        return ". ".join(parts)[:300]

    # --- the turn ------------------------------------------------------------------------------

    def _run(self) -> None:
        if not config.is_configured():
            raise TurnFailed(config.NOT_CONFIGURED)
        self.comments_only = not self._asker_may_edit()
        target = self._target_canvas()
        self.peer = AssistantPeer(target.id, self.message.id, config.model_name())
        request = self.request
        if request is not None:
            asker = request.author.get_username() if request.author else "someone"
            self.peer.task = {"request": request.text[:120], "askedBy": asker}
        self.peer.show_presence()
        self._show_activity(activity.READING)
        try:
            sel = selection.resolve(self.peer, request.selection if request else None)
        except selection.SelectionError as exc:
            raise TurnFailed(str(exc)) from exc
        shortcut = prompts.SHORTCUTS.get(request.shortcut) if request and request.shortcut \
            else None
        ask = request.text if request else ""
        if shortcut:
            ask = shortcut.prompt.format(language=self._port_language() or "")
        # The snapshot: exactly what the model is shown. Everything it changes is placed in
        # this version (in a fork), never in the live text that keeps moving.
        suggestions.prune_stale(self.peer)  # rejected by time: their text moved on
        text = self.peer.text()
        window = prompts.canvas_window(text, sel.start if sel else None)
        snapshot = Snapshot.of(self.peer.doc, window)
        code = target.kind == "code"
        asker_id = request.author_id if request else None
        # Read from the same state as the snapshot: its positions are the snapshot's.
        seen = room.observe(str(target.id), self.peer.doc,
                            since=max(room.RECENT_SECONDS, target.assistant_guard_seconds))
        guard = None if self.comments_only else Guard(
            Policy(target.assistant_policy, target.assistant_guard_seconds), seen, asker_id,
            code)
        self.applier = Applier(snapshot, self._claim_client_id(), self.peer, ApplyOptions(
            selection=(sel.start, sel.end) if sel else None,
            max_doc=settings.COLLAB_MAX_DOC,
            may_shrink=bool(shortcut and shortcut.name == "shorter") or prompts.asks_to_shrink(ask),
            author=config.model_name(), heartbeat=self._heartbeat,
            suggestion_meta={"turn": self.message.id,
                             "askedBy": self.peer.task["askedBy"] if self.peer.task else "",
                             "request": (request.text if request else "")[:120]}), guard)
        messages = prompts.build_messages(
            kind=target.kind, language=target.get_language_display(), text=text,
            request=ask, selection=sel.quote if sel else None, window=window,
            history=self._history(), system_prompt=self.variant.system_prompt,
            extra_instructions="\n\n".join(note for note in (
                prompts.COMMENTER_NOTE if self.comments_only else "",
                room.tell(seen, code=code, asker_id=asker_id, window=window)) if note))
        self.observer.prompt_built(self, messages)
        client = config.client()
        earlier_notes: list[str] = []  # what failed in the round before a correction round
        for round_number in range(MAX_ROUNDS):
            said_before = len(self.text)
            calls = self._stream_with_retry(client, messages)
            self.observer.answer_finished(self, round_number, self.text[said_before:], calls)
            failures = [r for call in calls for r in call.results
                        if r.get("status") not in (APPLIED, SKIPPED, HELD, SUGGESTED)]
            if not calls or not failures or round_number == MAX_ROUNDS - 1:
                break
            # Give the model its tool results so it can correct what failed, once.
            messages.append({"role": "assistant", "content": self.text[said_before:] or None,
                             "tool_calls": [{"id": c.id or f"call_{c.index}", "type": "function",
                                             "function": {"name": c.name,
                                                          "arguments": c.arguments}}
                                            for c in calls]})
            for call in calls:
                messages.append({"role": "tool", "tool_call_id": call.id or f"call_{call.index}",
                                 "content": json.dumps(self._tool_result(call),
                                                       ensure_ascii=False)})
            earlier_notes, self.failed_notes = self.failed_notes, []
        if not calls and earlier_notes:
            self.failed_notes = earlier_notes  # the correction round changed nothing

        self._finish(Message.Status.DONE)

    def _asker_may_edit(self) -> bool:
        """Whether the person who asked may change the text, as of now (roles change while
        requests wait); a commenter's turn only replies and comments."""
        author = self.request.author if self.request else None
        if author is None:
            return True  # a turn nobody asked for (tests, the system)
        membership = Membership.objects.filter(canvas=self.canvas, user=author).first()
        if membership is None:
            raise TurnFailed(f"{author.get_username()} no longer has access to this canvas.")
        if not membership.allows(Role.COMMENTER):
            raise TurnFailed(f"{author.get_username()} may only view this canvas now.")
        return membership.allows(Role.EDITOR)

    def _claim_client_id(self) -> int:
        """A Yjs client id for this turn alone (kept: provenance and undo build on it)."""
        while True:
            client_id = secrets.randbits(31) | 1
            if not Message.objects.filter(yjs_client_id=client_id).exists():
                break
        self.message.yjs_client_id = client_id
        self.message.save(update_fields=["yjs_client_id"])
        return client_id

    def _tool_result(self, call: StreamedCall) -> dict:
        """What the model reads back: item by item, and the text around what failed."""
        result: dict = {"results": call.results}
        if any(r.get("status") == FAILED for r in call.results):
            start, end = self.applier.scope()
            if end - start <= CONTEXT_CHARS:
                # Short enough to show whole: what the text is now, the turn's changes in.
                result["text_now"] = self.applier.text()[start:end]
        if any(r.get("status") == APPLIED for r in call.results):
            result["note"] = ("Items marked applied are in the canvas now: do not send them "
                              "again. Send only corrected versions of the failed ones, "
                              "quoting the text exactly as it is now.")
        beside = self.applier.changed_beside_people(self.canvas.kind == "code")
        if beside:
            who = room.writers_since(self.peer.canvas_id, self.message.started)
            result["people_meanwhile"] = (
                f"{' and '.join(who) or 'Someone'} changed these passages while you worked; "
                "their typing and your changes are both in the text now: "
                + "; ".join(f"“{q}”" for q in beside))
        return result

    def _target_canvas(self) -> Canvas:
        """The canvas the turn edits: this one, or a new one when porting code."""
        language = self._port_language()
        if not language:
            return self.canvas
        from canvas.services import create_canvas

        owner = (self.request.author if self.request and self.request.author
                 else self.canvas.owner)
        target = create_canvas(owner, f"{self.canvas.title} ({language})"[:200], "code",
                               language)
        self.message.linked_canvas = target
        self.message.save(update_fields=["linked_canvas"])
        return target

    def _port_language(self) -> str | None:
        request = self.request
        if request and request.shortcut == "port":
            return (request.selection or {}).get("language") or "python"
        return None

    def _history(self) -> list[dict]:
        earlier = (Message.objects.filter(canvas=self.canvas, created__lt=self.message.created)
                   .exclude(id__in=[self.message.id, self.request.id if self.request else 0])
                   .exclude(text="", summary="").order_by("-created")[:prompts.HISTORY_MESSAGES])
        history = []
        for m in reversed(list(earlier)):
            role = "assistant" if m.is_assistant else "user"
            who = "" if m.is_assistant else f"{m.author.username if m.author else 'someone'}: "
            # What an earlier turn did to the canvas (its reply alone may not say).
            did = f"\n[What you did: {m.summary}]" if m.is_assistant and m.summary else ""
            history.append({"role": role, "content": who + m.text[:2000] + did})
        return history

    # --- streaming ----------------------------------------------------------------------------

    def _stream_with_retry(self, client, messages) -> list[StreamedCall]:
        for attempt in range(2):
            changed_before = dict(self.applier.counts)
            text_before = self.text
            try:
                return self._stream_round(client, messages)
            except (TurnCancelled, TurnFailed):
                raise
            except (openai.APIConnectionError, httpx.HTTPError, ValueError,
                    openai.APIResponseValidationError) as exc:
                nothing_happened = (self.applier.counts == changed_before
                                    and self.text == text_before)
                if attempt == 0 and nothing_happened and not isinstance(exc,
                                                                       openai.APITimeoutError):
                    logger.warning("model stream broke before any output; retrying: %r", exc)
                    continue
                if nothing_happened:
                    raise TurnFailed(_readable_error(exc)) from exc
                raise TurnFailed("The connection to the model broke off mid-answer. What "
                                 "was already applied stays in the canvas.") from exc
            except openai.APIError as exc:
                raise TurnFailed(_readable_error(exc)) from exc
        raise TurnFailed("The model could not be reached.")

    def _stream_round(self, client, messages) -> list[StreamedCall]:
        tools = self.variant.comment_tools() if self.comments_only else self.variant.tools
        deadline = time.monotonic() + settings.CANVAS_MODEL_DEADLINE
        started: set[int] = set()  # indexes of the calls the observer was told about
        for event in model_events(client, messages, tools):
            if time.monotonic() > deadline:
                raise TurnFailed(f"The model's answer went on too long (over "
                                 f"{settings.CANVAS_MODEL_DEADLINE:g} s) and was stopped. "
                                 "What was already applied stays in the canvas.")
            self._check_cancel()
            self._heartbeat()
            if isinstance(event, TextDelta):
                self.text += event.text
                self._broadcast()
            elif isinstance(event, Usage):
                self.message.prompt_tokens += event.prompt_tokens
                self.message.completion_tokens += event.completion_tokens
            elif isinstance(event, CallProgress):
                if event.call.index not in started:
                    started.add(event.call.index)
                    self.observer.call_started(self, event.call)
                self._progress(event.call)
            elif isinstance(event, CallComplete):
                self._complete(event.call)
            if not isinstance(event, StreamEnd):
                self._show_activity(activity.of_event(event, self._scope_chars()))
            if isinstance(event, StreamEnd):
                calls = list(event.calls)
                if not event.finished:
                    complete = [c for c in calls if c.is_complete() and c.name]
                    for call in complete:
                        self._complete(call)
                    if not calls or len(complete) < len(calls):
                        raise TurnFailed("The model's answer stopped before it was complete. "
                                         "What was already applied stays in the canvas.")
                return calls
        return []

    def _check_cancel(self) -> None:
        """Stop asked? A cache read (Redis in production): at most every CANCEL_EVERY s."""
        now = time.monotonic()
        if now - self._last_cancel_check < CANCEL_EVERY:
            return
        self._last_cancel_check = now
        if cache.get(cancel_key(self.message.id)):
            raise TurnCancelled

    def _heartbeat(self) -> None:
        now = time.monotonic()
        if now - self._last_heartbeat >= HEARTBEAT_EVERY:
            self._last_heartbeat = now
            Message.objects.filter(id=self.message.id).update(heartbeat=timezone.now())

    def _broadcast(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_broadcast >= BROADCAST_EVERY:
            self._last_broadcast = now
            self.message.text = self.text
            chat.send_message(self.message)

    def _show_activity(self, words: str | None) -> None:
        """Say in the streaming answer's bubble what the turn is doing (activity.py)."""
        if words is not None and words != self.message.summary:
            self.message.summary = words
            self._broadcast(force=True)

    def _scope_chars(self) -> int:
        """How much text a rewrite replaces (the selection or what the model was shown), 0
        when that is blank."""
        if self._scope_len is None:
            start, end = self.applier.scope()
            self._scope_len = end - start if self.applier.fork.snapshot.text[start:end].strip() \
                else 0
        return self._scope_len

    # --- applying tool calls as they stream ---------------------------------------------

    def _progress(self, call: StreamedCall) -> None:
        """Act on what is already certain: finished list items, the rewrite's text so far.

        Reading partial JSON costs the length of the arguments so far, so it is done at most
        every PARSE_EVERY seconds (once per chunk made a 60k rewrite quadratic: minutes)."""
        now = time.monotonic()
        if now - call.parsed_at < PARSE_EVERY:
            return
        call.parsed_at = now
        if self._forbidden(call):
            return
        if call.name in (EDIT, COMMENT):
            key = "edits" if call.name == EDIT else "comments"
            self._apply_items(call, key, call.finished_items(key))
            # People watch a long answer land item by item (at most every PARSE_EVERY s),
            # not all at once when the call ends; merging the fork again is idempotent.
            self._merge()
        elif call.name == REWRITE and self.applier.selection is None:
            content = call.partial().get("content")
            if isinstance(content, str):
                self._stream_rewrite(call, content)

    def _complete(self, call: StreamedCall) -> None:
        """The call's arguments are all here: apply the rest, then merge it into the canvas."""
        if call.completed:
            return
        call.completed = True
        self._act_on(call)
        self.observer.call_finished(self, call)

    def _act_on(self, call: StreamedCall) -> None:
        if call.name not in TOOL_NAMES:
            call.results = [{"status": FAILED, "error": f"unknown tool “{call.name}”; use "
                             "edit_canvas, rewrite_canvas or comment_canvas"}]
            self.failed_notes.append(f"unknown tool {call.name}")
            return
        if self._forbidden(call):
            call.results = [{"status": FAILED, "error": "the person who asked may only "
                             "comment: answer in the chat or use comment_canvas"}]
            self.failed_notes.append("the person who asked may only comment")
            return
        try:
            args = call.complete()
        except ToolArgumentsError as exc:
            call.results = [{"status": FAILED, "error": str(exc)}]
            self.failed_notes.append(f"{call.name}: {exc}")
            self._end_draft()
            return
        if call.name in (EDIT, COMMENT):
            key = "edits" if call.name == EDIT else "comments"
            items = args.get(key)
            if not isinstance(items, list):
                call.results.append({"status": FAILED, "error": f"`{key}` must be a list"})
                self.failed_notes.append(f"{key} were not a list")
                return
            self._apply_items(call, key, items)
        else:
            self._land_rewrite(call, args.get("content"))
        self._merge()

    def _forbidden(self, call: StreamedCall) -> bool:
        """A call that changes the text, in a commenter's turn (the model was not offered
        those tools, but a model may call them anyway)."""
        return self.comments_only and call.name in (EDIT, REWRITE)

    def _apply_items(self, call: StreamedCall, key: str, items: list) -> None:
        apply = self.applier.edit if key == "edits" else self.applier.comment
        for item in items[call.done_items:]:
            result = apply(call.done_items + 1, item)
            call.done_items += 1
            call.results.append(result.for_model())
            if result.status == FAILED:
                self.failed_notes.append(f"{result.kind} {result.number}: {result.error}")
            elif result.applied:
                self._ensure_before_version()

    def _merge(self) -> None:
        """Merge what the fork has that the canvas has not, and flash where it landed."""
        if not self.applier.merge():
            return
        self.observer.merged(self)
        flash = self.applier.sticky_ranges(self.applier.take_fresh())
        if flash:
            self.peer.show_relative(flash[0], flash)

    def _ensure_before_version(self) -> None:
        """The version the turn read, kept as "Before": undoing the turn replays from it."""
        if self._before_version:
            return
        self._before_version = True
        snapshot = self.applier.fork.snapshot
        label = (self.request.text if self.request else "")[:80]
        make_version(self.peer.canvas_id, Version.Reason.ASSISTANT_BEFORE, f"Before: {label}",
                     text=snapshot.text, state=snapshot.update, turn=self.message)

    def _make_version(self, reason: str, label: str) -> None:
        self.peer.refresh()
        make_version(self.peer.canvas_id, reason, label, text=self.peer.text(), state=b"",
                     turn=self.message)

    # --- rewrites: streamed into the draft for everyone to watch, landed in the fork --------

    def _stream_rewrite(self, call: StreamedCall, content: str) -> None:
        if call.streamed_chars == 0 and self._draft_target is None:
            self._ensure_before_version()
            shown_start, shown_end = self.applier.window.span()
            empty = not self.applier.text()[shown_start:shown_end].strip()
            # An empty canvas is typed straight in (through the fork); otherwise the draft.
            self._draft_target = "content" if empty else "draft"
        if len(content) <= call.streamed_chars:
            return
        self._draft_buffer += content[call.streamed_chars:]
        call.streamed_chars = len(content)
        self._flush_draft()

    def _flush_draft(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._draft_buffer and (force or now - self._last_draft_flush >= DRAFT_FLUSH_EVERY):
            self._last_draft_flush = now
            chunk, self._draft_buffer = self._draft_buffer, ""
            if self._draft_target == "stopped":
                return
            room = self.applier.room_to_grow()
            if len(chunk.encode("utf-8")) > room:
                # The rest would take the canvas past its size limit: show what fits, then
                # stop (the rewrite then fails at the limit and says so).
                chunk = chunk.encode("utf-8")[:room].decode("utf-8", errors="ignore")
                chunk = chunk[:max(chunk.rfind(" "), chunk.rfind("\n")) + 1] or chunk  # whole words
                target, self._draft_target = self._draft_target, "stopped"
                self._typing_cut_short = target == "content" and bool(chunk)
                if not chunk:
                    return
            else:
                target = self._draft_target
            if target == "content":
                self.applier.append_streamed(chunk)
                self.applier.merge()
                self.observer.merged(self)
            else:
                self.peer.append(self.peer.draft, chunk)

    def _end_draft(self) -> None:
        self._draft_buffer = ""
        self._draft_target = None
        self.peer.clear_draft()

    def _land_rewrite(self, call: StreamedCall, content: object) -> None:
        if isinstance(content, str) and self.applier.selection is None \
                and self._draft_target is None:
            self._stream_rewrite(call, content)  # arrived in one piece
        self._flush_draft(force=True)
        result = self.applier.rewrite(content)
        call.results.append(result.for_model())
        if result.status == HELD:
            label = (self.request.text if self.request else "")[:60]
            make_version(self.peer.canvas_id, Version.Reason.PROPOSAL,
                         f"Proposed rewrite (not applied): {label}", text=result.proposal,
                         turn=self.message)
            self.failed_notes.append("the rewrite would have deleted most of the canvas, so "
                                     "it was not applied: it is in History as a proposal")
        elif result.status == FAILED and self._typing_cut_short:
            self.failed_notes.append("rewrite: the text is larger than the canvas size "
                                     "limit, so only its beginning was written")
        elif result.status == FAILED:
            self.failed_notes.append(f"rewrite: {result.error}")
        self._end_draft()
        self.peer.show_presence()
