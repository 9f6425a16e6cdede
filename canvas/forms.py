"""Forms for creating, renaming and sharing canvases, and for signing up."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import LANGUAGES_BY_KIND, Canvas, Kind, Language, Role
from .sharing import INVITE_ROLES


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)


#: The title of a canvas created without one (the create form's placeholder says so).
UNTITLED = "Untitled canvas"


def _clean_title(value: str) -> str:
    title = " ".join(value.split())
    if not title:
        raise forms.ValidationError("Give the canvas a title.")
    return title


class CanvasCreateForm(forms.ModelForm):
    # Each rendered form carries a fresh token; a second submit of the same token is refused.
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Canvas
        fields = ["title", "kind", "language"]
        error_messages = {
            "title": {"max_length": "Keep the title under %(limit_value)d characters.",
                      "required": "Give the canvas a title."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].required = False
        # The title is optional: a canvas made without one is "Untitled canvas", renamed later.
        self.fields["title"].required = False
        self.fields["title"].widget.attrs.update(
            {"placeholder": UNTITLED, "autocomplete": "off", "maxlength": 200}
        )

    def clean_title(self) -> str:
        return " ".join((self.cleaned_data.get("title") or "").split()) or UNTITLED

    def language_options(self) -> list[tuple[str, str, str]]:
        """(value, label, kind) of every language, in each kind's order (its default first)."""
        return [(code, Language(code).label, kind)
                for kind, codes in LANGUAGES_BY_KIND.items() for code in codes]

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        language = data.get("language") or None
        if kind:
            allowed = LANGUAGES_BY_KIND[kind]
            if language is None:
                data["language"] = allowed[0]
            elif language not in allowed:
                names = ", ".join(Language(code).label for code in allowed)
                self.add_error("language", f"A {Kind(kind).label.lower()} canvas can be: {names}.")
        return data


class RenameForm(forms.ModelForm):
    class Meta:
        model = Canvas
        fields = ["title"]
        error_messages = {
            "title": {"max_length": "Keep the title under %(limit_value)d characters.",
                      "required": "Give the canvas a title."},
        }

    def clean_title(self) -> str:
        return _clean_title(self.cleaned_data.get("title", ""))


class InviteForm(forms.Form):
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in INVITE_ROLES])


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in INVITE_ROLES])


__all__ = ["SignupForm", "CanvasCreateForm", "RenameForm", "InviteForm", "MemberRoleForm",
           "Role"]


class AssistantPolicyForm(forms.ModelForm):
    """The room policy: how the assistant changes the canvas while others have it open."""

    class Meta:
        model = Canvas
        fields = ["assistant_policy", "assistant_guard_seconds"]
        labels = {"assistant_policy": "When others are here, the assistant should",
                  "assistant_guard_seconds": "“Working” means edited within (seconds)"}
        widgets = {"assistant_guard_seconds": forms.NumberInput(attrs={"min": 5, "max": 3600})}
