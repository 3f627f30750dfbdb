"""The register of providers in the kingdom: licensed hotels and transport operators,
registered, suspended and reinstated by the ministry's licensing officers (as companies)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.roles import Role
from masar.core.api.schema import error_responses
from masar.lodging import selectors, services
from masar.lodging.api.common import Scoped
from masar.lodging.models import (
    City,
    Hotel,
    ProviderStatus,
    Station,
    TransportMode,
    TransportOperator,
)

LICENSING = [Role.LICENSING_OFFICER, Role.SUPERVISOR]


class HotelOutput(serializers.ModelSerializer):
    code = serializers.CharField(source="organization.code")
    name_en = serializers.CharField(source="organization.name_en")
    name_ar = serializers.CharField(source="organization.name_ar")
    organization_id = serializers.IntegerField()

    class Meta:
        model = Hotel
        fields = [
            "id",
            "organization_id",
            "code",
            "name_en",
            "name_ar",
            "licence_number",
            "city",
            "address",
            "beds",
            "status",
            "status_reason",
            "status_changed_at",
        ]


class StationOutput(serializers.ModelSerializer):
    class Meta:
        model = Station
        fields = ["id", "code", "city", "name", "name_ar"]


class OperatorOutput(serializers.ModelSerializer):
    code = serializers.CharField(source="organization.code")
    name_en = serializers.CharField(source="organization.name_en")
    name_ar = serializers.CharField(source="organization.name_ar")
    organization_id = serializers.IntegerField()
    stations = StationOutput(many=True, read_only=True)

    class Meta:
        model = TransportOperator
        fields = [
            "id",
            "organization_id",
            "code",
            "name_en",
            "name_ar",
            "licence_number",
            "mode",
            "fleet_size",
            "status",
            "status_reason",
            "status_changed_at",
            "stations",
        ]


class ProviderReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class HotelListApi(ListAPIView, Scoped):
    """The register of licensed hotels (public facts: every signed-in organization reads
    it, a company to plan its packages)."""

    required_roles_by_method = {"POST": LICENSING}
    serializer_class = HotelOutput

    class HotelRegisterInputSerializer(serializers.Serializer):
        code = serializers.SlugField(max_length=40)
        name_en = serializers.CharField(max_length=200)
        name_ar = serializers.CharField(max_length=200)
        licence_number = serializers.CharField(max_length=40)
        city = serializers.ChoiceField(choices=City.choices)
        address = serializers.CharField(max_length=300)
        beds = serializers.IntegerField(min_value=1, max_value=100_000)
        email = serializers.EmailField(required=False, default="")

    def get_queryset(self) -> Any:
        qs = selectors.hotel_list()
        if city := self.request.query_params.get("city"):
            qs = qs.filter(city=city)
        if state := self.request.query_params.get("status"):
            qs = qs.filter(status=state)
        return qs

    @extend_schema(
        summary="Licensed hotels",
        parameters=[
            OpenApiParameter("city", str, enum=City.values),
            OpenApiParameter("status", str, enum=ProviderStatus.values),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        request=HotelRegisterInputSerializer,
        responses={201: HotelOutput, **error_responses(400, 403, 409)},
        summary="Register a licensed hotel (ministry licensing officers)",
    )
    def post(self, request: Request) -> Response:
        data = self.HotelRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hotel = services.hotel_register(actor=self.actor(), **data.validated_data)
        return Response(HotelOutput(hotel).data, status=status.HTTP_201_CREATED)


class HotelDetailApi(Scoped):
    serializer_class = HotelOutput

    @extend_schema(responses={200: HotelOutput, **error_responses(404)}, summary="One hotel")
    def get(self, request: Request, hotel_id: int) -> Response:
        return Response(HotelOutput(get_object_or_404(selectors.hotel_list(), pk=hotel_id)).data)


class _HotelAction(Scoped):
    required_roles = LICENSING
    serializer_class = HotelOutput
    action = ""

    @extend_schema(
        request=ProviderReasonInput,
        responses={200: HotelOutput, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, hotel_id: int) -> Response:
        hotel = get_object_or_404(selectors.hotel_list(), pk=hotel_id)
        data = ProviderReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        act = services.provider_suspend if self.action == "suspend" else services.provider_reinstate
        changed = act(actor=self.actor(), provider=hotel, **data.validated_data)
        return Response(HotelOutput(changed).data)


class HotelSuspendApi(_HotelAction):
    """Suspend a hotel: no package may plan it, and the eligibility of the packages planned
    there fails (ministry licensing officers)."""

    action = "suspend"


class HotelReinstateApi(_HotelAction):
    """Lift a hotel's suspension (ministry licensing officers)."""

    action = "reinstate"


