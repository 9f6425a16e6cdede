"""Invite links and member management."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from canvas.models import Membership, Role
from canvas.services import create_canvas
from canvas.sharing import make_invite_token

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


def test_invite_link_grants_its_role(client, owner, canvas, make_user):
    client.force_login(owner)
    url = invite_url(client, canvas, "editor")
    bob = make_user("bob")
    client.force_login(bob)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("canvas_page", args=[canvas.id])
    assert Membership.objects.get(canvas=canvas, user=bob).role == Role.EDITOR
    assert "Shared" in client.get(reverse("canvas_list")).content.decode()


def test_invite_never_lowers_a_role(client, owner, canvas):
    client.force_login(owner)
    url = invite_url(client, canvas, "viewer")
    client.get(url)  # the owner follows a viewer link
    assert Membership.objects.get(canvas=canvas, user=owner).role == Role.OWNER


def test_joining_needs_a_login_first(client, owner, canvas):
    token = make_invite_token(canvas, Role.VIEWER)
    response = client.get(reverse("canvas_join", args=[token]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_tampered_token_is_refused_with_a_clear_message(client, canvas, make_user):
    token = make_invite_token(canvas, Role.VIEWER)
    # Swap the role inside the payload but keep the old signature.
    forged = signing.dumps({"c": str(canvas.id), "r": "editor"}, salt="other-salt")
    client.force_login(make_user("mallory"))
    for bad in [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "garbage"]:
        response = client.get(reverse("canvas_join", args=[bad]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert not Membership.objects.filter(canvas=canvas, user__username="mallory").exists()


def test_expired_token_is_refused_with_a_clear_message(client, canvas, make_user, settings):
    token = make_invite_token(canvas, Role.EDITOR)
    settings.CANVAS_INVITE_MAX_AGE = -1
    client.force_login(make_user("late"))
    response = client.get(reverse("canvas_join", args=[token]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(canvas=canvas, user__username="late").exists()


def test_link_to_a_deleted_canvas_says_so(client, owner, canvas, make_user):
    token = make_invite_token(canvas, Role.EDITOR)
    canvas.delete()
    client.force_login(make_user("bob"))
    response = client.get(reverse("canvas_join", args=[token]))
    assert response.status_code == 400 and "no longer exists" in response.content.decode()


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
