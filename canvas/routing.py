"""WebSocket routes; each app contributes its own."""

from collab.routing import websocket_urlpatterns as collab_routes

websocket_urlpatterns = [*collab_routes]
