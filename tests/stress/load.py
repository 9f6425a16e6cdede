"""The load generator of the soak: people typing on many canvases, in several processes.

Why processes: 200 editors at 5 keystrokes/s mean about 10,000 updates a second to apply
and fan in on the client side, more than one Python event loop keeps up with on top of the
servers (measured in the stress report). Each process owns whole canvases, so one clock
times every propagation of a canvas. The parent steers them through a pipe: connect, type,
pause, snapshot, stats, close.

Each editor types one lowercase letter of its own at the end of its own line (``"A> "``
for letter ``a``); nobody else writes that letter, so counting it in a text says how many
of its keystrokes that text holds: lost or doubled characters show as a wrong count, and a
receiver's k-th copy of the letter is that editor's k-th keystroke (Yjs applies one
client's items in order), which times propagation without decoding updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from collab.client import SyncClient

#: Editors' letters; the canvas text outside typed characters has no lowercase letters.
LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Reconnect backoff of the clients, like the browser's: first try at once, then grow.
BACKOFF_START, BACKOFF_MAX = 0.2, 2.0
#: How often a connected editor looks whether its socket closed.
WATCH_EVERY = 0.25
CONNECT_CONCURRENCY = 10


def label(letter: str) -> str:
    return f"{letter.upper()}> "


def seed_text(title: str, letters: str) -> str:
    """A canvas as the soak starts it: a header the assistant edits, a line per editor."""
    return f"# {title.upper()} NOTES:\n" + "".join(f"{label(x)}\n" for x in letters)


@dataclass
class EditorSpec:
    url: str
    session: str
    letter: str


@dataclass
class CanvasSpec:
    canvas_id: str
    editors: list[EditorSpec]
    chat_url: str = ""  # the owner's chat panel, open as in a browser tab


@dataclass
class Pending:
    sent: float
    remaining: int


@dataclass
class Counters:
    """What went wrong on the client side (all zero in a clean soak)."""

    disconnects: int = 0
    connect_failures: int = 0
    error_frames: int = 0
    chat_disconnects: int = 0
    close_codes: dict[int, int] = field(default_factory=dict)


class Board:
    """One canvas's editors, with the keystrokes still on their way to somebody."""

    def __init__(self, spec: CanvasSpec, counters: Counters, latencies: list[float]) -> None:
        self.canvas_id = spec.canvas_id
        self.pending: dict[tuple[str, int], Pending] = {}
        self.latencies = latencies
        self.editors = [Editor(self, e, counters) for e in spec.editors]
        self.chat = ChatWatcher(spec.chat_url, spec.editors[0].session, counters) \
            if spec.chat_url else None

    def sent(self, letter: str, number: int, when: float) -> None:
        if len(self.editors) > 1:
            self.pending[(letter, number)] = Pending(when, len(self.editors) - 1)

    def arrived(self, letter: str, number: int, when: float) -> None:
        entry = self.pending.get((letter, number))
        if entry is None:
            return
        entry.remaining -= 1
        if entry.remaining == 0:
            self.latencies.append(when - entry.sent)
            del self.pending[(letter, number)]


class ChatWatcher:
    """A chat panel left open: it receives the turns' fragments (and, as in a browser, its
    presence lets the server notice a turn whose worker died)."""

    def __init__(self, url: str, session: str, counters: Counters) -> None:
        self.url = url
        self.headers = {"Origin": "http://" + url.split("://", 1)[1].split("/", 1)[0],
                        "Cookie": f"sessionid={session}"}
        self.counters = counters
        self.fragments = 0

    async def stay_connected(self, stopping: asyncio.Event) -> None:
        backoff = 0.0
        while not stopping.is_set():
            if backoff:
                await asyncio.sleep(backoff)
            try:
                async with connect(self.url, additional_headers=self.headers) as socket:
                    backoff = 0.0
                    async for _message in socket:
                        self.fragments += 1
                if not stopping.is_set():
                    self.counters.chat_disconnects += 1
            except ConnectionClosed:
                if not stopping.is_set():
                    self.counters.chat_disconnects += 1
            except Exception:
                self.counters.connect_failures += 1
                backoff = min(BACKOFF_MAX, max(BACKOFF_START, backoff * 2))


