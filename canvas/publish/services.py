"""Publishing, unpublishing, and what a published canvas shows."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from canvas.models import Canvas, Publication, Version
from canvas.versions import make_version
from collab.persistence import load_text

#: Kinds of canvas that publish as a running app (the rest as a document page).
APP_LANGUAGES = ("jsx", "tsx", "html", "javascript")


def is_app(canvas: Canvas) -> bool:
    return canvas.kind == "code" and canvas.language in APP_LANGUAGES


@transaction.atomic
def publish(canvas: Canvas, user: AbstractBaseUser, mode: str) -> Publication:
    """Publish the current version (pinned) or follow the latest text (live).

    The URL stays the same when publishing again; only unpublishing retires it.
    """
    version = None
    if mode == Publication.Mode.PINNED:
        version = make_version(canvas.id, Version.Reason.MANUAL, "Published", author=user)
    publication = Publication.objects.select_for_update().filter(canvas=canvas).first()
    if publication is None:
        publication = Publication(canvas=canvas, token=secrets.token_urlsafe(32))
    publication.mode = mode
    publication.version = version
    publication.published_by = user
    publication.published_at = timezone.now()
    publication.save()
    return publication


def unpublish(canvas: Canvas) -> bool:
    deleted, _ = Publication.objects.filter(canvas=canvas).delete()
    return bool(deleted)


def published_text(publication: Publication) -> str:
    """Pinned: the version's text. Live: the canvas text now (never a rewrite's draft,
    which streams into its own Y.Text until it lands)."""
    if publication.mode == Publication.Mode.PINNED and publication.version is not None:
        return publication.version.text
    return load_text(str(publication.canvas_id))


def etag(publication: Publication, text: str) -> str:
    digest = hashlib.sha256()
    for part in (publication.token, publication.mode, publication.canvas.language, text):
        digest.update(part.encode())
        digest.update(b"\0")
    return f'"{digest.hexdigest()[:32]}"'
