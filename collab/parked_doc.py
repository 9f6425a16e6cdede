"""A replica's Y document, kept encoded unless a change needs it decoded.

A decoded pycrdt ``Doc`` costs several times its encoded state: the automerge-paper canvas,
with the history of 259,778 edits, takes 2.1 MiB decoded and 0.37 MB encoded. So a
document is *parked* as its encoded state (collab/encoded_doc.py) right after loading and
once nobody changed it for a while. A parked document still answers the sync protocol
(pycrdt's ``get_state`` and ``get_update`` read an encoded update, as Yjs's ``diffUpdate``
does; y-redis keeps no decoded documents for the same reason) and takes people's keystrokes
in its texts. Anything else (a comment, structs that wait for others, a big paste) decodes
it, until it is parked again.

An update that arrives before what it builds on is held back (collab/waiting_updates.py)
until that is here, decoded or parked: Yrs is never given it early, so it never holds
structs "pending" outside the encoded state, which parking would drop.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from pycrdt import Doc, Text, get_update

from .encoded_doc import EncodedDoc, Unsure
from .waiting_updates import Context, FollowedClocks, WaitingUpdates, read_needs
from .yjs_positions import (
    EMPTY_UPDATE,
    reaches_past,
)

logger = logging.getLogger(__name__)

#: Past this many changes while decoded, parking encodes the document anew.
MAX_FOLLOWED = 1000
#: Past this many updates in a second, a parked document is decoded: taking a keystroke
#: encoded costs about 10 us more than applying it decoded, which only counts under such
#: a load (a trace replayed, dozens of people typing at once), where 2 MiB for the busy
#: canvas matter less. 500 updates/s cost 5 ms of CPU per second more when encoded.
BUSY_UPDATES_PER_SECOND = 500


class ParkedDoc:
    """One Y document, either decoded (a ``Doc``) or parked (its encoded state).

    ``on_decode`` runs on every fresh ``Doc`` (to observe it) and returns the function that
    undoes that, called when the ``Doc`` is dropped: a pycrdt observer left in place keeps
    its ``Doc`` alive for good (the callback is held on the Rust side, out of Python's
    garbage collector's sight).
    """

    def __init__(self, on_decode: Callable[[Doc], Callable[[], None]],
                 text_roots: frozenset[str]) -> None:
        self._on_decode = on_decode
        self._text_roots = text_roots  # taken encoded: see collab/encoded_doc.py
        self._doc: Doc | None = None
        self._detach: Callable[[], None] | None = None
        self._parked: EncodedDoc | None = EncodedDoc(EMPTY_UPDATE, b"\x00", text_roots)
        # While decoded: the encoded form it was decoded from and the changes made since,
        # so that parking again follows them instead of reading the whole state anew.
        self._followed: EncodedDoc | None = None
        self._changes: list[bytes] = []
        self._waiting: WaitingUpdates = WaitingUpdates()
        self._clocks = FollowedClocks()
        self._second_started, self._updates_this_second = -1.0, 0
        self.clock = time.monotonic
        self.client_id: int | None = None
        self.used_at = time.monotonic()
        self._parked_at_once = -float("inf")  # see settle_after_decoding
        self._decode()

    @property
    def parked(self) -> bool:
        return self._doc is None

    @property
    def doc(self) -> Doc:
        """The decoded document, decoded now if it was parked."""
        if self._doc is None:
            self._decode()
        return self._doc

    def take(self, update: bytes) -> bytes | None:
        """Apply ``update`` to the parked document, if it is parked and that is certain
        (see collab/encoded_doc.py): returns what it changed, or None when it changed
        nothing. Raises Unsure, having changed nothing, when it must be decoded for it."""
        if self._doc is not None or self._waiting:
            raise Unsure("decoded, or holding updates back")
        now = self.clock()
        if now - self._second_started >= 1.0:
            self._second_started, self._updates_this_second = now, 0
        self._updates_this_second += 1
        if self.busy:
            raise Unsure("busy: cheaper decoded")
        return self._parked.take(update)

    @property
    def busy(self) -> bool:
        """Whether updates came faster than BUSY_UPDATES_PER_SECOND this second."""
        return self._updates_this_second > BUSY_UPDATES_PER_SECOND and \
            self.clock() - self._second_started < 1.0

    def _decode(self) -> None:
        doc = Doc(client_id=self.client_id)
        self.client_id = doc.client_id
        self._parked.apply_to(doc)
        # Observers see changes, not the decoding.
        detach_observers = self._on_decode(doc)
        recording = doc.observe(self._record)

        def detach() -> None:
            doc.unobserve(recording)
            detach_observers()
        self._detach = detach
        self._doc = doc
        self._followed = self._parked
        self._changes = []
        self._clocks = FollowedClocks()
        self._parked = None
        self.used_at = time.monotonic()

    def _record(self, event) -> None:
        self._clocks.saw_transaction()
        if self._followed is None:
            return
        if event.update != EMPTY_UPDATE:
            self._changes.append(event.update)
        if len(self._changes) > MAX_FOLLOWED:  # cheaper to encode the document anew
            self._followed, self._changes = None, []

    def state_vector(self) -> bytes:
        return self._parked.state_vector() if self._doc is None else self._doc.get_state()

    def diff(self, state_vector: bytes) -> bytes:
        """What a peer with ``state_vector`` lacks; pending structs are not sent (as Yrs
        does not send them from a decoded document either)."""
        if self._doc is None:
            return self._parked.diff(state_vector)
        return self._doc.get_update(state_vector)

    def text(self, name: str) -> str:
        """The text of root ``name``; a parked document is decoded for it only meanwhile
        (reading is no reason to keep it decoded)."""
        if self._doc is not None:
            return str(self._doc.get(name, type=Text))
        reader = Doc()
        self._parked.apply_to(reader)
        return str(reader.get(name, type=Text))

    def encoded(self) -> bytes:
        """The whole document as one update."""
        return self._parked.whole() if self._doc is None else self._doc.get_update()

    def hold(self, update: bytes, context: Context) -> bool:
        """Hold ``update`` back, with ``context``, if the decoded document lacks something
        it builds on (see collab/waiting_updates.py), decoding it. Returns whether it was
        held. Raises ValueError (or IndexError, or a pycrdt error) for bytes that are not an
        update."""
        doc = self.doc
        needs, typed = read_needs(update, doc.get_state)
        if self._waiting.hold(update, needs, self._clocks.of(doc), context):
            return True
        self._clocks.will_integrate(update, typed)
        return False

    def release(self) -> list[tuple[bytes, Context]]:
        """The held updates the decoded document now has every dependency of, with their
        contexts, oldest first: to be applied now."""
        return self._waiting.release(self._clocks.of(self._doc))

    @property
    def held_bytes(self) -> int:
        return self._waiting.bytes

    @property
    def held(self) -> int:
        return len(self._waiting)

    def drop_held_older_than(self, seconds: float) -> int:
        return self._waiting.drop_older_than(seconds)

    @property
    def held_since(self) -> float | None:
        """When the oldest update held back was (time.monotonic), if any is."""
        return self._waiting.since

    def applied(self, update: bytes, changed: bool) -> None:
        """``update`` was just applied to the decoded document, its dependencies there:
        nothing of it may be left pending (parking would drop it). Checked except for a
        keystroke (its few dependencies were read exactly)."""
        if self._clocks.integrated(update, changed):
            return
        state = self._doc.get_state()
        if reaches_past(get_update(update, state), state):
            logger.warning("Yrs left part of an update pending although its dependencies "
                           "were there (%d bytes): it is lost here on parking", len(update))

    def settle_after_decoding(self, park_after: float) -> None:
        """A change that needed the parked document decoded (a comment) was just applied.
        Such changes are rare: park again at once, following the change. A second one
        within ``park_after`` seconds keeps it decoded (until ``settle``), as does a
        flood of updates."""
        now = self.clock()
        if not self.busy and now - self._parked_at_once >= park_after:
            self._parked_at_once = now
            self.park()

    def settle(self, park_after: float) -> None:
        """Park again once the decoded document went unused for ``park_after`` seconds: a
        decoded long-edited document is several times larger, people's keystrokes are
        taken encoded, and the next change that needs it decodes it in milliseconds."""
        if self._doc is not None and time.monotonic() - self.used_at >= park_after:
            self.park()

    def park(self) -> None:
        """Drop the decoded document, keeping its encoded state."""
        if self._doc is None:
            return
        self._parked = self._follow() or EncodedDoc(
            self._doc.get_update(), self._doc.get_state(), self._text_roots)
        self._drop()

    def _follow(self) -> EncodedDoc | None:
        """The encoded form this document was decoded from, with the changes made since
        (no reading of the whole state, which takes tens of ms for a long history); None
        when they cannot simply be followed."""
        followed, changes = self._followed, self._changes
        self._followed, self._changes = None, []
        if followed is None:
            return None
        try:
            for change in changes:
                followed.follow(change)
        except Unsure:
            return None
        return followed

    def close(self) -> None:
        """Let go of the decoded document for good (its replica stopped)."""
        if self._doc is not None:
            self._drop()

    def _drop(self) -> None:
        self._followed, self._changes = None, []
        detach, self._detach, self._doc = self._detach, None, None
        if detach is not None:
            detach()
