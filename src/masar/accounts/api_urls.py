from django.urls import path

from masar.accounts import api

urlpatterns = [
    path("me/", api.MeApi.as_view(), name="me"),
    path("tokens/", api.TokenListApi.as_view(), name="token-list"),
    path(
        "organization/tokens/", api.OrganizationTokenListApi.as_view(), name="organization-tokens"
    ),
    path("tokens/<int:token_id>/revoke/", api.TokenRevokeApi.as_view(), name="token-revoke"),
]
