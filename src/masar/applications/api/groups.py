"""Groups, their bulk submission and their manifest uploads."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.applications import disclosure, selectors, services
from masar.applications.api.serializers import (
    BatchOutput,
    GroupOutput,
    JobOutput,
    PackageSerializer,
    batch_data,
)
from masar.applications.models import ManifestMode
from masar.applications.services.common import AGENT_ROLES
from masar.core.api.schema import error_responses
from masar.core.params import is_whole_number
from masar.operators import selectors as operator_selectors
from masar.seasons import selectors as season_selectors


class _Scoped(GenericAPIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def output_context(self) -> dict[str, Any]:
        """What the output serializers need to show the viewer what they may see."""
        return {"actor": self.actor()}


def group_output(group: Any, actor: User) -> dict[str, Any]:
    counts = disclosure.shown_counts(actor, selectors.status_counts(group.applications.all()))
    return GroupOutput(group, context={"status_counts": counts}).data


class GroupListApi(_Scoped):
    required_roles_by_method = {"POST": list(AGENT_ROLES)}
    serializer_class = GroupOutput

    class GroupCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        reference = serializers.CharField(max_length=40, required=False, default="")
        season_id = serializers.IntegerField()
        company_id = serializers.IntegerField()
        package = PackageSerializer(required=False)

    def get_queryset(self) -> Any:
        qs = selectors.group_list(actor=self.actor())
        if season := self.request.query_params.get("season_id"):
            qs = qs.filter(season_id=season) if is_whole_number(season) else qs.none()
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("season_id", int)],
        summary="Groups the caller may see",
        operation_id="groups_list",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(GroupOutput(page, many=True).data)

    @extend_schema(
        request=GroupCreateInput,
        responses={201: GroupOutput, **error_responses(400, 403, 404, 409)},
        summary="Create a group (agent staff)",
    )
    def post(self, request: Request) -> Response:
        data = self.GroupCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        season = get_object_or_404(
            season_selectors.season_list(actor=self.actor()), pk=values.pop("season_id")
        )
        company = get_object_or_404(
            operator_selectors.company_list(actor=self.actor()), pk=values.pop("company_id")
        )
        package = values.pop("package", {}) or {}
        group = services.group_create(
            actor=self.actor(), season=season, company=company, **values, **package
        )
        return Response(group_output(group, self.actor()), status=status.HTTP_201_CREATED)


class GroupDetailApi(_Scoped):
    serializer_class = GroupOutput

    @extend_schema(responses={200: GroupOutput, **error_responses(404)}, summary="A group")
    def get(self, request: Request, group_id: int) -> Response:
        group = get_object_or_404(selectors.group_list(actor=self.actor()), pk=group_id)
        return Response(group_output(group, self.actor()))


class GroupSubmitApi(_Scoped):
    required_roles = list(AGENT_ROLES)
    serializer_class = BatchOutput

    class GroupSubmitInput(serializers.Serializer):
        application_ids = serializers.ListField(
            child=serializers.IntegerField(), required=False, allow_empty=False
        )

    @extend_schema(
        request=GroupSubmitInput,
        responses={200: BatchOutput, **error_responses(403, 404, 409)},
        summary="Submit the group's draft and returned applications (or those named)",
    )
    def post(self, request: Request, group_id: int) -> Response:
        group = get_object_or_404(selectors.group_list(actor=self.actor()), pk=group_id)
        data = self.GroupSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.group_submit(
            actor=self.actor(),
            group=group,
            application_ids=data.validated_data.get("application_ids"),
        )
        return Response(batch_data(result))


class GroupManifestApi(_Scoped):
    required_roles = list(AGENT_ROLES)
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = JobOutput

    class ManifestUploadInput(serializers.Serializer):
        file = serializers.FileField()
        mode = serializers.ChoiceField(
            choices=ManifestMode.choices, required=False, default=ManifestMode.KEEP_VALID
        )

    @extend_schema(
        request={"multipart/form-data": ManifestUploadInput},
        responses={202: JobOutput, **error_responses(400, 403, 404)},
        summary="Upload a manifest (CSV or XLSX); the import runs in the background",
    )
    def post(self, request: Request, group_id: int) -> Response:
        group = get_object_or_404(selectors.group_list(actor=self.actor()), pk=group_id)
        data = self.ManifestUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.manifest_job_create(
            actor=self.actor(),
            group=group,
            upload=data.validated_data["file"],
            mode=data.validated_data["mode"],
        )
        return Response(JobOutput(job).data, status=status.HTTP_202_ACCEPTED)
