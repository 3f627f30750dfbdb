"""The photos API: a pilgrim's photo (status with every reason, multipart upload, an
officer's acceptance) and a group's ZIP of photos with its progress and per-file report.
The image itself is never in a public URL: `image_url` is a page that checks the caller."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.applications.models import Pilgrim
from masar.applications.selectors import group_list
from masar.applications.services.common import AGENT_ROLES
from masar.core.api.schema import error_responses
from masar.photos import selectors, services
from masar.photos.models import PhotoBatch, Portrait
from masar.photos.reasons import reasons_text


class PhotoReasonOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class PortraitOutput(serializers.Serializer):
    pilgrim_id = serializers.IntegerField()
    status = serializers.CharField()
    reasons = PhotoReasonOutput(many=True)
    metrics = serializers.DictField()
    image_url = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    accept_reason = serializers.CharField()


def portrait_output(portrait: Portrait) -> dict[str, Any]:
    return PortraitOutput(
        {
            "pilgrim_id": portrait.pilgrim_id,
            "status": portrait.status,
            "reasons": reasons_text(portrait.reasons),
            "metrics": portrait.metrics,
            "image_url": reverse("photos:portrait", args=[portrait.pilgrim_id]),
            "uploaded_at": portrait.uploaded_at,
            "accepted_at": portrait.accepted_at,
            "accept_reason": portrait.accept_reason,
        }
    ).data


class PhotoArchiveItemOutput(serializers.Serializer):
    position = serializers.IntegerField()
    file_name = serializers.CharField()
    passport_number = serializers.CharField()
    pilgrim_id = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField()
    reasons = PhotoReasonOutput(many=True)


class PhotoArchiveOutput(serializers.Serializer):
    id = serializers.IntegerField()
    group_id = serializers.IntegerField()
    original_name = serializers.CharField()
    status = serializers.CharField()
    percent = serializers.IntegerField()
    total_files = serializers.IntegerField()
    processed_files = serializers.IntegerField()
    accepted_files = serializers.IntegerField()
    rejected_files = serializers.IntegerField()
    items = PhotoArchiveItemOutput(many=True)


def batch_output(batch: PhotoBatch) -> dict[str, Any]:
    items = [
        {
            "position": item.position,
            "file_name": item.file_name,
            "passport_number": item.passport_number,
            "pilgrim_id": item.pilgrim_id,
            "outcome": item.outcome,
            "reasons": reasons_text(item.reasons),
        }
        for item in batch.items.order_by("position")
    ]
    return PhotoArchiveOutput(
        {
            "id": batch.pk,
            "group_id": batch.group_id,
            "original_name": batch.original_name,
            "status": batch.status,
            "percent": batch.percent,
            "total_files": batch.total_files,
            "processed_files": batch.processed_files,
            "accepted_files": batch.accepted_files,
            "rejected_files": batch.rejected_files,
            "items": items,
        }
    ).data


class _Scoped(GenericAPIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def pilgrim(self, pilgrim_id: int) -> Pilgrim:
        pilgrim = selectors.pilgrim_visible(actor=self.actor(), pilgrim_id=pilgrim_id)
        if pilgrim is None:
            raise Http404
        return pilgrim


class PilgrimPhotoApi(_Scoped):
    required_roles_by_method = {"POST": list(AGENT_ROLES)}
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = PortraitOutput

    class PhotoUploadInput(serializers.Serializer):
        photo = serializers.FileField()

    @extend_schema(
        responses={200: PortraitOutput, **error_responses(404)},
        summary="A pilgrim's photo: its checks' status and every reason",
    )
    def get(self, request: Request, pilgrim_id: int) -> Response:
        portrait = selectors.portrait_of(pilgrim=self.pilgrim(pilgrim_id))
        if portrait is None:
            raise Http404
        return Response(portrait_output(portrait))

    @extend_schema(
        request={"multipart/form-data": PhotoUploadInput},
        responses={201: PortraitOutput, **error_responses(400, 403, 404)},
        summary="Upload a pilgrim's photo (JPEG or PNG): checked at once, all reasons returned",
    )
    def post(self, request: Request, pilgrim_id: int) -> Response:
        pilgrim = self.pilgrim(pilgrim_id)
        data = self.PhotoUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        portrait = services.portrait_upload(
            actor=self.actor(), pilgrim=pilgrim, upload=data.validated_data["photo"]
        )
        return Response(portrait_output(portrait), status=status.HTTP_201_CREATED)


class PilgrimPhotoAcceptApi(_Scoped):
    serializer_class = PortraitOutput

    class AcceptInput(serializers.Serializer):
        reason = serializers.CharField(max_length=2000, allow_blank=True)

    @extend_schema(
        request=AcceptInput,
        responses={200: PortraitOutput, **error_responses(400, 403, 404, 409)},
        summary="An officer accepts a flagged photo, saying why (audited)",
    )
    def post(self, request: Request, pilgrim_id: int) -> Response:
        pilgrim = self.pilgrim(pilgrim_id)
        data = self.AcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        portrait = services.portrait_accept(
            actor=self.actor(), pilgrim=pilgrim, reason=data.validated_data["reason"]
        )
        return Response(portrait_output(portrait))


class GroupPhotoBatchApi(_Scoped):
    required_roles = list(AGENT_ROLES)
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = PhotoArchiveOutput

    class ArchiveInput(serializers.Serializer):
        file = serializers.FileField()

    @extend_schema(
        request={"multipart/form-data": ArchiveInput},
        responses={202: PhotoArchiveOutput, **error_responses(400, 403, 404)},
        summary="Upload a ZIP of a group's photos named by passport number; checked in the background",
    )
    def post(self, request: Request, group_id: int) -> Response:
        group = get_object_or_404(group_list(actor=self.actor()), pk=group_id)
        data = self.ArchiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.photo_batch_create(
            actor=self.actor(), group=group, upload=data.validated_data["file"]
        )
        return Response(batch_output(batch), status=status.HTTP_202_ACCEPTED)


class PhotoBatchDetailApi(_Scoped):
    serializer_class = PhotoArchiveOutput

    @extend_schema(
        responses={200: PhotoArchiveOutput, **error_responses(404)},
        summary="A photo archive: progress, counts and every file's outcome with its reasons",
    )
    def get(self, request: Request, batch_id: int) -> Response:
        batch = get_object_or_404(selectors.photo_batch_list(actor=self.actor()), pk=batch_id)
        return Response(batch_output(batch))
