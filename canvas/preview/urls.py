"""URLs of the preview, mounted at /preview/ (ARCHITECTURE.md §9: /preview/frame is a contract)."""

from django.urls import path

from . import views

urlpatterns = [
    path("frame", views.frame, name="preview_frame"),
    path("assets/<path:name>", views.asset, name="preview_asset"),
    path("config", views.config, name="preview_config"),
    path("export", views.export, name="preview_export"),
]
