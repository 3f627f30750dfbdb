"""`match`: one person screened for another agency's system."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from masar.core.api.schema import error_responses
from masar.screening import services
from masar.screening.api.base import MatchPermission
from masar.screening.countries import normalize_country
from masar.screening.models import (
    WatchlistEntry,
)
from masar.screening.scoring import encode_partial_date


class MatchInput(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    birth_date = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="YYYY, YYYY-MM or YYYY-MM-DD"
    )
    nationality = serializers.CharField(
        max_length=3, required=False, allow_blank=True, help_text="ISO 3166 alpha-2 or alpha-3"
    )
    threshold = serializers.FloatField(min_value=50, max_value=100, required=False)
    lists = serializers.ListField(child=serializers.IntegerField(), required=False)
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False, default=10)

    def validate_birth_date(self, value: str) -> str | None:
        if not value:
            return None
        try:
            encode_partial_date(value)
        except ValueError:
            raise serializers.ValidationError(
                gettext_lazy("Write the birth date YYYY, YYYY-MM or YYYY-MM-DD.")
            ) from None
        return value

    def validate_nationality(self, value: str) -> str | None:
        code = normalize_country(value)
        if code is not None and (len(code) != 3 or not code.isalpha()):
            raise serializers.ValidationError(gettext_lazy("Not an ISO 3166 country code."))
        return code


class MatchHitOutput(serializers.Serializer):
    list_id = serializers.IntegerField()
    list_name = serializers.CharField()
    list_version = serializers.IntegerField()
    entry_id = serializers.CharField()
    score = serializers.FloatField()
    matched_alias = serializers.CharField()
    names = serializers.ListField(child=serializers.CharField())
    birth_dates = serializers.ListField(child=serializers.CharField())
    nationalities = serializers.ListField(child=serializers.CharField())
    explanation = serializers.JSONField()


class MatchOutput(serializers.Serializer):
    lists = serializers.ListField(child=serializers.DictField())
    hits = MatchHitOutput(many=True)


class MatchApi(GenericAPIView):
    permission_classes = [MatchPermission]
    serializer_class = MatchOutput

    @extend_schema(
        request=MatchInput,
        responses={200: MatchOutput, **error_responses(400, 403)},
        summary="Screen one person against the active watchlists (ministries' systems)",
    )
    def post(self, request: Request) -> Response:
        data = MatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = services.person_match(
            actor=request.user,  # type: ignore[arg-type]
            name=values["name"],
            birth_date=values.get("birth_date"),
            nationality=values.get("nationality"),
            threshold=values.get("threshold"),
            watchlist_ids=values.get("lists"),
            limit=values["limit"],
        )
        by_id = {w.pk: w for w in result.watchlists}
        entries = {
            e.pk: e
            for e in _entries([f.entry_id for f in result.findings if f.entry_id is not None])
        }
        hits = []
        for finding in result.findings:
            entry = entries[finding.entry_id]  # type: ignore[index]
            watchlist = by_id[finding.watchlist_id]  # type: ignore[index]
            hits.append(
                {
                    "list_id": watchlist.pk,
                    "list_name": watchlist.name,
                    "list_version": finding.list_version,
                    "entry_id": entry.external_id,
                    "score": finding.score,
                    "matched_alias": finding.matched_alias,
                    "names": entry.names,
                    "birth_dates": entry.birth_dates,
                    "nationalities": entry.nationalities,
                    "explanation": finding.explanation,
                }
            )
        lists = [
            {"id": w.pk, "name": w.name, "version": w.version, "threshold": w.threshold}
            for w in result.watchlists
        ]
        return Response(MatchOutput({"lists": lists, "hits": hits}).data)


def _entries(ids: list[int]) -> Any:
    return WatchlistEntry.objects.filter(pk__in=ids)
