"""The Celery application: `celery -A canvas worker` in production.

Without ``REDIS_URL`` tasks run eagerly in the calling process (see ``canvas.tasks``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canvas.settings")

app = Celery("canvas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
