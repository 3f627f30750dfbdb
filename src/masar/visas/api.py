"""The visas API: the consular decision queue and decisions (visa officers), visas
(scoped reads, cancellation, the seal), group issuance jobs, and the public endpoints an
offline verifier needs: the certificates (`keys/`), the revocation list (`revocations/`)
and seal verification (`visas/verify/`)."""

from __future__ import annotations

import base64
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.accounts.roles import Role
from masar.applications.models import Application
from masar.core.api.schema import error_responses
from masar.core.errors import NotFound, ValidationFailed
from masar.core.params import is_whole_number
from masar.core.reads import personal_data_read
from masar.core.throttling import TrackAddressThrottle, TrackApplicationThrottle
from masar.visas import selectors, services
from masar.visas.api_schemas import (
    DecisionStatsOutput,
    RevocationListOutput,
    SealVerifyOutput,
    VisaKeysOutput,
)
from masar.visas.error_codes import VisasError
from masar.visas.keys import settings_key_store
from masar.visas.models import CancelReason, IssuanceJob, RejectionReason, Visa
from masar.visas.seal import seal_qr_svg

VISA_OFFICERS = [Role.VISA_OFFICER, Role.SUPERVISOR]


class _Scoped(GenericAPIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]


# --- Decisions ---------------------------------------------------------------------------


class QueueItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    pilgrim = serializers.CharField(source="pilgrim.full_name")
    nationality = serializers.CharField(source="pilgrim.nationality")
    company_id = serializers.IntegerField()
    agent_id = serializers.IntegerField()
    group_id = serializers.IntegerField()
    season_id = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    referred = serializers.SerializerMethodField()
    waiting_since = serializers.DateTimeField()
    due_at = serializers.SerializerMethodField()

    def get_referred(self, app: Any) -> bool:
        return app.security_decided_at is not None

    def get_due_at(self, app: Any) -> str | None:
        due = selectors.waiting_due(app)
        return due.isoformat() if due else None


def _queue_filters(params: Any) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in ("season", "company", "agent", "group"):
        value = params.get(name)
        if value in (None, ""):
            continue
        if not is_whole_number(value):
            errors[name] = [_("A whole number is required.")]
        else:
            filters[name] = int(value)
    if params.get("nationality"):
        filters["nationality"] = params["nationality"]
    if params.get("referred") in ("true", "false"):
        filters["referred"] = params["referred"] == "true"
    if errors:
        raise ValidationFailed(VisasError.INVALID_FILTER, _("Invalid filter."), fields=errors)
    return filters


class DecisionQueueApi(_Scoped):
    required_roles = VISA_OFFICERS
    serializer_class = QueueItemOutput

    @extend_schema(
        summary="Applications awaiting the consular decision, oldest first (visa officers)",
        responses={200: QueueItemOutput(many=True), **error_responses(400, 403)},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.decision_queue(self.actor(), filters=_queue_filters(request.query_params))
        page = self.paginate_queryset(qs)
        personal_data_read(
            request, record_type="applications.application", ids=[a.pk for a in page or []]
        )
        return self.get_paginated_response(QueueItemOutput(page, many=True).data)


class DecisionInput(serializers.Serializer):
    # Plain strings checked by the service (field errors with stable codes): the same
    # field names carry other choice sets elsewhere in the API.
    decision = serializers.CharField(max_length=10, help_text="approve or reject")
    reason_code = serializers.CharField(
        max_length=30,
        required=False,
        default="",
        allow_blank=True,
        help_text="A refusal's coded reason: " + ", ".join(RejectionReason.values),
    )
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class DecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_reason = serializers.CharField()
    decided_at = serializers.DateTimeField()
    decided_automatically = serializers.BooleanField()


class DecisionApi(_Scoped):
    required_roles = VISA_OFFICERS
    serializer_class = DecisionOutput

    @extend_schema(
        request=DecisionInput,
        examples=[
            OpenApiExample("Approve", value={"decision": "approve"}, request_only=True),
            OpenApiExample(
                "Refuse with a coded reason",
                value={
                    "decision": "reject",
                    "reason_code": "security",
                    "reason": "Refused after the security review.",
                },
                request_only=True,
            ),
        ],
        responses={200: DecisionOutput, **error_responses(400, 403, 404, 409)},
        summary="Approve or reject one application (a refusal needs a coded reason)",
    )
    def post(self, request: Request, application_id: int) -> Response:
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        app = services.application_decide(
            actor=self.actor(), application_id=application_id, **data.validated_data
        )
        return Response(DecisionOutput(app).data)


class BulkDecisionInput(DecisionInput):
    application_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_empty=True
    )
    filter = serializers.DictField(required=False, help_text="Queue filters: decide all matching.")