class OperatorListApi(ListAPIView, Scoped):
    """The register of licensed transport operators, with their stations."""

    required_roles_by_method = {"POST": LICENSING}
    serializer_class = OperatorOutput

    class OperatorRegisterInputSerializer(serializers.Serializer):
        code = serializers.SlugField(max_length=40)
        name_en = serializers.CharField(max_length=200)
        name_ar = serializers.CharField(max_length=200)
        licence_number = serializers.CharField(max_length=40)
        mode = serializers.ChoiceField(choices=TransportMode.choices)
        fleet_size = serializers.IntegerField(min_value=0, max_value=100_000)
        email = serializers.EmailField(required=False, default="")

    def get_queryset(self) -> Any:
        qs = selectors.transport_operator_list()
        if mode := self.request.query_params.get("mode"):
            qs = qs.filter(mode=mode)
        return qs

    @extend_schema(
        summary="Licensed transport operators",
        parameters=[OpenApiParameter("mode", str, enum=TransportMode.values)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        request=OperatorRegisterInputSerializer,
        responses={201: OperatorOutput, **error_responses(400, 403, 409)},
        summary="Register a transport operator (ministry licensing officers)",
    )
    def post(self, request: Request) -> Response:
        data = self.OperatorRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        operator = services.transport_operator_register(actor=self.actor(), **data.validated_data)
        return Response(OperatorOutput(operator).data, status=status.HTTP_201_CREATED)


class OperatorDetailApi(Scoped):
    serializer_class = OperatorOutput

    @extend_schema(
        responses={200: OperatorOutput, **error_responses(404)}, summary="One transport operator"
    )
    def get(self, request: Request, operator_id: int) -> Response:
        operator = get_object_or_404(selectors.transport_operator_list(), pk=operator_id)
        return Response(OperatorOutput(operator).data)


class _OperatorAction(Scoped):
    required_roles = LICENSING
    serializer_class = OperatorOutput
    action = ""

    @extend_schema(
        request=ProviderReasonInput,
        responses={200: OperatorOutput, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, operator_id: int) -> Response:
        operator = get_object_or_404(selectors.transport_operator_list(), pk=operator_id)
        data = ProviderReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        act = services.provider_suspend if self.action == "suspend" else services.provider_reinstate
        changed = act(actor=self.actor(), provider=operator, **data.validated_data)
        return Response(OperatorOutput(changed).data)


class OperatorSuspendApi(_OperatorAction):
    """Suspend a transport operator (ministry licensing officers)."""

    action = "suspend"


class OperatorReinstateApi(_OperatorAction):
    """Lift a transport operator's suspension (ministry licensing officers)."""

    action = "reinstate"


class StationAddApi(Scoped):
    """Add a station to an operator's network (ministry licensing officers)."""

    required_roles = LICENSING
    serializer_class = StationOutput

    class StationInputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=12)
        city = serializers.ChoiceField(choices=City.choices)
        name = serializers.CharField(max_length=120)
        name_ar = serializers.CharField(max_length=120)

    @extend_schema(
        request=StationInputSerializer,
        responses={201: StationOutput, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, operator_id: int) -> Response:
        operator = get_object_or_404(selectors.transport_operator_list(), pk=operator_id)
        data = self.StationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        station = services.station_add(actor=self.actor(), operator=operator, **data.validated_data)
        return Response(StationOutput(station).data, status=status.HTTP_201_CREATED)
