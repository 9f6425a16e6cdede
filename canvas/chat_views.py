"""The chat form and the controls of assistant turns (stop, undo)."""

from __future__ import annotations

import json
import time
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from collab.persistence import load_doc

from . import chat
from .access import require_role
from .assistant import config, prompts, queue, selection
from .assistant.tasks import run_turn
from .assistant.turns import request_stop
from .assistant.undo import UndoError, undo_turn
from .models import Canvas, Language, Message, Role
from .notices import refuse
from .tasks import dispatch

MAX_TEXT = 8000
TOO_QUICK = "You are sending requests too quickly. Wait a minute and try again."


def _rate_limited(user_id: int) -> bool:
    key = f"turn-rate:{user_id}:{int(time.time() // 60)}"
    cache.add(key, 0, 120)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 120)
        count = 1
    return count > settings.CANVAS_TURNS_PER_MINUTE


@login_required
@require_POST
def post_message(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    # Commenters chat too; their turns only reply and comment (see turns._asker_may_edit).
    canvas, membership = require_role(request.user, canvas_id, Role.COMMENTER)
    text = request.POST.get("text", "").strip()
    shortcut_name = request.POST.get("shortcut", "").strip()
    shortcut = prompts.SHORTCUTS.get(shortcut_name) if shortcut_name else None
    if shortcut_name and (shortcut is None or canvas.kind not in shortcut.kinds):
        return refuse(f"Unknown shortcut “{shortcut_name[:40]}” for this canvas.")
    if shortcut and shortcut.edits and not membership.allows(Role.EDITOR):
        return refuse(f"“{shortcut.label}” changes the text, and you may only comment here.",
                      status=403)
    if not text and shortcut is None:
        return refuse("Write a message first.")
    if len(text) > MAX_TEXT:
        return refuse(f"Messages are limited to {MAX_TEXT} characters.")
    if not config.is_configured():
        return refuse(config.NOT_CONFIGURED, status=503)
    anchored = None
    raw_selection = request.POST.get("selection", "").strip()
    if len(raw_selection) > selection.MAX_RAW:
        return refuse("The selection is too large: select at most 100,000 characters.")
    if raw_selection:
        try:
            anchored = selection.anchor(load_doc(str(canvas.id)), json.loads(raw_selection))
        except (ValueError, RecursionError, selection.SelectionError) as exc:
            message = str(exc) if isinstance(exc, selection.SelectionError) else \
                "The selection is not valid."
            return refuse(message)
    if shortcut_name == "port":
        language = request.POST.get("language", "")
        if language not in Language.values or language == canvas.language:
            return refuse("Choose another language to port to.")
        anchored = {**(anchored or {}), "language": language}
    if _rate_limited(request.user.pk):
        return refuse(TOO_QUICK, status=429)
    mine = _start_turn(canvas, request.user, text or shortcut.label, shortcut_name, anchored)
    return HttpResponse(chat.render_message(mine))


def _start_turn(canvas: Canvas, author, text: str, shortcut: str,
                anchored: dict | None) -> Message:
    """Save a request and its (streaming) answer, queue the turn and show both to everyone;
    returns the request."""
    with transaction.atomic():
        mine = Message.objects.create(canvas=canvas, author=author, text=text,
                                      shortcut=shortcut, selection=anchored)
        answer = Message.objects.create(canvas=canvas, is_assistant=True, reply_to=mine,
                                        status=Message.Status.STREAMING,
                                        model=config.model_name())
        queue.enqueue(answer)  # it leaves the queue when its turn starts, maybe at once
        transaction.on_commit(lambda: dispatch(run_turn, answer.id))
    chat.send_message(mine, new=True)
    chat.send_message(answer, new=True)
    queue.announce(canvas.id)
    return mine


def _turn(request: HttpRequest, canvas_id: uuid.UUID, message_id: int,
          role: str = Role.EDITOR) -> Message:
    canvas, membership = require_role(request.user, canvas_id, role)
    message = get_object_or_404(Message.objects.select_related("reply_to"), id=message_id,
                                canvas=canvas, is_assistant=True)
    asked = message.reply_to is not None and message.reply_to.author_id == request.user.pk
    if not membership.allows(Role.EDITOR) and not asked:
        raise PermissionDenied("Only editors and the person who asked can stop a turn.")
    return message


@login_required
@require_POST
def stop_turn(request: HttpRequest, canvas_id: uuid.UUID, message_id: int) -> HttpResponse:
    message = _turn(request, canvas_id, message_id, Role.COMMENTER)
    if message.status != Message.Status.STREAMING:
        return HttpResponse(status=204)
    request_stop(message.id)
    # A turn no worker has taken yet ends here; a running one stops at its next chunk.
    if Message.objects.filter(id=message.id, started__isnull=True).update(
            status=Message.Status.CANCELLED, summary="Stopped before it started"):
        message.refresh_from_db()
        chat.send_message(message)
    if queue.leave(message):
        queue.announce(message.canvas_id)
    return HttpResponse(status=204)


@login_required
@require_POST
def retry_turn(request: HttpRequest, canvas_id: uuid.UUID, message_id: int) -> HttpResponse:
    """Ask again what a failed or stopped turn was asked: the same words, shortcut and
    selection, as a new request (by whoever retries: the person who asked, or an editor)."""
    ended = _turn(request, canvas_id, message_id, Role.COMMENTER)
    if not ended.may_retry:
        return refuse("Only a request that failed or was stopped can be tried again.")
    asked = ended.reply_to
    shortcut = prompts.SHORTCUTS.get(asked.shortcut) if asked.shortcut else None
    _, membership = require_role(request.user, canvas_id, Role.COMMENTER)
    if shortcut and shortcut.edits and not membership.allows(Role.EDITOR):
        return refuse(f"“{shortcut.label}” changes the text, and you may only comment here.",
                      status=403)
    if not config.is_configured():
        return refuse(config.NOT_CONFIGURED, status=503)
    if _rate_limited(request.user.pk):
        return refuse(TOO_QUICK, status=429)
    _start_turn(ended.canvas, request.user, asked.text, asked.shortcut, asked.selection)
    return HttpResponse(status=204)


@login_required
@require_POST
def queue_edit(request: HttpRequest, canvas_id: uuid.UUID, message_id: int) -> HttpResponse:
    """The person who asked changes a request that is still waiting."""
    message = _turn(request, canvas_id, message_id, Role.COMMENTER)
    if message.reply_to is None or message.reply_to.author_id != request.user.pk:
        raise PermissionDenied("Only the person who asked can edit a waiting request.")
    try:
        mine = queue.edit(message, request.POST.get("text", ""))
    except queue.QueueError as exc:
        return refuse(str(exc))
    chat.send_message(mine)
    queue.announce(message.canvas_id)
    return HttpResponse(status=204)


@login_required
@require_POST
def queue_move(request: HttpRequest, canvas_id: uuid.UUID, message_id: int) -> HttpResponse:
    """The owner moves a waiting request earlier (``step=-1``) or later (``step=1``)."""
    message = _turn(request, canvas_id, message_id, Role.OWNER)
    step = request.POST.get("step", "")
    if step not in ("-1", "1"):
        return refuse("Move a request up or down one place.")
    try:
        queue.move(message, int(step))
    except queue.QueueError as exc:
        return refuse(str(exc))
    queue.announce(message.canvas_id)
    return HttpResponse(status=204)


@login_required
@require_POST
def undo_turn_view(request: HttpRequest, canvas_id: uuid.UUID,
                   message_id: int) -> HttpResponse:
    message = _turn(request, canvas_id, message_id)
    if message.status == Message.Status.STREAMING:
        return refuse("Wait until the assistant has finished, or stop it first.")
    try:
        undo_turn(message)
    except UndoError as exc:
        return refuse(str(exc))
    chat.send_message(message)
    chat.send_notice(message.canvas_id,
                     f"{request.user.get_username()} undid the assistant's edit.")
    return HttpResponse(status=204)
