from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.accounts.roles import Role
from masar.core.api.fields import BothCalendarsSerializer, CalendarDateField, both_calendars
from masar.core.api.schema import error_responses
from masar.operators import selectors as operator_selectors
from masar.seasons import selectors, services
from masar.seasons.models import (
    CALENDAR_FIELDS,
    Quota,
    QuotaHolder,
    Season,
    SeasonKind,
    SeasonRules,
)

MINISTRY = [Role.LICENSING_OFFICER, Role.SUPERVISOR]


class RulesOutput(serializers.ModelSerializer):
    class Meta:
        model = SeasonRules
        exclude = ["id", "season"]


class CalendarOutput(serializers.Serializer):
    starts_on = BothCalendarsSerializer()
    contracts_due = BothCalendarsSerializer()
    visas_from = BothCalendarsSerializer()
    last_agent_approval = BothCalendarsSerializer()
    last_visa_date = BothCalendarsSerializer()
    last_entry_date = BothCalendarsSerializer()
    last_exit_date = BothCalendarsSerializer()
    ends_on = BothCalendarsSerializer()


class SeasonOutput(serializers.ModelSerializer):
    calendar = serializers.SerializerMethodField()
    rules = RulesOutput()

    class Meta:
        model = Season
        fields = [
            "id",
            "code",
            "kind",
            "hijri_year",
            "name_en",
            "name_ar",
            "is_open",
            "calendar",
            "rules",
        ]

    @extend_schema_field(CalendarOutput)
    def get_calendar(self, season: Season) -> dict[str, dict[str, str]]:
        return {name: both_calendars(getattr(season, name)) for name in CALENDAR_FIELDS}


class QuotaOutput(serializers.ModelSerializer):
    holder = serializers.CharField(source="holder_label")
    remaining = serializers.IntegerField()
    season_id = serializers.IntegerField()
    company_id = serializers.IntegerField(allow_null=True)
    agent_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Quota
        fields = [
            "id",
            "season_id",
            "holder_type",
            "holder",
            "company_id",
            "agent_id",
            "country",
            "limit",
            "used",
            "remaining",
        ]


class _Base(GenericAPIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def season(self, season_id: int) -> Season:
        return get_object_or_404(selectors.season_list(actor=self.actor()), pk=season_id)


class SeasonListApi(ListAPIView, _Base):
    required_roles_by_method = {"POST": MINISTRY}
    serializer_class = SeasonOutput

    class SeasonCreateInputSerializer(serializers.Serializer):
        code = serializers.SlugField(max_length=40)
        kind = serializers.ChoiceField(choices=SeasonKind.choices)
        hijri_year = serializers.IntegerField(min_value=1400, max_value=1600)
        name_en = serializers.CharField(max_length=120)
        name_ar = serializers.CharField(max_length=120)
        starts_on = CalendarDateField()
        contracts_due = CalendarDateField()
        visas_from = CalendarDateField()
        last_agent_approval = CalendarDateField()
        last_visa_date = CalendarDateField()
        last_entry_date = CalendarDateField()
        last_exit_date = CalendarDateField()
        ends_on = CalendarDateField()
        rules = serializers.DictField(required=False, default=dict)

    def get_queryset(self) -> Any:
        return selectors.season_list(actor=self.actor())

    @extend_schema(summary="Seasons")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        request=SeasonCreateInputSerializer,
        responses={201: SeasonOutput, **error_responses(400, 403, 409)},
        summary="Create a season (dates in Hijri or Gregorian)",
    )
    def post(self, request: Request) -> Response:
        data = self.SeasonCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        season = services.season_create(actor=self.actor(), **data.validated_data)
        return Response(SeasonOutput(season).data, status=status.HTTP_201_CREATED)


class SeasonDetailApi(_Base):
    """One season, its dates in both calendars."""

    serializer_class = SeasonOutput

    @extend_schema(responses={200: SeasonOutput, **error_responses(404)})
    def get(self, request: Request, season_id: int) -> Response:
        return Response(SeasonOutput(self.season(season_id)).data)


class SeasonRulesApi(_Base):
    """A season's typed rule settings: read by all, changed by the ministry."""

    required_roles_by_method = {"PATCH": MINISTRY}
    serializer_class = RulesOutput

    @extend_schema(responses={200: RulesOutput, **error_responses(404)})
    def get(self, request: Request, season_id: int) -> Response:
        return Response(RulesOutput(self.season(season_id).rules).data)

    @extend_schema(
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses={200: RulesOutput, **error_responses(400, 403, 404)},
        summary="Change some of a season's rule settings",
    )
    def patch(self, request: Request, season_id: int) -> Response:
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
        rules = services.season_rules_update(
            actor=self.actor(), season=self.season(season_id), changes=dict(request.data)
        )
        return Response(RulesOutput(rules).data)


class QuotaListApi(ListAPIView, _Base):
    required_roles_by_method = {"POST": MINISTRY}
    serializer_class = QuotaOutput

    class QuotaSetInputSerializer(serializers.Serializer):
        holder_type = serializers.ChoiceField(choices=QuotaHolder.choices)
        company_id = serializers.IntegerField(required=False)
        agent_id = serializers.IntegerField(required=False)
        country = serializers.CharField(required=False, max_length=3)
        limit = serializers.IntegerField(min_value=0)

    def get_queryset(self) -> Any:
        season = self.season(self.kwargs["season_id"])
        return selectors.quota_list(actor=self.actor(), season=season).order_by("holder_type", "id")

    @extend_schema(summary="Quotas of a season the caller may see")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        request=QuotaSetInputSerializer,
        responses={200: QuotaOutput, **error_responses(400, 403, 404, 409)},
        summary="Set the quota of a company, an agent or a country",
    )
    def post(self, request: Request, season_id: int) -> Response:
        season = self.season(season_id)
        data = self.QuotaSetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        holder_type = values["holder_type"]
        kwargs: dict[str, Any] = {}
        field = {"company": "company_id", "agent": "agent_id", "country": "country"}[holder_type]
        if field not in values:
            raise serializers.ValidationError({field: ["Required for this holder type."]})
        if holder_type == QuotaHolder.COMPANY:
            kwargs["company"] = get_object_or_404(
                operator_selectors.company_list(actor=self.actor()), pk=values["company_id"]
            )
        elif holder_type == QuotaHolder.AGENT:
            kwargs["agent"] = get_object_or_404(
                operator_selectors.agent_list(actor=self.actor()), pk=values["agent_id"]
            )
        else:
            kwargs["country"] = values["country"]
        quota = services.quota_set(
            actor=self.actor(), season=season, limit=values["limit"], **kwargs
        )
        return Response(QuotaOutput(quota).data)
