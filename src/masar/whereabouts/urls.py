from django.urls import URLPattern, URLResolver, path

from masar.whereabouts import views

app_name = "whereabouts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("whereabouts/", views.alerts, name="alerts"),
    path("whereabouts/export.<str:fmt>", views.alerts_export, name="alerts_export"),
    path("whereabouts/<int:alert_id>/answer/", views.answer, name="answer"),
    path("whereabouts/pilgrim/", views.pilgrim, name="pilgrim"),
    path("whereabouts/occupancy/", views.occupancy, name="occupancy"),
    path(
        "whereabouts/occupancy/export.<str:fmt>",
        views.occupancy_export,
        name="occupancy_export",
    ),
    path("whereabouts/unknown/", views.unknown, name="unknown"),
    path("whereabouts/unknown/export.<str:fmt>", views.unknown_export, name="unknown_export"),
]
