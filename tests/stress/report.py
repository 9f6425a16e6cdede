"""The stress suite's one-screen summary: a row per scenario, printed at the end of the run."""

from __future__ import annotations

ROWS: list[tuple[str, str, str]] = []


def add(scenario: str, ok: bool, figures: str) -> None:
    ROWS.append((scenario, "PASS" if ok else "FAIL", figures))


def render() -> str:
    """Left-aligned columns; the figures column runs on (it is read, not compared)."""
    headers = ("scenario", "result", "figures")
    widths = [max(len(row[i]) for row in [headers, *ROWS]) for i in range(2)]
    lines = [f"{a.ljust(widths[0])}  {b.ljust(widths[1])}  {c}" for a, b, c in [headers, *ROWS]]
    lines.insert(1, f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * 40}")
    return "\n".join(lines)
