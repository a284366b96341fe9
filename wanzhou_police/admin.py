"""The portal's admin site: Chinese header and titles, and the admin login for every admin page.

Installed as Django's default site through ``PortalAdminConfig`` (wanzhou_police/apps.py),
so the apps register with ``admin.site`` as usual and never import this package.
"""

from django.contrib import admin
from django.urls import URLResolver, reverse_lazy
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("萬州區公安局工作報告管理後台")
    site_title = _("萬州區公安局工作報告")
    index_title = _("報告、章節與數據管理")

    def get_urls(self):
        """Every admin URL sends an anonymous visitor to the admin login, not the portal's.

        LoginRequiredMiddleware redirects to a view's ``login_url``; Django sets it
        on the site's own views (index, app index) but not on a ModelAdmin's.
        """
        urls = super().get_urls()
        login_url = reverse_lazy("admin:login", current_app=self.name)

        def mark(patterns):
            for pattern in patterns:
                if isinstance(pattern, URLResolver):
                    mark(pattern.url_patterns)
                    continue
                # The login and logout views are bound methods marked login_not_required.
                view = getattr(pattern.callback, "__func__", pattern.callback)
                if getattr(view, "login_required", True) and not hasattr(view, "login_url"):
                    view.login_url = login_url

        mark(urls)
        return urls
