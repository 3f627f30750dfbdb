"""Manifest import jobs: status with counts, the per-row report, the template."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from masar.applications import manifest_format, selectors
from masar.applications.api.groups import _Scoped
from masar.applications.api.serializers import JobOutput
from masar.applications.error_codes import ApplicationsError
from masar.applications.models import ManifestJob
from masar.applications.services.manifests import manifest_report_lines
from masar.core.api.schema import error_responses
from masar.core.errors import Conflict

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JobDetailApi(_Scoped):
    serializer_class = JobOutput

    @extend_schema(
        responses={200: JobOutput, **error_responses(404)},
        summary="A manifest import: status, counts, report links",
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = get_object_or_404(selectors.manifest_job_list(actor=self.actor()), pk=job_id)
        return Response(JobOutput(job).data)


def report_response(job: ManifestJob, kind: str) -> HttpResponseBase:
    """The per-row report of a finished import, as CSV (streamed) or XLSX."""
    if not job.is_finished:
        raise Conflict(
            ApplicationsError.REPORT_NOT_READY,
            _("The report is ready when the import has finished."),
        )
    name = f"manifest-{job.pk}-report.{kind}"
    if kind == "csv":
        response = StreamingHttpResponse(
            manifest_format.report_csv_chunks(manifest_report_lines(job)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    manifest_format.report_xlsx(manifest_report_lines(job), spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=name, content_type=XLSX_TYPE)


class JobReportApi(_Scoped):
    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
            **error_responses(404, 409),
        },
        summary="The per-row report of a finished import (report.csv or report.xlsx)",
    )
    def get(self, request: Request, job_id: int, kind: str) -> HttpResponseBase:
        job = get_object_or_404(selectors.manifest_job_list(actor=self.actor()), pk=job_id)
        return report_response(job, kind)


def template_response(kind: str) -> HttpResponse:
    if kind == "csv":
        body, content_type = manifest_format.template_csv(), "text/csv; charset=utf-8"
    else:
        body, content_type = manifest_format.template_xlsx(), XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="masar-manifest-template.{kind}"'
    return response


class ManifestTemplateApi(_Scoped):
    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
        },
        summary="The manifest template, with Arabic and English headers",
    )
    def get(self, request: Request, kind: str) -> HttpResponse:
        return template_response(kind)
