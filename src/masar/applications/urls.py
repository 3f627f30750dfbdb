from django.urls import path, re_path

from masar.applications import views

app_name = "applications"

urlpatterns = [
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<int:group_id>/", views.group_detail, name="group"),
    path("groups/<int:group_id>/pilgrims/new/", views.pilgrim_new, name="pilgrim_new"),
    path("groups/<int:group_id>/manifests/", views.manifest_upload, name="manifest_upload"),
    path("applications/", views.applications, name="applications"),
    path("applications/bulk/", views.applications_bulk, name="applications_bulk"),
    path("applications/searches/", views.saved_searches, name="saved_searches"),
    path("applications/mrz/", views.mrz_fill, name="mrz_fill"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path(
        "applications/<int:application_id>/edit/",
        views.application_edit,
        name="application_edit",
    ),
    path(
        "applications/<int:application_id>/photo/",
        views.application_photo,
        name="application_photo",
    ),
    path("applications/imports/<int:job_id>/", views.job_detail, name="job"),
    re_path(
        r"^applications/imports/(?P<job_id>\d+)/report\.(?P<kind>csv|xlsx)$",
        views.job_report,
        name="job_report",
    ),
    re_path(
        r"^applications/manifest-template\.(?P<kind>csv|xlsx)$",
        views.manifest_template,
        name="manifest_template",
    ),
]
