"""The applier on its own (no Django views, Celery or model): snapshot, fork, place, merge.

The live document is a plain pycrdt Doc; a person is another Doc whose updates reach it.
The property test throws random model edits and random concurrent human edits at it and
checks the promise: every character a person typed survives, people's deletions stay
deleted, and every replica converges to the same text.
"""

from __future__ import annotations

import random

import pytest
from pycrdt import Doc, IdSet, Map, Text

from canvas.assistant.applier import APPLIED, FAILED, SKIPPED, Applier, ApplyOptions
from canvas.assistant.fork import Snapshot, deleted_ids, word_changes
from collab.positions import codepoint_to_utf8


class LiveDoc:
    """A LiveDocument over a plain pycrdt Doc (what the worker's AssistantPeer is in prod)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.merges = 0

    def deleted(self) -> IdSet:
        return deleted_ids(self.doc)

    def size(self) -> int:
        return len(self.doc.get_update())

    def merge(self, update: bytes) -> None:
        self.merges += 1
        self.doc.apply_update(update)


def doc_with(text: str, client_id: int = 1) -> Doc:
    doc = Doc(client_id=client_id)
    doc.get("content", type=Text).insert(0, text)
    return doc


def copy_of(doc: Doc, client_id: int) -> Doc:
    other = Doc(client_id=client_id)
    other.apply_update(doc.get_update())
    return other


def text(doc: Doc) -> str:
    return str(doc.get("content", type=Text))


def insert(doc: Doc, index: int, value: str) -> None:
    content = doc.get("content", type=Text)
    content.insert(codepoint_to_utf8(str(content), index), value)


def delete(doc: Doc, start: int, end: int) -> None:
    content = doc.get("content", type=Text)
    current = str(content)
    del content[codepoint_to_utf8(current, start):codepoint_to_utf8(current, end)]


def applier_for(doc: Doc, **options) -> tuple[Applier, LiveDoc]:
    live = LiveDoc(doc)
    return Applier(Snapshot.of(doc), 4242, live, ApplyOptions(**options)), live


# --- the basics ------------------------------------------------------------------------------


def test_edits_apply_in_the_fork_and_reach_the_live_doc_only_on_merge():
    live_doc = doc_with("Hello world.\n")
    applier, live = applier_for(live_doc)
    result = applier.edit(1, {"find": "world", "replace": "planet"})
    assert result.status == APPLIED
    assert applier.text() == "Hello planet.\n" and text(live_doc) == "Hello world.\n"
    assert applier.merge() and live.merges == 1
    assert text(live_doc) == "Hello planet.\n"
    assert not applier.merge()  # nothing new: no second update


def test_a_later_edit_sees_what_an_earlier_one_did():
    applier, _ = applier_for(doc_with("one two three"))
    assert applier.edit(1, {"find": "two", "replace": "2"}).status == APPLIED
    assert applier.edit(2, {"find": "one 2", "replace": "1 2"}).status == APPLIED
    assert applier.text() == "1 2 three"


def test_the_same_edit_twice_in_a_turn_is_skipped():
    applier, _ = applier_for(doc_with("Hello world"))
    assert applier.edit(1, {"find": "Hello", "replace": "Hello there"}).status == APPLIED
    assert applier.edit(1, {"find": "Hello", "replace": "Hello there"}).status == SKIPPED
    assert applier.text() == "Hello there world"


@pytest.mark.parametrize("item", [
    {"find": "a", "replace": "b", "all": "false"},
    {"find": "a", "replace": "b", "all": 1},
    {"find": "a"},
    {"find": 3, "replace": "b"},
    "not an object",
])
def test_malformed_edits_are_refused(item):
    applier, live = applier_for(doc_with("a a"))
    result = applier.edit(1, item)
    assert result.status == FAILED and result.error
    assert applier.text() == "a a" and not applier.merge() and live.merges == 0


def test_edits_outside_the_selection_are_refused():
    applier, _ = applier_for(doc_with("First: apples.\nSecond: apples.\n"), selection=(15, 30))
    assert applier.edit(1, {"find": "First", "replace": "1st"}).status == FAILED
    assert applier.edit(2, {"find": "apples", "replace": "pears"}).status == APPLIED
    assert applier.text() == "First: apples.\nSecond: pears.\n"
    assert applier.rewrite("Anything").status == FAILED


def test_the_selection_follows_the_turns_own_edits():
    applier, _ = applier_for(doc_with("xx [a b c] yy"), selection=(3, 10))
    assert applier.edit(1, {"find": "a", "replace": "alpha alpha"}).status == APPLIED
    # The selection grew with the edit: "c" at its end is still inside it.
    assert applier.edit(2, {"find": "c]", "replace": "C]"}).status == APPLIED
    assert applier.text() == "xx [alpha alpha b C] yy"


def test_a_windowed_rewrite_replaces_only_the_window():
    body = "".join(f"line {i}\n" for i in range(100))
    doc = doc_with(body)
    start, end = body.index("line 40"), body.index("line 60")
    live = LiveDoc(doc)
    applier = Applier(Snapshot.of(doc, (start, end)), 7, live)
    shown = body[start:end]
    assert applier.rewrite(shown.upper()).status == APPLIED
    applier.merge()
    assert text(doc) == body[:start] + shown.upper() + body[end:]


def test_comments_anchor_on_the_snapshot_and_land_in_the_live_doc():
    doc = doc_with("Teh cat sat.\n")
    applier, _ = applier_for(doc)
    person = copy_of(doc, 9)
    insert(person, 0, "Ünïcode 😀 ")
    doc.apply_update(person.get_update())
    result = applier.comment(1, {"find": "Teh", "comment": "Typo", "suggestion": "The"})
    assert result.status == APPLIED
    applier.merge()
    from collab.yjs_positions import Positions

    comments = doc.get("comments", type=Map)
    [(_, comment)] = list(comments.items())
    positions = Positions(doc.get("content", type=Text))
    live_text = text(doc)
    assert live_text[positions.decode(comment["start"]):positions.decode(comment["end"])] \
        == "Teh"


def test_word_changes_are_whole_words():
    changes = word_changes("The quick brown fox.", "The slow brown fox!")
    assert [(c.start, c.end, c.insert) for c in changes] == [(4, 9, "slow"), (19, 20, "!")]


# --- the property: people's characters survive, replicas converge ---------------------------

WORDS = ["alpha", "beta", "Grüße", "東京", "😀", "naïve", "e\u0301", "x", "lorem", "ipsum",
         "\n", "\n\n", "  ", "\t", "—", "“quoted”"]


def random_text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def person_edits(rng: random.Random, person: Doc, tokens: list[str]) -> list[tuple[int, int]]:
    """Random inserts of unique tokens and random deletions; returns the deleted spans of
    the person's text at the time (to check they stay deleted)."""
    deleted = []
    for _step in range(rng.randint(1, 6)):
        current = text(person)
        if rng.random() < 0.6 or len(current) < 4:
            token = f"⟦p{len(tokens)}⟧"
            at = rng.randint(0, len(current))
            if current.count("⟦", 0, at) != current.count("⟧", 0, at):
                continue  # inside one of our tokens: the check below needs them whole
            tokens.append(token)
            insert(person, at, token)
        else:
            start = rng.randint(0, len(current) - 2)
            end = min(len(current), start + rng.randint(1, 12))
            # Never delete into a token of ours: the check below needs them whole.
            if any(t in current[max(0, start - 6):end + 6] for t in tokens):
                continue
            delete(person, start, end)
            deleted.append((start, end))
    return deleted


