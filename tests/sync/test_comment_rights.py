"""Comments over sync: commenters may comment but not edit; authors are stamped by the
server, so nobody can pass a comment off as someone else's or as the assistant's."""

import asyncio

import pytest
from pycrdt import Map

from collab.client import SyncClient
from tests.sync.helpers import converge, stored_text

pytestmark = [pytest.mark.django_db(transaction=True)]


def client(cast, base_url, who) -> SyncClient:
    return SyncClient(cast.url(base_url), cast.sessions[who])


def comments_of(c: SyncClient) -> Map:
    return c.doc.get("comments", type=Map)


def comment(author: str, body: str, **extra) -> dict:
    return {"author": author, "body": body, "quote": "", "start": b"", "end": b"",
            "resolved": False, "suggestion": None, "created": 1.0, **extra}


async def settle(*clients: SyncClient, until, timeout: float = 10) -> None:
    """Round trips until ``until()`` holds (corrections arrive as ordinary updates)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not until():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout} s")
        for c in clients:
            await c.roundtrip()
        await asyncio.sleep(0.05)


async def test_a_commenter_comments_but_cannot_change_the_text(cast, live_server_url):
    owner = await client(cast, live_server_url, "owner").connect()
    owner.insert(0, "Opening hours: nine to five.")
    commenter = await client(cast, live_server_url, "commenter").connect()
    await converge([owner, commenter], cast.canvas.id)

    comments_of(commenter)["c1"] = comment("commenter", "Which days?", userId=cast.commenter.pk)
    await settle(owner, commenter, until=lambda: "c1" in comments_of(owner))
    assert comments_of(owner)["c1"]["body"] == "Which days?"

    # An update that touches the text is refused whole, with a message; the text is unharmed.
    commenter.insert(0, "VANDAL ")
    await settle(commenter, until=lambda: commenter.errors)
    assert commenter.errors and "comment on this canvas but not edit" in commenter.errors[-1]
    await owner.roundtrip()
    assert str(owner.text) == "Opening hours: nine to five."
    assert await stored_text(cast.canvas.id) == "Opening hours: nine to five."
    for c in (owner, commenter):
        await c.close()


async def test_authors_are_stamped_and_the_assistant_flag_cannot_be_forged(cast,
                                                                          live_server_url):
    editor = await client(cast, live_server_url, "editor").connect()
    owner = await client(cast, live_server_url, "owner").connect()
    editor.insert(0, "Some text to comment on.")
    await converge([editor, owner], cast.canvas.id)

    # The editor writes as the owner, and as the assistant.
    comments_of(editor)["fake-owner"] = comment("owner", "Approved!", userId=cast.owner.pk)
    comments_of(editor)["fake-ai"] = comment("✦ fake-model", "Trust me", assistant=True)
    await settle(editor, owner, until=lambda: all(
        comments_of(c).get(key, {}).get("author") == "editor"
        for c in (editor, owner) for key in ("fake-owner", "fake-ai")))
    for c in (editor, owner):
        for key in ("fake-owner", "fake-ai"):
            stamped = comments_of(c)[key]
            assert stamped["author"] == "editor" and int(stamped["userId"]) == cast.editor.pk
            assert "assistant" not in stamped
    for c in (editor, owner):
        await c.close()


async def test_others_may_resolve_a_comment_but_not_rewrite_or_delete_it(cast,
                                                                        live_server_url):
    owner = await client(cast, live_server_url, "owner").connect()
    commenter = await client(cast, live_server_url, "commenter").connect()
    comments_of(owner)["mine"] = comment("owner", "Owner's note", userId=cast.owner.pk)
    await settle(owner, commenter, until=lambda: "mine" in comments_of(commenter))

    # The commenter changes the body and re-attributes it: only `resolved` stands.
    comments_of(commenter)["mine"] = {**comments_of(commenter)["mine"],
                                      "body": "Owner agrees with me", "resolved": True,
                                      "author": "commenter"}
    await settle(owner, commenter, until=lambda: (
        comments_of(commenter)["mine"]["body"] == "Owner's note"
        and comments_of(owner)["mine"]["resolved"] is True))
    for c in (owner, commenter):
        assert comments_of(c)["mine"]["body"] == "Owner's note"
        assert comments_of(c)["mine"]["author"] == "owner"
        assert comments_of(c)["mine"]["resolved"] is True

    # A commenter's deletion of someone else's comment is undone...
    del comments_of(commenter)["mine"]
    await settle(owner, commenter, until=lambda: "mine" in comments_of(commenter))
    assert "mine" in comments_of(commenter) and "mine" in comments_of(owner)
    # ...their own they may delete.
    comments_of(commenter)["theirs"] = comment("commenter", "Oops", userId=cast.commenter.pk)
    await settle(owner, commenter, until=lambda: "theirs" in comments_of(owner))
    del comments_of(commenter)["theirs"]
    await settle(owner, commenter, until=lambda: "theirs" not in comments_of(owner))
    assert "theirs" not in comments_of(owner) and "theirs" not in comments_of(commenter)
    for c in (owner, commenter):
        await c.close()


async def test_a_viewer_still_cannot_comment(cast, live_server_url):
    viewer = await client(cast, live_server_url, "viewer").connect()
    owner = await client(cast, live_server_url, "owner").connect()
    comments_of(viewer)["v"] = comment("viewer", "Can I?", userId=cast.viewer.pk)
    await settle(viewer, until=lambda: viewer.errors)
    assert viewer.errors and "not edit" in viewer.errors[-1]
    await owner.roundtrip()
    assert "v" not in comments_of(owner)
    for c in (viewer, owner):
        await c.close()
