"""The assistant applying its edits: from a completed tool call to the change on screen.

For canvases of 2k, 20k and 200k characters, the fake OpenAI-compatible server (canvas.evals)
answers a chat message with 1, 10 or 50 targeted edits (edit_canvas) or a full rewrite
(rewrite_canvas), sent in one go. Measured: the time from the model's request arriving at
the fake (its answer is complete a few milliseconds later) to a Python client connected to
the server over the sync protocol holding the changed text: parsing, placing the edits,
the CRDT transactions, the log append and the relay. Also the output tokens a targeted edit
needs against a full rewrite of the same change (tokens estimated as characters / 4).
Run: .venv/bin/python bench/assistant_apply.py
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    ROOT,
    Cleanup,
    OurServer,
    make_canvas,
    make_user,
    print_table,
    session_id,
    setup_django,
    temporary_directory,
)

SIZES = [2_000, 20_000, 200_000]
EDIT_COUNTS = [1, 10, 50]
REPEATS = 3


class ServerWithModel(OurServer):
    def __init__(self, *args, base_url: str) -> None:
        super().__init__(*args)
        self.base_url = base_url

    def environment(self) -> dict[str, str]:
        return {**super().environment(), "OPENAI_BASE_URL": self.base_url,
                "OPENAI_API_KEY": "bench", "CANVAS_MODEL": "fake-model",
                "CANVAS_TURNS_PER_MINUTE": "100000"}


def document(size: int) -> tuple[str, list[str]]:
    """A canvas of ``size`` characters made of numbered sentences (unique edit targets)."""
    rng = random.Random(size)
    sentences, total = [], 0
    while total < size:
        words = " ".join(rng.choice(["Grüße", "canvas", "東京", "model", "text", "😀", "edit",
                                      "people", "merge"]) for _ in range(8))
        sentence = f"Sentence {len(sentences)}: {words}.\n"
        sentences.append(sentence)
        total += len(sentence)
    return "".join(sentences), sentences


def seed(canvas_id, text: str) -> None:
    """The canvas's starting text, logged as a person's first edit."""
    from pycrdt import Doc, Text

    from collab import persistence

    doc = Doc()
    doc.get("content", type=Text).insert(0, text)
    persistence.append_updates(str(canvas_id), [(doc.get_update(), "system")])


def placement_worst_case() -> list[list[str]]:
    """Placing a quote that occurs nowhere: exact and normalized search fail, the fuzzy search
    must give up within its bound. Worst of several different quotes per size."""
    from canvas.assistant.placement import PlacementError, place

    rows = []
    for size in SIZES:
        text, _ = document(size)
        rng = random.Random(size + 1)
        times = []
        for _ in range(5):
            quote = " ".join(rng.choice(["zeta", "iota", "rho", "Grüße", "東京", "canvas"])
                             for _ in range(400))[:2_000]
            started = time.perf_counter()
            try:
                place(text, quote, "x")
                outcome = "placed (unexpected)"
            except PlacementError as exc:
                outcome = exc.message.split(";")[0][:40]
            times.append(time.perf_counter() - started)
        rows.append([f"{size:,}", "2,000 chars, nowhere", f"{max(times) * 1000:.0f} ms",
                     f"{statistics.median(times) * 1000:.0f} ms", outcome])
    return rows


async def post(base_url: str, session: str, canvas_id, text: str) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base_url, cookies={"sessionid": session}) as http:
        await http.get(f"/canvases/{canvas_id}/")
        response = await http.post(f"/canvases/{canvas_id}/messages", data={"text": text},
                                   headers={"X-CSRFToken": http.cookies["csrftoken"],
                                            "Referer": base_url + "/"})
        response.raise_for_status()


async def one_run(server, fake, session, canvas, client, reply, expected: str) -> float:
    fake.add_response(reply)
    before = len(fake.chat_requests)
    await post(f"http://127.0.0.1:{server.port}", session, canvas.id, "bench")
    while len(fake.chat_requests) == before:
        await asyncio.sleep(0.001)
    arrived = fake.chat_requests[-1].received_at
    deadline = time.monotonic() + 60
    while client.get_text() != expected:
        if time.monotonic() > deadline:
            from canvas.models import Message

            answer = Message.objects.filter(canvas_id=canvas.id, is_assistant=True).last()
            raise RuntimeError("the change never reached the client: the turn ended "
                               f"{answer.status if answer else 'never'} "
                               f"({answer.summary or answer.error if answer else ''}); "
                               f"client has {client.get_text()[:60]!r}; "
                               f"answer {answer.text!r} {answer.action} "
                               f"{answer.yjs_client_id}; requests {len(fake.chat_requests)};"
                               f" server log:\n"
                               f"{server.log_tail(30)}")
        await asyncio.sleep(0.001)
    elapsed = time.monotonic() - arrived
    return elapsed


async def run(server, fake, owner) -> list[list[str]]:
    from canvas.assistant.prompts import canvas_window
    from canvas.evals.fake_openai import ToolCall, ToolCalls
    from collab.client import SyncClient

    session = session_id(owner)
    rows = []
    for size in SIZES:
        text, sentences = document(size)
        window_end = canvas_window(text, None)[1]
        shown_sentences = bisect.bisect_right(list(itertools.accumulate(map(len, sentences))),
                                              window_end)
        cases = [(f"{n} edit{'s' if n > 1 else ''}", n) for n in EDIT_COUNTS] + \
            [("rewrite", None)]
        for label, count in cases:
            samples = []
            for _ in range(REPEATS):
                canvas = make_canvas(owner, f"{size} {label}")
                seed(canvas.id, text)
                client = await SyncClient(server.sync_url(canvas.id), session).connect()
                # The model sees (and may edit) only the window a long canvas is cut to.
                targets = random.Random(7).sample(range(shown_sentences),
                                                  min(count or 10, shown_sentences))
                edits = [{"find": sentences[i].split(":")[0] + ":",
                          "replace": sentences[i].split(":")[0] + " (edited ✨):"}
                         for i in targets]
                expected = text
                for edit in edits:
                    expected = expected.replace(edit["find"], edit["replace"], 1)
                # A rewrite carries the new text of what the model was shown (the window).
                shown = expected[:len(expected) - (len(text) - window_end)]
                if count is None:
                    call = ToolCall("rewrite_canvas", {"content": shown})
                else:
                    call = ToolCall("edit_canvas", {"edits": edits})
                reply = ToolCalls([call], chunk_size=10**9, arguments_chunk_size=10**9)
                samples.append(await one_run(server, fake, session, canvas, client, reply,
                                             expected))
                await client.close()
            edit_tokens = len(json.dumps({"edits": edits}, ensure_ascii=False)) / 4
            rewrite_tokens = len(json.dumps({"content": shown}, ensure_ascii=False)) / 4
            rows.append([f"{size:,}", label, f"{statistics.median(samples) * 1000:.0f} ms",
                         f"{min(samples) * 1000:.0f} ms",
                         f"{edit_tokens:,.0f}" if count else "",
                         f"{rewrite_tokens:,.0f}" if count else "",
                         f"{rewrite_tokens / edit_tokens:.0f}x" if count else ""])
    return rows


def main() -> None:
    import os

    sys.path.insert(0, str(ROOT))
    # The setup calls below are plain ORM calls made between awaits of this one script.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with temporary_directory() as directory, Cleanup() as cleanup:
        database = setup_django(Path(directory))
        from canvas.evals.fake_openai import FakeOpenAI

        fake = FakeOpenAI().start()
        cleanup.callback(fake.stop)
        server = cleanup.server(ServerWithModel(Path(directory), database.url,
                                                database.secret_key, base_url=fake.base_url))
        owner = make_user("bench")
        rows = asyncio.run(run(server, fake, owner))
        print(f"Assistant edits, tool call complete → change received by a connected client "
              f"(median and best of {REPEATS})")
        print_table(["canvas chars", "change", "median", "best", "edit tokens",
                     "rewrite tokens", "rewrite/edit"], rows)
        print("Tokens: output tokens of the tool arguments, estimated as characters / 4; the "
              "rewrite column is a full rewrite carrying the same change.")
        print()
        print("Placement of a quote that occurs nowhere (goal: ≤ 200 ms at 200k characters)")
        print_table(["canvas chars", "quote", "worst", "median", "outcome"],
                    placement_worst_case())
        problems = server.log_problems()
        if problems:
            print(f"server log: {len(problems)} warning/error lines, e.g. {problems[0]}")


if __name__ == "__main__":
    main()