def model_edits(rng: random.Random, snapshot_text: str) -> list[dict]:
    edits = []
    for _ in range(rng.randint(1, 5)):
        if len(snapshot_text) < 10:
            break
        start = rng.randint(0, len(snapshot_text) - 8)
        find = snapshot_text[start:start + rng.randint(3, 20)]
        edits.append({"find": find, "replace": random_text(rng, rng.randint(0, 3))})
    return edits


@pytest.mark.parametrize("seed", range(150))
def test_random_model_and_human_edits_lose_nothing_a_person_typed(seed):
    rng = random.Random(seed)
    live_doc = doc_with(random_text(rng, rng.randint(5, 80)))
    person = copy_of(live_doc, 77)
    applier, _ = applier_for(live_doc)
    tokens: list[str] = []

    # The person edits while the model works: before, between and after its edits.
    def person_acts() -> None:
        before = person.get_state()
        person_edits(rng, person, tokens)
        live_doc.apply_update(person.get_update(before))

    person_acts()
    for number, edit in enumerate(model_edits(rng, applier.text()), 1):
        applier.edit(number, edit)
        if rng.random() < 0.5:
            person_acts()
    if rng.random() < 0.3:
        applier.rewrite(applier.text().replace("alpha", "ALPHA"))
    applier.merge()
    person_acts()
    # Everyone converges.
    person.apply_update(live_doc.get_update())
    live_doc.apply_update(person.get_update())
    final = text(live_doc)
    assert text(person) == final
    # Every token the person typed (the model never read them) is still there, whole.
    for token in tokens:
        assert token in final, f"lost {token!r} from the person's edits"
