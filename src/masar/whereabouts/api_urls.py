from django.urls import URLPattern, URLResolver, path

from masar.whereabouts import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("whereabouts/alerts/", api.AlertListApi.as_view(), name="whereabouts-alerts"),
    path(
        "whereabouts/alerts/<int:alert_id>/answer/",
        api.AlertAnswerApi.as_view(),
        name="whereabouts-alert-answer",
    ),
    path(
        "pilgrims/<str:key>/whereabouts/",
        api.PilgrimWhereaboutsApi.as_view(),
        name="pilgrim-whereabouts",
    ),
]
