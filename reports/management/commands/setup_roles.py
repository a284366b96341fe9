"""Create or update the viewer, analyst, editor and approver groups. Idempotent: run it after every migrate."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from common.roles import ROLE_PERMISSIONS


def permissions_by_name(names) -> dict[str, Permission]:
    """Permission objects by their "app_label.codename" names, read in one query; CommandError if one does not exist."""
    wanted = set(names)
    found = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in Permission.objects.filter(codename__in={name.split(".", 1)[1] for name in wanted})
        .select_related("content_type")
        .order_by("pk")
    }
    missing = sorted(wanted - found.keys())
    if missing:
        raise CommandError(f"Permission {missing[0]} does not exist. Run `manage.py migrate` first.")
    return {name: found[name] for name in wanted}


class Command(BaseCommand):
    help = "Create or update the viewer / analyst / editor / approver groups with exactly their permissions."

    def handle(self, *args, **options):
        permissions = permissions_by_name(name for names in ROLE_PERMISSIONS.values() for name in names)
        for role, names in ROLE_PERMISSIONS.items():
            group, created = Group.objects.get_or_create(name=role)
            group.permissions.set([permissions[name] for name in names])
            self.stdout.write(f"{'Created' if created else 'Updated'} group {role}: {len(names)} permissions.")
