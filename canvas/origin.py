"""WebSockets only from this site's own pages.

Channels' AllowedHostsOriginValidator compares host names only, so a page on another port
or scheme of the same host (another app on the machine, plain http beside https) could
open sockets with the visitor's cookies. Here the Origin's scheme, host and port must be
those the socket itself was opened on (ws ↔ http, wss ↔ https), or one of
CSRF_TRUSTED_ORIGINS (a site served under another name through a proxy).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the default port filled in; None when unreadable."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return scheme, parts.hostname.lower(), port


def allowed(scope: dict) -> bool:
    headers = dict(scope.get("headers") or [])
    origin = headers.get(b"origin", b"").decode("latin-1").strip()
    host = headers.get(b"host", b"").decode("latin-1").strip()
    if not origin or not host:
        return False
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    given = urlsplit(origin)
    page_scheme = "https" if scope.get("scheme") == "wss" else "http"
    theirs = _origin(given.scheme.lower(), given.netloc) if given.scheme else None
    return theirs is not None and theirs == _origin(page_scheme, host)


class SameOriginValidator:
    """ASGI middleware: refuse (403 at the handshake) sockets opened from other origins."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.app(scope, receive, send)
