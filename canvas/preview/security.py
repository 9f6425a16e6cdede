"""Where the preview is served from, and the headers that keep it sandboxed.

Only a frame from another *site* gets its own renderer process in Chromium, so a ``while(true){}``
in generated code cannot freeze the app (research/preview-sandbox.md §3.2, tests 14 and 14b). By
default the app page embeds the preview from the other loopback name (``localhost`` ↔
``127.0.0.1``, same port: one server answers for both); ``CANVAS_PREVIEW_ORIGIN`` names it in
production. The CSP travels as an HTTP header because ``sandbox`` and ``frame-ancestors`` are
ignored in ``<meta>``, and because a header also sandboxes the frame URL when opened directly.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port, validate_host

logger = logging.getLogger(__name__)

# The iframe's sandbox attribute and the CSP sandbox directive carry the same tokens. Never add
# allow-same-origin (the frame could lift its own sandbox), allow-popups, allow-top-navigation*
# or allow-modals (the runtime shims alert/confirm/prompt instead).
SANDBOX_TOKENS = ("allow-scripts", "allow-forms", "allow-downloads")
FORBIDDEN_SANDBOX_TOKENS = ("allow-same-origin", "allow-popups", "allow-top-navigation",
                            "allow-top-navigation-by-user-activation",
                            "allow-top-navigation-to-custom-protocols", "allow-modals",
                            "allow-popups-to-escape-sandbox",
                            "allow-storage-access-by-user-activation")
LOOPBACK_PARTNER = {"localhost": "127.0.0.1", "127.0.0.1": "localhost", "[::1]": "localhost"}
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "serial",
    "usb", "xr-spatial-tracking", "clipboard-read", "browsing-topics"))

_warned_same_site = False


def normalize_origin(value: str) -> str | None:
    """``scheme://host[:port]`` in lower case, or None when ``value`` is not an http(s) origin."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default_port = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default_port else "")


def app_origin(request: HttpRequest) -> str:
    """The origin the request was made to (the app's, when the app page asks)."""
    return f"{request.scheme}://{request.get_host().lower()}"


def preview_origin(request: HttpRequest) -> str:
    """Where the app page at ``request`` loads the preview frame from."""
    global _warned_same_site
    configured = normalize_origin(getattr(settings, "CANVAS_PREVIEW_ORIGIN", "") or "")
    if configured:
        return configured
    domain, port = split_domain_port(request.get_host())
    partner = LOOPBACK_PARTNER.get(domain.lower())
    if partner is None:
        # Not on a loopback name and nothing configured: same origin. The CSP sandbox still holds,
        # but a hang in generated code can freeze the tab. Production sets CANVAS_PREVIEW_ORIGIN.
        if not _warned_same_site:
            logger.warning("CANVAS_PREVIEW_ORIGIN is not set: the preview shares the app's site, "
                           "so a hung preview can freeze the page")
            _warned_same_site = True
        return app_origin(request)
    return f"{request.scheme}://{partner}" + (f":{port}" if port else "")


def frame_ancestor(request: HttpRequest) -> str | None:
    """The app origin named by the frame URL's ``parent``, if it may embed this frame.

    Browsers enforce ``frame-ancestors`` against the real embedding page, so naming the parent in
    the URL grants nothing by itself; it only lets one response serve whichever of our app origins
    embeds it. By default (loopback names, one server) the parent must be the app origin whose
    partner we are: same scheme and port, the other loopback name. With CANVAS_PREVIEW_ORIGIN the
    parent must be a host of ALLOWED_HOSTS other than the preview's own.
    """
    origin = normalize_origin(request.GET.get("parent", ""))
    if origin is None:
        return None
    parts = urlsplit(origin)
    if normalize_origin(getattr(settings, "CANVAS_PREVIEW_ORIGIN", "") or ""):
        domain, _port = split_domain_port(parts.netloc)
        if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
            return None
        trusted = getattr(settings, "CSRF_TRUSTED_ORIGINS", [])
        if "*" in settings.ALLOWED_HOSTS and origin not in trusted:
            return None  # "any host" cannot vouch for a parent
        if origin == app_origin(request):
            return None  # the preview's own site must not embed it
        return origin
    own = app_origin(request)
    if preview_origin_of_app(origin) == own:
        return origin
    return None


def preview_origin_of_app(app: str) -> str | None:
    """The default preview origin of an app origin (the other loopback name), or the app's own."""
    parts = urlsplit(app)
    host = parts.netloc.rsplit(":", 1)[0] if parts.port else parts.netloc
    partner = LOOPBACK_PARTNER.get(host.lower())
    if partner is None:
        return app
    return f"{parts.scheme}://{partner}" + (f":{parts.port}" if parts.port else "")


def script_hash(text: str) -> str:
    """A CSP hash source for an inline script's exact text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def frame_csp(*, own_origin: str, ancestor: str | None, inline_hashes: list[str]) -> str:
    """The Content-Security-Policy of ``/preview/frame``.

    Scripts: our vendored files (path-restricted to the asset prefix), the blob: modules the
    runtime makes from the canvas code, ``'unsafe-eval'`` (generated calculators call eval; it
    grants nothing extra in here) and the hashed inline import map. Nothing may connect, submit,
    frame, or load images/fonts from any server: data: and blob: only.
    """
    directives = [
        "sandbox " + " ".join(SANDBOX_TOKENS),
        "default-src 'none'",
        "script-src " + " ".join([f"{own_origin}/preview/assets/", "blob:", "'unsafe-eval'",
                                  *inline_hashes]),
        "style-src 'unsafe-inline'",
        "img-src data: blob:",
        "font-src data:",
        "media-src data: blob:",
        "connect-src 'none'",
        "worker-src 'none'",
        "frame-src 'none'",
        "child-src 'none'",
        "object-src 'none'",
        "manifest-src 'none'",
        "form-action 'none'",
        "base-uri 'none'",
        f"frame-ancestors {ancestor or chr(39) + 'none' + chr(39)}",
    ]
    return "; ".join(directives)


def frame_headers(csp: str) -> dict[str, str]:
    """Headers of the frame document (never cached: it is cheap and carries the ancestor)."""
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cache-Control": "no-store",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def asset_headers(immutable: bool) -> dict[str, str]:
    """Headers of runtime files: module scripts in an opaque-origin frame are CORS requests with
    ``Origin: null``, so they need ``Access-Control-Allow-Origin: *`` (safe: public, no cookies).

    Chromium never takes a sandboxed frame's files from its HTTP cache whatever these say (an
    opaque frame site has no cache partition; bench/preview_render.py counts the hits: none), so
    the page keeps a spare frame booted instead (frontend/src/preview/controller.js)."""
    return {
        "Access-Control-Allow-Origin": "*",
        "Timing-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "public, max-age=31536000, immutable" if immutable else "no-cache",
    }


def iframe_sandbox_attribute() -> str:
    return " ".join(SANDBOX_TOKENS)
