"""Template helpers of the chat bubbles (templates/canvas/_message.html)."""

from __future__ import annotations

import json

from django import template
from django.utils.safestring import SafeString

from canvas.chat_markdown import render_reply, render_request
from canvas.models import Message

register = template.Library()


@register.filter
def reply_html(text: str) -> SafeString:
    """The assistant's reply as sanitized HTML (canvas/chat_markdown.py)."""
    return render_reply(text or "")


@register.filter
def request_html(text: str) -> SafeString:
    """A person's message as sanitized HTML, line breaks kept (canvas/chat_markdown.py)."""
    return render_request(text or "")


@register.filter
def form_selection(stored: dict | None) -> str:
    """A request's selection as the chat form sends it ({from, to, quote}), for "Edit and
    resend"; the server anchors it again by its quote. Empty without one."""
    if not stored or not stored.get("quote"):
        return ""
    return json.dumps({key: stored[key] for key in ("from", "to", "quote") if key in stored},
                      ensure_ascii=False)


@register.filter
def waits_for_another(message: Message) -> bool:
    """An answer not started yet while an earlier one on its canvas still runs or waits: it
    says "Waiting for its turn…" rather than "Reading…" (one query, only for such answers)."""
    if message.status != Message.Status.STREAMING or message.started is not None:
        return False
    return Message.objects.filter(canvas_id=message.canvas_id, is_assistant=True,
                                  status=Message.Status.STREAMING, id__lt=message.id).exists()
