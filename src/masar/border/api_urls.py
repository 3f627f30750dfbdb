from django.urls import URLPattern, URLResolver, path

from masar.border import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("crossings/", api.CrossingsApi.as_view(), name="border-crossings"),
    path("pilgrims/<str:key>/journey/", api.JourneyApi.as_view(), name="border-journey"),
    path("carrier-checks/", api.CarrierChecksApi.as_view(), name="border-carrier-checks"),
    path("overstays/", api.OverstayListApi.as_view(), name="border-overstays"),
    path(
        "overstays/<int:overstay_id>/escape-notice/",
        api.EscapeNoticeApi.as_view(),
        name="border-escape-notice",
    ),
]
