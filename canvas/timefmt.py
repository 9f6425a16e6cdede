"""One way to say when something happened, everywhere: chat, comments, history, lists.

"just now" under a minute, "5 min ago" under an hour, the time of day today, "Yesterday
14:05", "12 Mar 14:05" this year, "12 Mar 2024" before. The server says it in the server's
time zone; frontend/src/time.js says it again in the reader's and keeps it fresh (the same
rules: change both together).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

JUST_NOW = timedelta(minutes=1)
RECENT = timedelta(hours=1)


def when(moment: datetime, now: datetime | None = None) -> str:
    """How long ago ``moment`` was, in the words the whole app uses."""
    now = now or timezone.now()
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
        now = timezone.localtime(now)
    age = now - moment
    if age < JUST_NOW:
        return "just now"  # also for clocks slightly ahead of ours
    if age < RECENT:
        return f"{int(age.total_seconds() // 60)} min ago"
    clock = f"{moment:%H:%M}"
    if moment.date() == now.date():
        return clock
    if moment.date() == now.date() - timedelta(days=1):
        return f"Yesterday {clock}"
    if moment.year == now.year:
        return f"{moment.day} {moment:%b} {clock}"
    return f"{moment.day} {moment:%b %Y}"
