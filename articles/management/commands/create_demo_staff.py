"""Creates (or resets) the demo's staff account. Used by `make run` only, never in production."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or reset the demo superuser and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("NEWSROOM_DEMO_USER", "demo"))

    def handle(self, *args, username, **options):
        password = os.environ.get("NEWSROOM_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            f"Admin: http://127.0.0.1:8000/admin/  user {username!r}  password {password!r}\n"
            "(set NEWSROOM_DEMO_PASSWORD to choose the password)"
        )
