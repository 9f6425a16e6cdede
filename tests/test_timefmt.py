"""One time format everywhere (canvas/timefmt.py and its template tag)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template

from canvas.timefmt import when

NOW = datetime(2026, 3, 12, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize("ago, words", [
    (timedelta(0), "just now"),
    (timedelta(seconds=59), "just now"),
    (timedelta(seconds=-20), "just now"),  # a clock a little ahead of ours
    (timedelta(minutes=1), "1 min ago"),
    (timedelta(minutes=59, seconds=59), "59 min ago"),
    (timedelta(hours=2), "13:30"),
    (timedelta(hours=20), "Yesterday 19:30"),
    (timedelta(days=3), "9 Mar 15:30"),
    (timedelta(days=400), "5 Feb 2025"),
])
def test_when(ago, words):
    assert when(NOW - ago, now=NOW) == words


def test_the_template_tag_gives_a_time_element(settings):
    settings.USE_TZ = True
    html = Template("{% load canvas_time %}{% when moment 'chat-time' %}").render(
        Context({"moment": datetime.now(UTC)}))
    assert html.startswith('<time class="chat-time" datetime="')
    assert "data-when" in html and html.endswith(">just now</time>")
    assert "0 minutes" not in html