class Editor:
    """One person typing at the end of their line, reconnecting with backoff on a drop."""

    def __init__(self, board: Board, spec: EditorSpec, counters: Counters) -> None:
        self.board = board
        self.letter = spec.letter
        self.label = "\n" + label(spec.letter)
        self.client = SyncClient(spec.url, spec.session, name=spec.letter)
        self.counters = counters
        self.typed = 0
        self.received: dict[str, int] = {}
        self.client.text.observe(self._on_text)
        self._errors_seen = 0

    def _on_text(self, event) -> None:
        now = time.perf_counter()
        for op in event.delta:
            inserted = op.get("insert")
            if not isinstance(inserted, str):
                continue
            for char in inserted:
                if char != self.letter and char in LETTERS:
                    number = self.received.get(char, 0)
                    self.received[char] = number + 1
                    self.board.arrived(char, number, now)

    async def connect(self) -> bool:
        try:
            await self.client.connect(timeout=10)
            return True
        except Exception:  # refused, a failed handshake (500 while the database is away)
            self.counters.connect_failures += 1
            with contextlib.suppress(Exception):
                await self.client.drop()
            return False

    async def stay_connected(self, stopping: asyncio.Event) -> None:
        """Like the browser: reconnect at once, then back off, and resync on reconnect."""
        backoff = 0.0
        while not stopping.is_set():
            if self.client.connected:
                backoff = 0.0
                await asyncio.sleep(WATCH_EVERY)
                self._count_errors()
                if not self.client.connected and not stopping.is_set():
                    code = self.client.close_code or 0
                    self.counters.disconnects += 1
                    self.counters.close_codes[code] = self.counters.close_codes.get(code, 0) + 1
                continue
            if backoff:
                await asyncio.sleep(backoff)
            if not await self.connect():
                backoff = min(BACKOFF_MAX, max(BACKOFF_START, backoff * 2))

    def describe(self) -> dict:
        """Where this editor stands, for the report of a canvas that did not converge."""
        text = self.client.get_text()
        return {"connected": self.client.connected, "code": self.client.close_code,
                "synced": self.client.synced.is_set(), "typed": self.typed,
                "own": text.count(self.letter), "length": len(text),
                "errors": self.client.errors[-2:], "text": text}

    def _count_errors(self) -> None:
        errors = self.client.errors
        if len(errors) > self._errors_seen:
            self.counters.error_frames += len(errors) - self._errors_seen
            self._errors_seen = len(errors)

    def keystroke(self) -> None:
        """Type this editor's letter at the end of its line (offline too: kept, sent later)."""
        text = self.client.get_text()
        start = text.find(self.label)
        if start < 0:
            return  # not synchronised yet
        end = text.find("\n", start + 1)
        self.board.sent(self.letter, self.typed, time.perf_counter())
        self.client.insert(end, self.letter)
        self.typed += 1


