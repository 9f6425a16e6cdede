"""Canvas: the project package and the canvas domain app."""

from .celery import app as celery_app

__all__ = ["celery_app"]
