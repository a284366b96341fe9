from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:year>/", views.report_overview, name="overview"),
    path("<int:year>/<slug:slug>/", views.section_detail, name="section"),
]
