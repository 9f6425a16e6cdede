"""Publishing documents (issue 7): pinned and live pages, unpublish, access, sanitising."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from canvas.models import Publication, Version
from tests.assistant.conftest import Human

pytestmark = pytest.mark.django_db(transaction=True)

DOC = """# Report

Intro with a [link](https://example.org) and <script>alert("x")</script> raw HTML.

## Data

| name | value |
|------|------:|
| Zoë  | 42 😀 |

## Code

```python
print("<b>hi</b>")
```

<img src=x onerror="alert(1)"> [bad](javascript:alert(1))

### Details

The end.
"""


def publish(client, canvas, mode="pinned"):
    response = client.post(reverse("publish", args=[canvas.id]), {"mode": mode},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200, response.content
    return Publication.objects.get(canvas=canvas)


@pytest.fixture
def owner_client(client, cast):
    client.force_login(cast.owner)
    return client


def public_get(client, publication, suffix="", **headers):
    client.logout()
    return client.get(f"/p/{publication.token}/{suffix}", headers=headers)


def test_pinned_publication_renders_without_login_and_ignores_later_edits(owner_client,
                                                                            cast):
    human = Human(cast.canvas.id)
    human.insert(0, DOC)
    publication = publish(owner_client, cast.canvas)
    assert len(publication.token) >= 43  # 32 random bytes: 256 bits
    assert Version.objects.filter(canvas=cast.canvas, label="Published").exists()
    response = public_get(owner_client, publication)
    page = response.content.decode()
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "<h1 id=\"report\">Report</h1>" in page and "<table>" in page
    assert '<a href="https://example.org" target="_blank" rel="noopener noreferrer nofollow">' \
        in page
    assert 'class="language-python"' in page and "&lt;b&gt;hi&lt;/b&gt;" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page  # shown as text
    assert not re.search(r"<[^>]*\bonerror", page) and "<img" not in page
    assert 'href="javascript' not in page
    assert 'class="toc"' in page and 'href="#details"' in page
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "frame-ancestors http: https:" in response["Content-Security-Policy"]
    # Nothing of the app: no member names, no chat, no history, no CSRF token.
    for secret in ("editor", "owner", "viewer", "csrfmiddlewaretoken", "History", "chat"):
        assert secret not in page
    human.insert(0, "CHANGED ")
    assert "CHANGED" not in public_get(owner_client, publication).content.decode()
    owner_client.force_login(cast.owner)
    publish(owner_client, cast.canvas)
    assert "CHANGED" in public_get(owner_client, publication).content.decode()
    assert Publication.objects.get().token == publication.token  # the URL is kept


def test_live_publication_follows_edits_and_revalidates(owner_client, cast):
    human = Human(cast.canvas.id)
    human.insert(0, "# Live\n\nfirst\n")
    publication = publish(owner_client, cast.canvas, "live")
    first = public_get(owner_client, publication, "content")
    assert first.status_code == 200 and "first" in first.json()["html"]
    etag = first["ETag"]
    assert public_get(owner_client, publication, "content",
                      **{"If-None-Match": etag}).status_code == 304
    human.insert(len("# Live\n\n"), "second ")
    changed = public_get(owner_client, publication, "content", **{"If-None-Match": etag})
    assert changed.status_code == 200 and "second first" in changed.json()["html"]
    assert changed["Access-Control-Allow-Origin"] == "*"


def test_unpublish_is_404_at_once_also_for_a_cached_copy(owner_client, cast):
    Human(cast.canvas.id).insert(0, "# Gone soon\n")
    publication = publish(owner_client, cast.canvas)
    cached = public_get(owner_client, publication)
    etag = cached["ETag"]
    assert "no-cache" in cached["Cache-Control"]  # caches must revalidate
    assert public_get(owner_client, publication, **{"If-None-Match": etag}).status_code == 304
    owner_client.force_login(cast.owner)
    assert owner_client.post(reverse("unpublish", args=[cast.canvas.id])).status_code == 200
    assert public_get(owner_client, publication).status_code == 404
    assert public_get(owner_client, publication, **{"If-None-Match": etag}).status_code == 404
    assert public_get(owner_client, publication, "content").status_code == 404


def test_viewers_cannot_publish_and_strangers_cannot_see_controls(client, cast):
    client.force_login(cast.viewer)
    assert client.post(reverse("publish", args=[cast.canvas.id])).status_code == 403
    assert client.get(reverse("publication", args=[cast.canvas.id])).status_code == 403
    client.force_login(cast.stranger)
    assert client.post(reverse("publish", args=[cast.canvas.id])).status_code == 404
    assert client.post(reverse("unpublish", args=[cast.canvas.id])).status_code == 404
    assert not Publication.objects.exists()


def test_only_the_owner_publishes_unless_they_let_editors(client, cast):
    Human(cast.canvas.id).insert(0, "# Draft\n")
    client.force_login(cast.editor)
    controls = client.get(reverse("publication", args=[cast.canvas.id]))
    assert controls.status_code == 200
    assert b"Only the owner can publish this canvas" in controls.content
    assert b"publish-form" not in controls.content
    assert client.post(reverse("publish", args=[cast.canvas.id])).status_code == 403
    assert not Publication.objects.exists()
    for who in (cast.commenter, cast.viewer):
        client.force_login(who)
        assert client.post(reverse("publish_setting", args=[cast.canvas.id]),
                           {"editors_may_publish": "1"}).status_code == 403

    client.force_login(cast.owner)
    setting = client.post(reverse("publish_setting", args=[cast.canvas.id]),
                          {"editors_may_publish": "1"})
    assert setting.status_code == 200 and b"checked" in setting.content
    client.force_login(cast.editor)
    publication = publish(client, cast.canvas)
    assert publication.published_by == cast.editor
    assert client.post(reverse("unpublish", args=[cast.canvas.id])).status_code == 200
    assert not Publication.objects.exists()

    # Taking it back stands at once.
    client.force_login(cast.owner)
    client.post(reverse("publish_setting", args=[cast.canvas.id]), {})
    client.force_login(cast.editor)
    assert client.post(reverse("publish", args=[cast.canvas.id])).status_code == 403
    for who in (cast.commenter, cast.viewer):
        client.force_login(who)
        assert client.post(reverse("publish", args=[cast.canvas.id])).status_code == 403


def test_guessing_urls_finds_nothing(client, cast):
    Human(cast.canvas.id).insert(0, "# Secret\n")
    client.force_login(cast.owner)
    publication = publish(client, cast.canvas)
    client.logout()
    for guess in [publication.token[:-1], publication.token[:-1] + "A", str(cast.canvas.id),
                  "1", "x" * 100]:
        if guess == publication.token:
            continue
        assert client.get(f"/p/{guess}/").status_code == 404


def test_controls_show_url_mode_and_an_embed_snippet(owner_client, cast):
    Human(cast.canvas.id).insert(0, "# Embed me\n")
    publish(owner_client, cast.canvas, "live")
    page = owner_client.get(reverse("publication", args=[cast.canvas.id])).content.decode()
    token = Publication.objects.get().token
    assert f"/p/{token}/" in page and "Live: follows every edit" in page
    snippet = re.search(r'<textarea id="embed-snippet"[^>]*>(.*?)</textarea>', page, re.S)
    snippet_html = snippet.group(1).replace("&quot;", '"') if snippet else ""
    assert 'sandbox="allow-scripts allow-same-origin allow-forms allow-downloads"' in snippet_html
    for dangerous in ("allow-top-navigation", "allow-popups", "allow-modals"):
        assert dangerous not in snippet_html


def test_public_origin_requests_set_no_cookies(client):
    """Browsers fetch /favicon.ico for published pages (they name no icon); neither that nor
    a 404 may set the app's CSRF cookie on the public origin (it made a browser test flaky:
    the cookie appeared whenever the favicon request beat the test's cookie check)."""
    response = client.get("/favicon.ico", HTTP_HOST="localhost")
    assert response.status_code == 204 and not response.cookies
    response = client.get("/no/such/page/", HTTP_HOST="localhost")
    assert response.status_code == 404 and "csrftoken" not in response.cookies
