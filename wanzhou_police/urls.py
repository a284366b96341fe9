"""Top-level URLs: the report list (reports), the report pages and explorer (metrics), accounts, admin, health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reports.views import home
from wanzhou_police.views import healthz

urlpatterns = [
    path("", home, name="home"),
    path("reports/", include("reports.urls")),
    path("", include("metrics.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
