"""When characters were written, as the Authors view's hover reads it (/authors "written")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from collab import persistence
from collab.models import ClientOrigin, DocUpdate
from tests.assistant.conftest import Human

pytestmark = pytest.mark.django_db(transaction=True)


def minute(moment) -> int:
    return int(moment.timestamp() * 1000) // 60_000 * 60_000


def written(client, cast) -> dict[int, list[list[int]]]:
    client.force_login(cast.viewer)
    response = client.get(f"/canvases/{cast.canvas.id}/authors")
    assert response.status_code == 200
    return {int(k): v for k, v in response.json()["written"].items()}


def test_each_stretch_of_a_writers_text_has_the_time_it_was_written(client, cast):
    bob = Human(cast.canvas.id, f"user:{cast.editor.pk}")
    bob.insert(0, "Old words. ")
    long_ago = timezone.now() - timedelta(hours=2)
    DocUpdate.objects.update(created=long_ago)
    ClientOrigin.objects.update(created=long_ago)
    before = timezone.now()
    bob.insert(len("Old words. "), "New words.")
    after = timezone.now()
    times = written(client, cast)[bob.doc.client_id]
    # Clocks 0-10 ("Old words. ") two hours ago, from clock 11 on now (the minute the
    # insert happened in, which a run at hh:mm:59.9 may see turn over).
    assert times[0] == [0, minute(long_ago)]
    assert times[1][0] == len("Old words. ")
    assert times[1][1] in {minute(before), minute(after)}
    assert len(times) == 2


def test_after_compaction_text_takes_the_time_its_writer_was_first_seen(client, cast):
    bob = Human(cast.canvas.id, f"user:{cast.editor.pk}")
    bob.insert(0, "Folded away.")
    first_seen = timezone.now() - timedelta(days=3)
    ClientOrigin.objects.update(created=first_seen)
    persistence.compact(str(cast.canvas.id))
    assert not DocUpdate.objects.exists()
    assert written(client, cast)[bob.doc.client_id] == [[0, minute(first_seen)]]
