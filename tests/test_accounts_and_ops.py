"""Sign-up, log-in, the health check and the management commands."""

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from canvas.models import Canvas, Membership, Role

pytestmark = pytest.mark.django_db


def test_signup_logs_in_and_lands_on_the_list(client):
    response = client.post(reverse("signup"), {
        "username": "newbie", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"})
    assert response.status_code == 302 and response["Location"] == reverse("canvas_list")
    assert client.get(reverse("canvas_list")).status_code == 200


def test_signup_errors_are_shown_and_create_nobody(client):
    response = client.post(reverse("signup"), {
        "username": "x", "password1": "abc", "password2": "abd"})
    assert response.status_code == 400
    assert "didn’t match" in response.content.decode() or "didn't match" in \
        response.content.decode()
    assert not get_user_model().objects.filter(username="x").exists()


def test_signup_follows_a_safe_next_only(client):
    data = {"username": "n", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"}
    response = client.post(reverse("signup"), {**data, "next": "https://evil.example/"})
    assert response["Location"] == reverse("canvas_list")


def test_login_and_logout(client, make_user):
    make_user("dora", "a-long-pass-phrase")
    response = client.post(reverse("login"), {"username": "dora", "password": "a-long-pass-phrase"})
    assert response.status_code == 302
    assert client.get(reverse("canvas_list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("canvas_list")).status_code == 302


def test_healthz_checks_database_and_channel_layer(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok",
                                            "channel_layer": "ok"}


def test_healthz_reports_a_broken_channel_layer(client, settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}
    channel_layers.backends.clear()
    try:
        response = client.get(reverse("healthz"))
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["database"] == "ok" and body["channel_layer"].startswith("error")


def test_createuser_and_canvas_create_commands(capsys):
    call_command("createuser", "scripter", "--password", "pw-for-scripts")
    user = get_user_model().objects.get(username="scripter")
    assert user.check_password("pw-for-scripts")
    call_command("canvas_create", "--owner", "scripter", "--kind", "code",
                 "--language", "jsx", "--title", "App")
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    canvas = Canvas.objects.get(id=uuid.UUID(printed))
    assert (canvas.title, canvas.kind, canvas.language) == ("App", "code", "jsx")
    assert Membership.objects.get(canvas=canvas, user=user).role == Role.OWNER


def test_canvas_create_command_refuses_bad_input():
    call_command("createuser", "scripter", "--password", "pw")
    with pytest.raises(CommandError, match="No user"):
        call_command("canvas_create", "--owner", "ghost", "--kind", "document")
    with pytest.raises(CommandError, match="language"):
        call_command("canvas_create", "--owner", "scripter", "--kind", "document",
                     "--language", "python")
    assert Canvas.objects.count() == 0


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_wrong_passwords_lock_the_account_then_even_the_right_one_waits(client, make_user,
                                                                        url, settings):
    user = make_user("target")
    user.is_staff = True
    user.save()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "target", "password": "wrong guess"})
        assert response.status_code in (200, 400)  # the form again, with its error
    response = client.post(url, {"username": "target", "password": "wrong guess"})
    assert response.status_code == 429  # the last allowed failure locks
    response = client.post(url, {"username": "target", "password": "correct-horse-battery-staple"})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_guessing_many_accounts_from_one_address_is_throttled_too(client, make_user, settings):
    make_user("someone")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": f"guess{n}", "password": "x"})
    response = client.post("/accounts/login/", {"username": "someone",
                                                "password": "correct-horse-battery-staple"})
    assert response.status_code == 429


def test_a_right_password_before_the_limit_logs_in_and_resets_the_count(client, make_user,
                                                                         settings):
    make_user("forgetful")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": "forgetful", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "forgetful",
                                                "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
