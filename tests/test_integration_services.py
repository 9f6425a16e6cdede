"""The foundation on the production engines: PostgreSQL, and Redis as channel layer."""

import json
import os
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from canvas.models import Canvas, Membership, Role
from canvas.services import create_canvas, join_canvas
from collab.models import DocUpdate

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_runs_on_postgresql_and_redis(settings):
    assert connection.vendor == "postgresql"
    assert os.environ["REDIS_URL"].startswith("redis://")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


def test_models_on_postgresql(make_user):
    owner = make_user("pg-owner")
    canvas = create_canvas(owner, "Ünïcode title 漢字 😀", "code", "tsx")
    canvas.refresh_from_db()
    assert isinstance(canvas.id, uuid.UUID)
    assert canvas.title == "Ünïcode title 漢字 😀"
    first = DocUpdate.objects.create(canvas=canvas, data=b"\x00\x01\xff", origin="system")
    second = DocUpdate.objects.create(canvas=canvas, data=b"\x02", origin=f"user:{owner.id}")
    assert second.seq > first.seq
    assert bytes(DocUpdate.objects.get(seq=first.seq).data) == b"\x00\x01\xff"
    membership, changed = join_canvas(make_user("pg-bob"), canvas, Role.VIEWER)
    assert changed and membership.role == Role.VIEWER
    canvas.delete()
    assert DocUpdate.objects.count() == 0 and Membership.objects.count() == 0


def test_permissions_on_postgresql(client, make_user):
    owner, viewer, stranger = make_user("o"), make_user("v"), make_user("s")
    canvas = create_canvas(owner, "Team", "document")
    Membership.objects.create(canvas=canvas, user=viewer, role=Role.VIEWER)
    client.force_login(stranger)
    assert client.get(reverse("canvas_page", args=[canvas.id])).status_code == 404
    client.force_login(viewer)
    assert client.get(reverse("canvas_page", args=[canvas.id])).status_code == 200
    assert client.post(reverse("canvas_rename", args=[canvas.id]),
                       {"title": "X"}).status_code == 403
    assert client.post(reverse("canvas_delete", args=[canvas.id])).status_code == 403
    assert Canvas.objects.get(id=canvas.id).title == "Team"


def test_health_check_through_postgresql_and_redis(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["channel_layer"] == "ok"
