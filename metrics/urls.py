from django.urls import path

from metrics import views

app_name = "metrics"

urlpatterns = [
    path("", views.FigureExplorerView.as_view(), name="explorer"),
]
