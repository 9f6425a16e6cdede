"""Invite links and member management."""

import re

import pytest
from django.urls import reverse

from canvas.models import Invite, Membership, Role
from canvas.services import create_canvas
from canvas.sharing import create_invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def canvas(owner):
    return create_canvas(owner, "Shared", "document")


def invite_url(client, canvas, role):
    response = client.post(reverse("share_link", args=[canvas.id]), {"role": role})
    assert response.status_code == 200
    return re.search(r'value="(http[^"]+)"', response.content.decode()).group(1)


def join(client, url):
    """Open the invitation (GET shows it), then press Join (POST)."""
    page = client.get(url)
    assert page.status_code == 200, page.content.decode()
    return client.post(url)


def test_invite_link_shows_the_invitation_then_joining_grants_its_role(client, owner, canvas,
                                                                         make_user):
    client.force_login(owner)
    url = invite_url(client, canvas, "editor")
    bob = make_user("bob")
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert "owner invited you to “Shared” as" in page and "editor" in page
    assert not Membership.objects.filter(canvas=canvas, user=bob).exists()  # GET joins nobody
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("canvas_page", args=[canvas.id])
    assert Membership.objects.get(canvas=canvas, user=bob).role == Role.EDITOR
    assert "Shared" in client.get(reverse("canvas_list")).content.decode()


def test_invite_never_lowers_a_role(client, owner, canvas):
    client.force_login(owner)
    url = invite_url(client, canvas, "viewer")
    join(client, url)  # the owner follows a viewer link
    assert Membership.objects.get(canvas=canvas, user=owner).role == Role.OWNER


def test_signed_out_people_see_who_invites_them_to_what_then_log_in_and_land_on_it(
        client, owner, canvas, make_user):
    invite = create_invite(canvas, Role.VIEWER, owner)
    url = reverse("canvas_join", args=[invite.token])
    page = client.get(url).content.decode()
    assert "owner invited you to “Shared” as" in page and "viewer" in page
    assert f'href="/accounts/login/?next={url}"' in page
    assert f'href="/accounts/signup/?next={url}"' in page
    bob = make_user("bob")
    assert client.post(url)["Location"].startswith("/accounts/login/")  # no joining signed out
    assert not Membership.objects.filter(canvas=canvas, user=bob).exists()
    client.force_login(bob)
    response = client.get(url)  # back from the log-in page: joined, on the canvas
    assert response["Location"] == reverse("canvas_page", args=[canvas.id])
    assert Membership.objects.get(canvas=canvas, user=bob).role == Role.VIEWER


def test_only_the_invite_shown_signed_out_is_joined_without_asking(client, owner, canvas,
                                                                    make_user):
    shown = create_invite(canvas, Role.VIEWER, owner)
    other = create_invite(canvas, Role.EDITOR, owner)
    client.get(reverse("canvas_join", args=[shown.token]))
    client.force_login(make_user("bob"))
    response = client.get(reverse("canvas_join", args=[other.token]))
    assert response.status_code == 200  # the other link asks first
    assert not Membership.objects.filter(canvas=canvas, user__username="bob").exists()


def test_unknown_tokens_are_refused_with_a_clear_message(client, canvas, make_user):
    client.force_login(make_user("mallory"))
    for bad in ["garbage", "x" * 300, create_invite(canvas, Role.VIEWER, None).token[:-2]]:
        for method in (client.get, client.post):
            response = method(reverse("canvas_join", args=[bad]))
            assert response.status_code == 400
            assert "not valid" in response.content.decode()
    assert not Membership.objects.filter(canvas=canvas, user__username="mallory").exists()


