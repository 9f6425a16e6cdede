"""Whatever a person can type or paste is stored and read back exactly, NUL included.

PostgreSQL refuses NUL in text and jsonb; canvas.fields escapes it reversibly. The storing
tests run on PostgreSQL (the integration run); the escaping is checked everywhere.
"""

from __future__ import annotations

import random

import pytest

from canvas.fields import escape_nul, unescape_nul

NASTY = "a\x00b \ue000 \ue0000 \ue0001 \x00\x00 😀 e\u0301 end\x00"


def test_escaping_round_trips_any_text():
    rng = random.Random(3)
    alphabet = ["\x00", "\ue000", "0", "1", "a", "😀", "\n"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        escaped = escape_nul(text)
        assert "\x00" not in escaped
        assert unescape_nul(escaped) == text
    assert escape_nul("plain") == "plain"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
class TestOnPostgreSQL:
    def test_versions_messages_and_selections_keep_nul(self, make_user):
        from django.db import connection

        from canvas.models import Message, Version
        from canvas.services import create_canvas
        from canvas.versions import make_version

        assert connection.vendor == "postgresql"
        owner = make_user("nul")
        canvas = create_canvas(owner, "NUL", "document")
        version = make_version(canvas.id, Version.Reason.MANUAL, label=NASTY, text=NASTY)
        version.refresh_from_db()
        assert (version.text, version.label) == (NASTY, NASTY[:200])
        message = Message.objects.create(canvas=canvas, author=owner, text=NASTY,
                                         selection={"quote": NASTY, "from": 0, NASTY: [NASTY]},
                                         summary=NASTY, error=NASTY)
        message.refresh_from_db()
        assert message.text == message.summary == message.error == NASTY
        assert message.selection == {"quote": NASTY, "from": 0, NASTY: [NASTY]}
        assert Message.objects.filter(text=NASTY).count() == 1

    def test_a_turn_on_a_canvas_with_nul_and_a_pinned_publication(self, make_user,
                                                                  fake_openai, settings):
        from canvas.assistant.turns import TurnRunner
        from canvas.models import Message, Version
        from canvas.publish.services import publish, published_text
        from canvas.services import create_canvas
        from collab import persistence
        from tests.assistant.conftest import Human
        from tests.fakes.openai_server import ToolCall, ToolCalls

        settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY = fake_openai.base_url, "key"
        owner = make_user("nul2")
        canvas = create_canvas(owner, "NUL turn", "document")
        Human(canvas.id).insert(0, "Hello\x00world. Keep\x00this.\n")
        fake_openai.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
            {"find": "Hello\x00world.", "replace": "Hi\x00planet."}]})]))
        request = Message.objects.create(canvas=canvas, author=owner, text="Edit\x00 it")
        turn = Message.objects.create(canvas=canvas, is_assistant=True, reply_to=request,
                                      status=Message.Status.STREAMING)
        TurnRunner(turn.id).run()
        turn.refresh_from_db()
        assert turn.status == "done", turn.error
        assert persistence.load_text(str(canvas.id)) == "Hi\x00planet. Keep\x00this.\n"
        texts = dict(Version.objects.filter(turn=turn).values_list("reason", "text"))
        assert texts == {"assistant_before": "Hello\x00world. Keep\x00this.\n",
                         "assistant_after": "Hi\x00planet. Keep\x00this.\n"}
        publication = publish(canvas, owner, "pinned")
        publication.refresh_from_db()
        assert published_text(publication) == "Hi\x00planet. Keep\x00this.\n"
