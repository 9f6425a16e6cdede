"""WebSocket routes; each app contributes its own."""

from django.urls import path

from collab.routing import websocket_urlpatterns as collab_routes

from .consumers import ChatConsumer

websocket_urlpatterns = [
    *collab_routes,
    path("ws/canvases/<uuid:canvas_id>/chat", ChatConsumer.as_asgi()),
]
