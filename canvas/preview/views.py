"""The preview's HTTP endpoints: the frame, its runtime files, the page's config and the export.

``/preview/frame`` is answered on any host (one server serves the app and the preview names); what
makes it safe is its CSP header (``sandbox``, no network, scripts only from our asset path and the
hashed import map) and the iframe's ``sandbox`` attribute. User code never goes into a response of
the preview origin: it arrives by postMessage.
"""

from __future__ import annotations

import json
import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST, require_safe

from . import icons, security
from .export import LANGUAGES, build_standalone, export_filename
from .runtime import ASSET_PREFIX, RuntimeMissing, load_runtime

MAX_EXPORT_CODE = 2 * 1024 * 1024


def _missing(exc: RuntimeMissing) -> HttpResponse:
    return HttpResponse(f"The preview runtime is not built: {exc}", status=503,
                        content_type="text/plain; charset=utf-8")


@require_safe
@xframe_options_exempt  # frame-ancestors in the CSP decides who may embed it
def frame(request: HttpRequest) -> HttpResponse:
    """The static shell every preview runs in (identical for all canvases)."""
    return frame_response(request, security.frame_ancestor(request))


def frame_response(request: HttpRequest, ancestor: str | None) -> HttpResponse:
    """The frame shell, embeddable by ``ancestor`` only (any page for published apps: they
    hold nothing but public code, and the sandbox stays the same)."""
    try:
        runtime = load_runtime()
    except RuntimeMissing as exc:
        return _missing(exc)
    import_map = json.dumps(runtime.import_map(), separators=(",", ":"), sort_keys=True)
    runtime_config = json.dumps({
        "tailwind": ASSET_PREFIX + runtime.tailwind["file"],
        "globals": {name: {"pattern": g["pattern"], "global": g["global"], "after": g.get("after"),
                           "url": ASSET_PREFIX + g["file"]} for name, g in runtime.globals.items()},
    }, separators=(",", ":")).replace("</", "<\\/")
    # What the frame will need first, fetched in parallel with boot.js: React for React apps (and
    # lucide-react's 1 kB core, which most of them use: their icons then wait for no other file),
    # nothing for HTML pages (they load Tailwind and libraries only if they ask for them).
    kind = request.GET.get("kind", "react")
    react = ("react", "react-jsx-runtime", "react-dom", "react-dom-client", "lucide-react-core")
    preload = [ASSET_PREFIX + runtime.modules[name]["file"]
               for name in (react if kind == "react" else ()) if name in runtime.modules]
    html = render_to_string("preview/frame.html", {
        "import_map": import_map,
        "runtime_config": runtime_config,
        "compat_css": runtime.compat_css,
        "boot_url": ASSET_PREFIX + runtime.boot["file"],
        "tailwind_url": ASSET_PREFIX + runtime.tailwind["file"],
        "preload": preload,
        "preload_tailwind": kind != "html",
    })
    csp = security.frame_csp(own_origin=security.app_origin(request),
                             ancestor=ancestor,
                             inline_hashes=[security.script_hash(import_map)])
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    for name, value in security.frame_headers(csp).items():
        response[name] = value
    return response


@require_safe
def asset(request: HttpRequest, name: str) -> HttpResponse:
    """A file of the built runtime (only names the manifest lists: no path tricks), or a module of
    lucide icons (icons.py; only icons the build has)."""
    try:
        runtime = load_runtime()
    except RuntimeMissing as exc:
        return _missing(exc)
    if name not in runtime.files:
        files = icons.files_in_path(runtime, name)
        if files is None:
            raise Http404("No such preview file.")
        response = HttpResponse(icons.icon_module(runtime, files),
                                content_type="text/javascript; charset=utf-8")
        for header, value in security.asset_headers(immutable=True).items():
            response[header] = value
        return response
    path = runtime.root / name
    gz = path.with_name(path.name + ".gz")
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    use_gz = accepts_gzip and gz.exists()
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type in ("application/javascript", "text/javascript"):
        content_type = "text/javascript; charset=utf-8"
    # Read whole, not streamed: under ASGI Django reads a FileResponse's synchronous
    # iterator whole anyway, with a warning per request. The runtime's files are under a
    # megabyte at most (the largest, mathjs, 780 KB; most are sent gzipped).
    response = HttpResponse((gz if use_gz else path).read_bytes(), content_type=content_type)
    if use_gz:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    for header, value in security.asset_headers(immutable=not name.startswith("bench/")).items():
        response[header] = value
    return response


@require_safe
def config(request: HttpRequest) -> JsonResponse:
    """What the app page needs to embed the preview: the frame URL on the preview site."""
    origin = security.preview_origin(request)
    try:
        runtime = load_runtime()
        modules, ui = runtime.available_specifiers(), runtime.ui_names()
    except RuntimeMissing:
        modules, ui = [], []
    response = JsonResponse({
        "frame": f"{origin}{reverse('preview_frame')}",
        "origin": origin,
        "appOrigin": security.app_origin(request),
        "sandbox": security.iframe_sandbox_attribute(),
        "modules": modules,
        "ui": ui,
        "export": reverse("preview_export"),
    })
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """The canvas code as one offline HTML file (the page posts its live text)."""
    code = request.POST.get("code", "")
    language = request.POST.get("language", "")
    title = request.POST.get("title", "")[:200]
    if language not in LANGUAGES:
        return HttpResponse("This canvas language cannot be exported as a page.", status=400,
                            content_type="text/plain; charset=utf-8")
    if len(code) > MAX_EXPORT_CODE:
        return HttpResponse("The code is too large to export.", status=413,
                            content_type="text/plain; charset=utf-8")
    try:
        html = build_standalone(code, language, title)
    except RuntimeMissing as exc:
        return _missing(exc)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(title, "html")}"'
    # An attachment is not rendered, but if a browser ever did, it would be sandboxed.
    response["Content-Security-Policy"] = "sandbox allow-scripts"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
