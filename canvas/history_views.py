"""The History panel: the timeline, changes of a version, viewing, saving and restoring."""

from __future__ import annotations

import base64
import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST
from pycrdt import Text

from collab.persistence import load_doc

from . import change_authors, change_view, chat, provenance, timeline, versions
from .access import require_role
from .models import Kind, Message, Role, Version
from .notices import refuse
from .write_times import write_times


def _panel(request: HttpRequest, canvas, membership, status: int = 200) -> HttpResponse:
    return render(request, "canvas/_history.html", _timeline_context(request, canvas, membership),
                  status=status)


def _timeline_context(request: HttpRequest, canvas, membership) -> dict:
    before = request.GET.get("before")
    return {"canvas": canvas, "membership": membership,
            "versions": timeline.timeline(canvas, int(before) if before and before.isdigit()
                                          else None),
            "can_edit": membership.allows(Role.EDITOR)}


@login_required
@require_GET
def history(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    canvas, membership = require_role(request.user, canvas_id)
    if request.htmx:
        return _panel(request, canvas, membership)
    return render(request, "canvas/history.html", _timeline_context(request, canvas, membership))


def _version(request: HttpRequest, canvas_id: uuid.UUID, version_id: int,
             role: str = Role.VIEWER):
    canvas, membership = require_role(request.user, canvas_id, role)
    return canvas, membership, get_object_or_404(Version, id=version_id, canvas=canvas)


@login_required
@require_GET
def version_view(request: HttpRequest, canvas_id: uuid.UUID, version_id: int) -> HttpResponse:
    canvas, membership, version = _version(request, canvas_id, version_id)
    older, newer = timeline.neighbours(version)
    return render(request, "canvas/_version.html", {
        "canvas": canvas, "version": version, "newer": newer, "older": older,
        "label": timeline.label(version), "can_edit": membership.allows(Role.EDITOR),
    })


@login_required
@require_GET
def version_changes(request: HttpRequest, canvas_id: uuid.UUID,
                    version_id: int) -> HttpResponse:
    canvas, membership, version = _version(request, canvas_id, version_id)
    against = request.GET.get("against", "previous")
    live = None
    if against == "now":
        live = load_doc(str(canvas.id))
        old, new = version.text, str(live.get("content", type=Text))
        since, until = version.created, None
    else:
        previous = versions.previous_version(version)
        old, new = (previous.text if previous else ""), version.text
        since, until = (previous.created if previous else None), version.created
    by_lines = canvas.kind == Kind.CODE
    changes = change_authors.attribute(canvas, versions.diff(old, new, by_lines), new,
                                       since, until, live)
    return render(request, "canvas/_changes.html", {
        "canvas": canvas, "version": version, "against": against,
        "label": timeline.label(version), "unchanged": old == new, "by_lines": by_lines,
        "changes": change_view.render(changes, by_lines),
        "summary": versions.summarize(old, new),
        "can_edit": membership.allows(Role.EDITOR),
    })


@login_required
@require_POST
def version_restore(request: HttpRequest, canvas_id: uuid.UUID,
                    version_id: int) -> HttpResponse:
    canvas, membership, version = _version(request, canvas_id, version_id, Role.EDITOR)
    restored = versions.restore(version, request.user)
    chat.send_notice(canvas.id, f"{request.user.get_username()} {restored.label[0].lower()}"
                                f"{restored.label[1:]}.")
    response = _panel(request, canvas, membership)
    response["HX-Trigger"] = "canvas:restored"
    return response


@login_required
@require_POST
def version_save(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    canvas, membership = require_role(request.user, canvas_id, Role.EDITOR)
    label = " ".join(request.POST.get("label", "").split())
    if not label or len(label) > 200:
        return refuse("Name the version (up to 200 characters).")
    versions.make_version(canvas.id, Version.Reason.MANUAL, label, author=request.user)
    return _panel(request, canvas, membership)


@login_required
@require_GET
def authors(request: HttpRequest, canvas_id: uuid.UUID) -> JsonResponse:
    """Who writes under each Yjs client id of the canvas, and when they wrote which clocks
    (the editor's Authors view and its hover)."""
    canvas, _ = require_role(request.user, canvas_id)
    return JsonResponse({
        "authors": {str(client): author for client, author
                    in provenance.authors(canvas).items()},
        "written": {str(client): times for client, times
                    in write_times(str(canvas.id)).items()},
    })


@login_required
@require_GET
def last_turn(request: HttpRequest, canvas_id: uuid.UUID) -> JsonResponse:
    """What the last assistant turn changed, as a Y update (the editor highlights it)."""
    canvas, _ = require_role(request.user, canvas_id)
    message = (Message.objects.filter(canvas=canvas, is_assistant=True, undone=False)
               .exclude(edit_update=b"").order_by("-created", "-id").first())
    if message is None:
        return JsonResponse({"update": None})
    return JsonResponse({"update": base64.b64encode(bytes(message.edit_update)).decode(),
                         "message": message.id, "summary": message.summary})
