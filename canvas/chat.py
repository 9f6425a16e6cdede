"""The shared chat: rendering messages as htmx fragments and sending them to everyone."""

from __future__ import annotations

from django.template.loader import render_to_string

from collab import broadcast

from .models import Message


def chat_group(canvas_id: object) -> str:
    return f"chat-{canvas_id}"


def render_message(message: Message, oob: str = "") -> str:
    """One message; ``oob`` is "new" (append for everyone) or "update" (replace in place)."""
    return render_to_string("canvas/_message.html", {"message": message, "oob": oob})


def render_history(canvas_id: object, limit: int = 200) -> str:
    messages = list(Message.objects.filter(canvas_id=canvas_id)
                    .select_related("author", "reply_to").order_by("-created", "-id")[:limit])[::-1]
    return render_to_string("canvas/_chat_history.html", {"chat_messages": messages})


def send_message(message: Message, new: bool = False) -> None:
    html = render_message(message, oob="new" if new else "update")
    broadcast.group_send(chat_group(message.canvas_id), {"type": "chat.html", "html": html})


def send_notice(canvas_id: object, text: str, kind: str = "info") -> None:
    html = render_to_string("canvas/_chat_notice.html", {"text": text, "kind": kind})
    broadcast.group_send(chat_group(canvas_id), {"type": "chat.html", "html": html})
