"""Create or update the viewer, analyst, editor and approver groups. Idempotent: run it after every migrate."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from common.roles import ROLE_PERMISSIONS


def permissions_for(names: tuple[str, ...]) -> list[Permission]:
    """Permission objects for "app_label.codename" names; CommandError if one does not exist."""
    found = []
    for name in names:
        app_label, codename = name.split(".", 1)
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is None:
            raise CommandError(f"Permission {name} does not exist. Run `manage.py migrate` first.")
        found.append(permission)
    return found


class Command(BaseCommand):
    help = "Create or update the viewer / analyst / editor / approver groups with exactly their permissions."

    def handle(self, *args, **options):
        for role, names in ROLE_PERMISSIONS.items():
            group, created = Group.objects.get_or_create(name=role)
            group.permissions.set(permissions_for(names))
            self.stdout.write(f"{'Created' if created else 'Updated'} group {role}: {len(names)} permissions.")
