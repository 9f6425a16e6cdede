"""``{% when moment %}``: a <time> element saying when, in the app's one format."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from canvas.timefmt import when as say_when

register = template.Library()


@register.simple_tag
def when(moment: datetime | None, css_class: str = "") -> SafeString | str:
    """A <time> with the ISO instant (frontend/src/time.js refreshes its text) and the full
    date on hover."""
    if moment is None:
        return ""
    return format_html('<time class="{}" datetime="{}" data-when title="{}">{}</time>',
                       css_class, moment.isoformat(), f"{moment:%Y-%m-%d %H:%M}",
                       say_when(moment))
