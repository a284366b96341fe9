from django.urls import path

from metrics import series_views, views

app_name = "metrics"

urlpatterns = [
    path("metrics/", views.FigureExplorerView.as_view(), name="explorer"),
    path("metrics/series/<str:code>/", series_views.metric_series, name="series"),
    path("metrics/series/<str:code>/csv/", series_views.metric_series_csv, name="series_csv"),
    path("reports/<int:year>/", views.report_overview, name="overview"),
    path("reports/<int:year>/<slug:slug>/", views.section_detail, name="section"),
    path("reports/<int:year>/<slug:slug>/charts/<slug:key>.csv", views.chart_csv, name="chart-csv"),
]
