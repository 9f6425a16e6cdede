"""When each client id's characters were written, for the Authors view's hover ("3 min ago").

Every logged update has a ``created`` time and names the clocks it writes under each client
id; the first update to carry a clock wrote it. Compaction folds old updates away: their
characters take the time their client id was first seen (``ClientOrigin.created``), which
is when the tab that wrote them started writing.
"""

from __future__ import annotations

from collab import persistence
from collab.yjs_positions import blocks_of_update

#: Times are kept to the minute: the hover says "3 min ago", and the answer stays small.
RESOLUTION_MS = 60_000


def write_times(canvas_id: str) -> dict[int, list[list[int]]]:
    """client id → [[clock, epoch ms], …] sorted by clock: the characters from ``clock``
    (up to the next pair's) were written at that time, to the minute."""
    times: dict[int, list[list[int]]] = {}
    covered: dict[int, int] = {}  # client id → clocks below this already have a time
    for client, created in persistence.clients_first_seen(canvas_id).items():
        times[client] = [[0, _ms(created)]]
    for entry in persistence.log_entries(canvas_id):
        try:
            blocks = blocks_of_update(entry.data)
        except (ValueError, IndexError):
            continue
        at = _ms(entry.created)
        for client, client_blocks in blocks.items():
            for block in client_blocks:
                start, end = max(block.clock, covered.get(client, 0)), block.clock + block.length
                if block.kind == "skip" or end <= start:
                    continue
                covered[client] = end
                points = times.setdefault(client, [])
                if points and points[-1][1] == at:
                    continue
                if points and points[-1][0] == start:
                    points[-1][1] = at
                else:
                    points.append([start, at])
    return times


def _ms(moment) -> int:
    return int(moment.timestamp() * 1000) // RESOLUTION_MS * RESOLUTION_MS