class BulkDecisionOutput(serializers.Serializer):
    decided = serializers.ListField(child=serializers.IntegerField())
    refused = serializers.DictField()


class BulkDecisionApi(_Scoped):
    required_roles = VISA_OFFICERS
    serializer_class = BulkDecisionOutput

    @extend_schema(
        request=BulkDecisionInput,
        responses={200: BulkDecisionOutput, **error_responses(400, 403)},
        summary="The same decision for listed applications or for a filtered selection",
    )
    def post(self, request: Request) -> Response:
        data = BulkDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ids = values.pop("application_ids", None)
        selection = values.pop("filter", None)
        if ids is None and selection is not None:
            qs = selectors.decision_queue(self.actor(), filters=_queue_filters(selection))
            ids = list(qs.values_list("pk", flat=True)[: services.decisions.BULK_LIMIT])
        batch = services.applications_decide(
            actor=self.actor(), application_ids=ids or [], **values
        )
        return Response({"decided": batch.decided, "refused": batch.refused})


class DecisionStatsApi(_Scoped):
    serializer_class = serializers.Serializer

    @extend_schema(
        parameters=[OpenApiParameter("season", int, description="One season's decisions only")],
        responses={200: DecisionStatsOutput, **error_responses(403)},
        summary="Decisions taken: share automatic, mean hours from submission to decision",
    )
    def get(self, request: Request) -> Response:
        season = request.query_params.get("season")
        season_id = int(season) if season and is_whole_number(season) else None
        return Response(selectors.decision_stats(self.actor(), season_id=season_id))


# --- Visas -------------------------------------------------------------------------------


class VisaOutput(serializers.ModelSerializer):
    application_id = serializers.IntegerField()
    application_number = serializers.CharField(source="application.number")
    holder = serializers.CharField(source="application.pilgrim.full_name")
    passport_number = serializers.CharField(source="application.pilgrim.passport_number")
    nationality = serializers.CharField(source="application.pilgrim.nationality")
    mrz = serializers.SerializerMethodField()
    seal = serializers.SerializerMethodField()

    class Meta:
        model = Visa
        fields = [
            "number",
            "application_id",
            "application_number",
            "holder",
            "passport_number",
            "nationality",
            "visa_type",
            "status",
            "entries",
            "valid_from",
            "valid_until",
            "stay_days",
            "mrz",
            "seal",
            "signer_identifier",
            "certificate_reference",
            "issued_at",
            "revoked_at",
            "cancel_reason_code",
            "cancel_reason",
        ]

    def get_mrz(self, visa: Visa) -> list[str]:
        return list(visa.mrz)

    def get_seal(self, visa: Visa) -> str:
        return base64.b64encode(bytes(visa.seal)).decode()


