from django.urls import URLPattern, URLResolver, path

from masar.reporting import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("reporting/dashboard/", api.DashboardApi.as_view(), name="reporting-dashboard"),
    path("reporting/refresh/", api.RefreshApi.as_view(), name="reporting-refresh"),
    path("reporting/baselines/<slug:code>/", api.BaselineApi.as_view(), name="reporting-baseline"),
    path("reporting/weekly/", api.WeeklyReportsApi.as_view(), name="reporting-weekly"),
    path(
        "reporting/weekly/<int:report_id>/pdf/",
        api.WeeklyReportPdfApi.as_view(),
        name="reporting-weekly-pdf",
    ),
    path("open-data/", api.OpenDataIndexApi.as_view(), name="open-data"),
    path("open-data/<slug:slug>.json", api.OpenDataJsonApi.as_view(), name="open-data-json"),
    path("open-data/<slug:slug>.csv", api.OpenDataCsvApi.as_view(), name="open-data-csv"),
]
