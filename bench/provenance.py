"""What attributing every character to its writer costs the sync server (issue #13).

The automerge-paper trace (shared/data, 259,778 single-character edits) is encoded as one Y
update per edit, then each update goes through what a replica does with a connection's
update, twice, in the same process and order:

- without provenance: apply it to the replica's document;
- with provenance: the writer check before applying (collab.yjs_positions.writer_clients,
  the fast path for a client id already known to be the sender's; the full new_writers
  read with the state vector the first time a client id is met) and the client-id read
  when logging (persistence._new_origins reads it again for each logged update).

Printed: CPU per update with and without; the extra as a share of the whole server's CPU
per edit, measured by replaying the first SERVER_EDITS edits through our real server (as
bench/trace_replay.py does; goal: at most 10%); and what provenance stores: one row per
client id, not per update. Time to colour a canvas in the browser: bench/authors_colouring.py.

Run: .venv/bin/python bench/provenance.py [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h  # noqa: E402
from trace_replay import encode_trace, run_ours  # noqa: E402

GOAL_OVERHEAD = 0.10
SERVER_EDITS = 20_000


def replay(updates: list[bytes], provenance: bool) -> float:
    """CPU seconds to take ``updates`` in as a replica does (best of three)."""
    from pycrdt import Doc

    from collab.yjs_positions import new_writers, read_state_vector, writer_clients

    best = float("inf")
    for _ in range(3):
        doc = Doc()
        origins: dict[int, str] = {}
        origin = "user:1"
        started = time.process_time()
        for update in updates:
            if provenance:
                if not all(origins.get(c) == origin for c in writer_clients(update)):
                    for client in new_writers(update, read_state_vector(doc.get_state())):
                        origins.setdefault(client, origin)
            doc.apply_update(update)
            if provenance:
                writer_clients(update)  # read again when the batch is logged
        best = min(best, time.process_time() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None,
                        help="replay only the first N edits (default: the whole trace)")
    args = parser.parse_args()
    trace = encode_trace(args.limit, window=2000)
    updates = trace.updates
    plain = replay(updates, provenance=False)
    attributed = replay(updates, provenance=True)
    per = 1e6 / len(updates)
    extra_us = (attributed - plain) * per
    server = encode_trace(min(SERVER_EDITS, len(updates)), window=2000)
    with h.temporary_directory() as tmp, h.Cleanup() as cleanup:
        result = run_ours(server, h.setup_django(Path(tmp)), cleanup)
    server_us = result.cpu_s / result.edits * 1e6
    overhead = extra_us / server_us
    print(f"Provenance on the automerge-paper trace: {len(updates):,} updates, one writer")
    h.print_table(["figure", "unit", "value"], [
        ["apply only (a replica without provenance)", "us/update", f"{plain * per:.1f}"],
        ["apply + writer check + log-side read", "us/update", f"{attributed * per:.1f}"],
        ["extra for provenance", "us/update", f"{extra_us:.1f}"],
        [f"server CPU per edit (ours, first {result.edits:,} edits)", "us/edit",
         f"{server_us:.0f}"],
        ["provenance share of the server's CPU", "%", f"{overhead * 100:.1f}"],
        ["goal", "%", f"<= {GOAL_OVERHEAD * 100:.0f}"],
        ["stored: rows (one per client id, not per update)", "rows", "1"],
    ])
    print("provenance: overhead within the goal" if overhead <= GOAL_OVERHEAD
          else "provenance: overhead ABOVE the goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
