"""Published apps: the running app in the preview's sandboxed frame, embeddable anywhere.

``/p/<token>/`` is a small host page (no user code, no secret) that loads
``/p/<token>/frame`` (the preview frame shell, same CSP and sandbox, but embeddable from any
site) and posts the published code into it, as the editor's preview does.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from canvas.models import Publication
from canvas.preview import views as preview_views

from . import services

#: Any web page may embed a published page. "*" alone would not match an http: page from
#: an opaque-origin (sandboxed) ancestor, so the schemes are named.
EMBED_ANYWHERE = "http: https:"
APP_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
           "connect-src 'self'; frame-src 'self'; img-src 'self' data:; form-action 'none'; "
           "base-uri 'none'; frame-ancestors http: https:")


def app_page(request: HttpRequest, publication: Publication) -> HttpResponse:
    text = services.published_text(publication)
    tag = services.etag(publication, text)
    headers = {"ETag": tag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "no-referrer"}
    if request.headers.get("If-None-Match") == tag:
        response = HttpResponse(status=304)  # with APP_CSP too: see views.page
    else:
        response = render(request, "publish/app.html", {
            "title": publication.canvas.title, "token": publication.token,
            "language": publication.canvas.language,
            "live": publication.mode == Publication.Mode.LIVE,
        })
    response["Content-Security-Policy"] = APP_CSP
    for name, value in headers.items():
        response[name] = value
    return response


@require_safe
@xframe_options_exempt
def app_frame(request: HttpRequest, token: str) -> HttpResponse:
    """The sandboxed frame shell for a published app: any site may embed it (it holds only
    what is public), and it still cannot reach the network or anything of the app's."""
    from .views import _publication

    publication = _publication(token)
    if not services.is_app(publication.canvas):
        from django.http import Http404

        raise Http404("Not an app.")
    return preview_views.frame_response(request, ancestor=EMBED_ANYWHERE)
