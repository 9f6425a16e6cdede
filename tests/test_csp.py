"""Issue #14: the app's pages send a Content-Security-Policy; the preview origin keeps its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from canvas.publish import app as publish_app
from canvas.publish import services as publish_services
from canvas.publish import views as publish_views
from canvas.services import create_canvas

pytestmark = pytest.mark.django_db

APP = "localhost:8000"  # the app; its preview comes from the other loopback name
PREVIEW = "http://127.0.0.1:8000"


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"{name} twice in {header}"
        parsed[name] = sources
    return parsed


def assert_app_policy(response, host: str = APP, preview: str = PREVIEW,
                      socket: str = "ws") -> dict[str, list[str]]:
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval, no hosts
    assert csp["style-src"][0] == "'self'" and "'unsafe-inline'" not in csp["style-src"]
    assert csp["style-src-attr"] == ["'unsafe-inline'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["connect-src"] == ["'self'", f"{socket}://{host}"]
    assert csp["frame-src"] == [preview]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "sandbox" not in csp
    return csp


@pytest.fixture
def alice_client(client, make_user):
    alice = make_user("alice")
    client.force_login(alice)
    client.user = alice
    return client


def test_login_page(client):
    response = client.get("/accounts/login/", HTTP_HOST=APP)
    assert response.status_code == 200
    csp = assert_app_policy(response)
    assert csp["style-src"] == ["'self'"]  # no editor here, so no nonce


def test_home_page(alice_client):
    response = alice_client.get("/", HTTP_HOST=APP)
    assert response.status_code == 200
    assert_app_policy(response)


def test_canvas_page_gives_its_nonce_to_the_editor(alice_client):
    canvas = create_canvas(alice_client.user, "Plan", "code", "jsx")
    response = alice_client.get(f"/canvases/{canvas.id}/", HTTP_HOST=APP)
    assert response.status_code == 200
    csp = assert_app_policy(response)
    nonce = re.search(rb'<meta name="csp-nonce" content="([^"]+)">', response.content)
    assert nonce, "the page must hand CodeMirror the nonce"
    assert csp["style-src"] == ["'self'", f"'nonce-{nonce.group(1).decode()}'"]
    other = alice_client.get(f"/canvases/{canvas.id}/", HTTP_HOST=APP)
    assert directives(other)["style-src"] != csp["style-src"]  # a new nonce per response


def test_sources_follow_the_host_and_the_configured_preview_origin(client, settings):
    response = client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000", secure=True)
    csp = directives(response)
    assert csp["frame-src"] == ["https://localhost:8000"]
    assert csp["connect-src"] == ["'self'", "wss://127.0.0.1:8000"]
    settings.ALLOWED_HOSTS = ["canvas.example", "preview.example"]
    settings.CANVAS_PREVIEW_ORIGIN = "https://preview.example"
    response = client.get("/accounts/login/", HTTP_HOST="canvas.example", secure=True)
    assert_app_policy(response, host="canvas.example", preview="https://preview.example",
                      socket="wss")


def test_refused_hosts_still_get_a_policy_that_frames_nothing(client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert directives(response)["frame-src"] == ["'none'"]


def test_admin_gets_the_app_policy(client):
    response = client.get("/admin/login/", HTTP_HOST=APP)
    assert response.status_code == 200
    assert_app_policy(response)


def test_https_keeps_hsts_beside_the_policy(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000  # what SECURE_COOKIES=1 sets
    response = client.get("/accounts/login/", HTTP_HOST=APP, secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert directives(response)["connect-src"] == ["'self'", f"wss://{APP}"]


def test_preview_frame_keeps_its_own_policy(client):
    response = client.get("/preview/frame?ch=x&parent=http://localhost:8000",
                          HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    assert header.startswith("sandbox allow-scripts allow-forms allow-downloads;")
    csp = directives(response)
    assert csp["default-src"] == ["'none'"]
    assert csp["connect-src"] == ["'none'"]
    assert csp["form-action"] == ["'none'"]
    assert csp["frame-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["http://localhost:8000"]
    assert "style-src-attr" not in csp  # nothing of the app's policy was mixed in


@pytest.mark.parametrize("kind,language,policy", [
    ("document", "markdown", publish_views.PUBLIC_CSP),
    ("code", "jsx", publish_app.APP_CSP),
])
def test_published_pages_keep_their_policy_also_when_revalidated(client, make_user, kind,
                                                                 language, policy):
    owner = make_user("publisher")
    canvas = create_canvas(owner, "Public", kind, language)
    publication = publish_services.publish(canvas, owner, "live")
    url = f"/p/{publication.token}/"
    first = client.get(url, HTTP_HOST="127.0.0.1:8000")
    assert first.status_code == 200
    assert first["Content-Security-Policy"] == policy
    assert "frame-ancestors http: https:" in policy  # embeddable anywhere
    # Browsers merge a 304's headers into the cached page: the app's policy must not arrive.
    again = client.get(url, HTTP_HOST="127.0.0.1:8000", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Content-Security-Policy"] == policy


# Templates of the app's pages may hold no inline script, style or handler (the preview frame's
# shells are on the preview origin with their own policy; the embed snippet is text for others).
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
# Pages served under their own policies, and what only they include.
OWN_POLICY = {"preview/frame.html", "preview/standalone.html", "preview/_base_style.html",
              "publish/_embed_snippet.txt"}
INLINE = re.compile(r"""<script(?![^>]*\bsrc=)[^>]*>|<style\b|\son[a-z]+\s*=|\sstyle\s*=|"""
                    r"""javascript:|\shx-on|\sdata-hx-on|\shx-vars|js:""", re.IGNORECASE)
COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def test_templates_hold_no_inline_code():
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        name = path.relative_to(TEMPLATES).as_posix()
        if path.is_file() and name not in OWN_POLICY:
            text = COMMENTS.sub("", path.read_text())
            found += [f"{name}: {m.group(0)}" for m in INLINE.finditer(text)]
    assert not found
