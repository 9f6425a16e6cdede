"""Version history (issue 6): versions, show changes, restore, thinning, access."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from canvas import versions
from canvas.models import Version
from collab.client import SyncClient
from tests.assistant.conftest import Human
from tests.sync.helpers import converge, http_post, stored_text

pytestmark = pytest.mark.django_db(transaction=True)


# --- show changes ---------------------------------------------------------------------------

def test_show_changes_marks_exactly_the_inserted_and_deleted_prose():
    old = "The quick brown fox jumps over the lazy dog."
    new = "The quick red fox leaps over the lazy dog!"
    html = str(versions.render_diff(old, new))
    assert '<del class="diff-del">brown</del><ins class="diff-ins">red</ins>' in html
    assert '<del class="diff-del">jumps</del><ins class="diff-ins">leaps</ins>' in html
    assert '<del class="diff-del">.</del><ins class="diff-ins">!</ins>' in html
    assert versions.summarize(old, new) == "+9/−11 characters, 3 passages"


def test_show_changes_on_code_and_html_is_escaped():
    old = "def f(x):\n    return x\n"
    new = "def f(x):\n    # <script>alert(1)</script>\n    return x * 2\n"
    html = str(versions.render_diff(old, new))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<ins class="diff-ins">' in html and "* 2" in html
    plain = html.replace('<ins class="diff-ins">', "").replace("</ins>", "")
    assert "return x" in plain


def test_show_changes_view_against_previous_and_now(client, cast):
    human = Human(cast.canvas.id, f"user:{cast.owner.pk}")
    human.insert(0, "alpha beta\n")
    first = versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "one")
    human.insert(len("alpha "), "NEW ")
    second = versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "two")
    human.insert(0, "LATER ")
    client.force_login(cast.viewer)
    url = reverse("version_changes", args=[cast.canvas.id, second.id])
    page = client.get(url).content.decode()
    assert 'title="Added by owner">NEW </ins>' in page
    page = client.get(url + "?against=now").content.decode()
    assert 'title="Added by owner">LATER </ins>' in page and "diff-del" not in page
    page = client.get(reverse("version_view", args=[cast.canvas.id, first.id])).content.decode()
    assert "alpha beta" in page and "Restore this version" not in page  # a viewer


def test_show_changes_names_who_added_and_who_deleted(client, cast):
    owner = Human(cast.canvas.id, f"user:{cast.owner.pk}")
    owner.insert(0, "The quick brown fox jumps.\n")
    versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "one")
    editor = Human(cast.canvas.id, f"user:{cast.editor.pk}")
    editor.sync()
    editor.insert(len("The quick "), "clever ")
    owner.sync()
    owner.delete(len("The quick clever "), len("The quick clever brown "))
    second = versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "two")
    client.force_login(cast.viewer)
    page = client.get(reverse("version_changes", args=[cast.canvas.id, second.id])) \
        .content.decode()
    assert 'data-author="editor" title="Added by editor">clever</ins>' in page
    assert 'data-author="owner" title="Deleted by owner">brown</del>' in page
    legend = page[page.index('class="change-authors"'):page.index("</ul>")]
    assert re.findall(r">(\w+)</li>", legend) == ["owner", "editor"]  # in order of appearance


def test_show_changes_names_the_assistant_turn_and_who_asked(client, cast):
    from canvas.models import Message

    Human(cast.canvas.id, f"user:{cast.owner.pk}").insert(0, "Intro.\n")
    versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "one")
    request = Message.objects.create(canvas=cast.canvas, author=cast.editor,
                                     text="Make the intro longer")
    turn = Message.objects.create(canvas=cast.canvas, is_assistant=True, reply_to=request)
    Human(cast.canvas.id, f"assistant:{turn.id}").insert(len("Intro."), " Now longer.")
    second = versions.make_version(cast.canvas.id, Version.Reason.ASSISTANT_AFTER, turn=turn)
    client.force_login(cast.owner)
    page = client.get(reverse("version_changes", args=[cast.canvas.id, second.id])) \
        .content.decode()
    assert ('title="Added by ✦ Assistant · turn: Make the intro longer (asked by editor)">'
            " Now longer.</ins>") in page


def test_insertions_by_several_people_are_each_named_from_the_canvas(client, cast):
    owner = Human(cast.canvas.id, f"user:{cast.owner.pk}")
    owner.insert(0, "Start. End.\n")
    versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "one")
    editor = Human(cast.canvas.id, f"user:{cast.editor.pk}")
    editor.sync()
    editor.insert(len("Start."), " Köln 😀 by the editor,")
    owner.sync()
    owner.insert(len("Start. Köln 😀 by the editor, End."), " Owner's 東京 tail!")
    owner.insert(0, "Gone soon. ")
    second = versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "two")
    owner.delete(0, len("Gone soon. "))  # deleted since: today's canvas cannot name it
    client.force_login(cast.viewer)
    page = client.get(reverse("version_changes", args=[cast.canvas.id, second.id])) \
        .content.decode()
    assert 'title="Added by editor"> Köln 😀 by the editor,</ins>' in page
    assert re.search(r'title="Added by owner">[^<]* Owner&#x27;s 東京 tail!</ins>', page)
    assert 'title="Added (author not known)">Gone soon. </ins>' in page


def test_text_added_then_removed_since_is_named_from_the_update_log(client, cast):
    owner = Human(cast.canvas.id, f"user:{cast.owner.pk}")
    owner.insert(0, "Keep.\n")
    versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "one")
    editor = Human(cast.canvas.id, f"user:{cast.editor.pk}")
    editor.sync()
    editor.insert(len("Keep."), " Short-lived words.")
    second = versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "two")
    owner.sync()
    owner.delete(len("Keep."), len("Keep. Short-lived words."))  # gone from today's text
    client.force_login(cast.owner)
    page = client.get(reverse("version_changes", args=[cast.canvas.id, second.id])) \
        .content.decode()
    assert 'title="Added by editor"> Short-lived words.</ins>' in page


def test_changes_by_several_people_with_the_log_folded_away_stay_unnamed(client, cast):
    owner = Human(cast.canvas.id, f"user:{cast.owner.pk}")
    owner.insert(0, "One two three.\n")
    versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "one")
    editor = Human(cast.canvas.id, f"user:{cast.editor.pk}")
    editor.sync()
    editor.delete(0, len("One "))
    owner.sync()
    owner.delete(len("two "), len("two three"))
    second = versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "two")
    client.force_login(cast.owner)
    page = client.get(reverse("version_changes", args=[cast.canvas.id, second.id])) \
        .content.decode()
    # Two people deleted: which deletion is whose is not known, so neither is guessed.
    assert 'title="Deleted (author not known)">One </del>' in page
    assert 'data-author=' not in page


def test_code_changes_show_whole_lines(client, make_user):
    from canvas.services import create_canvas

    ada = make_user("ada")
    canvas = create_canvas(ada, "Code", "code", "python")
    human = Human(canvas.id, f"user:{ada.pk}")
    human.insert(0, "def f(x):\n    return x\n")
    versions.make_version(canvas.id, Version.Reason.MANUAL, "one")
    human.insert(len("def f(x):\n    return x"), " * 2")
    second = versions.make_version(canvas.id, Version.Reason.MANUAL, "two")
    client.force_login(ada)
    page = client.get(reverse("version_changes", args=[canvas.id, second.id])).content.decode()
    assert 'class="diff by-lines"' in page
    assert '>    return x\n</del><ins ' in page
    assert 'title="Added by ada">    return x * 2\n</ins>' in page
    # The same change in a document is one word.
    assert versions.diff("    return x\n", "    return x * 2\n") == [
        (0, "    return x"), (1, " * 2"), (0, "\n")]


def test_show_changes_of_a_version_that_changed_nothing_says_so(client, cast):
    Human(cast.canvas.id, f"user:{cast.owner.pk}").insert(0, "Same.\n")
    versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "one")
    again = versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "again")
    client.force_login(cast.owner)
    url = reverse("version_changes", args=[cast.canvas.id, again.id])
    page = client.get(url).content.decode()
    assert "This version changed nothing" in page and '<pre class="diff' not in page
    page = client.get(url + "?against=now").content.decode()
    assert "Nothing has changed since this version" in page


# --- the timeline -------------------------------------------------------------------------------

def timeline_of(client, canvas) -> str:
    return client.get(reverse("history", args=[canvas.id]),
                      headers={"HX-Request": "true"}).content.decode()


def test_a_turn_that_changed_nothing_leaves_no_entries(client, cast, fake_openai, settings):
    """A turn that only commented: its before/after versions (kept for undo) are not listed;
    a turn that edited is listed as a pair, in one label format, its request on one line."""
    from tests.assistant.conftest import run_turn, start_turn
    from tests.fakes.openai_server import ToolCall, ToolCalls

    settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY = fake_openai.base_url, "test-key"
    Human(cast.canvas.id, f"user:{cast.owner.pk}").insert(0, "Alpha beta gamma.\n")
    versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "Start")
    fake_openai.add_response(ToolCalls([ToolCall("comment_canvas", {"comments": [
        {"find": "beta", "comment": "Is beta right?"}]})]))
    quiet = run_turn(start_turn(cast.canvas, "Review this"))
    assert Version.objects.filter(turn=quiet).count() == 2  # still there, for undo
    long_request = "Replace beta with delta " + "and explain why, please " * 10
    fake_openai.add_response(ToolCalls([ToolCall("edit_canvas", {"edits": [
        {"find": "beta", "replace": "delta"}]})]))
    edited = run_turn(start_turn(cast.canvas, long_request))
    client.force_login(cast.viewer)
    page = timeline_of(client, cast.canvas)
    assert "Review this" not in page and "No changes" not in page
    assert page.count('class="version reason-') == 3
    assert "After the assistant" not in page and "Before:" not in page
    titles = re.findall(r'class="version-label">([^<]*)<', page)
    assert titles == ["Assistant&#x27;s edit", "Before the assistant&#x27;s edit", "Start"]
    full = " ".join(long_request.split())
    assert page.count(f'<p class="version-request" title="{full}">') == 2
    assert page.count("asked by owner") == 2
    # Stepping back from the edit's "before" skips the quiet turn's versions.
    before = Version.objects.get(turn=edited, reason="assistant_before")
    detail = client.get(reverse("version_view", args=[cast.canvas.id, before.id])) \
        .content.decode()
    start = Version.objects.get(label="Start")
    older = detail[detail.index("hx-get="):detail.index('aria-label="Older version"')]
    assert reverse("version_view", args=[cast.canvas.id, start.id]) in older


def test_a_held_back_rewrite_is_listed_as_a_proposal_with_its_request(client, cast):
    from canvas.models import Message

    Human(cast.canvas.id, f"user:{cast.owner.pk}").insert(0, "Long text.\n")
    versions.make_version(cast.canvas.id, Version.Reason.MANUAL, "Start")
    request = Message.objects.create(canvas=cast.canvas, author=cast.owner, text="Fix typos")
    turn = Message.objects.create(canvas=cast.canvas, is_assistant=True, reply_to=request)
    versions.make_version(cast.canvas.id, Version.Reason.ASSISTANT_BEFORE, turn=turn)
    versions.make_version(cast.canvas.id, Version.Reason.PROPOSAL, text="x\n", turn=turn)
    client.force_login(cast.owner)
    page = timeline_of(client, cast.canvas)
    titles = re.findall(r'class="version-label">([^<]*)<', page)
    # The turn changed nothing else: its "before" is not listed.
    assert titles == ["Proposed rewrite (not applied)", "Start"]
    assert '<p class="version-request" title="Fix typos">' in page



def test_an_assistant_version_names_the_model_of_its_turn_when_known(client, cast):
    from canvas.models import Message

    Human(cast.canvas.id, f"user:{cast.owner.pk}").insert(0, "Text.\n")
    for model, text in (("model-x", "x\n"), ("", "y\n")):
        request = Message.objects.create(canvas=cast.canvas, author=cast.owner, text="Go")
        turn = Message.objects.create(canvas=cast.canvas, is_assistant=True, reply_to=request,
                                      model=model)
        versions.make_version(cast.canvas.id, Version.Reason.PROPOSAL, text=text, turn=turn)
    client.force_login(cast.owner)
    page = timeline_of(client, cast.canvas)
    assert page.count('<span class="version-author assistant">✦ Assistant</span>') == 2
    # The older turn's model is not known: its version names no model.
    assert page.count('class="version-model"') == 1
    assert '<span class="version-model">model-x</span>' in page


# --- versions and authors ---------------------------------------------------------------------

def test_manual_save_records_its_author_and_name(client, cast):
    Human(cast.canvas.id).insert(0, "Draft one\n")
    client.force_login(cast.editor)
    response = client.post(reverse("version_save", args=[cast.canvas.id]),
                           {"label": "  First   draft "}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "First draft" in response.content.decode()
    version = Version.objects.get()
    assert (version.reason, version.label, version.author, version.text) == \
        ("manual", "First draft", cast.editor, "Draft one\n")
    assert client.post(reverse("version_save", args=[cast.canvas.id]),
                       {"label": " "}).status_code == 400


async def test_a_pause_in_editing_makes_a_checkpoint_by_its_author(cast, asgi_server_factory):
    server = await sync_to_async(asgi_server_factory)(CANVAS_CHECKPOINT_PAUSE="0.5",
                                                      CANVAS_CHECKPOINT_INTERVAL="1")
    editor = await SyncClient(cast.url(server.url), cast.sessions["editor"]).connect()
    editor.insert(0, "typed by the editor\n")
    await converge([editor], cast.canvas.id)

    async def checkpoint():
        return await sync_to_async(
            lambda: Version.objects.filter(reason="checkpoint").select_related("author")
            .first())()

    for _ in range(100):
        version = await checkpoint()
        if version:
            break
        await asyncio.sleep(0.1)
    assert version is not None, "no checkpoint after a pause"
    assert version.author_id == cast.editor.id and version.text == "typed by the editor\n"
    await editor.close()


def test_thinning_keeps_named_and_assistant_versions(cast):
    # A fixed noon, not the clock: 30, 30.2 and 30.4 hours before 12:30 fall in one clock
    # hour, and 960 and 962 hours before it in one UTC day whatever time the test runs at.
    now = datetime(2026, 6, 15, 12, 30, tzinfo=UTC)
    for hours in [1, 2, 30, 30.2, 30.4, 50, 24 * 40, 24 * 40 + 2, 24 * 41]:
        v = Version.objects.create(canvas=cast.canvas, reason="checkpoint", text=str(hours))
        Version.objects.filter(id=v.id).update(created=now - timedelta(hours=hours))
    named = Version.objects.create(canvas=cast.canvas, reason="manual", label="keep me")
    assistant = Version.objects.create(canvas=cast.canvas, reason="assistant_after")
    for v in (named, assistant):
        Version.objects.filter(id=v.id).update(created=now - timedelta(days=90))
    result = versions.thin(cast.canvas.id, now=now)
    left = set(Version.objects.filter(reason="checkpoint").values_list("text", flat=True))
    # The last day: all; then one per hour (30 h bucket keeps one of three); then per day.
    assert {"1", "2", "50"} <= left
    assert len(left & {"30", "30.2", "30.4"}) == 1
    assert len(left & {str(24 * 40), str(24 * 40 + 2)}) == 1
    assert Version.objects.filter(id__in=[named.id, assistant.id]).count() == 2
    assert result.deleted == 3


# --- restore ------------------------------------------------------------------------------------

async def test_restore_keeps_concurrent_typing_and_can_be_restored_away(cast, live_server_url):
    writer = await SyncClient(cast.url(live_server_url), cast.sessions["owner"]).connect()
    writer.insert(0, "Title\n\nOld paragraph about Köln 😀.\n\nFooter\n")
    old_text = await converge([writer], cast.canvas.id)
    old = await sync_to_async(versions.make_version)(cast.canvas.id, "manual", "old")
    writer.delete(len("Title\n\n"), len("Title\n\nOld paragraph about Köln 😀.\n"))
    writer.insert(len("Title\n\n"), "A new paragraph replaced it.\n")
    await converge([writer], cast.canvas.id)

    typist = await SyncClient(cast.url(live_server_url), cast.sessions["editor"]).connect()
    # The typist's edit is concurrent with the restore: made on the text as it was before
    # the restore, reaching the server after it (typed on a slow link, sent on reconnect).
    await typist.drop()
    footer = typist.get_text().index("Footer") + len("Footer")
    for offset, char in enumerate(" — typed meanwhile"):
        typist.insert(footer + offset, char)
    path = f"/canvases/{cast.canvas.id}/history/{old.id}/restore"
    response = await http_post(live_server_url, cast.sessions["owner"], path, {},
                               page=f"/canvases/{cast.canvas.id}/")
    assert response.status_code == 200
    await typist.connect()
    final = await converge([writer, typist], cast.canvas.id)
    assert final == old_text.replace("Footer", "Footer — typed meanwhile")

    # The restore is itself a version, and the state before it too: restore that back.
    before = await sync_to_async(
        lambda: Version.objects.get(label__startswith="Before restoring"))()
    assert "A new paragraph replaced it." in before.text
    assert await sync_to_async(Version.objects.filter(reason="restore").exists)()
    response = await http_post(live_server_url, cast.sessions["owner"],
                               f"/canvases/{cast.canvas.id}/history/{before.id}/restore", {},
                               page=f"/canvases/{cast.canvas.id}/")
    assert response.status_code == 200
    assert await stored_text(cast.canvas.id) == before.text
    await writer.close()
    await typist.close()


# --- access ---------------------------------------------------------------------------------------

def test_viewers_browse_but_cannot_restore_or_save(client, cast):
    Human(cast.canvas.id).insert(0, "text\n")
    version = versions.make_version(cast.canvas.id, "manual", "v")
    client.force_login(cast.viewer)
    assert client.get(reverse("history", args=[cast.canvas.id])).status_code == 200
    panel = client.get(reverse("history", args=[cast.canvas.id]),
                       headers={"HX-Request": "true"}).content.decode()
    assert "Save version" not in panel and f'id="version-{version.id}"' in panel
    assert client.post(reverse("version_restore", args=[cast.canvas.id, version.id])) \
        .status_code == 403
    assert client.post(reverse("version_save", args=[cast.canvas.id]),
                       {"label": "x"}).status_code == 403
    assert Version.objects.count() == 1


def test_non_members_get_404_for_history(client, cast):
    version = versions.make_version(cast.canvas.id, "manual", "v")
    client.force_login(cast.stranger)
    for url in [reverse("history", args=[cast.canvas.id]),
                reverse("version_view", args=[cast.canvas.id, version.id]),
                reverse("version_changes", args=[cast.canvas.id, version.id]),
                reverse("last_turn", args=[cast.canvas.id])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("version_restore", args=[cast.canvas.id, version.id])) \
        .status_code == 404
