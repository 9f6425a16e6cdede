"""``manage.py createuser NAME --password P``: a user for scripts and tests."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a user (or reset the password of an existing one)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--password", required=True)
        parser.add_argument("--superuser", action="store_true", help="Also give admin access.")

    def handle(self, name, password, superuser, **options):
        if not name.strip():
            raise CommandError("The user name cannot be empty.")
        User = get_user_model()
        user, created = User.objects.get_or_create(username=name)
        user.set_password(password)
        if superuser:
            user.is_staff = user.is_superuser = True
        user.save()
        self.stdout.write(f"{'created' if created else 'updated'} user {name}")
