"""The integration API: webhook subscriptions, their deliveries, and the event feed."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.accounts.roles import Role
from masar.core.api.schema import error_responses
from masar.integration import selectors, services
from masar.integration.catalogue import CATALOGUE
from masar.integration.envelope import event_envelope
from masar.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

MANAGERS = [Role.INTEGRATION, Role.SUPERVISOR]


class SubscriptionOutput(serializers.ModelSerializer):
    service_account = serializers.CharField(source="service_account.username")

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "service_account",
            "created_at",
            "updated_at",
            "secret_rotated_at",
            "previous_secret_expires_at",
            "consecutive_failures",
            "failing_since",
            "last_success_at",
            "last_failure_at",
        ]


class SubscriptionWithSecretOutput(SubscriptionOutput):
    secret = serializers.CharField(help_text="The signing secret (whsec_...). Shown once.")

    class Meta(SubscriptionOutput.Meta):
        fields = [*SubscriptionOutput.Meta.fields, "secret"]


class DeliveryOutput(serializers.ModelSerializer):
    webhook_id = serializers.CharField(help_text="The webhook-id header of every attempt.")
    event_id = serializers.UUIDField(source="event.event_id")
    event_type = serializers.CharField(source="event.type")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "event_id",
            "event_type",
            "sequence",
            "is_replay",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "last_response_ms",
            "delivered_at",
            "dead_at",
            "created_at",
        ]


class SubjectOutput(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.CharField()


class EventOutput(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    version = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    sequence = serializers.IntegerField()
    subject = SubjectOutput()
    data = serializers.DictField()  # type: ignore[assignment]  # a field, popped by the metaclass


class _Base(GenericAPIView):
    permission_classes = [MasarPermission]
    required_roles = MANAGERS

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def subscription(self, webhook_id: int) -> WebhookSubscription:
        return get_object_or_404(selectors.subscription_list(actor=self.actor()), pk=webhook_id)


def _check_event_types(value: list[str]) -> None:
    unknown = [t for t in value if t != "*" and t not in CATALOGUE]
    if unknown:
        raise serializers.ValidationError(
            [_("Not in the catalogue (docs/events.md): %s") % t for t in unknown]
        )


class WebhookListApi(_Base):
    required_roles = None  # type: ignore[assignment]
    required_roles_by_method = {"GET": MANAGERS, "POST": [Role.INTEGRATION]}
    serializer_class = SubscriptionOutput

    class WebhookCreateInputSerializer(serializers.Serializer):
        url = serializers.CharField(max_length=500)
        event_types = serializers.ListField(
            child=serializers.CharField(max_length=60),
            min_length=1,
            max_length=100,
            validators=[_check_event_types],
            help_text='Catalogued event types (docs/events.md), or ["*"] for all.',
        )
        description = serializers.CharField(
            max_length=200, required=False, allow_blank=True, default=""
        )

    def get_queryset(self) -> Any:
        return selectors.subscription_list(actor=self.actor())

    @extend_schema(
        summary="Webhook subscriptions of my organization",
        responses={200: SubscriptionOutput(many=True), **error_responses(403)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SubscriptionOutput(page, many=True).data)

    @extend_schema(
        request=WebhookCreateInputSerializer,
        examples=[
            OpenApiExample(
                "Subscribe the border gate",
                value={
                    "url": "https://gate.moi.example/masar",
                    "event_types": ["company.suspended", "visa.issued"],
                    "description": "gate",
                },
                request_only=True,
            )
        ],
        responses={201: SubscriptionWithSecretOutput, **error_responses(400, 403, 409)},
        summary="Subscribe an endpoint (service accounts)",
        description="HTTPS only. Deliveries follow the Standard Webhooks specification; "
        "the signing secret is in the answer, once.",
    )
    def post(self, request: Request) -> Response:
        data = self.WebhookCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, secret = services.webhook_subscription_create(
            actor=self.actor(), **data.validated_data
        )
        body = dict(SubscriptionOutput(subscription).data)
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookDetailApi(_Base):
    serializer_class = SubscriptionOutput

    class WebhookPatchInputSerializer(serializers.Serializer):
        url = serializers.CharField(max_length=500, required=False)
        event_types = serializers.ListField(
            child=serializers.CharField(max_length=60),
            min_length=1,
            max_length=100,
            required=False,
            validators=[_check_event_types],
        )
        description = serializers.CharField(max_length=200, required=False, allow_blank=True)
        is_active = serializers.BooleanField(required=False)

    @extend_schema(responses={200: SubscriptionOutput, **error_responses(403, 404)})
    def get(self, request: Request, webhook_id: int) -> Response:
        """One webhook subscription of the caller's organization (without its secret)."""
        return Response(SubscriptionOutput(self.subscription(webhook_id)).data)

    @extend_schema(
        request=WebhookPatchInputSerializer,
        responses={200: SubscriptionOutput, **error_responses(400, 403, 404)},
        summary="Change a webhook; is_active=true enables it again and resumes its deliveries",
    )
    def patch(self, request: Request, webhook_id: int) -> Response:
        subscription = self.subscription(webhook_id)
        data = self.WebhookPatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_subscription_update(
            actor=self.actor(), subscription=subscription, **data.validated_data
        )
        return Response(SubscriptionOutput(subscription).data)

    @extend_schema(responses={204: None, **error_responses(403, 404)})
    def delete(self, request: Request, webhook_id: int) -> Response:
        """Delete a webhook subscription with its delivery history; nothing more is sent."""
        services.webhook_subscription_delete(
            actor=self.actor(), subscription=self.subscription(webhook_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretApi(_Base):
    serializer_class = SubscriptionWithSecretOutput

    class WebhookRotateInputSerializer(serializers.Serializer):
        keep_previous_hours = serializers.IntegerField(
            min_value=0,
            max_value=services.subscriptions.MAX_PREVIOUS_SECRET_HOURS,
            default=24,
            help_text="How long the previous secret keeps signing beside the new one.",
        )

    @extend_schema(
        request=WebhookRotateInputSerializer,
        responses={200: SubscriptionWithSecretOutput, **error_responses(400, 403, 404)},
        summary="Rotate the signing secret (both sign during the overlap)",
    )
    def post(self, request: Request, webhook_id: int) -> Response:
        subscription = self.subscription(webhook_id)
        data = self.WebhookRotateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, secret = services.webhook_secret_rotate(
            actor=self.actor(), subscription=subscription, **data.validated_data
        )
        body = dict(SubscriptionOutput(subscription).data)
        body["secret"] = secret
        return Response(body)


class WebhookReplayApi(_Base):
    class WebhookReplayInputSerializer(serializers.Serializer):
        since = serializers.DateTimeField()

    class WebhookReplayOutputSerializer(serializers.Serializer):
        replayed = serializers.IntegerField()
        truncated = serializers.BooleanField(
            help_text="More events remain: replay again from `until`."
        )
        until = serializers.DateTimeField(allow_null=True)

    serializer_class = WebhookReplayOutputSerializer

    @extend_schema(
        request=WebhookReplayInputSerializer,
        responses={202: WebhookReplayOutputSerializer, **error_responses(400, 403, 404, 409)},
        summary="Send again every event since a moment (new deliveries, in commit order)",
    )
    def post(self, request: Request, webhook_id: int) -> Response:
        subscription = self.subscription(webhook_id)
        data = self.WebhookReplayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.webhook_replay(
            actor=self.actor(), subscription=subscription, since=data.validated_data["since"]
        )
        return Response(
            self.WebhookReplayOutputSerializer(report).data, status=status.HTTP_202_ACCEPTED
        )


class WebhookTestApi(_Base):
    class WebhookTestOutputSerializer(serializers.Serializer):
        event_id = serializers.UUIDField()
        type = serializers.CharField()

    serializer_class = WebhookTestOutputSerializer

    @extend_schema(
        request=None,
        responses={202: WebhookTestOutputSerializer, **error_responses(403, 404, 409)},
        summary="Send a webhook.test event to this endpoint",
    )
    def post(self, request: Request, webhook_id: int) -> Response:
        event = services.webhook_test_send(
            actor=self.actor(), subscription=self.subscription(webhook_id)
        )
        return Response(
            {"event_id": str(event.event_id), "type": event.type},
            status=status.HTTP_202_ACCEPTED,
        )


class WebhookDeliveryListApi(_Base):
    serializer_class = DeliveryOutput

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=DeliveryStatus.values)],
        responses={200: DeliveryOutput(many=True), **error_responses(403, 404)},
        summary="Recent deliveries of a webhook, newest first",
    )
    def get(self, request: Request, webhook_id: int) -> Response:
        qs = selectors.delivery_list(subscription=self.subscription(webhook_id))
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in DeliveryStatus.values:
                raise serializers.ValidationError(
                    {"status": [_("Choose one of: %s") % ", ".join(DeliveryStatus.values)]}
                )
            qs = qs.filter(status=wanted)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(DeliveryOutput(page, many=True).data)


