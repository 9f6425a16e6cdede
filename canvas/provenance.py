"""Who wrote what: the authors behind a canvas's Yjs client ids, for people to read.

collab records, per canvas, the origin of every client id (``user:<id>``,
``assistant:<turn>``, ``system``); this names them: the person, or the assistant with the
request of its turn and who asked.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from collab.persistence import client_origins

from .models import Canvas, Message

ASSISTANT = "✦ Assistant"


def authors(canvas: Canvas) -> dict[int, dict]:
    """client id → {key, name, kind, detail}; ``key`` is one per person (or the assistant),
    so all of a person's tabs and all of the assistant's turns share one colour."""
    origins = client_origins(str(canvas.id))
    named = name_origins(canvas, set(origins.values()))
    return {client: named[origin] for client, origin in origins.items()}


def name_origins(canvas: Canvas, origins: Iterable[str]) -> dict[str, dict]:
    """origin (``user:<id>``, ``assistant:<turn>``, ``system``) → {key, name, kind, detail}."""
    origins = set(origins)
    user_ids = {int(o.split(":", 1)[1]) for o in origins
                if o.startswith("user:") and o.split(":", 1)[1].isdigit()}
    turn_ids = {int(o.split(":", 1)[1]) for o in origins
                if o.startswith("assistant:") and o.split(":", 1)[1].isdigit()}
    names = dict(get_user_model().objects.filter(pk__in=user_ids)
                 .values_list("pk", "username"))
    turns = {m.id: m for m in Message.objects.filter(id__in=turn_ids, canvas=canvas)
             .select_related("reply_to__author")}
    return {origin: _author(origin, names, turns) for origin in origins}


def _author(origin: str, names: dict[int, str], turns: dict[int, Message]) -> dict:
    kind, _, ident = origin.partition(":")
    if kind == "user" and ident.isdigit():
        name = names.get(int(ident), "A former member")
        return {"key": origin, "name": name, "kind": "person", "detail": ""}
    if kind == "assistant":
        turn = turns.get(int(ident)) if ident.isdigit() else None
        request = turn.reply_to if turn else None
        detail = ""
        if request is not None:
            asker = request.author.get_username() if request.author else "someone"
            detail = f"turn: {request.text[:80]} (asked by {asker})"
        return {"key": "assistant", "name": ASSISTANT, "kind": "assistant", "detail": detail}
    return {"key": "system", "name": "Canvas", "kind": "system",
            "detail": "restored from history or written by the server"}
