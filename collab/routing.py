from django.urls import path

from .consumers import SyncConsumer

websocket_urlpatterns = [
    path("ws/canvases/<uuid:canvas_id>/sync", SyncConsumer.as_asgi()),
]
