"""The append-only log of CRDT updates of each canvas."""

from django.db import models


class DocUpdate(models.Model):
    """One Y update, appended before it is relayed; compaction folds a prefix into the canvas.

    ``seq`` increases with every append. A canvas's document is its compacted ``state``
    plus every row still here: compaction deletes exactly the rows it folded, so a row
    committed late is never lost, and replaying a row twice is harmless (updates are
    idempotent).
    """

    seq = models.BigAutoField(primary_key=True)
    canvas = models.ForeignKey("canvas.Canvas", on_delete=models.CASCADE,
                               related_name="updates")
    data = models.BinaryField()
    origin = models.CharField(max_length=80, help_text="user:<id>, assistant:<turn> or system")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["canvas", "seq"])]

    def __str__(self) -> str:
        return f"update {self.seq} of {self.canvas_id} by {self.origin}"
