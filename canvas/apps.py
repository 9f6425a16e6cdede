from django.apps import AppConfig


class CanvasConfig(AppConfig):
    name = "canvas"
    verbose_name = "Canvases"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
