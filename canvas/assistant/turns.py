"""Running one assistant turn: ask the model, apply what it chooses as it streams, report.

A turn is the assistant ``Message`` answering a person's request. It runs on a Celery
worker (or a thread on a laptop), one turn per canvas at a time. Everything the model
changes goes through ``AssistantPeer``, so it merges with what people type meanwhile.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

import httpx
import openai
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from canvas import chat
from canvas.models import Canvas, Message, Version
from canvas.versions import make_version

from . import config, prompts, selection
from .locate import LocateError, locate
from .peer import AssistantPeer
from .tools import COMMENT, EDIT, REWRITE, TOOL_NAMES, TOOLS, StreamedCall, ToolArgumentsError

logger = logging.getLogger(__name__)

LOCK_TTL = 15 * 60
WAIT_LIMIT = 10 * 60
HEARTBEAT_EVERY = 3.0
BROADCAST_EVERY = 0.12
DRAFT_FLUSH_EVERY = 0.08
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


@dataclass
class RoundOutcome:
    text: str = ""
    calls: list[StreamedCall] = field(default_factory=list)
    failures: int = 0


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
    def __init__(self, message_id: int) -> None:
        self.message = (Message.objects.select_related("canvas", "reply_to", "reply_to__author")
                        .get(id=message_id))
        self.canvas: Canvas = self.message.canvas
        self.request: Message | None = self.message.reply_to
        self.peer: AssistantPeer | None = None
        self.text = ""
        self.applied: dict[str, int] = {"edits": 0, "comments": 0, "rewrite": 0}
        self.failed_notes: list[str] = []
        self._last_broadcast = 0.0
        self._last_heartbeat = 0.0
        self._before_version = False
        self._lock_held = False
        self._draft_buffer = ""
        self._draft_target = None
        self._last_draft_flush = 0.0
        self._typing_directly = False

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
        message.save(update_fields=["started", "heartbeat"])
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
        """Turns on one canvas run one after the other, never interleaved."""
        deadline = time.monotonic() + WAIT_LIMIT
        said_waiting = False
        while not cache.add(self._lock_key, self.message.id, LOCK_TTL):
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
        if said_waiting:
            self.message.summary = ""

    def _finish(self, status: str, error: str = "") -> None:
        message = self.message
        message.status = status
        message.error = error
        message.text = self.text or message.text
        if self.peer is not None and self.peer.own_updates:
            message.edit_update = self.peer.turn_update()
            self._make_version(Version.Reason.ASSISTANT_AFTER, "After the assistant's edit")
        message.action = self._action()
        message.summary = self._summary(status)
        message.save()
        chat.send_message(message)

    def _action(self) -> str:
        if self.applied["rewrite"]:
            return Message.Action.REWRITE
        if self.applied["edits"]:
            return Message.Action.EDIT
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
        target = self._target_canvas()
        self.peer = AssistantPeer(target.id, self.message.id, config.model_name())
        self.peer.show_presence()
        request = self.request
        try:
            sel = selection.resolve(self.peer, request.selection if request else None)
        except selection.SelectionError as exc:
            raise TurnFailed(str(exc)) from exc
        shortcut = prompts.SHORTCUTS.get(request.shortcut) if request and request.shortcut \
            else None
        ask = request.text if request else ""
        if shortcut:
            ask = shortcut.prompt.format(language=self._port_language() or "")
        messages = prompts.build_messages(
            kind=target.kind, language=target.get_language_display(), text=self.peer.text(),
            request=ask, selection=sel.quote if sel else None,
            selection_start=sel.start if sel else None, history=self._history())
        client = config.client()
        for round_number in range(MAX_ROUNDS):
            outcome = self._stream_with_retry(client, messages, sel)
            if not outcome.calls or not outcome.failures or round_number == MAX_ROUNDS - 1:
                break
            # Give the model its tool results so it can correct what failed, once.
            messages.append({"role": "assistant", "content": outcome.text or None,
                             "tool_calls": [{"id": c.id or f"call_{c.index}", "type": "function",
                                             "function": {"name": c.name,
                                                          "arguments": c.arguments}}
                                            for c in outcome.calls]})
            for call in outcome.calls:
                messages.append({"role": "tool", "tool_call_id": call.id or f"call_{call.index}",
                                 "content": json.dumps({"results": call.results})})
            self.failed_notes = []  # reported again if they fail again

        self._finish(Message.Status.DONE)

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
                   .exclude(text="").order_by("-created")[:prompts.HISTORY_MESSAGES])
        history = []
        for m in reversed(list(earlier)):
            role = "assistant" if m.is_assistant else "user"
            who = "" if m.is_assistant else f"{m.author.username if m.author else 'someone'}: "
            history.append({"role": role, "content": who + m.text[:2000]})
        return history

    # --- streaming ----------------------------------------------------------------------------

    def _stream_with_retry(self, client, messages, sel) -> RoundOutcome:
        for attempt in range(2):
            applied_before = sum(self.applied.values())
            text_before = self.text
            try:
                return self._stream_round(client, messages, sel)
            except (TurnCancelled, TurnFailed):
                raise
            except (openai.APIConnectionError, httpx.HTTPError, ValueError,
                    openai.APIResponseValidationError) as exc:
                nothing_happened = (sum(self.applied.values()) == applied_before
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

    def _stream_round(self, client, messages, sel) -> RoundOutcome:
        outcome = RoundOutcome()
        calls: dict[int, StreamedCall] = {}
        finished = False
        stream = client.chat.completions.create(
            model=config.model_name(), messages=messages, tools=TOOLS, stream=True,
            stream_options={"include_usage": True})
        try:
            for chunk in stream:
                self._check_cancel()
                self._heartbeat()
                if getattr(chunk, "usage", None):
                    self.message.prompt_tokens += chunk.usage.prompt_tokens or 0
                    self.message.completion_tokens += chunk.usage.completion_tokens or 0
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                delta = choice.delta
                if delta is not None and delta.content:
                    outcome.text += delta.content
                    self.text += delta.content
                    self._broadcast()
                for part in (delta.tool_calls or []) if delta is not None else []:
                    call = calls.setdefault(part.index, StreamedCall(part.index))
                    if part.id:
                        call.id = part.id
                    if part.function is not None:
                        if part.function.name:
                            call.name = part.function.name
                        call.arguments += part.function.arguments or ""
                    self._progress(call, sel)
                if choice.finish_reason:
                    finished = True
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()
        outcome.calls = [calls[i] for i in sorted(calls)]
        if not finished and (not outcome.calls
                             or not all(c.is_complete() for c in outcome.calls)):
            for call in outcome.calls:
                self._finalize(call, sel, truncated=True)
            raise TurnFailed("The model's answer stopped before it was complete. What was "
                             "already applied stays in the canvas.")
        for call in outcome.calls:
            self._finalize(call, sel)
            outcome.failures += sum(1 for r in call.results if r.get("status") != "applied")
        return outcome

    def _check_cancel(self) -> None:
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

    # --- applying tool calls as they stream ---------------------------------------------

    def _progress(self, call: StreamedCall, sel) -> None:
        if call.name == EDIT:
            for item in call.finished_items("edits")[call.done_items:]:
                call.results.append(self._apply_edit(call.done_items, item, sel))
                call.done_items += 1
        elif call.name == COMMENT:
            for item in call.finished_items("comments")[call.done_items:]:
                call.results.append(self._apply_comment(call.done_items, item, sel))
                call.done_items += 1
        elif call.name == REWRITE and sel is None:
            content = call.partial().get("content")
            if isinstance(content, str):
                self._stream_rewrite(call, content)

    def _finalize(self, call: StreamedCall, sel, truncated: bool = False) -> None:
        if call.name not in TOOL_NAMES:
            call.results = [{"status": "failed", "error": f"unknown tool “{call.name}”; use "
                             "edit_canvas, rewrite_canvas or comment_canvas"}]
            self.failed_notes.append(f"unknown tool {call.name}")
            return
        if truncated:
            return
        try:
            args = call.complete()
        except ToolArgumentsError as exc:
            call.results = [{"status": "failed", "error": str(exc)}]
            self.failed_notes.append(f"{call.name}: {exc}")
            return
        if call.name == EDIT:
            items = args.get("edits")
            if not isinstance(items, list):
                call.results.append({"status": "failed", "error": "`edits` must be a list"})
                self.failed_notes.append("edits were not a list")
                return
            for item in items[call.done_items:]:
                call.results.append(self._apply_edit(call.done_items, item, sel))
                call.done_items += 1
        elif call.name == COMMENT:
            items = args.get("comments")
            if not isinstance(items, list):
                call.results.append({"status": "failed", "error": "`comments` must be a list"})
                self.failed_notes.append("comments were not a list")
                return
            for item in items[call.done_items:]:
                call.results.append(self._apply_comment(call.done_items, item, sel))
                call.done_items += 1
        elif call.name == REWRITE:
            call.results.append(self._land_rewrite(call, args, sel))

    def _ensure_before_version(self) -> None:
        if not self._before_version:
            self._before_version = True
            label = (self.request.text if self.request else "")[:80]
            self._make_version(Version.Reason.ASSISTANT_BEFORE, f"Before: {label}")

    def _make_version(self, reason: str, label: str) -> None:
        peer = self.peer
        before = reason == Version.Reason.ASSISTANT_BEFORE
        if not before:
            peer.refresh()
        # The state before the turn is what undoing the turn replays from.
        make_version(peer.canvas_id, reason, label, text=peer.text(),
                     state=peer.doc.get_update() if before else b"", turn=self.message)

    def _apply_edit(self, number: int, item: object, sel) -> dict:
        if not isinstance(item, dict) or not isinstance(item.get("find"), str) \
                or not isinstance(item.get("replace"), str):
            self.failed_notes.append(f"edit {number + 1} had no find/replace text")
            return {"edit": number + 1, "status": "failed",
                    "error": "each edit needs `find` and `replace` strings"}
        if self._draft_target is not None:
            self._flush_draft(force=True)
        self.peer.refresh()
        text = self.peer.text()
        try:
            scope = selection.span(self.peer, sel)
            spans = locate(text, item["find"], all_matches=bool(item.get("all")), scope=scope)
        except (LocateError, selection.SelectionError) as exc:
            self.failed_notes.append(f"edit {number + 1}: {exc}")
            return {"edit": number + 1, "status": "failed", "error": str(exc)}
        self._ensure_before_version()
        flashes = []
        for span in reversed(spans):
            self.peer.show_cursor(span.start, span.end)
            flashes.append(self.peer.replace(span.start, span.end, item["replace"]))
        # Positions before later spans shifted: recompute flashes by text length change.
        self.peer.show_cursor(flashes[0][1], flash=self._shifted(spans, item["replace"]))
        self.applied["edits"] += 1
        return {"edit": number + 1, "status": "applied", "matched": spans[0].how,
                "places": len(spans)}

    @staticmethod
    def _shifted(spans, replacement: str) -> list[tuple[int, int]]:
        ranges, shift = [], 0
        for span in spans:
            start = span.start + shift
            ranges.append((start, start + len(replacement)))
            shift += len(replacement) - (span.end - span.start)
        return ranges

    def _apply_comment(self, number: int, item: object, sel) -> dict:
        if not isinstance(item, dict) or not isinstance(item.get("find"), str) \
                or not isinstance(item.get("comment"), str):
            self.failed_notes.append(f"comment {number + 1} had no find/comment text")
            return {"comment": number + 1, "status": "failed",
                    "error": "each comment needs `find` and `comment` strings"}
        self.peer.refresh()
        text = self.peer.text()
        try:
            spans = locate(text, item["find"], scope=selection.span(self.peer, sel))
        except (LocateError, selection.SelectionError) as exc:
            self.failed_notes.append(f"comment {number + 1}: {exc}")
            return {"comment": number + 1, "status": "failed", "error": str(exc)}
        span = spans[0]
        suggestion = item.get("suggestion") if isinstance(item.get("suggestion"), str) else None
        self._ensure_before_version()
        self.peer.show_cursor(span.start, span.end)
        self.peer.add_comment(span.start, span.end, item["comment"], config.model_name(),
                              suggestion)
        self.applied["comments"] += 1
        return {"comment": number + 1, "status": "applied"}

    def _stream_rewrite(self, call: StreamedCall, content: str) -> None:
        """Everyone watches the rewrite being written: into the draft, or straight into an
        empty canvas."""
        if call.streamed_chars == 0 and self._draft_target is None:
            self.peer.refresh()
            call.base = self.peer.text()  # the text the rewrite replaces
            self._ensure_before_version()
            self._draft_target = (self.peer.content if not call.base.strip()
                                  else self.peer.draft)
            self._typing_directly = not call.base.strip()
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
            self.peer.append(self._draft_target, chunk)
            if self._draft_target is self.peer.content:
                end = len(self.peer.text())
                self.peer.show_cursor(end)

    def _land_rewrite(self, call: StreamedCall, args: dict, sel) -> dict:
        content = args.get("content")
        if not isinstance(content, str):
            self.failed_notes.append("the rewrite had no content")
            return {"status": "failed", "error": "`content` must be a string"}
        if sel is not None:
            self.failed_notes.append("a rewrite was refused because text is selected")
            return {"status": "failed", "error": "text is selected: change it with "
                    "edit_canvas inside the selection instead of rewriting the canvas"}
        if self._draft_target is None:  # arrived in one piece
            self._stream_rewrite(call, content)
        self._flush_draft(force=True)
        if self._typing_directly:
            # Typed into an empty canvas: make sure it ends exactly as the model wrote it.
            current = self.peer.text()
            if current != content:
                self.peer.rewrite(current, content)
        else:
            # The peer still holds the text the rewrite was based on: the diff from it
            # keeps untouched passages (and people's edits in them) as they are.
            self.peer.rewrite(call.base, content)
            self.peer.clear_draft()
        self._draft_target = None
        self.peer.show_presence()
        self.applied["rewrite"] += 1
        return {"status": "applied"}
