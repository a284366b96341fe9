"""``/api/v1/``: stable identifiers in the path (year, section slug, metric code); the version in the prefix."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import bundle_views, views
from api.docs import ApiDocsView

app_name = "api"

urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("reports/", views.ReportListView.as_view(), name="reports"),
    path("reports/<int:year>/", views.ReportDetailView.as_view(), name="report"),
    path("reports/<int:year>/sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section"),
    path("figures/", views.FigureListView.as_view(), name="figures"),
    path("metrics/<str:code>/", views.MetricSeriesView.as_view(), name="metric"),
    path("bundles/all.zip", bundle_views.BundleView.as_view(), name="bundle-all"),
    path("bundles/<int:year>.zip", bundle_views.BundleView.as_view(), name="bundle"),
    # The schema and its documentation page are public: they describe, they hold no figure.
    path("schema/", login_not_required(SpectacularAPIView.as_view(permission_classes=[])), name="schema"),
    path("docs/", login_not_required(ApiDocsView.as_view()), name="docs"),
]
