from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from masar.accounts import selectors, services
from masar.accounts.models import TokenScope, User
from masar.accounts.permissions import MasarPermission
from masar.accounts.roles import Role
from masar.core.api.schema import error_responses


class OrganizationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_ar = serializers.CharField()


class MeApi(APIView):
    permission_classes = [MasarPermission]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        full_name = serializers.CharField(source="get_full_name")
        full_name_ar = serializers.CharField()
        is_service_account = serializers.BooleanField()
        organization = OrganizationBriefSerializer(allow_null=True)
        roles = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses={200: OutputSerializer}, summary="Who am I")
    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        data = self.OutputSerializer(user).data
        data["roles"] = sorted(user.roles)
        return Response(data)


class TokenOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    long_lived = serializers.BooleanField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)


class OrganizationTokenOutputSerializer(TokenOutputSerializer):
    username = serializers.CharField(source="user.username")
    is_service_account = serializers.BooleanField(source="user.is_service_account")


class TokenListApi(APIView):
    """The caller's own API tokens."""

    permission_classes = [MasarPermission]

    class TokenCreateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        scopes = serializers.ListField(
            child=serializers.ChoiceField(choices=TokenScope.choices),
            default=[TokenScope.READ, TokenScope.WRITE],
        )
        expires_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            help_text="Default: 90 days from now; at most one year from now.",
        )
        long_lived = serializers.BooleanField(
            default=False, help_text="Service accounts only: a token without an expiry."
        )
        second_factor_code = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=32,
            default="",
            help_text="Ministry staff: the current code of their authenticator.",
        )

    class TokenCreatedSerializer(TokenOutputSerializer):
        secret = serializers.CharField(help_text="Shown once; store it now.")

    @extend_schema(responses={200: TokenOutputSerializer(many=True)}, summary="My tokens")
    def get(self, request: Request) -> Response:
        tokens = selectors.token_list(user=request.user)  # type: ignore[arg-type]
        return Response(TokenOutputSerializer(tokens, many=True).data)

    @extend_schema(
        request=TokenCreateInputSerializer,
        responses={201: TokenCreatedSerializer, **error_responses(400, 403)},
        summary="Create a token for myself",
    )
    def post(self, request: Request) -> Response:
        data = self.TokenCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        token, secret = services.token_create(actor=user, user=user, **data.validated_data)
        body: dict[str, Any] = dict(TokenOutputSerializer(token).data)
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED)


class OrganizationTokenListApi(APIView):
    """Every token of the supervisor's organization: its people's and its service
    accounts'. Each is revocable through the revoke endpoint."""

    permission_classes = [MasarPermission]
    required_roles = {Role.SUPERVISOR}

    @extend_schema(
        responses={200: OrganizationTokenOutputSerializer(many=True), **error_responses(403)},
        summary="My organization's tokens (supervisors)",
    )
    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        tokens = selectors.tokens_visible(actor=user)
        return Response(OrganizationTokenOutputSerializer(tokens, many=True).data)


class TokenRevokeApi(APIView):
    """Revoke a token: one's own, or as a supervisor one of the organization's."""

    permission_classes = [MasarPermission]

    @extend_schema(request=None, responses={200: TokenOutputSerializer, **error_responses(404)})
    def post(self, request: Request, token_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        token = services.token_revoke(actor=user, token_id=token_id)
        return Response(TokenOutputSerializer(token).data)
