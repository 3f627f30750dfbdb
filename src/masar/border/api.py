"""The border API: crossings from gates and port systems (one or a batch, idempotent on the
client event id), the pilgrim's journey, carrier checks, overstays and escape notices."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.accounts.roles import Role
from masar.applications import disclosure
from masar.border import selectors, services
from masar.border.error_codes import BorderError, CarrierCode
from masar.border.models import CrossingSource, Direction, Overstay
from masar.border.services.crossings import MAX_BATCH
from masar.core.api.parsers import BoundedJSONParser
from masar.core.api.schema import error_responses
from masar.core.errors import NotFound, ValidationFailed
from masar.core.params import is_whole_number
from masar.core.reads import personal_data_read
from masar.core.throttling import CarrierThrottle, ClientThrottle
from masar.lodging import selectors as lodging_selectors
from masar.lodging.api.field import HotelStayOutput

RECORDERS = [Role.BORDER_OFFICER, Role.INTEGRATION]
COMPANY_FILERS = [Role.COMPANY_STAFF, Role.SUPERVISOR, Role.INTEGRATION]
CARRIERS = [Role.CARRIER_STAFF, Role.INTEGRATION]


class _Scoped(GenericAPIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]


# --- Crossings ---------------------------------------------------------------------------


class CrossingInput(serializers.Serializer):
    client_event_id = serializers.CharField(max_length=64)
    port_code = serializers.CharField(max_length=8)
    lane_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    direction = serializers.ChoiceField(choices=Direction.choices)
    occurred_at = serializers.DateTimeField(
        help_text="Original time at the port, with its UTC offset."
    )
    passport_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    nationality = serializers.CharField(max_length=3, required=False, allow_blank=True)
    passport_mrz = serializers.CharField(max_length=100, required=False, allow_blank=True)
    visa_number = serializers.CharField(max_length=9, required=False, allow_blank=True)
    seal = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="The scanned seal text."
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[CrossingSource.GATE, CrossingSource.API],
        required=False,
        default=CrossingSource.API,
    )


class CrossingBatchInput(serializers.Serializer):
    events = CrossingInput(many=True, help_text=f"1 to {MAX_BATCH} crossings.")


class StayOutput(serializers.Serializer):
    id = serializers.IntegerField()
    entered_at = serializers.DateTimeField()
    entry_port = serializers.CharField(source="entry_port.code")
    permitted_departure = serializers.DateField()
    exited_at = serializers.DateTimeField(allow_null=True)
    exit_port = serializers.CharField(source="exit_port.code", allow_null=True, default=None)
    days_stayed = serializers.IntegerField(allow_null=True)
    overstay_days = serializers.IntegerField(allow_null=True)


class CrossingAnswer(serializers.Serializer):
    client_event_id = serializers.CharField(source="crossing.client_event_id")
    crossing_id = serializers.IntegerField(source="crossing.pk")
    created = serializers.BooleanField(help_text="False when this client event id was seen.")
    outcome = serializers.CharField()
    refusal_code = serializers.CharField()
    occurred_at = serializers.DateTimeField(source="crossing.occurred_at")
    application_number = serializers.CharField(
        source="crossing.application.number", allow_null=True, default=None
    )
    stay = StayOutput(allow_null=True)


class CrossingBatchOutput(serializers.Serializer):
    results = CrossingAnswer(many=True)


class CrossingsApi(_Scoped):
    """Gates and port systems of the interior ministry record crossings."""

    serializer_class = CrossingBatchInput
    required_roles = RECORDERS

    @extend_schema(
        request=CrossingBatchInput,
        responses={200: CrossingBatchOutput, **error_responses(400, 403)},
        summary="Record one crossing or a batch (idempotent on client_event_id)",
        description=(
            'Send `{"events": [...]}` (or one event object). Events are applied in the order '
            "of their original `occurred_at`, whatever order they arrive in; a replayed "
            "`client_event_id` answers the stored crossing with `created: false`. Answers "
            "are per event, in the order sent. A malformed event refuses the whole batch "
            "(400, errors keyed `<index>.<field>`)."
        ),
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if isinstance(data, dict) and "events" not in data:
            data = {"events": [data]}
        serializer = CrossingBatchInput(data=data)
        if not serializer.is_valid():
            raise ValidationFailed(
                BorderError.INVALID_CROSSING,
                _("Some crossings are not valid."),
                fields=_flatten(serializer.errors),
            )
        events = serializer.validated_data["events"]
        results = services.crossings_record_batch(actor=self.actor(), events=events)
        return Response(
            {"results": CrossingAnswer(results, many=True).data}, status=status.HTTP_200_OK
        )


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            out.update(_flatten(value, f"{prefix}{key}."))
    elif isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        out[prefix.rstrip(".")] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                out.update(_flatten(value, f"{prefix}{index}."))
    return out


# --- Journey -----------------------------------------------------------------------------


class JourneyItem(serializers.Serializer):
    kind = serializers.CharField(
        help_text="`step` (the application), `crossing`, `check_in`, `check_out` (a hotel), "
        "`boarding` or `trip` (a trip between the cities, boarded or not yet)."
    )
    at = serializers.DateTimeField()
    name = serializers.CharField()
    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField(allow_null=True)
    port_code = serializers.CharField(allow_null=True)
    direction = serializers.CharField(allow_null=True)
    outcome = serializers.CharField(allow_null=True)
    refusal_code = serializers.CharField(allow_null=True)
    place = serializers.CharField(
        required=False, help_text="The hotel's or the operator's organization code."
    )
    city = serializers.CharField(required=False, help_text="The city of a hotel or a departure.")


class TripPassageOutput(serializers.Serializer):
    trip_id = serializers.IntegerField()
    operator_code = serializers.CharField(source="trip.operator.organization.code")
    from_city = serializers.CharField(source="trip.from_city")
    to_city = serializers.CharField(source="trip.to_city")
    departure_at = serializers.DateTimeField(source="trip.departure_at")
    vehicle = serializers.CharField(source="trip.vehicle")
    boarded_at = serializers.DateTimeField(allow_null=True)


class JourneyOutput(serializers.Serializer):
    application_id = serializers.IntegerField()
    application_number = serializers.CharField()
    status = serializers.CharField()
    nationality = serializers.CharField()
    stays = StayOutput(many=True)
    hotel_stays = HotelStayOutput(many=True)
    trips = TripPassageOutput(many=True)
    timeline = JourneyItem(many=True)


class JourneyApi(_Scoped):
    serializer_class = JourneyOutput

    @extend_schema(
        responses={200: JourneyOutput, **error_responses(404)},
        summary="A pilgrim's whole journey: applied, decided, issued, entered, departed",
        parameters=[
            OpenApiParameter(
                "key",
                str,
                OpenApiParameter.PATH,
                description="The application number (e.g. A26000042) or its id (digits).",
            )
        ],
    )
    def get(self, request: Request, key: str) -> Response:
        app = selectors.application_for_journey(self.actor(), key)
        if app is None:
            raise NotFound(BorderError.PILGRIM_NOT_FOUND, _("No such pilgrim."))
        personal_data_read(request, record_type="applications.application", ids=[app.pk])
        return Response(
            JourneyOutput(
                {
                    "application_id": app.pk,
                    "application_number": app.number,
                    "status": disclosure.shown_status(self.actor(), app.status),
                    "nationality": app.pilgrim.nationality,
                    "stays": list(app.stays.select_related("entry_port", "exit_port")),
                    "hotel_stays": lodging_selectors.pilgrim_hotel_stays(self.actor(), app),
                    "trips": lodging_selectors.pilgrim_trips(self.actor(), app),
                    "timeline": selectors.journey(app, self.actor()),
                }
            ).data
        )


# --- Carrier checks ----------------------------------------------------------------------


class CarrierCheckInput(serializers.Serializer):
    passport_number = serializers.CharField(max_length=20)
    nationality = serializers.CharField(max_length=3, min_length=3)
    flight = serializers.CharField(max_length=12)
    departure_date = serializers.DateField(required=False, allow_null=True)
    arrival_port = serializers.CharField(max_length=8, required=False, allow_blank=True)


class CarrierCheckOutput(serializers.Serializer):
    result = serializers.ChoiceField(choices=["ok", "not_ok"])
    code = serializers.ChoiceField(
        choices=[c.value for c in CarrierCode],
        help_text="`ok`, or a coarse code: no_valid_visa, outside_travel_dates, "
        "refer_to_authorities. Never the detailed reason.",
    )
    check_id = serializers.IntegerField(source="check.pk")


class CarrierChecksApi(_Scoped):
    serializer_class = CarrierCheckInput
    required_roles = CARRIERS
    # A carrier's own limit on top of every client's: passport numbers are not guessed here.
    throttle_classes = [ClientThrottle, CarrierThrottle]

    @extend_schema(
        request=CarrierCheckInput,
        responses={200: CarrierCheckOutput, **error_responses(400, 403)},
        summary="May this passenger board for the kingdom? OK / NOT OK with a code only",
    )
    def post(self, request: Request) -> Response:
        serializer = CarrierCheckInput(data=request.data)
        if not serializer.is_valid():
            raise ValidationFailed(
                BorderError.INVALID_CROSSING,
                _("The check is incomplete."),
                fields=_flatten(serializer.errors),
            )
        answer = services.carrier_check(actor=self.actor(), **serializer.validated_data)
        return Response(CarrierCheckOutput(answer).data)


# --- Overstays ---------------------------------------------------------------------------


class OverstayOutput(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number")
    pilgrim = serializers.CharField(source="application.pilgrim.full_name")
    escape_notice_late = serializers.SerializerMethodField()

    class Meta:
        model = Overstay
        fields = [
            "id",
            "application_id",
            "application_number",
            "pilgrim",
            "company_id",
            "agent_id",
            "season_id",
            "nationality",
            "permitted_departure",
            "detected_on",
            "detected_at",
            "notice_due_at",
            "status",
            "closed_at",
            "days_overstayed",
            "escape_notice_filed_at",
            "escape_notice_late",
        ]

    def get_escape_notice_late(self, overstay: Overstay) -> bool | None:
        notice = getattr(overstay, "escape_notice", None)
        return notice.late if notice is not None else None


class OverstayListApi(_Scoped):
    serializer_class = OverstayOutput

    @extend_schema(
        operation_id="overstays_list",
        responses={200: OverstayOutput(many=True)},
        summary="Overstays the caller may read (a company its own, an agent its own)",
        parameters=[
            OpenApiParameter("status", str, description="open or closed"),
            OpenApiParameter("season", int),
        ],
    )
    def get(self, request: Request) -> Response:
        qs = selectors.overstay_list(self.actor())
        if state := request.query_params.get("status"):
            qs = qs.filter(status=state)
        season = request.query_params.get("season")
        if season and is_whole_number(season):
            qs = qs.filter(season_id=int(season))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(OverstayOutput(page, many=True).data)


class EscapeNoticeInput(serializers.Serializer):
    statement = serializers.CharField(max_length=5000)
    evidence = serializers.FileField()


class EscapeNoticeOutput(serializers.Serializer):
    overstay_id = serializers.IntegerField()
    filed_at = serializers.DateTimeField()
    late = serializers.BooleanField()


class EscapeNoticeApi(_Scoped):
    serializer_class = EscapeNoticeInput
    required_roles = COMPANY_FILERS
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]

    @extend_schema(
        request={"multipart/form-data": EscapeNoticeInput},
        responses={201: EscapeNoticeOutput, **error_responses(400, 403, 404, 409)},
        summary="The company files an escape notice (statement and evidence)",
    )
    def post(self, request: Request, overstay_id: int) -> Response:
        overstay = selectors.overstay_list(self.actor()).filter(pk=overstay_id).first()
        if overstay is None:
            raise NotFound(BorderError.OVERSTAY_NOT_FOUND, _("No such overstay."))
        notice = services.escape_notice_file(
            actor=self.actor(),
            overstay=overstay,
            statement=str(_data(request).get("statement") or ""),
            evidence=request.FILES.get("evidence"),
        )
        return Response(
            EscapeNoticeOutput(
                {"overstay_id": overstay.pk, "filed_at": notice.filed_at, "late": notice.late}
            ).data,
            status=status.HTTP_201_CREATED,
        )


def _data(request: Request) -> Any:
    return request.data
