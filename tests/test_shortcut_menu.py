"""The Shortcuts menu: groups by purpose, sliders for length and reading level."""

from __future__ import annotations

from canvas.assistant.prompts import SHORTCUTS
from canvas.shortcut_menu import SLIDERS, menu


def test_documents_get_review_adjust_finish_with_two_sliders():
    groups = menu("document", may_edit=True)
    assert [g.title for g in groups] == ["Review", "Adjust", "Finish"]
    adjust = groups[1]
    assert [s.label for s in adjust.sliders] == ["Length", "Reading level"]
    assert adjust.shortcuts == []
    listed = {s.name for g in groups for s in g.shortcuts}
    assert not any(name.startswith("level-") or name in ("shorter", "longer")
                   for name in listed), "length and level are sliders, not entries"


def test_every_slider_stop_is_a_document_shortcut_around_keep_current():
    for slider in SLIDERS:
        assert slider.stops[slider.keep].label == "Keep current"
        assert 0 < slider.keep < slider.last
        for stop in slider.stops:
            if stop.shortcut:
                assert "document" in SHORTCUTS[stop.shortcut].kinds
                assert SHORTCUTS[stop.shortcut].edits


def test_code_gets_review_improve_port():
    groups = menu("code", may_edit=True)
    assert [g.title for g in groups] == ["Review", "Improve", "Port"]
    assert groups[2].port and not groups[0].sliders


def test_commenters_only_see_what_does_not_change_the_text():
    for kind in ("document", "code"):
        groups = menu(kind, may_edit=False)
        assert [g.title for g in groups] == ["Review"]
        assert all(not s.edits for g in groups for s in g.shortcuts)
