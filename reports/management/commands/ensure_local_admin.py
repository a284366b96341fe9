"""Make sure a local superuser exists so a fresh `make run` can be logged into.

The password comes from WANZHOU_ADMIN_PASSWORD; without it one is generated
and printed once, at creation. An existing account is never changed.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

PASSWORD_ENV = "WANZHOU_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = "Create the local superuser (default name: admin) if it does not exist."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("WANZHOU_ADMIN_USERNAME", "admin"))

    def handle(self, *args, username, **options):
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            self.stdout.write(f"Local admin account '{username}' already exists; password unchanged.")
            return
        password = os.environ.get(PASSWORD_ENV) or secrets.token_urlsafe(12)
        users.objects.create_superuser(username=username, email="", password=password)
        if os.environ.get(PASSWORD_ENV):
            self.stdout.write(f"Created local admin '{username}' with the password from {PASSWORD_ENV}.")
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Created local admin '{username}' with password: {password}\n"
                    "It is shown only this once; change it in the admin or set "
                    f"{PASSWORD_ENV} before the first run."
                )
            )
