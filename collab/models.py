"""The stored documents: the compacted state of each room and its append-only update log.

The sync engine serves "rooms" that belong to the app using it: the app names its room
model in ``COLLAB_ROOM_MODEL`` (as Django's ``AUTH_USER_MODEL``; Canvas here), and that
model inherits ``AbstractRoom``, the fields the engine keeps a document's state in.
"""

from django.apps import apps
from django.conf import settings
from django.db import models


class AbstractRoom(models.Model):
    """What the engine stores on each room: the compacted Y document."""

    # Every DocUpdate folded so far (see collab.persistence).
    state = models.BinaryField(default=b"", blank=True)
    state_seq = models.BigIntegerField(default=0, help_text="Last update seq folded into state.")

    class Meta:
        abstract = True


def room_model() -> type[AbstractRoom]:
    """The app's room model (``COLLAB_ROOM_MODEL``)."""
    return apps.get_model(settings.COLLAB_ROOM_MODEL, require_ready=False)


class DocUpdate(models.Model):
    """One Y update, appended before it is relayed; compaction folds a prefix into the room.

    ``seq`` increases with every append. A canvas's document is its compacted ``state``
    plus every row still here: compaction deletes exactly the rows it folded, so a row
    committed late is never lost, and replaying a row twice is harmless (updates are
    idempotent).
    """

    seq = models.BigAutoField(primary_key=True)
    # Named "canvas" for the column it has had since the first migration: the room.
    canvas = models.ForeignKey(settings.COLLAB_ROOM_MODEL, on_delete=models.CASCADE,
                               related_name="updates")
    data = models.BinaryField()
    origin = models.CharField(max_length=80, help_text="user:<id>, assistant:<turn> or system")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["canvas", "seq"])]

    def __str__(self) -> str:
        return f"update {self.seq} of {self.canvas_id} by {self.origin}"


class ClientOrigin(models.Model):
    """Who writes under a Yjs client id in a canvas: ``user:<id>``, ``assistant:<turn>`` or
    ``system``. Learned from the first update written under it and kept for good, so every
    character's author follows from its item's client id (provenance). A connection may
    not write under a client id that belongs to someone else.

    ``tentative``: learned from a resync, where someone sends others' changes a crashed
    replica relayed but never stored (see Replica._check_writers). The id is taken to be
    the sender's until someone writes under it live, who then claims it: its owner, whose
    first words were lost in the crash before anything of theirs was stored."""

    canvas = models.ForeignKey(settings.COLLAB_ROOM_MODEL, on_delete=models.CASCADE,
                               related_name="client_origins")
    client_id = models.BigIntegerField()
    origin = models.CharField(max_length=80)
    tentative = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["canvas", "client_id"],
                                               name="one_origin_per_client_id")]

    def __str__(self) -> str:
        return f"client {self.client_id} of {self.canvas_id}: {self.origin}"
