from django.urls import path

from masar.seasons import api

urlpatterns = [
    path("seasons/", api.SeasonListApi.as_view(), name="season-list"),
    path("seasons/<int:season_id>/", api.SeasonDetailApi.as_view(), name="season-detail"),
    path("seasons/<int:season_id>/rules/", api.SeasonRulesApi.as_view(), name="season-rules"),
    path("seasons/<int:season_id>/quotas/", api.QuotaListApi.as_view(), name="quota-list"),
]
