"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canvas.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from canvas.origin import SameOriginValidator  # noqa: E402
from canvas.routing import websocket_urlpatterns  # noqa: E402
from canvas.unavailable import UnavailableGuard  # noqa: E402
from collab.broadcast import RememberLoopMiddleware  # noqa: E402

application = RememberLoopMiddleware(ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(UnavailableGuard(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        )),
    }
))
