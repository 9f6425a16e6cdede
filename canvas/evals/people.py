"""People in an eval's room: they write the canvas and edit it while the model works.

A person is a pycrdt peer whose updates go to the canvas's update log, exactly as a
browser's edits arrive through the sync server; the turn's live replica reads them from
there, so the model's changes merge with them as they would in production.
"""

from __future__ import annotations

from pycrdt import Doc, Text

from collab import persistence, positions

from .cases import CaseError, PersonEdit


class Person:
    """Edits one canvas as user ``user_id``."""

    def __init__(self, canvas_id: object, user_id: int) -> None:
        self.canvas_id = str(canvas_id)
        self.origin = f"user:{user_id}"

    def _edit(self, change) -> str:
        """Run ``change(content, text)`` on the canvas as stored now; return the new text."""
        doc: Doc = persistence.load_doc(self.canvas_id)
        content = doc.get("content", type=Text)
        updates: list[bytes] = []
        subscription = doc.observe(lambda event: updates.append(event.update))
        try:
            change(content, str(content))
        finally:
            doc.unobserve(subscription)
        if updates:
            persistence.append_updates(self.canvas_id, [(u, self.origin) for u in updates])
        return str(content)

    def write(self, text: str) -> None:
        """Type ``text`` at the end of the canvas."""
        self._edit(lambda content, now: positions.insert(content, len(now), text))

    def apply(self, edit: PersonEdit) -> str:
        """Make ``edit`` where its quote is now; return the canvas text afterwards."""

        def change(content: Text, now: str) -> None:
            at = now.find(edit.quote)
            if at < 0:
                raise CaseError(f"a person's edit quotes {edit.quote!r}, which is not in the "
                                "canvas at that moment")
            end = at + len(edit.quote)
            if edit.insert is not None:
                positions.insert(content, end if edit.position == "after" else at, edit.insert)
            else:
                positions.replace(content, at, end, edit.replace or "")

        return self._edit(change)
