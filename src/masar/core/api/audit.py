from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.permissions import MasarPermission
from masar.core import selectors
from masar.core.models import AuditEntry


class AuditOutput(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor_label",
            "organization_id",
            "action",
            "target_type",
            "target_id",
            "origin",
            "details",
            "hash",
        ]


class AuditListApi(ListAPIView):
    """The audit trail, scoped: ministries read all of it, others their own organization's."""

    permission_classes = [MasarPermission]
    serializer_class = AuditOutput

    def get_queryset(self) -> Any:
        qs = selectors.audit_list(actor=self.request.user)  # type: ignore[arg-type]
        params = self.request.query_params
        if action := params.get("action"):
            qs = qs.filter(action=action)
        if target_type := params.get("target_type"):
            qs = qs.filter(target_type=target_type)
        if target_id := params.get("target_id"):
            qs = qs.filter(target_id=target_id)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("action", str),
            OpenApiParameter("target_type", str),
            OpenApiParameter("target_id", str),
        ],
        summary="Audit trail",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)
