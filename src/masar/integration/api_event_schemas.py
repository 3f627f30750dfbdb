"""The published JSON Schemas of the event types (public: they describe, they hold no data)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from masar.core.api.schema import error_responses
from masar.core.errors import NotFound
from masar.integration.catalogue import catalogue_load
from masar.integration.error_codes import IntegrationError
from masar.integration.event_schemas import SCHEMAS_PATH, event_schema


class EventTypeOutput(serializers.Serializer):
    type = serializers.CharField()
    version = serializers.IntegerField()
    description = serializers.CharField()
    ministries = serializers.ListField(child=serializers.CharField())
    schema_url = serializers.CharField()


class EventSchemaListOutput(serializers.Serializer):
    event_types = EventTypeOutput(many=True)


class _Public(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []  # reads no credentials: a bad token is no 401


class EventSchemaListApi(_Public):
    @extend_schema(
        responses={200: EventSchemaListOutput},
        summary="Every event type, with the address of its JSON Schema (public)",
        description="The event catalogue: each type's version, description, the ministries "
        "that see it, and where its JSON Schema (draft 2020-12) is published.",
    )
    def get(self, request: Request) -> Response:
        catalogue = catalogue_load()
        return Response(
            {
                "event_types": [
                    {
                        "type": name,
                        "version": event_type.version,
                        "description": event_type.description,
                        "ministries": list(event_type.ministries),
                        "schema_url": f"{SCHEMAS_PATH}{name}/",
                    }
                    for name, event_type in sorted(catalogue.items())
                ]
            }
        )


class EventSchemaDetailApi(_Public):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, **error_responses(404)},
        summary="The JSON Schema of one event type's message (public)",
        description="A JSON Schema (draft 2020-12) of the whole message a subscriber receives "
        "for this type, a webhook body or an item of the feed: the envelope, with the type's "
        "payload as `data`.",
    )
    def get(self, request: Request, event_type: str) -> Response:
        found = catalogue_load().get(event_type)
        if found is None:
            raise NotFound(IntegrationError.UNKNOWN_EVENT_TYPE, _("No such event type."))
        return Response(event_schema(found))