def test_expired_links_are_refused_with_a_clear_message(client, owner, canvas, make_user,
                                                         settings):
    settings.CANVAS_INVITE_MAX_AGE = -1
    invite = create_invite(canvas, Role.EDITOR, owner)
    client.force_login(make_user("late"))
    response = client.post(reverse("canvas_join", args=[invite.token]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(canvas=canvas, user__username="late").exists()


def test_link_to_a_deleted_canvas_says_so(client, owner, canvas, make_user):
    invite = create_invite(canvas, Role.EDITOR, owner)
    canvas.delete()
    client.force_login(make_user("bob"))
    response = client.get(reverse("canvas_join", args=[invite.token]))
    assert response.status_code == 400 and "not valid" in response.content.decode()


def test_the_owner_lists_and_revokes_links(client, owner, canvas, make_user):
    client.force_login(owner)
    editor_url = invite_url(client, canvas, "editor")
    viewer_url = invite_url(client, canvas, "viewer")
    dialog = client.get(reverse("share_dialog", args=[canvas.id])).content.decode()
    assert dialog.count('class="invite"') == 2 and "by owner" in dialog
    invite = Invite.objects.get(token=editor_url.rstrip("/").rsplit("/", 1)[1])
    listing = client.post(reverse("invite_revoke", args=[canvas.id, invite.id])).content.decode()
    assert listing.count('class="invite"') == 1 and 'data-role="viewer"' in listing
    client.force_login(make_user("bob"))
    response = client.post(editor_url)
    assert response.status_code == 400 and "revoked" in response.content.decode()
    assert not Membership.objects.filter(canvas=canvas, user__username="bob").exists()
    assert join(client, viewer_url).status_code == 302  # the other link still works


def test_only_the_owner_revokes(client, owner, canvas, make_user):
    invite = create_invite(canvas, Role.EDITOR, owner)
    eve = make_user("eve")
    Membership.objects.create(canvas=canvas, user=eve, role=Role.EDITOR)
    client.force_login(eve)
    response = client.post(reverse("invite_revoke", args=[canvas.id, invite.id]))
    assert response.status_code in (403, 404)
    invite.refresh_from_db()
    assert invite.revoked is None


def test_a_demotion_or_removal_stands_over_an_older_link(client, owner, canvas, make_user):
    bob, carol = make_user("bob"), make_user("carol")
    client.force_login(owner)
    url = invite_url(client, canvas, "editor")
    for person in (bob, carol):
        client.force_login(person)
        join(client, url)
        assert Membership.objects.get(canvas=canvas, user=person).role == Role.EDITOR
    client.force_login(owner)
    client.post(reverse("member_update", args=[canvas.id, bob.id]), {"role": "viewer"})
    client.post(reverse("member_update", args=[canvas.id, carol.id]), {"remove": "1"})
    # The old link does not undo the owner's decisions.
    client.force_login(bob)
    response = join(client, url)
    assert response.status_code == 302
    assert Membership.objects.get(canvas=canvas, user=bob).role == Role.VIEWER
    client.force_login(carol)
    response = client.post(url)
    assert response.status_code == 400 and "removed you" in response.content.decode()
    assert not Membership.objects.filter(canvas=canvas, user=carol).exists()
    # A link made after the decision works again.
    client.force_login(owner)
    fresh = invite_url(client, canvas, "editor")
    client.force_login(carol)
    assert join(client, fresh).status_code == 302
    assert Membership.objects.get(canvas=canvas, user=carol).role == Role.EDITOR


def test_owner_changes_roles_and_removes_members(client, owner, canvas, make_user):
    bob = make_user("bob")
    Membership.objects.create(canvas=canvas, user=bob, role=Role.VIEWER)
    client.force_login(owner)
    url = reverse("member_update", args=[canvas.id, bob.id])
    response = client.post(url, {"role": "editor"})
    assert response.status_code == 200
    assert Membership.objects.get(canvas=canvas, user=bob).role == Role.EDITOR
    assert client.post(url, {"role": "owner"}).status_code == 400  # no second owner
    assert Membership.objects.get(canvas=canvas, user=bob).role == Role.EDITOR
    response = client.post(url, {"remove": "1"})
    assert response.status_code == 200 and "bob" not in response.content.decode()
    assert not Membership.objects.filter(canvas=canvas, user=bob).exists()


def test_owner_cannot_demote_or_remove_themselves(client, owner, canvas):
    client.force_login(owner)
    url = reverse("member_update", args=[canvas.id, owner.id])
    assert client.post(url, {"role": "viewer"}).status_code == 400
    assert client.post(url, {"remove": "1"}).status_code == 400
    assert Membership.objects.get(canvas=canvas, user=owner).role == Role.OWNER


def test_share_dialog_lists_members(client, owner, canvas, make_user):
    Membership.objects.create(canvas=canvas, user=make_user("carol"), role=Role.EDITOR)
    client.force_login(owner)
    page = client.get(reverse("share_dialog", args=[canvas.id])).content.decode()
    assert 'data-username="owner"' in page and 'data-username="carol"' in page


def test_the_owner_adds_people_by_user_name(client, owner, canvas, make_user):
    dana = make_user("dana")
    client.force_login(owner)
    url = reverse("member_add", args=[canvas.id])
    response = client.post(url, {"username": " dana ", "role": "viewer"})
    assert response.status_code == 200 and 'data-username="dana"' in response.content.decode()
    assert Membership.objects.get(canvas=canvas, user=dana).role == Role.VIEWER
    for data, words in [({"username": "nobody", "role": "editor"}, "nobody called “nobody”"),
                        ({"username": "dana", "role": "editor"}, "already viewer"),
                        ({"username": "dana", "role": "owner"}, "choose a role"),
                        ({"username": "", "role": "editor"}, "Give a user name")]:
        response = client.post(url, data)
        assert response.status_code == 400 and words in response.content.decode()
    assert Membership.objects.get(canvas=canvas, user=dana).role == Role.VIEWER
    client.force_login(dana)  # not the owner: refused
    assert client.post(url, {"username": "owner", "role": "viewer"}).status_code in (403, 404)
