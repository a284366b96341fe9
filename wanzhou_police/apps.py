from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's own site (wanzhou_police/admin.py) as ``admin.site``."""

    default_site = "wanzhou_police.admin.PortalAdminSite"
