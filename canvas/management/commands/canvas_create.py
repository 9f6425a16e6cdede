"""``manage.py canvas_create --owner NAME --kind document|code``: prints the new UUID."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from canvas.forms import CanvasCreateForm
from canvas.services import create_canvas


class Command(BaseCommand):
    help = "Create a canvas owned by an existing user and print its UUID."

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True)
        parser.add_argument("--kind", required=True, choices=["document", "code"])
        parser.add_argument("--language")
        parser.add_argument("--title", default="Untitled")

    def handle(self, owner, kind, language, title, **options):
        user = get_user_model().objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"No user named {owner!r}.")
        # The same validation as the web form: one set of rules for titles and languages.
        form = CanvasCreateForm({"title": title, "kind": kind, "language": language or ""})
        if not form.is_valid():
            errors = "; ".join(f"{field}: {' '.join(msgs)}"
                               for field, msgs in form.errors.items())
            raise CommandError(errors)
        data = form.cleaned_data
        canvas = create_canvas(user, data["title"], data["kind"], data["language"])
        self.stdout.write(str(canvas.id))
