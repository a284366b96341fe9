from django.urls import path

from feeds import views

app_name = "feeds"

urlpatterns = [
    path("feeds/", views.tokens, name="tokens"),
    # Without a token: public mode only (else 404).
    path("feeds/reports.atom", views.reports_feed, name="reports"),
    path("feeds/revisions.atom", views.revisions_feed, name="revisions"),
    path("feeds/metrics/<str:code>.atom", views.metric_feed, name="metric"),
    path("feeds/<str:token>/reports.atom", views.reports_feed, name="reports"),
    path("feeds/<str:token>/revisions.atom", views.revisions_feed, name="revisions"),
    path("feeds/<str:token>/metrics/<str:code>.atom", views.metric_feed, name="metric"),
]