class EventFeedApi(GenericAPIView):
    """Events in commit order, for agencies that pull rather than receive webhooks."""

    permission_classes = [MasarPermission]
    pagination_class = None

    class EventFeedQuerySerializer(serializers.Serializer):
        after = serializers.IntegerField(min_value=0, default=0)
        types = serializers.CharField(required=False, allow_blank=True, default="")
        limit = serializers.IntegerField(
            min_value=1, max_value=selectors.MAX_FEED_PAGE, default=100
        )

        def validate_types(self, value: str) -> list[str]:
            names = [t.strip() for t in value.split(",") if t.strip()]
            unknown = [t for t in names if t not in CATALOGUE]
            if unknown:
                raise serializers.ValidationError(
                    [_("Not in the catalogue (docs/events.md): %s") % t for t in unknown]
                )
            return names

    class EventFeedOutputSerializer(serializers.Serializer):
        events = EventOutput(many=True)
        next_cursor = serializers.CharField(
            help_text="Pass as `after` to read on; unchanged when nothing new has committed."
        )
        has_more = serializers.BooleanField()

    serializer_class = EventFeedOutputSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("after", int, description="The cursor: the last sequence read."),
            OpenApiParameter("types", str, description="Comma-separated event types."),
            OpenApiParameter("limit", int, description="At most 1000; 100 by default."),
        ],
        responses={200: EventFeedOutputSerializer, **error_responses(400)},
        summary="The event feed of my organization, in commit order",
    )
    def get(self, request: Request) -> Response:
        query = self.EventFeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = selectors.event_feed(
            actor=request.user,  # type: ignore[arg-type]
            after=query.validated_data["after"],
            types=query.validated_data["types"] or None,
            limit=query.validated_data["limit"],
        )
        return Response(
            {
                "events": [event_envelope(event) for event in page.events],
                "next_cursor": str(page.next_cursor),
                "has_more": page.has_more,
            }
        )
