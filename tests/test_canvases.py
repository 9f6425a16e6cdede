"""Creating, listing, renaming and deleting canvases, and what bad input does."""

import uuid

import pytest
from django.urls import reverse

from canvas.models import Canvas, Membership, Role
from canvas.services import create_canvas

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def create_form(**overrides):
    data = {"title": "Plan", "kind": "document", "language": "", "form_token": str(uuid.uuid4())}
    data.update(overrides)
    return data


def test_create_document_redirects_to_it_and_makes_owner(alice_client, alice):
    response = alice_client.post(reverse("canvas_create"), create_form(title="  Trip   plan "))
    canvas = Canvas.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("canvas_page", args=[canvas.id])
    assert canvas.title == "Trip plan"  # white space folded
    assert canvas.language == "markdown"  # a document's default
    assert Membership.objects.get(canvas=canvas, user=alice).role == Role.OWNER


def test_create_with_htmx_answers_with_a_client_redirect(alice_client):
    response = alice_client.post(reverse("canvas_create"),
                                 create_form(kind="code", language="tsx"),
                                 headers={"HX-Request": "true"})
    canvas = Canvas.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("canvas_page", args=[canvas.id])
    assert (canvas.kind, canvas.language) == ("code", "tsx")


@pytest.mark.parametrize("title", ["", "   "])
def test_a_canvas_without_a_title_is_untitled(alice_client, title):
    response = alice_client.post(reverse("canvas_create"), create_form(title=title))
    assert response.status_code == 302
    assert Canvas.objects.get().title == "Untitled canvas"


def test_code_without_a_language_gets_the_first_code_language(alice_client):
    alice_client.post(reverse("canvas_create"), create_form(kind="code"))
    assert Canvas.objects.get().language == "python"


@pytest.mark.parametrize("data, message", [
    ({"title": "x" * 10_000}, "Keep the title under 200 characters."),
    ({"kind": "spreadsheet"}, "Select a valid choice"),
    ({"kind": "code", "language": "cobol"}, "Select a valid choice"),
    ({"kind": "document", "language": "python"}, "A document canvas can be: Markdown."),
    ({"kind": "code", "language": "markdown"}, "A code canvas can be:"),
])
def test_bad_input_is_a_clear_form_error_and_creates_nothing(alice_client, data, message):
    response = alice_client.post(reverse("canvas_create"), create_form(**data),
                                 headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Canvas.objects.count() == 0


def test_double_submit_creates_one_canvas(alice_client):
    form = create_form()
    first = alice_client.post(reverse("canvas_create"), form)
    second = alice_client.post(reverse("canvas_create"), form, headers={"HX-Request": "true"})
    assert first.status_code == 302
    assert second.status_code == 400
    assert "already submitted" in second.content.decode()
    assert Canvas.objects.count() == 1


def test_list_shows_owned_and_shared_canvases_only(alice_client, alice, make_user):
    bob = make_user("bob")
    mine = create_canvas(alice, "Mine", "document")
    shared = create_canvas(bob, "Bob's notes", "code", "python")
    Membership.objects.create(canvas=shared, user=alice, role=Role.VIEWER)
    create_canvas(bob, "Bob's secret", "document")
    page = alice_client.get(reverse("canvas_list")).content.decode()
    assert mine.title in page
    assert "Bob&#x27;s notes" in page and "by bob" in page
    assert "secret" not in page


def test_owner_renames_and_bad_titles_change_nothing(alice_client, alice):
    canvas = create_canvas(alice, "Old", "document")
    url = reverse("canvas_rename", args=[canvas.id])
    response = alice_client.post(url, {"title": "New name"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "New name" in response.content.decode()
    for bad in ["", "y" * 10_000]:
        response = alice_client.post(url, {"title": bad}, headers={"HX-Request": "true"})
        assert response.status_code == 400
        assert "field-error" in response.content.decode()
    canvas.refresh_from_db()
    assert canvas.title == "New name"


def test_owner_deletes_from_the_list_in_place(alice_client, alice):
    canvas = create_canvas(alice, "Doomed", "document")
    response = alice_client.post(reverse("canvas_delete", args=[canvas.id]), {"from": "list"},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.content == b""
    assert not Canvas.objects.filter(id=canvas.id).exists()


def test_canvas_page_has_the_shell_and_mount_point(alice_client, alice):
    canvas = create_canvas(alice, "Shell", "code", "python")
    page = alice_client.get(reverse("canvas_page", args=[canvas.id])).content.decode()
    for marker in ['id="participants"', 'id="connection-status"', 'id="share-button"',
                   'id="chat-panel"', 'id="editor-mount"', f'data-canvas-id="{canvas.id}"',
                   f'data-sync-path="/ws/canvases/{canvas.id}/sync"', 'data-readonly="false"']:
        assert marker in page, marker
