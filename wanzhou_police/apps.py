from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from wanzhou_police.outages import DATABASE


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's own site (wanzhou_police/admin.py) as ``admin.site``.

    Also the project's one app config, so it wires the database outage's end: the
    first new connection after an outage logs that the database is back.
    """

    default_site = "wanzhou_police.admin.PortalAdminSite"

    def ready(self):
        super().ready()
        connection_created.connect(_database_answered, dispatch_uid="wanzhou_police.database_answered")


def _database_answered(sender, connection, **kwargs):
    DATABASE.recovered()


class PortalAxesConfig(AxesAppConfig):
    """django-axes with a name in the page language: the admin index would show its label, "Axes"."""

    verbose_name = _("登入紀錄")
