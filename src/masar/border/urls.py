from django.urls import URLPattern, URLResolver, path

from masar.border import views

app_name = "border"

urlpatterns: list[URLPattern | URLResolver] = [
    path("border/officer/", views.officer, name="officer"),
    path("border/officer/check/", views.officer_check, name="officer_check"),
    path("border/officer/record/", views.officer_record, name="officer_record"),
    path("border/in-country/", views.in_country, name="in_country"),
    path("border/in-country/export.csv", views.in_country_csv, name="in_country_csv"),
    path("border/due/", views.due_to_leave, name="due"),
    path("border/due/export.csv", views.due_to_leave_csv, name="due_csv"),
    path("border/overstays/", views.overstays, name="overstays"),
    path("border/overstays/export.csv", views.overstays_csv, name="overstays_csv"),
    path(
        "border/overstays/<int:overstay_id>/escape-notice/",
        views.escape_notice,
        name="escape_notice",
    ),
]
