"""Placing the model's edits: exact, white space, fuzzy, ambiguous, outside a selection."""

import pytest

from canvas.assistant.locate import LocateError, locate

DOC = ("# Title\n\nThe quick brown fox jumps over the lazy dog.\n\n"
       "Zoë’s café serves crème brûlée — 東京 🍮.\n\nThe end. The end.\n")


def test_exact_match():
    [span] = locate(DOC, "quick brown fox")
    assert DOC[span.start:span.end] == "quick brown fox" and span.how == "exact"


def test_unicode_positions_are_code_points():
    [span] = locate(DOC, "東京 🍮")
    assert DOC[span.start:span.end] == "東京 🍮"


def test_whitespace_insensitive_match():
    [span] = locate(DOC, "quick   brown\nfox")
    assert DOC[span.start:span.end] == "quick brown fox" and span.how == "whitespace"


def test_fuzzy_match_tolerates_small_differences():
    [span] = locate(DOC, "The quick brown fox jumped over the lazy dog.")
    assert DOC[span.start:span.end].startswith("The quick brown fox jump")
    assert span.how == "fuzzy"


def test_ambiguous_match_is_refused_unless_all():
    with pytest.raises(LocateError, match="matches 2 places"):
        locate(DOC, "The end.")
    assert len(locate(DOC, "The end.", all_matches=True)) == 2


def test_missing_text_is_refused_with_a_reason():
    with pytest.raises(LocateError, match="does not occur"):
        locate(DOC, "a sentence that is nowhere in this canvas at all")


def test_selection_scope():
    lo = DOC.index("Zoë")
    hi = DOC.index("\n\nThe end")
    [span] = locate(DOC, "café", scope=(lo, hi))
    assert DOC[span.start:span.end] == "café"
    with pytest.raises(LocateError, match="outside the selected text"):
        locate(DOC, "quick brown fox", scope=(lo, hi))
    # Ambiguity is judged inside the selection only.
    [span] = locate(DOC, "The end.", scope=(DOC.index("The end."), len(DOC) - 10))
    assert span.start == DOC.index("The end.")
