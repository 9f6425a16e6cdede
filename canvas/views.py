"""Pages and htmx fragments for the canvas list, the canvas page and sharing."""

import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from . import sharing, shortcut_menu
from .access import require_role
from .assistant import config as assistant_config
from .assistant import queue
from .assistant.turns import reap_stale_turns
from .forms import (
    AssistantPolicyForm,
    CanvasCreateForm,
    InviteForm,
    MemberRoleForm,
    RenameForm,
    SignupForm,
)
from .models import LANGUAGES_BY_KIND, Canvas, Invite, Language, Membership, Role
from .publish.services import is_app
from .services import create_canvas
from .sharing import InviteError

FORM_ERROR_STATUS = 400  # htmx is configured (base.html) to swap 400 answers: form errors


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


# --- Accounts ------------------------------------------------------------------------------

def signup(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "canvas_list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url or "canvas_list")
    status = FORM_ERROR_STATUS if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form, "next": next_url},
                  status=status)


# --- The canvas list -------------------------------------------------------------------------

def _create_form(data: dict | None = None) -> CanvasCreateForm:
    return CanvasCreateForm(data, initial={"form_token": uuid.uuid4(), "kind": "document"})


@login_required
@require_GET
def canvas_list(request: HttpRequest) -> HttpResponse:
    memberships = (Membership.objects.filter(user=request.user)
                   .select_related("canvas", "canvas__owner").order_by("-canvas__updated"))
    return render(request, "canvas/list.html", {
        "memberships": memberships,
        "form": _create_form(),
    })


@login_required
@require_POST
def canvas_create(request: HttpRequest) -> HttpResponse:
    form = _create_form(request.POST)
    if form.is_valid():
        token = form.cleaned_data.get("form_token")
        # cache.add is atomic: of two identical submits only the first creates a canvas.
        if token and not cache.add(f"canvas-create:{request.user.pk}:{token}", 1, 24 * 3600):
            form.add_error(None, "This form was already submitted; the canvas is in your list.")
        else:
            canvas = create_canvas(request.user, form.cleaned_data["title"],
                                   form.cleaned_data["kind"], form.cleaned_data["language"])
            return _redirect(request, reverse("canvas_page", args=[canvas.id]))
    return render(request, "canvas/_create_form.html", {"form": form},
                  status=FORM_ERROR_STATUS)


# --- One canvas ------------------------------------------------------------------------------

