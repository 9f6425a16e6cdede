"""Publishing controls (editors see them; owners publish, and editors when the owner allows it)
and the public pages (anyone, no login).

Public pages live on the preview site, carry no cookies and no CSRF token, and show only the
published text: not the chat, the members or the history.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST, require_safe

from canvas.access import require_role
from canvas.models import Publication, Role
from canvas.notices import refuse
from canvas.preview import security

from . import markdown, services

#: The embed snippet's sandbox. The published page it frames is our own host page (no user
#: code, on the preview site, never the embedder's origin); it keeps its origin so it can poll
#: live updates and host the app's frame, whose CSP sandbox still gives the generated code an
#: opaque origin with no network. A sandboxed (opaque) host would make browsers refuse to nest
#: the app frame under it (frame-ancestors cannot match an opaque ancestor).
EMBED_SANDBOX = "allow-scripts allow-same-origin allow-forms allow-downloads"

PUBLIC_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
              "img-src https: data:; connect-src 'self'; form-action 'none'; base-uri 'none'; "
              "frame-ancestors http: https:")


def public_url(request: HttpRequest, publication: Publication) -> str:
    return f"{security.preview_origin(request)}/p/{publication.token}/"


def _controls(request: HttpRequest, canvas, membership, status: int = 200) -> HttpResponse:
    publication = Publication.objects.filter(canvas=canvas).select_related("version").first()
    url = public_url(request, publication) if publication else ""
    return render(request, "publish/_controls.html", {
        "canvas": canvas, "publication": publication, "url": url,
        "may_publish": membership.allows(canvas.publish_role),
        "embed": render_to_string("publish/_embed_snippet.txt", {
            "url": url, "title": canvas.title, "origin": security.preview_origin(request),
            "sandbox": EMBED_SANDBOX}).strip() if publication else "",
    }, status=status)


@login_required
def controls(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    canvas, membership = require_role(request.user, canvas_id, Role.EDITOR)
    return _controls(request, canvas, membership)


def _require_publisher(request: HttpRequest, canvas_id: uuid.UUID):
    canvas, membership = require_role(request.user, canvas_id, Role.EDITOR)
    if not membership.allows(canvas.publish_role):
        raise PermissionDenied("Only the owner can publish this canvas.")
    return canvas, membership


@login_required
@require_POST
def publish(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    canvas, membership = _require_publisher(request, canvas_id)
    mode = request.POST.get("mode", Publication.Mode.PINNED)
    if mode not in Publication.Mode.values:
        return refuse("Choose “pinned” or “keep up to date”.")
    services.publish(canvas, request.user, mode)
    return _controls(request, canvas, membership)


@login_required
@require_POST
def unpublish(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    canvas, membership = _require_publisher(request, canvas_id)
    services.unpublish(canvas)
    return _controls(request, canvas, membership)


def _publication(token: str) -> Publication:
    if len(token) > 64:
        raise Http404("Not published.")
    publication = (Publication.objects.select_related("canvas", "version")
                   .filter(token=token).first())
    if publication is None:
        raise Http404("Not published.")
    return publication


def _public_headers(response: HttpResponse, etag: str, pinned: bool) -> HttpResponse:
    response["ETag"] = etag
    # Pinned pages can be cached but are revalidated, so unpublishing takes effect at once.
    response["Cache-Control"] = "public, no-cache" if pinned else "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
@xframe_options_exempt  # embeddable anywhere: frame-ancestors in the CSP
def page(request: HttpRequest, token: str) -> HttpResponse:
    publication = _publication(token)
    if services.is_app(publication.canvas):
        from .app import app_page

        return app_page(request, publication)
    text = services.published_text(publication)
    tag = services.etag(publication, text)
    if request.headers.get("If-None-Match") == tag:
        # The 304 names its policy too: browsers take a 304's headers into the cached page's,
        # and the app's policy (added to responses that set none) would forbid embedding it.
        not_modified = HttpResponse(status=304)
        not_modified["Content-Security-Policy"] = PUBLIC_CSP
        return _public_headers(not_modified, tag, True)
    rendered = markdown.render(text)
    response = render(request, "publish/document.html", {
        "title": publication.canvas.title, "rendered": rendered,
        "live": publication.mode == Publication.Mode.LIVE, "token": publication.token,
        "etag": tag,
    })
    response["Content-Security-Policy"] = PUBLIC_CSP
    return _public_headers(response, tag, publication.mode == Publication.Mode.PINNED)


@require_safe
def content(request: HttpRequest, token: str) -> HttpResponse:
    """What a live page polls: 304 while nothing changed, else the new content."""
    publication = _publication(token)
    text = services.published_text(publication)
    tag = services.etag(publication, text)
    if request.headers.get("If-None-Match") == tag:
        response = HttpResponse(status=304)
    elif services.is_app(publication.canvas):
        response = JsonResponse({"code": text, "language": publication.canvas.language})
    else:
        response = JsonResponse({"html": markdown.render(text).html})
    response["Access-Control-Allow-Origin"] = "*"  # embedded pages run in an opaque origin
    response["Access-Control-Expose-Headers"] = "ETag"
    return _public_headers(response, tag, publication.mode == Publication.Mode.PINNED)
