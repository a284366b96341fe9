from django.urls import path, re_path
from django.views.generic import RedirectView

from metrics import views
from metrics.explorer import views as explorer_views

app_name = "metrics"

urlpatterns = [
    path("metrics/", explorer_views.FigureExplorerView.as_view(), name="explorer"),
    path("metrics/<str:code>/", views.metric_series, name="series"),
    path("metrics/<str:code>/csv/", views.metric_series_csv, name="series_csv"),
    # Where the metric page was first published: links to it keep working.
    path("metrics/series/<str:code>/", RedirectView.as_view(pattern_name="metrics:series", permanent=True)),
    path("metrics/series/<str:code>/csv/", RedirectView.as_view(pattern_name="metrics:series_csv", permanent=True)),
    # A chart's server drawing, named by its content (sha256): re_path refuses any other key with a 404.
    re_path(r"^charts/(?P<key>[0-9a-f]{64})\.(?P<image_format>svg|png)$", views.chart_image, name="chart-image"),
    path("reports/", views.report_list, name="report-list"),
    path("revisions/", views.revisions, name="revisions"),
    path("reports/<int:year>/", views.report_overview, name="overview"),
    # Before the section pattern: "text" is a slug no section may take (reports.models.RESERVED_SLUGS).
    path("reports/<int:year>/text/", views.report_text, name="text"),
    path("reports/<int:year>/<slug:slug>/", views.section_detail, name="section"),
    path("reports/<int:year>/<slug:slug>/charts/<slug:key>.csv", views.chart_csv, name="chart-csv"),
]
