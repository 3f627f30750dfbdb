"""Watchlists, their imports, versions and changes."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from masar.core.api.schema import error_responses
from masar.screening import selectors, services
from masar.screening.api.base import AnalystApi
from masar.screening.models import (
    ImportFormat,
    Watchlist,
    WatchlistImport,
    WatchlistVersion,
)


class WatchlistOutput(serializers.ModelSerializer):
    class Meta:
        model = Watchlist
        fields = [
            "id",
            "name",
            "title",
            "description",
            "threshold",
            "review_sla_hours",
            "is_active",
            "version",
            "entry_count",
            "created_at",
            "updated_at",
        ]


class WatchlistListApi(AnalystApi):
    serializer_class = WatchlistOutput

    class WatchlistCreateInput(serializers.Serializer):
        name = serializers.SlugField(max_length=60)
        title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
        description = serializers.CharField(required=False, default="", allow_blank=True)
        threshold = serializers.FloatField(min_value=50, max_value=100, required=False)
        review_sla_hours = serializers.IntegerField(min_value=1, max_value=720, required=False)
        is_active = serializers.BooleanField(required=False, default=True)

    @extend_schema(
        summary="Watchlists", responses={200: WatchlistOutput(many=True), **error_responses(403)}
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.watchlist_list(actor=self.actor()))
        return self.get_paginated_response(WatchlistOutput(page, many=True).data)

    @extend_schema(
        request=WatchlistCreateInput,
        responses={201: WatchlistOutput, **error_responses(400, 403, 409)},
        summary="Create an empty watchlist (then import a file into it)",
    )
    def post(self, request: Request) -> Response:
        data = self.WatchlistCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        watchlist = services.watchlist_create(actor=self.actor(), **data.validated_data)
        return Response(WatchlistOutput(watchlist).data, status=status.HTTP_201_CREATED)


class WatchlistDetailApi(AnalystApi):
    """One watchlist and its current version (security analysts)."""

    serializer_class = WatchlistOutput

    class WatchlistUpdateInput(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False, allow_blank=True)
        description = serializers.CharField(required=False, allow_blank=True)
        threshold = serializers.FloatField(min_value=50, max_value=100, required=False)
        review_sla_hours = serializers.IntegerField(min_value=1, max_value=720, required=False)
        is_active = serializers.BooleanField(required=False)

    @extend_schema(responses={200: WatchlistOutput, **error_responses(403, 404)})
    def get(self, request: Request, watchlist_id: int) -> Response:
        return Response(WatchlistOutput(self.watchlist(watchlist_id)).data)

    @extend_schema(
        request=WatchlistUpdateInput,
        responses={200: WatchlistOutput, **error_responses(400, 403, 404)},
        summary="Change a watchlist's threshold, service level, title or activity",
    )
    def patch(self, request: Request, watchlist_id: int) -> Response:
        watchlist = self.watchlist(watchlist_id)
        data = self.WatchlistUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        watchlist = services.watchlist_update(
            actor=self.actor(), watchlist=watchlist, **data.validated_data
        )
        return Response(WatchlistOutput(watchlist).data)


class ImportOutput(serializers.ModelSerializer):
    watchlist_id = serializers.IntegerField()
    version = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = WatchlistImport
        fields = [
            "id",
            "url",
            "watchlist_id",
            "status",
            "format",
            "original_name",
            "sha256",
            "rows",
            "skipped_rows",
            "added",
            "changed",
            "removed",
            "unchanged",
            "error_count",
            "warning_count",
            "problems",
            "error",
            "version",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_version(self, job: WatchlistImport) -> int | None:
        return job.version.number if job.version is not None else None

    def get_url(self, job: WatchlistImport) -> str:
        return reverse(
            "api:watchlist-import-detail",
            kwargs={"watchlist_id": job.watchlist_id, "import_id": job.pk},
            request=self.context.get("request"),
        )


class WatchlistImportListApi(AnalystApi):
    """The imports of one watchlist, newest first (security analysts)."""

    serializer_class = ImportOutput
    parser_classes = [MultiPartParser, FormParser]

    class WatchlistUploadInput(serializers.Serializer):
        file = serializers.FileField()
        format = serializers.ChoiceField(choices=ImportFormat.choices, default=ImportFormat.MASAR)

    @extend_schema(responses={200: ImportOutput(many=True), **error_responses(403, 404)})
    def get(self, request: Request, watchlist_id: int) -> Response:
        qs = selectors.watchlist_import_list(
            actor=self.actor(), watchlist=self.watchlist(watchlist_id)
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            ImportOutput(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        request={"multipart/form-data": WatchlistUploadInput},
        responses={202: ImportOutput, **error_responses(400, 403, 404, 409)},
        summary="Upload a list file (a whole snapshot); it is imported in the background",
    )
    def post(self, request: Request, watchlist_id: int) -> Response:
        watchlist = self.watchlist(watchlist_id)
        data = self.WatchlistUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.watchlist_import_create(
            actor=self.actor(),
            watchlist=watchlist,
            upload=data.validated_data["file"],
            fmt=data.validated_data["format"],
        )
        body = ImportOutput(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class WatchlistImportDetailApi(AnalystApi):
    """One watchlist import: its status, counts and errors (security analysts)."""

    serializer_class = ImportOutput

    @extend_schema(responses={200: ImportOutput, **error_responses(403, 404)})
    def get(self, request: Request, watchlist_id: int, import_id: int) -> Response:
        qs = selectors.watchlist_import_list(
            actor=self.actor(), watchlist=self.watchlist(watchlist_id)
        )
        job = get_object_or_404(qs, pk=import_id)
        return Response(ImportOutput(job, context={"request": request}).data)


class VersionOutput(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None)

    class Meta:
        model = WatchlistVersion
        fields = [
            "number",
            "created_at",
            "created_by",
            "source_name",
            "format",
            "sha256",
            "added",
            "changed",
            "removed",
            "total",
        ]


class WatchlistVersionListApi(AnalystApi):
    serializer_class = VersionOutput

    @extend_schema(
        responses={200: VersionOutput, **error_responses(403, 404)},
        summary="A watchlist's history: one version per import that changed it",
    )
    def get(self, request: Request, watchlist_id: int) -> Response:
        qs = selectors.watchlist_version_list(
            actor=self.actor(), watchlist=self.watchlist(watchlist_id)
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(VersionOutput(page, many=True).data)


class ChangeOutput(serializers.Serializer):
    entry_id = serializers.CharField(source="entry.external_id")
    kind = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()


class WatchlistVersionChangesApi(AnalystApi):
    serializer_class = ChangeOutput

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=["added", "changed", "removed"])],
        responses={200: ChangeOutput(many=True), **error_responses(403, 404)},
        summary="Entries a version added, changed and removed, with their content",
    )
    def get(self, request: Request, watchlist_id: int, number: int) -> Response:
        watchlist = self.watchlist(watchlist_id)
        version = get_object_or_404(
            selectors.watchlist_version_list(actor=self.actor(), watchlist=watchlist), number=number
        )
        qs = selectors.watchlist_change_list(actor=self.actor(), version=version)
        if kind := request.query_params.get("kind"):
            qs = qs.filter(kind=kind)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ChangeOutput(page, many=True).data)
