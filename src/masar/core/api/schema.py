"""The error shape, declared once for the OpenAPI schema."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField()),
    },
)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer) for code in statuses}
