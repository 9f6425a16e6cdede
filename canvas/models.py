"""The canvas domain: canvases, who may use them, their versions and their chat."""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from collab.models import AbstractRoom

from .fields import NulSafeJSONField, NulSafeTextField


class Kind(models.TextChoices):
    DOCUMENT = "document", "Document"
    CODE = "code", "Code"


class Language(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    PYTHON = "python", "Python"
    JAVASCRIPT = "javascript", "JavaScript"
    JSX = "jsx", "React (JSX)"
    TYPESCRIPT = "typescript", "TypeScript"
    TSX = "tsx", "React (TSX)"
    HTML = "html", "HTML"
    CSS = "css", "CSS"
    JSON = "json", "JSON"
    SQL = "sql", "SQL"


#: The languages that make sense for each kind; the first is the default.
LANGUAGES_BY_KIND: dict[str, list[str]] = {
    Kind.DOCUMENT: [Language.MARKDOWN],
    Kind.CODE: [
        Language.PYTHON, Language.JAVASCRIPT, Language.JSX, Language.TYPESCRIPT,
        Language.TSX, Language.HTML, Language.CSS, Language.JSON, Language.SQL,
    ],
}


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    COMMENTER = "commenter", "Commenter"
    VIEWER = "viewer", "Viewer"


#: Higher ranks include everything lower ranks may do. Commenters may comment and chat (their
#: turns may only reply and comment); editors may also change the text.
ROLE_RANK = {Role.VIEWER: 1, Role.COMMENTER: 2, Role.EDITOR: 3, Role.OWNER: 4}
ROLE_LENGTH = 10


class AssistantPolicy(models.TextChoices):
    """How the assistant may change a canvas while other people are in it (alone, it edits)."""

    DIRECT = "direct", "Edit directly"
    SUGGEST = "suggest", "Suggest changes for people to accept"
    GUARDED = "guarded", "Edit directly, but suggest where people are working"


class Canvas(AbstractRoom):
    """One shared document or code file. Its text lives in the Y document (``collab``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DOCUMENT)
    language = models.CharField(max_length=16, choices=Language.choices,
                                default=Language.MARKDOWN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="owned_canvases")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # The compacted Y document (state, state_seq) comes from collab's AbstractRoom.
    # Publishing makes the text public: the owner's decision unless they let editors do it.
    editors_may_publish = models.BooleanField(default=False)
    # The room policy (canvas.assistant.guard): the owner's choice.
    assistant_policy = models.CharField(max_length=8, choices=AssistantPolicy.choices,
                                        default=AssistantPolicy.DIRECT)
    #: "Where people are working": passages they edited this many seconds ago or less.
    assistant_guard_seconds = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(5), MaxValueValidator(3600)])

    class Meta:
        ordering = ["-updated"]
        verbose_name_plural = "canvases"

    def __str__(self) -> str:
        return self.title

    @property
    def group_name(self) -> str:
        """The channel layer group that relays this canvas's updates between processes."""
        return f"canvas-{self.id}"

    @property
    def publish_role(self) -> str:
        """The lowest role that may publish and unpublish."""
        return Role.EDITOR if self.editors_may_publish else Role.OWNER


class Membership(models.Model):
    """A user's role on a canvas. The owner has one too, so access checks have one path."""

    canvas = models.ForeignKey(Canvas, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(max_length=ROLE_LENGTH, choices=Role.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["canvas", "user"], name="one_membership_per_user"),
        ]
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.canvas}"

    def allows(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def _invite_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits: the link is the secret


class Invite(models.Model):
    """A share link with an identity: the role it grants, who made it, until when.

    The owner sees the live ones in the share dialog and can revoke any of them."""

    token = models.CharField(max_length=64, unique=True, default=_invite_token)
    canvas = models.ForeignKey(Canvas, on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(max_length=ROLE_LENGTH, choices=Role.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.role} link to {self.canvas}"


class AccessChange(models.Model):
    """The owner changed or removed someone's access: it stands over any older invite link.

    ``role`` is the new role, empty for a removal."""

    canvas = models.ForeignKey(Canvas, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    role = models.CharField(max_length=ROLE_LENGTH, choices=Role.choices, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.user} → {self.role or 'removed'} on {self.canvas}"


class Message(models.Model):
    """One entry of a canvas's shared chat: a person's request or the assistant's answer."""

    class Action(models.TextChoices):
        REPLY = "reply", "Reply"
        EDIT = "edit", "Edit"
        SUGGEST = "suggest", "Suggest"
        REWRITE = "rewrite", "Rewrite"
        COMMENT = "comment", "Comment"

    class Status(models.TextChoices):
        STREAMING = "streaming", "Streaming"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    canvas = models.ForeignKey(Canvas, on_delete=models.CASCADE, related_name="messages")
    # Null author means the assistant wrote it.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    is_assistant = models.BooleanField(default=False)
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="replies")
    # Text people typed or pasted may hold anything, NUL included (canvas.fields).
    text = NulSafeTextField(blank=True)
    shortcut = models.CharField(max_length=40, blank=True)
    selection = NulSafeJSONField(null=True, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices, blank=True)
    summary = NulSafeTextField(blank=True)  # cut to 300 characters where it is made
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    error = NulSafeTextField(blank=True)
    # For assistant turns: the model that answered, shown beside "✦ Assistant"; empty where
    # unknown (turns from before it was kept).
    model = models.TextField(blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    # For assistant turns: when a worker took it, its last sign of life (a turn whose
    # worker died is marked failed), everything it changed (to undo it), and a canvas
    # it created (porting code to another language).
    started = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    edit_update = models.BinaryField(default=b"", blank=True)
    # The Yjs client id the turn wrote under (its fork's): what it wrote is the items of
    # this client, for provenance, "Last AI edit" and undo.
    yjs_client_id = models.BigIntegerField(null=True, blank=True, unique=True)
    undone = models.BooleanField(default=False)
    # Set while the answer waits in the canvas's request queue (lower runs first); cleared
    # when its turn starts. See canvas/assistant/queue.py.
    queue_position = models.BigIntegerField(null=True, blank=True, db_index=True)
    linked_canvas = models.ForeignKey(Canvas, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="+")

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        who = "assistant" if self.is_assistant else str(self.author)
        return f"{who}: {self.text[:40]}"

    @property
    def may_retry(self) -> bool:
        """An answer that failed, or that a person stopped, to a request that still exists:
        Retry asks that request again."""
        return (self.is_assistant and self.reply_to_id is not None
                and self.status in (self.Status.FAILED, self.Status.CANCELLED))


class Version(models.Model):
    """A named point in a canvas's history: the whole Y state at that moment, and its text."""

    class Reason(models.TextChoices):
        ASSISTANT_BEFORE = "assistant_before", "Before assistant edit"
        ASSISTANT_AFTER = "assistant_after", "After assistant edit"
        CHECKPOINT = "checkpoint", "Checkpoint"
        MANUAL = "manual", "Saved by hand"
        RESTORE = "restore", "Restore"
        # A rewrite held back (it would have deleted most of the canvas unasked): restoring
        # it from the history is how a person accepts it.
        PROPOSAL = "proposal", "Proposed by the assistant"

    canvas = models.ForeignKey(Canvas, on_delete=models.CASCADE, related_name="versions")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    label = NulSafeTextField(blank=True)  # cut to 200 characters where it is made
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    turn = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="versions")
    state = models.BinaryField(default=b"", blank=True)
    text = NulSafeTextField(blank=True)
    summary = NulSafeTextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.canvas} @ {self.created:%Y-%m-%d %H:%M} ({self.reason})"


class Publication(models.Model):
    """A canvas published at a public, unguessable URL, pinned to a version or live."""

    class Mode(models.TextChoices):
        PINNED = "pinned", "Pinned to the version published"
        LIVE = "live", "Keep up to date"

    canvas = models.OneToOneField(Canvas, on_delete=models.CASCADE, related_name="publication")
    # 32 url-safe bytes: 256 bits, far past guessing.
    token = models.CharField(max_length=64, unique=True)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.PINNED)
    version = models.ForeignKey(Version, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    published_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.canvas} ({self.mode})"
