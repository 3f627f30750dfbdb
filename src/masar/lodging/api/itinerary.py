"""A group's planned itinerary through the group's API: nights per city at licensed hotels,
legs between the cities with their operators."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.roles import Role
from masar.applications import selectors as application_selectors
from masar.applications.models import Group
from masar.core.api.schema import error_responses
from masar.lodging import selectors
from masar.lodging.api.common import Scoped
from masar.lodging.models import City, PlannedLeg, PlannedStay
from masar.lodging.services.itinerary import itinerary_set


class PlannedStayInput(serializers.Serializer):
    hotel_id = serializers.IntegerField()
    check_in = serializers.DateField()
    check_out = serializers.DateField()
    guests = serializers.IntegerField(
        min_value=1,
        max_value=100_000,
        required=False,
        help_text="Beds taken at the hotel; the group's pilgrims if left out.",
    )


class PlannedLegInput(serializers.Serializer):
    operator_id = serializers.IntegerField()
    from_city = serializers.ChoiceField(choices=City.choices)
    to_city = serializers.ChoiceField(choices=City.choices)
    travel_date = serializers.DateField()


class ItineraryInput(serializers.Serializer):
    stays = PlannedStayInput(many=True)
    legs = PlannedLegInput(many=True, required=False)


class PlannedStayOutput(serializers.ModelSerializer):
    hotel_code = serializers.CharField(source="hotel.organization.code")
    hotel_name_en = serializers.CharField(source="hotel.organization.name_en")
    hotel_name_ar = serializers.CharField(source="hotel.organization.name_ar")
    nights = serializers.IntegerField()

    class Meta:
        model = PlannedStay
        fields = [
            "id",
            "hotel_id",
            "hotel_code",
            "hotel_name_en",
            "hotel_name_ar",
            "city",
            "check_in",
            "check_out",
            "nights",
            "guests",
        ]


class PlannedLegOutput(serializers.ModelSerializer):
    operator_code = serializers.CharField(source="operator.organization.code")

    class Meta:
        model = PlannedLeg
        fields = ["id", "operator_id", "operator_code", "from_city", "to_city", "travel_date"]


class ItineraryOutput(serializers.Serializer):
    group_id = serializers.IntegerField()
    stays = PlannedStayOutput(many=True)
    legs = PlannedLegOutput(many=True)
    return_flight = serializers.CharField(help_text="The group's return flight (its package).")
    return_date = serializers.DateField(allow_null=True)


def _body(group: Group) -> dict[str, Any]:
    return ItineraryOutput(
        {
            "group_id": group.pk,
            "stays": list(selectors.planned_stays(group.pk)),
            "legs": list(selectors.planned_legs(group.pk)),
            "return_flight": group.departure_flight,
            "return_date": group.departure_date,
        }
    ).data


class GroupItineraryApi(Scoped):
    """The planned itinerary of a group the caller may read; its agent sets it."""

    serializer_class = ItineraryOutput
    required_roles_by_method = {"PUT": [Role.AGENT_STAFF, Role.SUPERVISOR, Role.INTEGRATION]}

    @extend_schema(
        operation_id="groups_itinerary_retrieve",
        responses={200: ItineraryOutput, **error_responses(404)},
        summary="A group's planned itinerary",
    )
    def get(self, request: Request, group_id: int) -> Response:
        group = get_object_or_404(application_selectors.group_list(actor=self.actor()), pk=group_id)
        return Response(_body(group))

    @extend_schema(
        operation_id="groups_itinerary_set",
        request=ItineraryInput,
        responses={200: ItineraryOutput, **error_responses(400, 403, 404, 409)},
        summary="Set a group's planned itinerary as a whole (its agent)",
        description=(
            "Replaces the stays and legs. Refused whole: 400 with field codes (`stays.<i>.`"
            "`hotel_id` unknown or suspended, dates, overlaps), 409 `hotel_over_capacity` "
            "naming the night a hotel lacks beds, 409 `group_locked` once applications of "
            "the group are submitted."
        ),
    )
    def put(self, request: Request, group_id: int) -> Response:
        group = get_object_or_404(application_selectors.group_list(actor=self.actor()), pk=group_id)
        data = ItineraryInput(data=request.data)
        data.is_valid(raise_exception=True)
        itinerary_set(
            actor=self.actor(),
            group=group,
            stays=data.validated_data["stays"],
            legs=data.validated_data.get("legs", []),
        )
        return Response(_body(group))