class VisaListApi(_Scoped):
    serializer_class = VisaOutput

    @extend_schema(
        operation_id="visas_list",
        parameters=[
            OpenApiParameter("status", str, enum=["valid", "cancelled", "lapsed"]),
            OpenApiParameter("application", str, description="An application number."),
        ],
        responses={200: VisaOutput(many=True)},
        summary="Visas the caller may read (a company its own, an agent its own)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.visa_list(self.actor())
        if state := request.query_params.get("status"):
            qs = qs.filter(status=state)
        if application := request.query_params.get("application"):
            qs = qs.filter(
                application_id__in=Application.objects.filter(number=application).values("pk")
            )
        page = self.paginate_queryset(qs)
        personal_data_read(request, record_type=VISA, ids=[v.pk for v in page or []])
        return self.get_paginated_response(VisaOutput(page, many=True).data)


#: How reads of visas are recorded (`masar.core.reads`).
VISA = "visas.visa"


def _visa(view: _Scoped, number: str) -> Visa:
    return get_object_or_404(selectors.visa_list(view.actor()), number=number)


class VisaDetailApi(_Scoped):
    serializer_class = VisaOutput

    @extend_schema(responses={200: VisaOutput, **error_responses(404)}, summary="One visa")
    def get(self, request: Request, number: str) -> Response:
        visa = _visa(self, number)
        personal_data_read(request, record_type=VISA, ids=[visa.pk])
        return Response(VisaOutput(visa).data)


class VisaSealApi(_Scoped):
    serializer_class = serializers.Serializer

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **error_responses(404)},
        summary="The seal's bytes (for offline verification: masar visa verify FILE)",
    )
    def get(self, request: Request, number: str) -> HttpResponse:
        visa = _visa(self, number)
        response = HttpResponse(bytes(visa.seal), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="visa-{visa.number}.seal"'
        return response


class VisaQrApi(_Scoped):
    serializer_class = serializers.Serializer

    @extend_schema(
        responses={(200, "image/svg+xml"): OpenApiTypes.STR, **error_responses(404)},
        summary="The seal as a QR code (SVG)",
    )
    def get(self, request: Request, number: str) -> HttpResponse:
        visa = _visa(self, number)
        svg = seal_qr_svg(bytes(visa.seal), title=f"e-visa {visa.number}")
        return HttpResponse(svg, content_type="image/svg+xml")


class CancelInput(serializers.Serializer):
    reason_code = serializers.CharField(
        max_length=30, help_text="The coded reason: " + ", ".join(CancelReason.values)
    )
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class VisaCancelApi(_Scoped):
    required_roles = VISA_OFFICERS
    serializer_class = VisaOutput

    @extend_schema(
        request=CancelInput,
        responses={200: VisaOutput, **error_responses(400, 403, 404, 409)},
        summary="Cancel a valid visa with a coded reason (visa officers); revokes its seal",
    )
    def post(self, request: Request, number: str) -> Response:
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        visa = services.visa_cancel(actor=self.actor(), number=number, **data.validated_data)
        visa = selectors.visa_list(self.actor()).get(pk=visa.pk)
        return Response(VisaOutput(visa).data)


# --- Group issuance jobs -----------------------------------------------------------------


class IssuanceJobOutput(serializers.ModelSerializer):
    group_id = serializers.IntegerField()

    class Meta:
        model = IssuanceJob
        fields = [
            "id",
            "group_id",
            "status",
            "total",
            "issued",
            "skipped",
            "created_at",
            "started_at",
            "finished_at",
        ]


class IssuanceJobInput(serializers.Serializer):
    group_id = serializers.IntegerField(min_value=1)


class IssuanceJobListApi(_Scoped):
    required_roles_by_method = {"POST": VISA_OFFICERS}
    serializer_class = IssuanceJobOutput

    @extend_schema(
        operation_id="visas_issuance_jobs_list",
        responses={200: IssuanceJobOutput(many=True)},
        summary="Group issuance jobs (foreign and interior ministries)",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.issuance_job_list(self.actor()))
        return self.get_paginated_response(IssuanceJobOutput(page, many=True).data)

    @extend_schema(
        request=IssuanceJobInput,
        responses={202: IssuanceJobOutput, **error_responses(400, 403, 404, 409)},
        summary="Issue every approved application of a group in the background",
    )
    def post(self, request: Request) -> Response:
        data = IssuanceJobInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.issuance_job_start(actor=self.actor(), **data.validated_data)
        return Response(IssuanceJobOutput(job).data, status=status.HTTP_202_ACCEPTED)


class IssuanceJobDetailApi(_Scoped):
    """One visa issuance job: its progress and outcome."""

    serializer_class = IssuanceJobOutput

    @extend_schema(responses={200: IssuanceJobOutput, **error_responses(404)})
    def get(self, request: Request, job_id: int) -> Response:
        job = get_object_or_404(selectors.issuance_job_list(self.actor()), pk=job_id)
        return Response(IssuanceJobOutput(job).data)


# --- Public: what an offline verifier needs ----------------------------------------------


class _Public(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [AnonRateThrottle]


class KeysApi(_Public):
    @extend_schema(
        responses={200: VisaKeysOutput},
        summary="Published certificates: the CSCA and every seal signer (public)",
    )
    def get(self, request: Request) -> Response:
        store = settings_key_store()
        return Response(
            {"certificates": [item.to_dict() for item in store.published_certificates()]}
        )


class RevocationsApi(_Public):
    @extend_schema(
        responses={(200, "application/json"): RevocationListOutput},
        summary="The signed revocation list of cancelled and lapsed visas (public)",
    )
    def get(self, request: Request) -> HttpResponse:
        body = services.revocation_list_bytes()
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = 'inline; filename="revocations.json"'
        return response


class SealTextField(serializers.CharField):
    """The seal as text: base64 or hex of its bytes, or the QR code's text as a scanner
    reads it (ISO 8859-1: every byte is significant, NUL and whitespace included)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(trim_whitespace=False, **kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class VerifyInput(serializers.Serializer):
    seal = SealTextField(
        max_length=8000, help_text="The seal: base64 of its bytes, or the QR code's text."
    )


class VerifyApi(_Public):
    @extend_schema(
        request=VerifyInput,
        examples=[
            OpenApiExample(
                "A seal as base64",
                value={"seal": "3APKU8pUyK1BOlkdYGlbvHlbvHldAQEw21lc5lyPqwYTWY6/FxvCPBM8EzwT"},
                request_only=True,
            )
        ],
        responses={200: SealVerifyOutput, **error_responses(400)},
        summary="Verify a seal: the decoded visa and a verdict (public)",
    )
    def post(self, request: Request) -> Response:
        data = VerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.seal_check(data.validated_data["seal"])
        return Response(result.to_dict())


class VisaDocumentApi(_Scoped):
    serializer_class = serializers.Serializer

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **error_responses(404)},
        summary="The e-visa document (bilingual PDF with photo, MRZ and seal QR)",
    )
    def get(self, request: Request, number: str) -> HttpResponse:
        from masar.visas.pdf import visa_pdf

        visa = _visa(self, number)
        response = HttpResponse(visa_pdf(visa=visa), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="e-visa-{visa.number}.pdf"'
        return response


# --- The pilgrim's tracker (public, both values required, rate-limited) ------------------


class TrackInput(serializers.Serializer):
    application = serializers.CharField(max_length=40, required=False, allow_blank=True)
    passport = serializers.CharField(max_length=40, required=False, allow_blank=True)


class _Tracker(APIView):
    """The two values come in the body of a POST, never in the address: passport numbers
    stay out of URLs, access logs and browser history. Each call counts against the
    caller's real address and against the application number asked for."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [TrackAddressThrottle, TrackApplicationThrottle]

    def _lookup(self, request: Request) -> Any:
        from masar.visas.tracker import track_lookup

        data = TrackInput(data=request.data)
        data.is_valid(raise_exception=True)  # a value too long is a 400 of its field
        values = data.validated_data
        return track_lookup(application=values.get("application"), passport=values.get("passport"))

    @extend_schema(
        responses={405: OpenApiTypes.OBJECT},
        summary="Refused: the tracker takes its two values by POST",
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "code": VisasError.TRACK_USE_POST.value,
                "message": _(
                    "Send the application number and the passport number in the body of a "
                    "POST request, never in the address."
                ),
                "fields": {},
            },
            status=status.HTTP_405_METHOD_NOT_ALLOWED,
        )


class TrackApi(_Tracker):
    @extend_schema(
        request=TrackInput,
        responses={200: OpenApiTypes.OBJECT, **error_responses(400, 404, 429)},
        summary="An application's steps, by its number and the passport number (public)",
    )
    def post(self, request: Request) -> Response:
        from masar.visas.tracker import track_payload

        return Response(track_payload(self._lookup(request)))


class TrackDocumentApi(_Tracker):
    @extend_schema(
        request=TrackInput,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **error_responses(400, 404, 429)},
        summary="The e-visa PDF for the pilgrim, by the same pair (public)",
    )
    def post(self, request: Request) -> HttpResponse:
        from masar.visas.pdf import visa_pdf
        from masar.visas.tracker import track_visa

        visa = track_visa(self._lookup(request))
        if visa is None:
            raise NotFound(VisasError.VISA_NOT_FOUND, _("No e-visa has been issued yet."))
        response = HttpResponse(visa_pdf(visa=visa), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="e-visa-{visa.number}.pdf"'
        return response
