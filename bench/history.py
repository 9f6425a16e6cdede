"""Version history: rendering "Show changes" and restoring, on canvases of 2k, 20k and
200k characters that each have 1,000 versions, and the storage a version costs.

Each canvas gets a seeded text; then 1,000 versions are made by small edits (a few words
changed per version, as checkpoints of people's editing would be). Measured, through the
real views (Django test client, so template rendering and escaping are included):
- Show changes of a version against the one before it, and against now;
- Restore of the oldest version (a minimal-diff edit appended to the update log);
- bytes stored per version (text + Y state columns, average).
Run: .venv/bin/python bench/history.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import make_user, setup_django, temporary_directory  # noqa: E402

SIZES = [2_000, 20_000, 200_000]
VERSIONS = 1_000
REPEATS = 5
WORDS = ("canvas", "people", "model", "edit", "merge", "text", "Köln", "東京", "😀", "draft",
         "review", "history", "version", "restore", "quick", "brown", "fox", "lazy")


def seeded_text(size: int, rng: random.Random) -> str:
    lines = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))) + ".\n"
        lines.append(line)
        total += len(line)
    return "".join(lines)[:size]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(3):
        at = rng.randrange(len(text))
        end = min(len(text), at + rng.randint(0, 12))
        text = text[:at] + rng.choice(WORDS) + " " + text[end:]
    return text


def timed(function, repeats: int = REPEATS) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    with temporary_directory() as directory:
        setup_django(Path(directory))
        from django.db import connection
        from django.test import Client
        from pycrdt import Doc, Text

        from canvas.models import Version
        from canvas.services import create_canvas
        from collab import persistence

        owner = make_user("bench")
        client = Client(HTTP_HOST="localhost")
        client.force_login(owner)
        rng = random.Random(42)
        rows = []
        for size in SIZES:
            canvas = create_canvas(owner, f"{size} chars", "document")
            text = seeded_text(size, rng)
            doc = Doc()
            ytext = doc.get("content", type=Text)
            ytext += text
            persistence.append_updates(str(canvas.id), [(doc.get_update(), "system")])
            texts = [text]
            for _ in range(VERSIONS - 1):
                texts.append(mutate(texts[-1], rng))
            Version.objects.bulk_create(
                [Version(canvas=canvas, reason="checkpoint", text=t, label=f"v{i}")
                 for i, t in enumerate(texts)], batch_size=200)
            # Make "now" differ from the last version by the last mutation too.
            ids = list(Version.objects.filter(canvas=canvas).order_by("id")
                       .values_list("id", flat=True))
            middle = ids[len(ids) // 2]
            base = f"/canvases/{canvas.id}/history/{middle}/changes"

            def changes_previous(base=base):
                assert client.get(base).status_code == 200

            def changes_now(base=base):
                assert client.get(base + "?against=now").status_code == 200

            restore_url = f"/canvases/{canvas.id}/history/{ids[0]}/restore"

            def restore(url=restore_url):
                assert client.post(url, headers={"HX-Request": "true"}).status_code == 200

            previous_s = timed(changes_previous)
            now_s = timed(changes_now)
            restore_s = timed(restore, repeats=1)
            assert persistence.load_text(str(canvas.id)) == texts[0]
            with connection.cursor() as cursor:
                cursor.execute("SELECT AVG(LENGTH(text) + LENGTH(state)) FROM canvas_version "
                               "WHERE canvas_id = %s", [canvas.id.hex])
                per_version = cursor.fetchone()[0]
            rows.append((size, previous_s, now_s, restore_s, per_version))

        print(f"Version history: {VERSIONS} versions per canvas, median of {REPEATS} runs "
              "(restore: one run)")
        print(f"{'canvas chars':>12} | {'changes vs prev':>15} | {'changes vs now':>14} | "
              f"{'restore':>9} | {'bytes/version':>13}")
        print("-" * 76)
        for size, prev, now, rest, per in rows:
            print(f"{size:>12,} | {prev * 1000:>12.1f} ms | {now * 1000:>11.1f} ms | "
                  f"{rest * 1000:>6.0f} ms | {per:>13,.0f}")
        print("Versions are text snapshots (the Y state is kept only before assistant "
              "edits, for undo): bytes/version ≈ the canvas size in UTF-8.")


if __name__ == "__main__":
    main()
