"""The Content-Security-Policy of the app's own pages (issue #14).

The policy lives in ``settings.CONTENT_SECURITY_POLICY`` (django-csp). Two of its sources depend
on the host the request came to, so this middleware fills them in per request: the preview origin
the page may frame (``frame-src``) and the sync and chat sockets on the same host
(``connect-src``). Responses that set their own header (the preview frame, published pages, the
export) keep it: django-csp never overwrites one.
"""

from __future__ import annotations

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase

from canvas.preview.security import preview_origin


def socket_origin(request: HttpRequest) -> str:
    """The WebSocket origin of the host the page was served from. CSP3 browsers already match
    ws(s) to 'self'; naming it keeps the sockets working in those that do not."""
    return f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}"


class CanvasCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the per-request frame and socket sources."""

    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase,
                         report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        try:
            per_request = {"frame-src": [preview_origin(request)],
                           "connect-src": [SELF, socket_origin(request)]}
        except DisallowedHost:
            return parts  # a refused host gets the static policy: frames stay 'none'
        # ``replace``, not ``update``: frame-src is 'none' in the settings, and "'none' origin"
        # is not a valid source list. A view's own csp_replace still wins.
        parts.replace = {**per_request, **(parts.replace or {})}
        return parts
