"""Top-level URLs: the report list (reports), the report pages and explorer (metrics), accounts, admin, health."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reports.views import home
from wanzhou_police.views import healthz

# Pages in the page language: Traditional Chinese unprefixed (every existing URL keeps working),
# Simplified Chinese under /zh-hans/, English under /en/.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    *i18n_patterns(
        path("", home, name="home"),
        path("reports/", include("reports.urls")),
        path("", include("metrics.urls")),
        path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
        path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("admin/", admin.site.urls),
        prefix_default_language=False,
    ),
]
