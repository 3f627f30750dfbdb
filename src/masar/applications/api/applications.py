"""Applications: create, read, and the transitions of the application workflow (one by one
and in bulk)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from masar.applications import disclosure, selectors, services
from masar.applications.api.groups import _Scoped
from masar.applications.api.serializers import (
    STATUS_CHOICES,
    ApplicationDetailOutput,
    ApplicationOutput,
    BatchOutput,
    batch_data,
)
from masar.applications.eligibility import RULES
from masar.applications.models import Application
from masar.applications.services.common import AGENT_ROLES, COMPANY_ROLES
from masar.core.api.schema import error_responses
from masar.core.params import is_whole_number
from masar.core.reads import personal_data_read

#: How reads of applications (and their pilgrims) are recorded (`masar.core.reads`).
APPLICATION = "applications.application"


class PilgrimDataInput(serializers.Serializer):
    """The pilgrim's data. Fields left out are read from the MRZ where it holds them."""

    surname = serializers.CharField(max_length=80, required=False, allow_blank=True)
    given_names = serializers.CharField(max_length=120, required=False, allow_blank=True)
    native_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    sex = serializers.CharField(max_length=1, required=False, allow_blank=True)
    birth_date = serializers.CharField(max_length=10, required=False, allow_blank=True)
    nationality = serializers.CharField(max_length=3, required=False, allow_blank=True)
    residence_country = serializers.CharField(max_length=3, required=False, allow_blank=True)
    passport_number = serializers.CharField(max_length=9, required=False, allow_blank=True)
    passport_issuing_state = serializers.CharField(max_length=3, required=False, allow_blank=True)
    passport_issue_date = serializers.CharField(max_length=10)
    passport_expiry_date = serializers.CharField(max_length=10, required=False, allow_blank=True)
    mrz = serializers.CharField(
        max_length=100, help_text="The two 44-character MRZ lines, separated by a newline."
    )
    vaccine_type = serializers.CharField(max_length=16, required=False, allow_blank=True)
    vaccine_date = serializers.CharField(max_length=10, required=False, allow_blank=True)


class ApplicationReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ApplicationListApi(_Scoped):
    required_roles_by_method = {"POST": list(AGENT_ROLES)}
    serializer_class = ApplicationOutput
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class ApplicationCreateInput(PilgrimDataInput):
        group_id = serializers.IntegerField()
        photo = serializers.FileField(required=False)

    def get_queryset(self) -> Any:
        qs = selectors.application_list(actor=self.actor())
        params = self.request.query_params
        if (value := params.get("status")) is not None:
            qs = qs.filter(status__in=disclosure.status_filter(self.actor(), value))
        if (value := params.get("group_id")) is not None:
            qs = qs.filter(group_id=value) if is_whole_number(value) else qs.none()
        if value := params.get("passport_number"):
            qs = selectors.applications_by_passport(qs, value)
        if value := params.get("q"):
            qs = selectors.application_search(qs, value, actor=self.actor())
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=STATUS_CHOICES),
            OpenApiParameter("group_id", int),
            OpenApiParameter("passport_number", str),
            OpenApiParameter(
                "q",
                str,
                description="An application, passport or visa number (exact), or the start "
                "of the pilgrim's surname or given names (three letters or more): a name "
                f"search answers at most its first {selectors.NAME_MATCHES} matches.",
            ),
        ],
        summary="Applications the caller may see",
        operation_id="applications_list",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        personal_data_read(request, record_type=APPLICATION, ids=[a.pk for a in page or []])
        return self.get_paginated_response(
            ApplicationOutput(page, many=True, context=self.output_context()).data
        )

    @extend_schema(
        request={
            "application/json": ApplicationCreateInput,
            "multipart/form-data": ApplicationCreateInput,
        },
        responses={201: ApplicationOutput, **error_responses(400, 403, 404, 409)},
        summary="Add a pilgrim to a group: a draft application (agent staff)",
    )
    def post(self, request: Request) -> Response:
        data = self.ApplicationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        group = get_object_or_404(
            selectors.group_list(actor=self.actor()), pk=values.pop("group_id")
        )
        photo = values.pop("photo", None)
        application = services.application_create(
            actor=self.actor(), group=group, pilgrim=values, photo=photo
        )
        return Response(
            ApplicationOutput(application, context=self.output_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ApplicationDetailApi(_Scoped):
    serializer_class = ApplicationDetailOutput

    @extend_schema(
        responses={200: ApplicationDetailOutput, **error_responses(404)},
        summary="An application with its history",
    )
    def get(self, request: Request, application_id: int) -> Response:
        app = get_object_or_404(
            selectors.application_list(actor=self.actor()).prefetch_related(
                "transitions__actor__organization"
            ),
            pk=application_id,
        )
        personal_data_read(request, record_type=APPLICATION, ids=[app.pk])
        return Response(ApplicationDetailOutput(app, context=self.output_context()).data)


class _ApplicationAction(_Scoped):
    serializer_class = ApplicationOutput

    def application(self, application_id: int) -> Application:
        return get_object_or_404(selectors.application_list(actor=self.actor()), pk=application_id)


class ApplicationSubmitApi(_ApplicationAction):
    required_roles = list(AGENT_ROLES)

    @extend_schema(
        request=None,
        responses={200: ApplicationOutput, **error_responses(403, 404, 409, 422)},
        summary="Submit to the company; every failed eligibility rule is returned (422)",
    )
    def post(self, request: Request, application_id: int) -> Response:
        app = services.application_submit(
            actor=self.actor(), application=self.application(application_id)
        )
        return Response(ApplicationOutput(app, context=self.output_context()).data)


class ApplicationApproveApi(_ApplicationAction):
    required_roles = list(COMPANY_ROLES)

    @extend_schema(
        request=None,
        responses={200: ApplicationOutput, **error_responses(403, 404, 409)},
        summary="The company approves: the application goes to security screening",
    )
    def post(self, request: Request, application_id: int) -> Response:
        app = services.application_company_approve(
            actor=self.actor(), application=self.application(application_id)
        )
        return Response(ApplicationOutput(app, context=self.output_context()).data)


class ApplicationReturnApi(_ApplicationAction):
    required_roles = list(COMPANY_ROLES)

    @extend_schema(
        request=ApplicationReasonInput,
        responses={200: ApplicationOutput, **error_responses(400, 403, 404, 409)},
        summary="The company returns the application to its agent, with a reason",
    )
    def post(self, request: Request, application_id: int) -> Response:
        app = self.application(application_id)
        data = ApplicationReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        app = services.application_return(
            actor=self.actor(), application=app, reason=data.validated_data["reason"]
        )
        return Response(ApplicationOutput(app, context=self.output_context()).data)


class ApplicationWithdrawApi(_ApplicationAction):
    required_roles = list(AGENT_ROLES)

    @extend_schema(
        request=ApplicationReasonInput,
        responses={200: ApplicationOutput, **error_responses(400, 403, 404, 409)},
        summary="The agent withdraws a draft, submitted or returned application",
    )
    def post(self, request: Request, application_id: int) -> Response:
        app = self.application(application_id)
        data = ApplicationReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        app = services.application_withdraw(
            actor=self.actor(), application=app, reason=data.validated_data["reason"]
        )
        return Response(ApplicationOutput(app, context=self.output_context()).data)


class ApplicationsBulkInput(serializers.Serializer):
    application_ids = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, max_length=5000
    )
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class _BulkCompanyAction(_Scoped):
    required_roles = list(COMPANY_ROLES)
    serializer_class = BatchOutput

    def visible_ids(self, ids: list[int]) -> list[int]:
        """Only applications the caller can see: others are refused as not found."""
        return list(
            selectors.application_list(actor=self.actor())
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )

    def respond(self, ids: list[int], result: Any) -> Response:
        body = batch_data(result)
        for missing in sorted(
            set(ids) - {int(pk) for pk in body["done"]} - set(map(int, body["refused"]))
        ):
            body["refused"][str(missing)] = [
                {
                    "field": "application_id",
                    "code": "application_not_found",
                    "message": "Not found.",
                }
            ]
        return Response(body)


class ApplicationsBulkApproveApi(_BulkCompanyAction):
    @extend_schema(
        request=ApplicationsBulkInput,
        responses={200: BatchOutput, **error_responses(400, 403)},
        summary="The company approves many applications; each refusal says why",
    )
    def post(self, request: Request) -> Response:
        data = ApplicationsBulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["application_ids"]
        result = services.applications_company_approve(
            actor=self.actor(), application_ids=self.visible_ids(ids)
        )
        return self.respond(ids, result)


class ApplicationsBulkReturnApi(_BulkCompanyAction):
    @extend_schema(
        request=ApplicationsBulkInput,
        responses={200: BatchOutput, **error_responses(400, 403)},
        summary="The company returns many applications with one reason",
    )
    def post(self, request: Request) -> Response:
        data = ApplicationsBulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["application_ids"]
        result = services.applications_return(
            actor=self.actor(),
            application_ids=self.visible_ids(ids),
            reason=data.validated_data["reason"],
        )
        return self.respond(ids, result)


class RuleOutput(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField()
    description = serializers.CharField()
    settings = serializers.ListField(child=serializers.CharField())


class EligibilityRulesApi(_Scoped):
    serializer_class = RuleOutput
    pagination_class = None

    @extend_schema(
        responses={200: RuleOutput(many=True)},
        summary="The eligibility rules: stable codes, fields, season settings they read",
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "code": rule.code,
                    "field": rule.field,
                    "description": str(rule.description),
                    "settings": list(rule.settings),
                }
                for rule in RULES.values()
            ]
        )