class Generator:
    """One load process: its canvases, their editors, and the commands of the parent."""

    def __init__(self, pipe: Connection, canvases: list[CanvasSpec], rate: float) -> None:
        self.pipe = pipe
        self.rate = rate
        self.counters = Counters()
        self.latencies: list[float] = []
        self.send_lag: list[float] = []
        self.boards = [Board(spec, self.counters, self.latencies) for spec in canvases]
        self.editors = [e for board in self.boards for e in board.editors]
        self.typing = asyncio.Event()
        self.stopping = asyncio.Event()
        self.tasks: list[asyncio.Task] = []

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            command, argument = await loop.run_in_executor(None, self.pipe.recv)
            reply = await getattr(self, f"do_{command}")(argument)
            self.pipe.send(reply)
            if command == "close":
                return

    async def do_connect(self, _: object) -> dict:
        limit = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one(editor: Editor) -> None:
            async with limit:
                for _attempt in range(20):
                    if await editor.connect():
                        return
                    await asyncio.sleep(0.5)

        await asyncio.gather(*(one(e) for e in self.editors))
        connected = sum(e.client.connected for e in self.editors)
        self.tasks += [asyncio.create_task(e.stay_connected(self.stopping))
                       for e in self.editors]
        self.tasks += [asyncio.create_task(b.chat.stay_connected(self.stopping))
                       for b in self.boards if b.chat]
        n = len(self.editors)
        self.tasks += [asyncio.create_task(self._type(e, i / (n * self.rate)))
                       for i, e in enumerate(self.editors)]
        return {"connected": connected, "editors": n}

    async def _type(self, editor: Editor, offset: float) -> None:
        interval = 1 / self.rate
        due = None
        while not self.stopping.is_set():
            if not self.typing.is_set():
                due = None
                await self.typing.wait()
                continue
            now = time.perf_counter()
            if due is None:
                due = now + offset  # spread the editors over each tick
            if due > now:
                await asyncio.sleep(due - now)
                if not self.typing.is_set():
                    continue
            self.send_lag.append(time.perf_counter() - due)
            editor.keystroke()
            due += interval

    async def do_type(self, _: object) -> bool:
        self.typing.set()
        return True

    async def do_pause(self, _: object) -> bool:
        self.typing.clear()
        await asyncio.sleep(2 / self.rate)  # keystrokes already due land first
        return True

    async def do_snapshot(self, _: object) -> dict:
        """Per canvas: the distinct texts the editors hold, how many are connected, and how
        many characters each editor typed."""
        return {board.canvas_id: {
            "texts": sorted({e.client.get_text() for e in board.editors}),
            "connected": sum(e.client.connected for e in board.editors),
            "typed": {e.letter: e.typed for e in board.editors},
            "editors": {e.letter: e.describe() for e in board.editors},
        } for board in self.boards}

    async def do_stats(self, reset: bool) -> dict:
        for editor in self.editors:
            editor._count_errors()
        stats = {"latencies": list(self.latencies), "send_lag": list(self.send_lag),
                 "unfinished": sum(len(b.pending) for b in self.boards),
                 "typed": sum(e.typed for e in self.editors),
                 "counters": dataclasses.replace(self.counters,
                                                 close_codes=dict(self.counters.close_codes)),
                 "pid": os.getpid()}
        if reset:
            self.latencies.clear()
            self.send_lag.clear()
            self.counters.__init__()
        return stats

    async def do_close(self, _: object) -> bool:
        self.stopping.set()
        self.typing.set()  # wake the typists so they see the stop
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.gather(*(e.client.close() for e in self.editors), return_exceptions=True)
        return True


def _main(pipe: Connection, canvases: list[CanvasSpec], rate: float) -> None:
    async def run() -> None:
        await Generator(pipe, canvases, rate).serve()

    asyncio.run(run())


class GeneratorProcess:
    """The parent's handle on one load process."""

    def __init__(self, canvases: list[CanvasSpec], rate: float) -> None:
        context = multiprocessing.get_context("spawn")  # no forked copy of the test process
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=_main, args=(child, canvases, rate),
                                       daemon=True)
        self.process.start()

    def send(self, command: str, argument: object = None) -> None:
        self.pipe.send((command, argument))

    def receive(self, timeout: float = 120) -> object:
        if not self.pipe.poll(timeout):
            raise TimeoutError("the load process did not answer")
        return self.pipe.recv()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class Load:
    """Several load processes, steered together."""

    def __init__(self, canvases: list[CanvasSpec], processes: int, rate: float) -> None:
        processes = max(1, min(processes, len(canvases)))
        shares = [canvases[i::processes] for i in range(processes)]
        self.processes = [GeneratorProcess(share, rate) for share in shares]

    def ask(self, command: str, argument: object = None, timeout: float = 120) -> list:
        for process in self.processes:
            process.send(command, argument)
        return [process.receive(timeout) for process in self.processes]

    def snapshot(self) -> dict[str, dict]:
        merged: dict[str, dict] = {}
        for part in self.ask("snapshot"):
            merged.update(part)
        return merged

    @property
    def pids(self) -> list[int]:
        return [p.process.pid for p in self.processes]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ask("close", timeout=30)
        for process in self.processes:
            process.stop()
