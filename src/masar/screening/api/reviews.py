"""The review queue and the analyst's decision."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from masar.core.api.schema import error_responses
from masar.core.reads import personal_data_read
from masar.screening import selectors, services
from masar.screening.api.base import AnalystApi
from masar.screening.models import (
    Decision,
    RejectionCode,
    Review,
    ReviewStatus,
    ScreeningHit,
)
from masar.screening.selectors import QUEUE_ORDERS

#: How reads of reviews (and the applicant's evidence) are recorded (`masar.core.reads`).
REVIEW = "screening.review"


class ApplicantOutput(serializers.Serializer):
    name = serializers.CharField(source="full_name")
    native_name = serializers.CharField()
    birth_date = serializers.DateField()
    nationality = serializers.CharField()
    passport_issuing_state = serializers.CharField()
    passport_number = serializers.CharField()


class ReviewOutput(serializers.ModelSerializer):
    reference = serializers.CharField()
    application = serializers.SerializerMethodField()
    applicant = ApplicantOutput(source="application.pilgrim")
    overdue = serializers.SerializerMethodField()
    waiting_seconds = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.username", default=None)

    class Meta:
        model = Review
        fields = [
            "id",
            "reference",
            "status",
            "application",
            "applicant",
            "best_score",
            "hit_count",
            "opened_at",
            "due_at",
            "overdue",
            "waiting_seconds",
            "decision",
            "reason",
            "reason_code",
            "decided_by",
            "decided_at",
        ]

    def get_application(self, review: Review) -> dict[str, Any]:
        app = review.application
        return {"id": app.pk, "number": app.number, "status": app.status}

    def get_overdue(self, review: Review) -> bool:
        return review.is_overdue()

    def get_waiting_seconds(self, review: Review) -> int:
        end = review.decided_at or timezone.now()
        return int((end - review.opened_at).total_seconds())


class HitOutput(serializers.ModelSerializer):
    raised = serializers.BooleanField()
    watchlist = serializers.SerializerMethodField()
    entry = serializers.SerializerMethodField()
    ban = serializers.SerializerMethodField()
    previous_application = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningHit
        fields = [
            "id",
            "kind",
            "score",
            "raised",
            "watchlist",
            "entry",
            "ban",
            "previous_application",
            "query_name",
            "matched_alias",
            "explanation",
        ]

    def get_watchlist(self, hit: ScreeningHit) -> dict[str, Any] | None:
        if hit.watchlist is None:
            return None
        return {"id": hit.watchlist_id, "name": hit.watchlist.name, "version": hit.list_version}

    def get_entry(self, hit: ScreeningHit) -> dict[str, Any] | None:
        entry = hit.entry
        if entry is None:
            return None
        return {
            "id": entry.external_id,
            "names": entry.names,
            "birth_dates": entry.birth_dates,
            "nationalities": entry.nationalities,
            "document_numbers": entry.document_numbers,
            "reason": entry.reason,
            "source": entry.source,
            "revision": hit.entry_revision,
            "current": entry.is_current and entry.revision == hit.entry_revision,
        }

    def get_ban(self, hit: ScreeningHit) -> dict[str, Any] | None:
        ban = hit.ban
        if ban is None:
            return None
        return {
            "id": ban.pk,
            "person": ban.person_label,
            "birth_date": ban.birth_date,
            "until": ban.until,
            "reason": ban.reason,
            "source": ban.source,
        }

    def get_previous_application(self, hit: ScreeningHit) -> dict[str, Any] | None:
        review = hit.previous_review
        if review is None:
            return None
        return {
            "number": review.application.number,
            "review": review.reference,
            "reason_code": review.reason_code,
        }


class ReviewDetailOutput(ReviewOutput):
    hits = serializers.SerializerMethodField()
    list_versions = serializers.JSONField(source="screening.list_versions")

    class Meta(ReviewOutput.Meta):
        fields = [*ReviewOutput.Meta.fields, "list_versions", "hits"]

    def get_hits(self, review: Review) -> list[dict[str, Any]]:
        hits = getattr(review.screening, "ordered_hits", None)
        if hits is None:
            hits = list(review.screening.hits.all())
        return HitOutput(hits, many=True).data  # type: ignore[return-value]


class ReviewListApi(AnalystApi):
    serializer_class = ReviewOutput

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", enum=[*ReviewStatus.values, "all"], description="Default: pending."
            ),
            OpenApiParameter("order", enum=list(QUEUE_ORDERS), description="Default: score."),
        ],
        responses={200: ReviewOutput(many=True), **error_responses(403)},
        summary="The review queue: referred applications by score, then waiting time",
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status", ReviewStatus.PENDING)
        qs = selectors.review_list(
            actor=self.actor(),
            status=None if wanted == "all" else wanted,
            order=request.query_params.get("order", "score"),
        )
        page = self.paginate_queryset(qs)
        personal_data_read(request, record_type=REVIEW, ids=[r.pk for r in page or []])
        return self.get_paginated_response(ReviewOutput(page, many=True).data)


class ReviewDetailApi(AnalystApi):
    serializer_class = ReviewDetailOutput

    @extend_schema(
        responses={200: ReviewDetailOutput, **error_responses(403, 404)},
        summary="A review with every hit, its evidence and the explanation of its score",
    )
    def get(self, request: Request, review_id: int) -> Response:
        review = get_object_or_404(selectors.review_detail(actor=self.actor()), pk=review_id)
        personal_data_read(request, record_type=REVIEW, ids=[review.pk])
        return Response(ReviewDetailOutput(review).data)


class ReviewDecideApi(AnalystApi):
    serializer_class = ReviewDetailOutput

    class ReviewDecideInput(serializers.Serializer):
        decision = serializers.ChoiceField(choices=Decision.choices)
        reason = serializers.CharField(
            max_length=2000, required=False, default="", allow_blank=True
        )
        reason_code = serializers.ChoiceField(
            choices=RejectionCode.choices, required=False, default="", allow_blank=True
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if attrs["decision"] == Decision.FALSE_POSITIVE and not attrs["reason"].strip():
                raise serializers.ValidationError(
                    {"reason": [gettext_lazy("Say why this is not the person listed.")]}
                )
            if attrs["decision"] == Decision.TRUE_MATCH and not attrs["reason_code"]:
                raise serializers.ValidationError(
                    {"reason_code": [gettext_lazy("A true match needs a coded reason.")]}
                )
            return attrs

    @extend_schema(
        request=ReviewDecideInput,
        responses={200: ReviewDetailOutput, **error_responses(400, 403, 404, 409)},
        summary="Decide a referral: false_positive (with a reason) or true_match (coded)",
    )
    def post(self, request: Request, review_id: int) -> Response:
        get_object_or_404(selectors.review_list(actor=self.actor(), status=None), pk=review_id)
        data = self.ReviewDecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_decide(actor=self.actor(), review_id=review_id, **data.validated_data)
        review = selectors.review_detail(actor=self.actor()).get(pk=review_id)
        return Response(ReviewDetailOutput(review).data)
