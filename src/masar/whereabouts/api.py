"""The whereabouts API: the alerts the caller reads, the company's answer, and where a
pilgrim was last seen."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.accounts.roles import Role
from masar.core.api.schema import error_responses
from masar.core.errors import NotFound, ValidationFailed
from masar.core.reads import personal_data_read
from masar.whereabouts import selectors
from masar.whereabouts.error_codes import WhereaboutsError
from masar.whereabouts.models import AlertAnswer, AlertKind, WhereaboutsAlert
from masar.whereabouts.services import alert_answer

ANSWERERS = [Role.COMPANY_STAFF, Role.SUPERVISOR, Role.INTEGRATION]
ALERT = "whereabouts.whereaboutsalert"


class _Scoped(GenericAPIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]


class AlertOutput(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number")
    pilgrim = serializers.CharField(source="pilgrim.full_name")

    class Meta:
        model = WhereaboutsAlert
        fields = [
            "id",
            "application_id",
            "application_number",
            "pilgrim",
            "company_id",
            "agent_id",
            "season_id",
            "nationality",
            "kind",
            "city",
            "hotel_id",
            "detected_at",
            "deadline",
            "status",
            "escalated_at",
            "answer",
            "answer_reason",
            "answered_at",
            "answered_late",
            "violation_ref",
            "closed_at",
            "closed_reason",
        ]


class AlertListApi(_Scoped):
    serializer_class = AlertOutput

    @extend_schema(
        operation_id="whereabouts_alerts_list",
        responses={200: AlertOutput(many=True)},
        summary="Whereabouts alerts the caller may read (a company its own, an agent its own)",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                description="active (default: open, answered or escalated), open, escalated, "
                "answered, closed or all",
            ),
            OpenApiParameter("kind", str, enum=list(AlertKind.values)),
            OpenApiParameter("nationality", str),
        ],
    )
    def get(self, request: Request) -> Response:
        filters = selectors.AlertFilters.from_query(request.query_params)
        qs = selectors.alert_list(self.actor(), filters)
        page = self.paginate_queryset(qs)
        personal_data_read(request, record_type=ALERT, ids=[a.pk for a in page or []])
        return self.get_paginated_response(AlertOutput(page, many=True).data)


class AnswerInput(serializers.Serializer):
    answer = serializers.ChoiceField(choices=AlertAnswer.choices)
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the answer is `moved`: where the pilgrim is and why.",
    )


class AlertAnswerApi(_Scoped):
    serializer_class = AnswerInput
    required_roles = ANSWERERS

    @extend_schema(
        operation_id="whereabouts_alert_answer",
        request=AnswerInput,
        responses={200: AlertOutput, **error_responses(400, 403, 404, 409)},
        summary="The company answers an alert: found, moved (with a reason) or absconded",
        description=(
            "`absconded` is an absconding report: it raises a compliance violation for the "
            "company (and its agent, as the season's schedule says). An alert is answered "
            "once (409 `whereabouts_alert_already_answered`); a closed alert needs no answer "
            "(409 `whereabouts_alert_closed`)."
        ),
    )
    def post(self, request: Request, alert_id: int) -> Response:
        serializer = AnswerInput(data=request.data)
        if not serializer.is_valid():
            raise ValidationFailed(
                WhereaboutsError.INVALID_ANSWER,
                _("The answer is not valid."),
                fields={k: [str(m) for m in v] for k, v in serializer.errors.items()},
            )
        if selectors.alert_get(self.actor(), alert_id) is None:
            raise NotFound(WhereaboutsError.ALERT_NOT_FOUND, _("No such alert."))
        alert = alert_answer(
            actor=self.actor(),
            alert=alert_id,
            answer=serializer.validated_data["answer"],
            reason=serializer.validated_data["reason"],
        )
        fresh = selectors.alert_get(self.actor(), alert.pk)
        return Response(AlertOutput(fresh).data)


class LastKnownOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="entry, exit, check_in, check_out or boarding")
    at = serializers.DateTimeField()
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="officer, gate, api or desk"
    )
    city = serializers.CharField()
    place = serializers.CharField(help_text="The port code, or the hotel's or operator's code.")
    place_name_en = serializers.CharField()
    place_name_ar = serializers.CharField()


class WhereaboutsOutput(serializers.Serializer):
    application_id = serializers.IntegerField(source="application.pk")
    application_number = serializers.CharField(source="application.number")
    in_kingdom = serializers.BooleanField()
    last_known = LastKnownOutput(allow_null=True)
    alerts = AlertOutput(many=True)


class PilgrimWhereaboutsApi(_Scoped):
    serializer_class = WhereaboutsOutput

    @extend_schema(
        operation_id="pilgrim_whereabouts",
        responses={200: WhereaboutsOutput, **error_responses(404)},
        summary="Where is this pilgrim now: the last known event with its source, and alerts",
        description="`key`: the application number, its id, or the pilgrim's passport number.",
    )
    def get(self, request: Request, key: str) -> Response:
        actor = self.actor()
        application = selectors.pilgrim_find(actor, key)
        if application is None or not selectors.is_reader(actor):
            raise NotFound(WhereaboutsError.PILGRIM_NOT_FOUND, _("No such pilgrim."))
        personal_data_read(request, record_type="applications.application", ids=[application.pk])
        data: Any = selectors.pilgrim_whereabouts(actor, application)
        return Response(WhereaboutsOutput(data).data)
