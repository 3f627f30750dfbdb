"""Events from the field: check-ins and check-outs from the hotels' property systems (one
or a batch, idempotent on the client event id, late batches at their original times: the
same design as the border's crossings), and trips with their passengers and boardings from
the transport operators. A hotel reads only its guests, an operator only its passengers."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.roles import Role
from masar.core.api.schema import error_responses
from masar.core.errors import ValidationFailed
from masar.core.reads import personal_data_read
from masar.lodging import selectors, services
from masar.lodging.api.common import Scoped, flatten
from masar.lodging.error_codes import LodgingError
from masar.lodging.models import City, FieldSource, HotelStay, StayEventKind, Trip, TripPassenger
from masar.lodging.services.stays import MAX_BATCH
from masar.lodging.services.trips import MAX_PASSENGERS

HOTEL_RECORDERS = [Role.HOTEL_STAFF, Role.SUPERVISOR, Role.INTEGRATION]
TRANSPORT_RECORDERS = [Role.TRANSPORT_STAFF, Role.SUPERVISOR, Role.INTEGRATION]


class IdentityFields(serializers.Serializer):
    """Who the pilgrim is: any one of these (as the border desk reads them)."""

    passport_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    nationality = serializers.CharField(max_length=3, required=False, allow_blank=True)
    passport_mrz = serializers.CharField(max_length=100, required=False, allow_blank=True)
    visa_number = serializers.CharField(max_length=9, required=False, allow_blank=True)
    seal = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="The scanned seal text."
    )
    application_number = serializers.CharField(max_length=16, required=False, allow_blank=True)


# --- Stays -------------------------------------------------------------------------------


class StayEventInput(IdentityFields):
    client_event_id = serializers.CharField(max_length=64)
    kind = serializers.ChoiceField(choices=StayEventKind.choices)
    occurred_at = serializers.DateTimeField(
        help_text="Original time at the hotel, with its UTC offset."
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=FieldSource.choices, required=False, default=FieldSource.API
    )


class StayBatchInput(serializers.Serializer):
    events = StayEventInput(many=True, help_text=f"1 to {MAX_BATCH} check-ins or check-outs.")


class HotelStayOutput(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number")
    hotel_code = serializers.CharField(source="hotel.organization.code")

    class Meta:
        model = HotelStay
        fields = [
            "id",
            "application_id",
            "application_number",
            "hotel_id",
            "hotel_code",
            "city",
            "checked_in_at",
            "checked_out_at",
            "source",
        ]


class StayAnswer(serializers.Serializer):
    client_event_id = serializers.CharField()
    created = serializers.BooleanField(help_text="False when this client event id was seen.")
    accepted = serializers.BooleanField(help_text="False when the pilgrim was not found.")
    code = serializers.CharField(
        help_text="Why not accepted: no_visa, mrz_invalid, seal_invalid, passport_mismatch."
    )
    application_number = serializers.CharField(
        source="event.application.number", allow_null=True, default=None
    )
    stay = HotelStayOutput(allow_null=True)


class StayBatchOutput(serializers.Serializer):
    results = StayAnswer(many=True)


class StaysApi(ListAPIView, Scoped):
    """A hotel's property system records check-ins and check-outs; everyone reads the
    stays the access matrix lets them read (a hotel its guests)."""

    serializer_class = HotelStayOutput
    required_roles_by_method = {"POST": HOTEL_RECORDERS}

    def get_queryset(self) -> Any:
        qs = selectors.hotel_stay_list(self.actor())
        params = self.request.query_params
        if params.get("open") in ("1", "true"):
            qs = qs.filter(checked_out_at__isnull=True)
        if city := params.get("city"):
            qs = qs.filter(city=city)
        return qs

    @extend_schema(
        operation_id="stays_list",
        summary="Hotel stays the caller may read (a hotel its own guests)",
        parameters=[
            OpenApiParameter("open", bool, description="Only guests still checked in."),
            OpenApiParameter("city", str, enum=City.values),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = self.list(request, *args, **kwargs)
        ids = [row["application_id"] for row in response.data.get("results", [])]
        if ids:
            personal_data_read(request, record_type="applications.application", ids=ids)
        return response

    @extend_schema(
        operation_id="stays_record",
        request=StayBatchInput,
        responses={200: StayBatchOutput, **error_responses(400, 403)},
        summary="Record one check-in/out or a batch (idempotent on client_event_id)",
        description=(
            'Send `{"events": [...]}` (or one event object). Events are applied in the order '
            "of their original `occurred_at`, whatever order they arrive in; a replayed "
            "`client_event_id` answers the stored event with `created: false`. Answers are "
            "per event, in the order sent; a pilgrim not found is answered `accepted: false` "
            "with a code. A malformed event refuses the whole batch (400, errors keyed "
            "`<index>.<field>`)."
        ),
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if isinstance(data, dict) and "events" not in data:
            data = {"events": [data]}
        serializer = StayBatchInput(data=data)
        if not serializer.is_valid():
            raise ValidationFailed(
                LodgingError.INVALID_VALUE,
                _("Some events are not valid."),
                fields=flatten(serializer.errors),
            )
        results = services.stays_record_batch(
            actor=self.actor(), events=serializer.validated_data["events"]
        )
        return Response({"results": StayAnswer(results, many=True).data})


# --- Trips -------------------------------------------------------------------------------


class PassengerInput(IdentityFields):
    pass


class TripInput(serializers.Serializer):
    client_trip_id = serializers.CharField(max_length=64)
    from_city = serializers.ChoiceField(choices=City.choices)
    to_city = serializers.ChoiceField(choices=City.choices)
    from_station = serializers.CharField(max_length=12, required=False, allow_blank=True)
    to_station = serializers.CharField(max_length=12, required=False, allow_blank=True)
    departure_at = serializers.DateTimeField(help_text="With its UTC offset.")
    vehicle = serializers.CharField(max_length=40, required=False, allow_blank=True)
    driver = serializers.CharField(max_length=120, required=False, allow_blank=True)
    passengers = PassengerInput(
        many=True, required=False, help_text=f"0 to {MAX_PASSENGERS} passengers."
    )


class PassengerOutput(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number")

    class Meta:
        model = TripPassenger
        fields = ["id", "application_id", "application_number", "boarded_at"]


class TripOutput(serializers.ModelSerializer):
    operator_code = serializers.CharField(source="operator.organization.code")
    from_station = serializers.CharField(source="from_station.code", allow_null=True, default=None)
    to_station = serializers.CharField(source="to_station.code", allow_null=True, default=None)

    class Meta:
        model = Trip
        fields = [
            "id",
            "operator_id",
            "operator_code",
            "client_trip_id",
            "from_city",
            "to_city",
            "from_station",
            "to_station",
            "departure_at",
            "vehicle",
            "driver",
        ]


class PassengerAnswer(serializers.Serializer):
    index = serializers.IntegerField()
    accepted = serializers.BooleanField()
    code = serializers.CharField()
    passenger = PassengerOutput(allow_null=True)


class TripRecordOutput(serializers.Serializer):
    trip = TripOutput()
    created = serializers.BooleanField(help_text="False when this client trip id was seen.")
    passengers = PassengerAnswer(many=True)


class TripDetailOutput(TripOutput):
    passengers = serializers.SerializerMethodField()

    class Meta(TripOutput.Meta):
        fields = [*TripOutput.Meta.fields, "passengers"]

    def get_passengers(self, trip: Trip) -> list[dict[str, Any]]:
        rows = self.context["passengers"]
        return list(PassengerOutput(rows, many=True).data)


class TripsApi(ListAPIView, Scoped):
    """A transport operator posts trips with their passenger list; everyone reads the trips
    the access matrix lets them read (an operator its own)."""

    serializer_class = TripOutput
    required_roles_by_method = {"POST": TRANSPORT_RECORDERS}

    def get_queryset(self) -> Any:
        return selectors.trip_list(self.actor())

    @extend_schema(operation_id="trips_list", summary="Trips the caller may read")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        operation_id="trips_record",
        request=TripInput,
        responses={
            201: TripRecordOutput,
            200: TripRecordOutput,
            **error_responses(400, 403, 409),
        },
        summary="Record a trip with its passengers (idempotent on client_trip_id)",
        description=(
            "201 for a new trip; a replayed `client_trip_id` answers 200 with the stored trip "
            "and adds the passengers it did not list yet. Passengers are answered per index; "
            "a pilgrim not found is `accepted: false` with a code."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = TripInput(data=request.data)
        if not serializer.is_valid():
            raise ValidationFailed(
                LodgingError.INVALID_VALUE,
                _("The trip is not valid."),
                fields=flatten(serializer.errors),
            )
        values = dict(serializer.validated_data)
        result = services.trip_record(
            actor=self.actor(),
            passengers=values.pop("passengers", []),
            **values,
        )
        body = TripRecordOutput(
            {
                "trip": result.trip,
                "created": result.created,
                "passengers": [
                    {
                        "index": a.index,
                        "accepted": a.accepted,
                        "code": a.code,
                        "passenger": a.passenger,
                    }
                    for a in result.passengers
                ],
            }
        ).data
        return Response(
            body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class TripDetailApi(Scoped):
    serializer_class = TripDetailOutput

    @extend_schema(
        responses={200: TripDetailOutput, **error_responses(404)},
        summary="One trip and the passengers the caller may read",
    )
    def get(self, request: Request, trip_id: int) -> Response:
        trip = get_object_or_404(selectors.trip_list(self.actor()), pk=trip_id)
        passengers = list(
            selectors.trip_passenger_list(self.actor()).filter(trip=trip).order_by("pk")
        )
        if passengers:
            personal_data_read(
                request,
                record_type="applications.application",
                ids=[p.application_id for p in passengers],
            )
        return Response(TripDetailOutput(trip, context={"passengers": passengers}).data)


class BoardingInput(IdentityFields):
    client_event_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    boarded_at = serializers.DateTimeField(
        required=False, help_text="Original time of the scan, with its UTC offset; now if left out."
    )


class BoardingBatchInput(serializers.Serializer):
    boardings = BoardingInput(many=True, help_text=f"1 to {MAX_PASSENGERS} scans.")
    add_unlisted = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Add a pilgrim not on the list instead of refusing the scan.",
    )


class BoardingAnswer(serializers.Serializer):
    index = serializers.IntegerField()
    accepted = serializers.BooleanField()
    created = serializers.BooleanField(help_text="False when the passenger had boarded.")
    code = serializers.CharField(help_text="Why not accepted: not_on_trip, no_visa, ...")
    passenger = PassengerOutput(allow_null=True)


class BoardingBatchOutput(serializers.Serializer):
    results = BoardingAnswer(many=True)


class BoardingsApi(Scoped):
    """The operator's boarding scans on one of its trips."""

    serializer_class = BoardingBatchInput
    required_roles = TRANSPORT_RECORDERS

    @extend_schema(
        operation_id="trips_boardings_record",
        request=BoardingBatchInput,
        responses={200: BoardingBatchOutput, **error_responses(400, 403, 404)},
        summary="Record boarding scans (a passenger boards once; idempotent)",
    )
    def post(self, request: Request, trip_id: int) -> Response:
        trip = get_object_or_404(selectors.trip_list(self.actor()), pk=trip_id)
        serializer = BoardingBatchInput(data=request.data)
        if not serializer.is_valid():
            raise ValidationFailed(
                LodgingError.INVALID_VALUE,
                _("Some boardings are not valid."),
                fields=flatten(serializer.errors),
            )
        answers = services.boardings_record(
            actor=self.actor(),
            trip=trip,
            boardings=serializer.validated_data["boardings"],
            add_unlisted=serializer.validated_data["add_unlisted"],
        )
        return Response(
            {
                "results": BoardingAnswer(
                    [
                        {
                            "index": a.index,
                            "accepted": a.accepted,
                            "created": a.created,
                            "code": a.code,
                            "passenger": a.passenger,
                        }
                        for a in answers
                    ],
                    many=True,
                ).data
            }
        )
