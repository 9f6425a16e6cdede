"""Item ids as clock ranges per client: ranges fold together, and lookups find them."""

from __future__ import annotations

from collab.clock_ranges import ClockRanges


def test_ranges_fold_together_and_missing_parts_are_found():
    ranges = ClockRanges()
    for clock, length in ((10, 2), (20, 5), (12, 3), (0, 1), (26, 2)):
        ranges.add(1, clock, length)
    assert ranges.missing(1, 0, 30) == [(1, 9), (15, 5), (25, 1), (28, 2)]
    ranges.add(1, 14, 13)  # bridges three ranges
    assert ranges.missing(1, 0, 30) == [(1, 9), (28, 2)]
    assert ranges.missing(1, 10, 18) == []
    assert ranges.missing(2, 3, 2) == [(3, 2)], "another client's items"
    assert ranges.items() == {1: [(0, 1), (10, 18)]}


def test_ranges_added_in_order_touching_make_one():
    ranges = ClockRanges()
    for clock in range(0, 300, 3):
        ranges.add(7, clock, 3)
    ranges.add(7, 310, 5)
    assert ranges.items() == {7: [(0, 300), (310, 5)]}


def test_the_start_of_the_range_holding_a_clock():
    ranges = ClockRanges()
    ranges.add(1, 5, 5)
    ranges.add(1, 20, 1)
    assert [ranges.start_of(1, clock) for clock in (4, 5, 9, 10, 20, 21)] == \
        [None, 5, 5, None, 20, None]
    assert ranges.start_of(2, 5) is None, "another client's items"
