"""Randomized editing sessions: several Python clients insert, delete, drop off and come
back; in the end every replica and the database must agree and no token may be lost."""

from __future__ import annotations

import asyncio
import random
import re

from collab.client import SyncClient
from tests.sync.helpers import converge

FILLER = "abcdefghij klmnop\néüßçñ漢字かな😀🎉👍"
TOKEN = re.compile(r"⟦[^⟧]*⟧")


def filler_ranges(text: str) -> list[tuple[int, int]]:
    """Spans of text outside tokens: the only text the fuzzer deletes."""
    spans, start = [], 0
    for match in TOKEN.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if len(text) > start:
        spans.append((start, len(text)))
    return spans


def token_boundaries(text: str) -> list[int]:
    """Positions where an insert does not split a token."""
    inside = set()
    for match in TOKEN.finditer(text):
        inside.update(range(match.start() + 1, match.end()))
    return [i for i in range(len(text) + 1) if i not in inside]


async def run_session(make_client, canvas_id, seed: int, clients: int, operations: int) -> str:
    rng = random.Random(seed)
    peers: list[SyncClient] = [await make_client(i).connect() for i in range(clients)]
    tokens: list[str] = []
    for step in range(operations):
        index = rng.randrange(clients)
        peer = peers[index]
        text = peer.get_text()
        roll = rng.random()
        if roll < 0.08:
            if peer.connected:
                await peer.drop()
            else:
                await peer.connect()
        elif roll < 0.4:
            token = f"⟦{seed}:{index}:{step}⟧"
            tokens.append(token)
            peer.insert(rng.choice(token_boundaries(text)), token)
        elif roll < 0.75 or not filler_ranges(text):
            chunk = "".join(rng.choice(FILLER) for _ in range(rng.randint(1, 4)))
            peer.insert(rng.choice(token_boundaries(text)), chunk)
        else:
            start, end = rng.choice(filler_ranges(text))
            cut = rng.randint(start, end - 1)
            peer.delete(cut, min(end, cut + rng.randint(1, 3)))
        if rng.random() < 0.3:
            await asyncio.sleep(rng.random() * 0.02)
    for peer in peers:
        if not peer.connected:
            await peer.connect()
    final = await converge(peers, canvas_id, timeout=30)
    for token in tokens:
        assert final.count(token) == 1, f"token {token} lost or doubled (seed {seed})"
    for peer in peers:
        await peer.close()
    return final
