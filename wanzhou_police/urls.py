"""Top-level URLs: the home redirect (reports), the report list, report pages and explorer (metrics), accounts, admin,
health."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from feeds import views as feed_views
from feeds.sitemaps import SITEMAPS
from reports.views import home, permission_denied, releases
from wanzhou_police.forms import PortalAuthenticationForm
from wanzhou_police.views import healthz

# Pages in the page language: Traditional Chinese unprefixed (every existing URL keeps working),
# Simplified Chinese under /zh-hans/, English under /en/.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Probes and people type it both ways; neither should get a 404.
    path("healthz/", healthz),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's own error pages, feeds).
    # The API is versioned in its path and not per language (Accept-Language chooses the text).
    path("api/v1/", include("api.urls")),
    path("favicon.ico", login_not_required(RedirectView.as_view(url=lazy(static, str)("favicon.svg"))), name="favicon"),
    # Public mode only (404 otherwise): for crawlers, outside the language prefixes.
    path("robots.txt", feed_views.robots_txt, name="robots"),
    path("sitemap.xml", feed_views.sitemap_xml, {"sitemaps": SITEMAPS}, name="sitemap"),
    *i18n_patterns(
        path("", home, name="home"),
        path("", include("metrics.urls")),
        path("", include("api.page_urls")),
        path("releases/", releases, name="releases"),
        path("", include("feeds.urls")),
        path("", include("search.urls")),
        path(
            "accounts/login/",
            auth_views.LoginView.as_view(authentication_form=PortalAuthenticationForm),
            name="login",
        ),
        path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("admin/", admin.site.urls),
        prefix_default_language=False,
    ),
]

handler403 = permission_denied
# Also answers 503 with the portal's own page when the database is down (see the view).
handler500 = "wanzhou_police.views.server_error"
