from django.urls import URLPattern, URLResolver, path

from masar.reporting import views

app_name = "reporting"

urlpatterns: list[URLPattern | URLResolver] = [
    path("reporting/", views.dashboard, name="dashboard"),
    path(
        "reporting/export/<slug:table_id>.<str:fmt>",
        views.export,
        name="export",
    ),
    path("reporting/refresh/", views.refresh, name="refresh"),
    path("reporting/baseline/", views.baseline, name="baseline"),
    path("reporting/weekly/", views.weekly, name="weekly"),
    path("reporting/weekly/<int:report_id>.pdf", views.weekly_pdf, name="weekly-pdf"),
    path("open-data/", views.open_data, name="open-data"),
]