@login_required
@require_GET
def canvas_page(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    canvas, membership = require_role(request.user, canvas_id)
    reap_stale_turns(canvas.id)
    recent = canvas.messages.select_related("author", "reply_to").order_by("-created", "-id")[:200]
    return render(request, "canvas/page.html", {
        "canvas": canvas,
        "membership": membership,
        "is_owner": membership.role == Role.OWNER,
        "can_edit": membership.allows(Role.EDITOR),
        "can_comment": membership.allows(Role.COMMENTER),
        "queue_html": queue.render(canvas.id, request.user, membership.role == Role.OWNER),
        "chat_messages": list(recent)[::-1],
        "model_ready": assistant_config.is_configured(),
        # Code that renders: the Preview tab, and publishing as a running app.
        "publishes_app": is_app(canvas),
        "model_hint": assistant_config.NOT_CONFIGURED,
        "shortcut_groups": shortcut_menu.menu(canvas.kind, membership.allows(Role.EDITOR)),
        "port_languages": [(v, label) for v, label in Language.choices
                           if v in LANGUAGES_BY_KIND["code"] and v != canvas.language],
    })


@login_required
@require_POST
def canvas_rename(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    canvas, _ = require_role(request.user, canvas_id, Role.OWNER)
    form = RenameForm(request.POST, instance=canvas)
    if form.is_valid():
        form.save()
        return render(request, "canvas/_title.html", {"canvas": canvas, "is_owner": True})
    canvas.refresh_from_db(fields=["title"])
    return render(request, "canvas/_title.html",
                  {"canvas": canvas, "is_owner": True, "rename_form": form, "editing": True},
                  status=FORM_ERROR_STATUS)


@login_required
@require_POST
def canvas_delete(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    canvas, _ = require_role(request.user, canvas_id, Role.OWNER)
    title = canvas.title
    canvas.delete()
    if request.POST.get("from") == "list" and request.htmx:
        return HttpResponse("")  # htmx removes the row in place
    messages.success(request, f"Deleted “{title}”.")
    return _redirect(request, reverse("canvas_list"))


# --- Sharing ---------------------------------------------------------------------------------

def _members_context(canvas: Canvas) -> dict:
    return {
        "canvas": canvas,
        "members": canvas.memberships.select_related("user").order_by("created"),
        "role_form": MemberRoleForm(),
    }


def _invites_context(request: HttpRequest, canvas: Canvas) -> dict:
    invites = [(invite, request.build_absolute_uri(reverse("canvas_join", args=[invite.token])))
               for invite in sharing.live_invites(canvas)]
    return {"canvas": canvas, "invites": invites}


@login_required
@require_GET
def share_dialog(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    canvas, _ = require_role(request.user, canvas_id, Role.OWNER)
    return render(request, "canvas/_share.html",
                  {**_members_context(canvas), **_invites_context(request, canvas),
                   "invite_form": InviteForm(),
                   "policy_form": AssistantPolicyForm(instance=canvas)})


@login_required
@require_POST
def share_link(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    canvas, _ = require_role(request.user, canvas_id, Role.OWNER)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return render(request, "canvas/_invite_link.html", {"form": form},
                      status=FORM_ERROR_STATUS)
    invite = sharing.create_invite(canvas, form.cleaned_data["role"], request.user)
    url = request.build_absolute_uri(reverse("canvas_join", args=[invite.token]))
    return render(request, "canvas/_invite_link.html", {
        **_invites_context(request, canvas), "url": url, "role": invite.role,
        "valid_days": max(1, settings.CANVAS_INVITE_MAX_AGE // 86400), "oob": True,
    })


@login_required
@require_POST
def invite_revoke(request: HttpRequest, canvas_id: uuid.UUID, invite_id: int) -> HttpResponse:
    canvas, _ = require_role(request.user, canvas_id, Role.OWNER)
    sharing.revoke(get_object_or_404(Invite, id=invite_id, canvas=canvas))
    return render(request, "canvas/_invites.html", _invites_context(request, canvas))


@login_required
@require_POST
def publish_setting(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    """Whether editors may publish (owners always may)."""
    canvas, _ = require_role(request.user, canvas_id, Role.OWNER)
    canvas.editors_may_publish = request.POST.get("editors_may_publish") == "1"
    canvas.save(update_fields=["editors_may_publish"])
    return render(request, "canvas/_publish_setting.html", {"canvas": canvas, "saved": True})


@login_required
@require_POST
def assistant_policy(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    """How the assistant changes the canvas while others are here (the owner decides)."""
    canvas, _ = require_role(request.user, canvas_id, Role.OWNER)
    form = AssistantPolicyForm(request.POST, instance=canvas)
    if not form.is_valid():
        canvas.refresh_from_db()
        return render(request, "canvas/_assistant_policy.html",
                      {"canvas": canvas, "policy_form": form}, status=FORM_ERROR_STATUS)
    form.save()
    return render(request, "canvas/_assistant_policy.html",
                  {"canvas": canvas, "policy_form": AssistantPolicyForm(instance=canvas),
                   "saved": True})


@login_required
@require_POST
def member_add(request: HttpRequest, canvas_id: uuid.UUID) -> HttpResponse:
    """Invite by user name: the person gets the role at once (and sees the canvas listed)."""
    canvas, _ = require_role(request.user, canvas_id, Role.OWNER)
    username = " ".join(request.POST.get("username", "").split())[:150]
    form = MemberRoleForm(request.POST)
    context = {**_members_context(canvas), "username": username}
    person = get_user_model().objects.filter(username=username).first() if username else None
    if person is None or not form.is_valid():
        context["error"] = (f"There is nobody called “{username}”." if username and person is None
                            else "Give a user name and choose a role.")
        return render(request, "canvas/_members.html", context, status=FORM_ERROR_STATUS)
    existing = Membership.objects.filter(canvas=canvas, user=person).first()
    if existing is not None:
        context["error"] = f"{person.get_username()} is already {existing.role} here."
        return render(request, "canvas/_members.html", context, status=FORM_ERROR_STATUS)
    role = form.cleaned_data["role"]
    Membership.objects.create(canvas=canvas, user=person, role=role)
    sharing.record_change(canvas, person.pk, role)
    return render(request, "canvas/_members.html", _members_context(canvas))


@login_required
@require_POST
def member_update(request: HttpRequest, canvas_id: uuid.UUID, user_id: int) -> HttpResponse:
    canvas, _ = require_role(request.user, canvas_id, Role.OWNER)
    member = get_object_or_404(Membership, canvas=canvas, user_id=user_id)
    context = _members_context(canvas)
    if member.role == Role.OWNER:
        context["error"] = "The owner's role cannot be changed."
        return render(request, "canvas/_members.html", context, status=FORM_ERROR_STATUS)
    if request.POST.get("remove"):
        member.delete()
        sharing.record_change(canvas, user_id, "")
    else:
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            context["error"] = "Choose editor, commenter or viewer."
            return render(request, "canvas/_members.html", context, status=FORM_ERROR_STATUS)
        member.role = form.cleaned_data["role"]
        member.save(update_fields=["role"])
        sharing.record_change(canvas, user_id, member.role)
    return render(request, "canvas/_members.html", _members_context(canvas))


#: Session key of the invite a signed-out person was shown: once they log in or sign up and come
#: back to the same link, they join at once instead of being asked again.
PENDING_INVITE = "pending_invite"


def canvas_join(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the invitation (who, what, which role): signed in, with a Join button; signed out,
    with Log in / Sign up that bring the person back here, where they join and land on the canvas.
    POST joins."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        invite = sharing.find_invite(token)
        if not request.user.is_authenticated:
            if request.method == "POST":
                return redirect(f"{reverse('login')}?next={request.path}")
            request.session[PENDING_INVITE] = token
            return render(request, "canvas/join.html", {"invite": invite, "canvas": invite.canvas,
                                                        "next": request.path})
        if request.method == "POST" or request.session.pop(PENDING_INVITE, None) == token:
            _, _, said = sharing.accept(invite, request.user)
            if said:
                messages.success(request, said)
            return redirect("canvas_page", canvas_id=invite.canvas_id)
    except InviteError as exc:
        return render(request, "canvas/join_error.html", {"reason": str(exc)}, status=400)
    current = Membership.objects.filter(canvas=invite.canvas, user=request.user).first()
    return render(request, "canvas/join.html", {"invite": invite, "canvas": invite.canvas,
                                                "membership": current})


# --- Operations ------------------------------------------------------------------------------

def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (published pages, the preview
    origin): answer with nothing, cached, rather than a 404 page."""
    response = HttpResponse(status=204)
    response["Cache-Control"] = "public, max-age=86400"
    return response


async def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and a message makes it through the channel layer."""
    checks: dict[str, str] = {}

    def check_db() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    try:
        await sync_to_async(check_db)()
        checks["database"] = "ok"
    except Exception as exc:  # report, don't crash: this is what health checks are for
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "health.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=3)
        checks["channel_layer"] = "ok" if message.get("type") == "health.ping" else "error"
    except Exception as exc:
        checks["channel_layer"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks},
                        status=200 if healthy else 503)
