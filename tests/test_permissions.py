"""Who may see and change a canvas: anonymous, non-member, viewer, editor, owner."""

import pytest
from django.urls import reverse

from canvas.models import Canvas, Invite, Membership, Role
from canvas.services import create_canvas
from canvas.sharing import create_invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_user):
    owner, viewer, editor, stranger = (make_user(n) for n in
                                       ("owner", "viewer", "editor", "stranger"))
    canvas = create_canvas(owner, "Private", "document")
    Membership.objects.create(canvas=canvas, user=viewer, role=Role.VIEWER)
    Membership.objects.create(canvas=canvas, user=editor, role=Role.EDITOR)
    return canvas, owner, viewer, editor, stranger


def canvas_urls(canvas, user_id):
    get = [reverse("canvas_page", args=[canvas.id]), reverse("share_dialog", args=[canvas.id])]
    post = [reverse(name, args=[canvas.id])
            for name in ("canvas_rename", "canvas_delete", "share_link", "member_add")]
    post.append(reverse("member_update", args=[canvas.id, user_id]))
    invite = create_invite(canvas, Role.EDITOR, canvas.owner)
    post.append(reverse("invite_revoke", args=[canvas.id, invite.id]))
    return get, post


def test_anonymous_users_are_sent_to_log_in(client, setup):
    canvas, owner, *_ = setup
    get_urls, post_urls = canvas_urls(canvas, owner.id)
    for url in [reverse("canvas_list"), *get_urls]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next=")
    for url in post_urls:
        assert client.post(url, {"title": "x", "role": "editor"}).status_code == 302
    assert Canvas.objects.get().title == "Private"


def test_non_member_gets_404_everywhere_and_changes_nothing(client, setup):
    canvas, owner, viewer, editor, stranger = setup
    client.force_login(stranger)
    get_urls, post_urls = canvas_urls(canvas, viewer.id)
    for url in get_urls:
        assert client.get(url).status_code == 404, url
    for url in post_urls:
        assert client.post(url, {"title": "Hacked", "role": "editor"}).status_code == 404, url
    canvas.refresh_from_db()
    assert canvas.title == "Private"
    assert Membership.objects.filter(canvas=canvas, user=viewer).get().role == Role.VIEWER


def test_unknown_canvas_id_is_404(client, setup):
    client.force_login(setup[1])
    assert client.get("/canvases/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/canvases/not-a-uuid/").status_code == 404


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_viewer_and_editor_cannot_rename_delete_or_share(client, setup, who):
    canvas, owner, viewer, editor, _ = setup
    user = viewer if who == "viewer" else editor
    client.force_login(user)
    _, post_urls = canvas_urls(canvas, viewer.id)
    for url in post_urls:
        response = client.post(url, {"title": "Hacked", "role": "editor", "remove": "1"})
        assert response.status_code == 403, url
    assert client.get(reverse("share_dialog", args=[canvas.id])).status_code == 403
    canvas.refresh_from_db()
    assert canvas.title == "Private"
    assert Membership.objects.filter(canvas=canvas).count() == 3
    assert Membership.objects.get(canvas=canvas, user=viewer).role == Role.VIEWER
    assert not Invite.objects.filter(revoked__isnull=False).exists()


def test_viewer_page_has_no_owner_controls_and_a_readonly_mount(client, setup):
    canvas, owner, viewer, *_ = setup
    client.force_login(viewer)
    page = client.get(reverse("canvas_page", args=[canvas.id])).content.decode()
    assert "Private" in page
    for control in ['id="share-button"', 'id="delete-button"', "data-rename"]:
        assert control not in page
    assert 'data-readonly="true"' in page


def test_owner_sees_owner_controls(client, setup):
    canvas, owner, *_ = setup
    client.force_login(owner)
    page = client.get(reverse("canvas_page", args=[canvas.id])).content.decode()
    for control in ['id="share-button"', 'id="delete-button"', "data-rename"]:
        assert control in page
