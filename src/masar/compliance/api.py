"""The compliance API: a company's compliance, violations (inspectors raise them), appeals
and their decisions, penalties (lift = reinstatement), fines and payments, the guarantee
ledger, notices, the season's settings, the league table, ratings and the survey import."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.accounts.roles import Role
from masar.compliance import selectors, services
from masar.compliance.error_codes import ComplianceError
from masar.compliance.models import ViolationType
from masar.compliance.services.rating import quarter_bounds
from masar.compliance.services.settings import RULE_FIELDS
from masar.core.api.parsers import BoundedJSONParser
from masar.core.api.schema import error_responses
from masar.core.errors import Forbidden, NotFound, ValidationFailed
from masar.core.params import is_whole_number
from masar.operators.models import Agent, Company
from masar.seasons.models import Season

INSPECTORS = [Role.INSPECTOR, Role.SUPERVISOR]
REVIEWERS = [Role.LICENSING_OFFICER, Role.SUPERVISOR]
COMPANY = [Role.COMPANY_STAFF, Role.SUPERVISOR]


class _Api(GenericAPIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def require_ministry(self) -> None:
        if not selectors.is_ministry(self.actor()):
            raise Forbidden(ComplianceError.NOT_ALLOWED, _("Only ministry staff see this."))


def _int(params: Any, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if not is_whole_number(value):
        raise ValidationFailed(
            ComplianceError.INVALID_FILTER,
            _("Invalid filter."),
            fields={name: [_("A whole number is required.")]},
        )
    return int(value)


def _season(params: Any) -> Season:
    season_id = _int(params, "season")
    season = (
        Season.objects.filter(pk=season_id).first() if season_id else selectors.current_season()
    )
    if season is None:
        raise NotFound(ComplianceError.NOT_FOUND, _("No such season."))
    return season


SEASON_PARAM = OpenApiParameter(
    "season", OpenApiTypes.INT, description="Season id (default: the open one)"
)


# --- Output serializers ------------------------------------------------------------------


class ComplianceEvidenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class ComplianceViolationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    season_id = serializers.IntegerField()
    company_id = serializers.IntegerField()
    agent_id = serializers.IntegerField(allow_null=True)
    violation_type = serializers.CharField()
    raised_how = serializers.CharField(source="source", help_text="automatic or inspector")
    status = serializers.CharField()
    overstay_id = serializers.IntegerField(source="overstay_ref", allow_null=True)
    nationality = serializers.CharField()
    occurred_on = serializers.DateField()
    description = serializers.CharField()
    fine_sar = serializers.DecimalField(max_digits=12, decimal_places=2)
    points = serializers.IntegerField()
    agent_charged = serializers.BooleanField()
    raised_at = serializers.DateTimeField()
    evidence = ComplianceEvidenceOutput(many=True)


class CompliancePenaltyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    season_id = serializers.IntegerField()
    company_id = serializers.IntegerField()
    agent_id = serializers.IntegerField(allow_null=True)
    step = serializers.CharField()
    status = serializers.CharField()
    automatic = serializers.BooleanField()
    reason = serializers.CharField()
    trigger = serializers.DictField()
    effect = serializers.DictField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    imposed_at = serializers.DateTimeField()
    lifted_at = serializers.DateTimeField(allow_null=True)
    lifted_reason = serializers.CharField()


class CompliancePaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    amount_sar = serializers.DecimalField(max_digits=12, decimal_places=2)
    method = serializers.CharField()
    reference = serializers.CharField()
    paid_at = serializers.DateTimeField()


class ComplianceInvoiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    violation_id = serializers.IntegerField()
    company_id = serializers.IntegerField()
    agent_id = serializers.IntegerField(allow_null=True)
    payer = serializers.CharField()
    amount_sar = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_sar = serializers.DecimalField(max_digits=12, decimal_places=2)
    outstanding_sar = serializers.DecimalField(max_digits=12, decimal_places=2)
    status = serializers.CharField()
    issued_at = serializers.DateTimeField()
    due_on = serializers.DateField()
    payments = CompliancePaymentOutput(many=True)


class ComplianceNoticeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    company_id = serializers.IntegerField()
    kind = serializers.CharField()
    subject_en = serializers.CharField()
    subject_ar = serializers.CharField()
    body_en = serializers.CharField()
    body_ar = serializers.CharField()
    penalty_id = serializers.IntegerField(allow_null=True)
    violation_id = serializers.IntegerField(allow_null=True)
    issued_at = serializers.DateTimeField()


class ComplianceAppealFileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ComplianceAppealOutput(serializers.Serializer):
    id = serializers.IntegerField()
    company_id = serializers.IntegerField()
    violation_id = serializers.IntegerField(allow_null=True)
    penalty_id = serializers.IntegerField(allow_null=True)
    statement = serializers.CharField()
    status = serializers.CharField()
    filed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    reduced_fine_sar = serializers.DecimalField(allow_null=True, max_digits=12, decimal_places=2)
    reduced_points = serializers.IntegerField(allow_null=True)
    files = ComplianceAppealFileOutput(many=True)


class ComplianceRatingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    company_id = serializers.IntegerField()
    season_id = serializers.IntegerField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    overstay_rate_pct = serializers.DecimalField(max_digits=6, decimal_places=2)
    points = serializers.IntegerField()
    compliance_pct = serializers.DecimalField(max_digits=5, decimal_places=2)
    satisfaction_pct = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    rating_pct = serializers.DecimalField(max_digits=5, decimal_places=2)
    class_before = serializers.CharField()
    class_after = serializers.CharField()


class ComplianceGuaranteeEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    amount_sar = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance_after_sar = serializers.DecimalField(max_digits=14, decimal_places=2)
    invoice_id = serializers.IntegerField(allow_null=True)
    recorded_at = serializers.DateTimeField()
    note = serializers.CharField()


class ComplianceGuaranteeOutput(serializers.Serializer):
    company_id = serializers.IntegerField()
    guarantee_sar = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance_sar = serializers.DecimalField(max_digits=14, decimal_places=2)
    entries = ComplianceGuaranteeEntryOutput(many=True)


class CompanyComplianceOutput(serializers.Serializer):
    company_id = serializers.IntegerField()
    season_id = serializers.IntegerField()
    company_status = serializers.CharField()
    company_class = serializers.CharField()
    entered = serializers.IntegerField()
    overstayers = serializers.IntegerField()
    overstay_rate_pct = serializers.CharField()
    points = serializers.IntegerField()
    fines_due_sar = serializers.CharField()
    ladder_level = serializers.IntegerField()
    guarantee_balance_sar = serializers.CharField()
    violations = ComplianceViolationOutput(many=True)
    penalties = CompliancePenaltyOutput(many=True)
    invoices = ComplianceInvoiceOutput(many=True)
    notices = ComplianceNoticeOutput(many=True)
    appeals = ComplianceAppealOutput(many=True)
    ratings = ComplianceRatingOutput(many=True)


# --- A company's compliance --------------------------------------------------------------


class CompanyComplianceApi(_Api):
    serializer_class = CompanyComplianceOutput

    @extend_schema(
        parameters=[SEASON_PARAM],
        responses={200: CompanyComplianceOutput, **error_responses(400, 404)},
        summary="A company's compliance in a season: rate, points, violations, fines, notices, "
        "appeals, ratings (ministries, or the company itself)",
    )
    def get(self, request: Request, company_id: int) -> Response:
        view = selectors.company_compliance(
            actor=self.actor(), company_id=company_id, season=_season(request.query_params)
        )
        s = view.standing
        return Response(
            CompanyComplianceOutput(
                {
                    "company_id": view.company.pk,
                    "season_id": view.season.pk,
                    "company_status": view.company.status,
                    "company_class": view.company_class,
                    "entered": s.entered,
                    "overstayers": s.overstayers,
                    "overstay_rate_pct": str(s.rate_pct),
                    "points": s.points,
                    "fines_due_sar": f"{s.fines_due_sar:.2f}",
                    "ladder_level": s.level,
                    "guarantee_balance_sar": f"{view.guarantee_balance_sar:.2f}",
                    "violations": view.violations.prefetch_related("evidence"),
                    "penalties": view.penalties,
                    "invoices": view.invoices.prefetch_related("payments"),
                    "notices": view.notices[:50],
                    "appeals": view.appeals.prefetch_related("files"),
                    "ratings": view.ratings,
                }
            ).data
        )


class GuaranteeApi(_Api):
    serializer_class = ComplianceGuaranteeOutput

    @extend_schema(
        responses={200: ComplianceGuaranteeOutput, **error_responses(404)},
        summary="A company's bank guarantee: amount, balance and ledger",
    )
    def get(self, request: Request, company_id: int) -> Response:
        company = selectors.guarantee_company(actor=self.actor(), company_id=company_id)
        return Response(
            ComplianceGuaranteeOutput(
                {
                    "company_id": company.pk,
                    "guarantee_sar": company.guarantee_amount,
                    "balance_sar": services.guarantee_balance(company),
                    "entries": company.guarantee_entries.order_by("recorded_at", "pk"),
                }
            ).data
        )


# --- Violations ---------------------------------------------------------------------------


class ViolationListApi(_Api):
    serializer_class = ComplianceViolationOutput
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]
    required_roles_by_method = {"POST": INSPECTORS}

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ViolationRaise"

        season = serializers.IntegerField()
        company = serializers.IntegerField()
        agent = serializers.IntegerField(required=False, allow_null=True)
        violation_type = serializers.ChoiceField(
            choices=[
                t
                for t in ViolationType.values
                if t not in ("overstay", "unreported_overstay", "late_escape_notice", "absconded")
            ]
        )
        occurred_on = serializers.DateField()
        description = serializers.CharField(max_length=4000)
        evidence = serializers.ListField(
            child=serializers.FileField(), required=False, default=list
        )

    @extend_schema(
        parameters=[
            SEASON_PARAM,
            OpenApiParameter("company", OpenApiTypes.INT),
            OpenApiParameter("agent", OpenApiTypes.INT),
            OpenApiParameter("type", OpenApiTypes.STR),
            OpenApiParameter("status", OpenApiTypes.STR),
            OpenApiParameter("nationality", OpenApiTypes.STR),
        ],
        responses={200: ComplianceViolationOutput(many=True), **error_responses(400)},
        summary="Violations (scoped: ministries all, a company its own, an agent those naming it)",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        filters = {
            "season": _int(params, "season"),
            "company": _int(params, "company"),
            "agent": _int(params, "agent"),
            "type": params.get("type"),
            "status": params.get("status"),
            "nationality": (params.get("nationality") or "").upper(),
        }
        qs = selectors.violation_list(actor=self.actor(), filters=filters)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ComplianceViolationOutput(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": InputSerializer, "application/json": InputSerializer},
        responses={201: ComplianceViolationOutput, **error_responses(400, 403, 404)},
        summary="Raise a violation with evidence files (ministry compliance inspectors)",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        season = Season.objects.filter(pk=v["season"]).first()
        company = Company.objects.filter(pk=v["company"]).first()
        if season is None or company is None:
            raise NotFound(ComplianceError.NOT_FOUND, _("No such season or company."))
        agent = None
        if v.get("agent"):
            agent = Agent.objects.filter(pk=v["agent"]).first()
            if agent is None:
                raise NotFound(ComplianceError.NOT_FOUND, _("No such agent."))
        violation = services.violation_raise(
            actor=self.actor(),
            season=season,
            company=company,
            agent=agent,
            violation_type=v["violation_type"],
            occurred_on=v["occurred_on"],
            description=v["description"],
            evidence=request.FILES.getlist("evidence"),
        )
        return Response(ComplianceViolationOutput(violation).data, status=status.HTTP_201_CREATED)


class ViolationDetailApi(_Api):
    serializer_class = ComplianceViolationOutput

    @extend_schema(
        responses={200: ComplianceViolationOutput, **error_responses(404)}, summary="One violation"
    )
    def get(self, request: Request, violation_id: int) -> Response:
        return Response(
            ComplianceViolationOutput(
                selectors.violation_get(actor=self.actor(), violation_id=violation_id)
            ).data
        )


class ComplianceAppealInput(serializers.Serializer):
    statement = serializers.CharField(max_length=8000)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ViolationAppealApi(_Api):
    serializer_class = ComplianceAppealOutput
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]
    required_roles = COMPANY

    @extend_schema(
        request={
            "multipart/form-data": ComplianceAppealInput,
            "application/json": ComplianceAppealInput,
        },
        responses={201: ComplianceAppealOutput, **error_responses(400, 403, 404, 409)},
        summary="Appeal one of the company's violations, with a statement and files",
    )
    def post(self, request: Request, violation_id: int) -> Response:
        data = ComplianceAppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        violation = selectors.violation_get(actor=self.actor(), violation_id=violation_id)
        appeal = services.appeal_file(
            actor=self.actor(),
            violation=violation,
            statement=data.validated_data["statement"],
            files=request.FILES.getlist("files"),
        )
        return Response(ComplianceAppealOutput(appeal).data, status=status.HTTP_201_CREATED)


# --- Penalties ----------------------------------------------------------------------------


class PenaltyListApi(_Api):
    serializer_class = CompliancePenaltyOutput

    @extend_schema(
        parameters=[OpenApiParameter("company", OpenApiTypes.INT)],
        responses={200: CompliancePenaltyOutput(many=True), **error_responses(400)},
        summary="Penalties of the ladder (scoped)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.penalty_list(
            actor=self.actor(), company_id=_int(request.query_params, "company")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(CompliancePenaltyOutput(page, many=True).data)


class PenaltyAppealApi(_Api):
    serializer_class = ComplianceAppealOutput
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]
    required_roles = COMPANY

    @extend_schema(
        operation_id="penalty_appeal",
        request={
            "multipart/form-data": ComplianceAppealInput,
            "application/json": ComplianceAppealInput,
        },
        responses={201: ComplianceAppealOutput, **error_responses(400, 403, 404, 409)},
        summary="Appeal one of the company's penalties",
    )
    def post(self, request: Request, penalty_id: int) -> Response:
        data = ComplianceAppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        penalty = selectors.penalty_get(actor=self.actor(), penalty_id=penalty_id)
        appeal = services.appeal_file(
            actor=self.actor(),
            penalty=penalty,
            statement=data.validated_data["statement"],
            files=request.FILES.getlist("files"),
        )
        return Response(ComplianceAppealOutput(appeal).data, status=status.HTTP_201_CREATED)


class ComplianceReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PenaltyLiftApi(_Api):
    serializer_class = CompliancePenaltyOutput
    required_roles = REVIEWERS

    @extend_schema(
        request=ComplianceReasonInput,
        responses={200: CompliancePenaltyOutput, **error_responses(400, 403, 404, 409)},
        summary="Lift a penalty; lifting a suspension reinstates the company (licensing staff)",
    )
    def post(self, request: Request, penalty_id: int) -> Response:
        data = ComplianceReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        penalty = selectors.penalty_get(actor=self.actor(), penalty_id=penalty_id)
        penalty = services.penalty_lift(
            actor=self.actor(), penalty=penalty, reason=data.validated_data["reason"]
        )
        return Response(CompliancePenaltyOutput(penalty).data)


# --- Appeals ------------------------------------------------------------------------------


class AppealListApi(_Api):
    serializer_class = ComplianceAppealOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR),
            OpenApiParameter("company", OpenApiTypes.INT),
        ],
        responses={200: ComplianceAppealOutput(many=True), **error_responses(400)},
        summary="Appeals (scoped: ministries all, a company its own)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.appeal_list(
            actor=self.actor(),
            filters={
                "status": request.query_params.get("status"),
                "company": _int(request.query_params, "company"),
            },
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ComplianceAppealOutput(page, many=True).data)


class ComplianceDecideInput(serializers.Serializer):
    decision = serializers.CharField(max_length=10, help_text="upheld, reduced or cancelled")
    reason = serializers.CharField(max_length=4000)
    fine_sar = serializers.DecimalField(
        required=False, allow_null=True, max_digits=12, decimal_places=2
    )
    points = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class AppealDecideApi(_Api):
    serializer_class = ComplianceAppealOutput
    required_roles = REVIEWERS

    @extend_schema(
        request=ComplianceDecideInput,
        responses={200: ComplianceAppealOutput, **error_responses(400, 403, 404, 409)},
        summary="Decide an appeal: uphold, reduce or cancel (licensing staff); the ladder "
        "is recomputed",
    )
    def post(self, request: Request, appeal_id: int) -> Response:
        data = ComplianceDecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        appeal = selectors.appeal_get(actor=self.actor(), appeal_id=appeal_id)
        appeal = services.appeal_decide(
            actor=self.actor(),
            appeal=appeal,
            decision=v["decision"],
            reason=v["reason"],
            fine_sar=v.get("fine_sar"),
            points=v.get("points"),
        )
        return Response(ComplianceAppealOutput(appeal).data)


# --- Fines --------------------------------------------------------------------------------


class InvoiceListApi(_Api):
    serializer_class = ComplianceInvoiceOutput

    @extend_schema(
        parameters=[
            SEASON_PARAM,
            OpenApiParameter("company", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR),
        ],
        responses={200: ComplianceInvoiceOutput(many=True), **error_responses(400)},
        summary="Fines (scoped: ministries all, a company its own, an agent those it owes)",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        qs = selectors.invoice_list(
            actor=self.actor(),
            filters={
                "season": _int(params, "season"),
                "company": _int(params, "company"),
                "status": params.get("status"),
            },
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ComplianceInvoiceOutput(page, many=True).data)


class CompliancePaymentInput(serializers.Serializer):
    amount_sar = serializers.DecimalField(max_digits=12, decimal_places=2)
    reference = serializers.CharField(max_length=80)


class PaymentApi(_Api):
    serializer_class = CompliancePaymentOutput
    required_roles = REVIEWERS

    @extend_schema(
        request=CompliancePaymentInput,
        responses={201: CompliancePaymentOutput, **error_responses(400, 403, 404, 409)},
        summary="Record a transfer received for a fine (idempotent by bank reference)",
    )
    def post(self, request: Request, invoice_id: int) -> Response:
        data = CompliancePaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = selectors.invoice_get(actor=self.actor(), invoice_id=invoice_id)
        payment = services.payment_record(
            actor=self.actor(),
            invoice=invoice,
            amount_sar=data.validated_data["amount_sar"],
            reference=data.validated_data["reference"],
        )
        return Response(CompliancePaymentOutput(payment).data, status=status.HTTP_201_CREATED)


class NoticeListApi(_Api):
    serializer_class = ComplianceNoticeOutput

    @extend_schema(
        parameters=[OpenApiParameter("company", OpenApiTypes.INT)],
        responses={200: ComplianceNoticeOutput(many=True), **error_responses(400)},
        summary="Written compliance notices (scoped: a company its own)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.notice_list(
            actor=self.actor(), company_id=_int(request.query_params, "company")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ComplianceNoticeOutput(page, many=True).data)


# --- Settings -----------------------------------------------------------------------------


class ComplianceScheduleRow(serializers.Serializer):
    violation_type = serializers.CharField()
    fine_sar = serializers.DecimalField(max_digits=12, decimal_places=2)
    points = serializers.IntegerField()
    agent_charged = serializers.BooleanField()


class ComplianceRulesOutput(serializers.Serializer):
    season_id = serializers.IntegerField()
    settings = serializers.DictField()
    schedule = ComplianceScheduleRow(many=True)


class ComplianceRulesInput(serializers.Serializer):
    settings = serializers.DictField(
        required=False, default=dict, help_text="Setting name to value: " + ", ".join(RULE_FIELDS)
    )
    schedule = serializers.DictField(
        child=serializers.DictField(),
        required=False,
        default=dict,
        help_text="Violation type to {fine_sar, points, agent_charged}",
    )


def _rules_data(season: Season) -> dict[str, Any]:
    rules = services.rules_for(season)
    schedule = services.schedule_for(season)
    return {
        "season_id": season.pk,
        "settings": {
            name: (str(value) if not isinstance(value, bool | int | str) else value)
            for name in RULE_FIELDS
            for value in [getattr(rules, name)]
        },
        "schedule": [schedule[code] for code in ViolationType.values],
    }


class RulesApi(_Api):
    serializer_class = ComplianceRulesOutput
    required_roles_by_method = {"PATCH": REVIEWERS}

    @extend_schema(
        responses={200: ComplianceRulesOutput, **error_responses(403, 404)},
        summary="A season's compliance settings and penalty schedule (ministry staff)",
    )
    def get(self, request: Request, season_id: int) -> Response:
        self.require_ministry()
        season = get_object_or_404(Season, pk=season_id)
        return Response(ComplianceRulesOutput(_rules_data(season)).data)

    @extend_schema(
        request=ComplianceRulesInput,
        responses={200: ComplianceRulesOutput, **error_responses(400, 403, 404)},
        summary="Change compliance settings and the penalty schedule (licensing staff)",
    )
    def patch(self, request: Request, season_id: int) -> Response:
        season = get_object_or_404(Season, pk=season_id)
        data = ComplianceRulesInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.compliance_rules_update(
            actor=self.actor(),
            season=season,
            changes=data.validated_data["settings"],
            schedule=data.validated_data["schedule"],
        )
        return Response(ComplianceRulesOutput(_rules_data(season)).data)


# --- League table and ratings ---------------------------------------------------------------


class ComplianceLeagueRowOutput(serializers.Serializer):
    company_id = serializers.IntegerField(source="company.pk")
    company_code = serializers.CharField(source="company.organization.code")
    company_name_en = serializers.CharField(source="company.organization.name_en")
    company_name_ar = serializers.CharField(source="company.organization.name_ar")
    company_status = serializers.CharField(source="company.status")
    entered = serializers.IntegerField()
    overstayers = serializers.IntegerField()
    rate_pct = serializers.DecimalField(max_digits=6, decimal_places=2)
    points = serializers.IntegerField()
    rating_pct = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    company_class = serializers.CharField()


class LeagueApi(_Api):
    serializer_class = ComplianceLeagueRowOutput

    @extend_schema(
        parameters=[SEASON_PARAM, OpenApiParameter("nationality", OpenApiTypes.STR)],
        responses={200: ComplianceLeagueRowOutput(many=True), **error_responses(400, 403, 404)},
        summary="Companies by overstay rate and rating (ministry staff)",
    )
    def get(self, request: Request) -> Response:
        self.require_ministry()
        rows = selectors.league_table(
            season=_season(request.query_params),
            nationality=(request.query_params.get("nationality") or "").upper()[:3],
        )
        return Response(ComplianceLeagueRowOutput(rows, many=True).data)


class ComplianceRatingsInput(serializers.Serializer):
    season = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2200)
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class RatingsApi(_Api):
    serializer_class = ComplianceRatingOutput
    required_roles_by_method = {"POST": REVIEWERS}

    @extend_schema(
        parameters=[OpenApiParameter("company", OpenApiTypes.INT)],
        responses={200: ComplianceRatingOutput(many=True), **error_responses(400)},
        summary="Quarterly ratings (scoped: a company its own)",
    )
    def get(self, request: Request) -> Response:
        from masar.compliance.models import QuarterRating

        qs = QuarterRating.objects.all()
        if not selectors.is_ministry(self.actor()):
            qs = qs.filter(company__organization=self.actor().organization)
        company_id = _int(request.query_params, "company")
        if company_id:
            qs = qs.filter(company_id=company_id)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ComplianceRatingOutput(page, many=True).data)

    @extend_schema(
        request=ComplianceRatingsInput,
        responses={200: ComplianceRatingOutput(many=True), **error_responses(400, 403, 404)},
        summary="Compute the quarter's ratings (licensing staff; idempotent)",
    )
    def post(self, request: Request) -> Response:
        data = ComplianceRatingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        season = get_object_or_404(Season, pk=v["season"])
        quarter_bounds(v["year"], v["quarter"])
        run = services.ratings_compute(
            actor=self.actor(), season=season, year=v["year"], quarter=v["quarter"]
        )
        return Response(ComplianceRatingOutput(run.ratings, many=True).data)


class ComplianceSatisfactionOutput(serializers.Serializer):
    imported = serializers.IntegerField()
    rejected = serializers.ListField(
        child=serializers.DictField(), help_text="Rows refused: line and problems"
    )


class SatisfactionImportApi(_Api):
    serializer_class = ComplianceSatisfactionOutput
    parser_classes = [MultiPartParser, FormParser]
    required_roles = REVIEWERS

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SatisfactionImport"

        file = serializers.FileField(
            help_text="CSV (UTF-8): licence_number, year, quarter, score_pct[, responses]"
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            200: ComplianceSatisfactionOutput,
            422: ComplianceSatisfactionOutput,
            **error_responses(400, 403),
        },
        summary="Import pilgrim satisfaction survey scores (all rows or none)",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        raw = data.validated_data["file"].read()
        try:
            content = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(
                ComplianceError.INVALID_FILE, _("The file must be UTF-8 text.")
            ) from exc
        result = services.satisfaction_import(actor=self.actor(), content=content)
        code = status.HTTP_422_UNPROCESSABLE_ENTITY if result.errors else status.HTTP_200_OK
        return Response(
            ComplianceSatisfactionOutput(
                {"imported": result.imported, "rejected": result.errors}
            ).data,
            status=code,
        )
