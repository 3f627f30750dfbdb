from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from masar.accounts.models import User
from masar.accounts.permissions import MasarPermission
from masar.accounts.roles import Role
from masar.core.api.schema import error_responses
from masar.operators import selectors, services
from masar.operators.models import Agent, Company, CompanyStatus, Contract

LICENSING = [Role.LICENSING_OFFICER, Role.SUPERVISOR]


class CompanyOutput(serializers.ModelSerializer):
    code = serializers.CharField(source="organization.code")
    name_en = serializers.CharField(source="organization.name_en")
    name_ar = serializers.CharField(source="organization.name_ar")
    organization_id = serializers.IntegerField()

    class Meta:
        model = Company
        fields = [
            "id",
            "organization_id",
            "code",
            "name_en",
            "name_ar",
            "licence_number",
            "licence_valid_from",
            "licence_valid_until",
            "guarantee_amount",
            "guarantee_valid_until",
            "status",
            "status_reason",
            "status_changed_at",
            "suspended_until",
        ]


class AgentOutput(serializers.ModelSerializer):
    code = serializers.CharField(source="organization.code")
    name_en = serializers.CharField(source="organization.name_en")
    name_ar = serializers.CharField(source="organization.name_ar")
    organization_id = serializers.IntegerField()

    class Meta:
        model = Agent
        fields = [
            "id",
            "organization_id",
            "code",
            "name_en",
            "name_ar",
            "country",
            "licence_number",
            "licence_valid_until",
            "status",
        ]


class ContractOutput(serializers.ModelSerializer):
    company_id = serializers.IntegerField()
    agent_id = serializers.IntegerField()

    class Meta:
        model = Contract
        fields = [
            "id",
            "company_id",
            "agent_id",
            "countries",
            "valid_from",
            "valid_until",
            "status",
            "terminated_reason",
            "registered_at",
        ]


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class _Scoped(GenericAPIView):
    permission_classes = [MasarPermission]

    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]


class CompanyListApi(ListAPIView, _Scoped):
    required_roles_by_method = {"POST": LICENSING}
    serializer_class = CompanyOutput

    class CompanyLicenseInputSerializer(serializers.Serializer):
        code = serializers.SlugField(max_length=40)
        name_en = serializers.CharField(max_length=200)
        name_ar = serializers.CharField(max_length=200)
        licence_number = serializers.CharField(max_length=40)
        licence_valid_from = serializers.DateField()
        licence_valid_until = serializers.DateField()
        guarantee_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
        guarantee_valid_until = serializers.DateField()
        email = serializers.EmailField(required=False, default="")

    def get_queryset(self) -> Any:
        qs = selectors.company_list(actor=self.actor())
        if status_filter := self.request.query_params.get("status"):
            qs = qs.filter(status=status_filter)
        return qs

    @extend_schema(
        summary="Companies the caller may see",
        parameters=[OpenApiParameter("status", str, enum=CompanyStatus.values)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        request=CompanyLicenseInputSerializer,
        responses={201: CompanyOutput, **error_responses(400, 403, 409)},
        summary="License a company (ministry licensing officers)",
    )
    def post(self, request: Request) -> Response:
        data = self.CompanyLicenseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = services.company_license(actor=self.actor(), **data.validated_data)
        return Response(CompanyOutput(company).data, status=status.HTTP_201_CREATED)


class CompanyDetailApi(_Scoped):
    """One Umrah company the caller may see: licence, guarantee and status."""

    serializer_class = CompanyOutput

    @extend_schema(responses={200: CompanyOutput, **error_responses(404)})
    def get(self, request: Request, company_id: int) -> Response:
        company = get_object_or_404(selectors.company_list(actor=self.actor()), pk=company_id)
        return Response(CompanyOutput(company).data)


class _CompanyAction(_Scoped):
    required_roles = LICENSING
    serializer_class = CompanyOutput

    def _company(self, company_id: int) -> Company:
        return get_object_or_404(selectors.company_list(actor=self.actor()), pk=company_id)


class CompanySuspendApi(_CompanyAction):
    """Suspend a company, until a date or until reinstated (ministry licensing officers)."""

    class SuspendInputSerializer(ReasonInput):
        until = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=SuspendInputSerializer,
        responses={200: CompanyOutput, **error_responses(403, 404, 409)},
    )
    def post(self, request: Request, company_id: int) -> Response:
        company = self._company(company_id)
        data = self.SuspendInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = services.company_suspend(
            actor=self.actor(), company=company, **data.validated_data
        )
        return Response(CompanyOutput(company).data)


class CompanyReinstateApi(_CompanyAction):
    """Reinstate a suspended company (ministry licensing officers)."""

    @extend_schema(
        request=ReasonInput, responses={200: CompanyOutput, **error_responses(403, 404, 409)}
    )
    def post(self, request: Request, company_id: int) -> Response:
        company = self._company(company_id)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        company = services.company_reinstate(
            actor=self.actor(), company=company, **data.validated_data
        )
        return Response(CompanyOutput(company).data)


class CompanyRevokeApi(_CompanyAction):
    """Revoke a company's licence for good (ministry licensing officers)."""

    @extend_schema(
        request=ReasonInput, responses={200: CompanyOutput, **error_responses(403, 404, 409)}
    )
    def post(self, request: Request, company_id: int) -> Response:
        company = self._company(company_id)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        company = services.company_revoke(
            actor=self.actor(), company=company, **data.validated_data
        )
        return Response(CompanyOutput(company).data)


class AgentListApi(ListAPIView, _Scoped):
    required_roles_by_method = {"POST": LICENSING}
    serializer_class = AgentOutput

    class AgentRegisterInputSerializer(serializers.Serializer):
        code = serializers.SlugField(max_length=40)
        name_en = serializers.CharField(max_length=200)
        name_ar = serializers.CharField(max_length=200)
        country = serializers.CharField(max_length=3)
        licence_number = serializers.CharField(max_length=40)
        licence_valid_until = serializers.DateField()
        email = serializers.EmailField(required=False, default="")

    def get_queryset(self) -> Any:
        qs = selectors.agent_list(actor=self.actor())
        if country := self.request.query_params.get("country"):
            qs = qs.filter(country=country.upper())
        return qs

    @extend_schema(
        summary="Overseas agents the caller may see",
        parameters=[OpenApiParameter("country", str, description="ISO 3166 alpha-3, e.g. IDN")],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        request=AgentRegisterInputSerializer,
        responses={201: AgentOutput, **error_responses(400, 403, 409)},
        summary="Register an overseas agent (ministry licensing officers)",
    )
    def post(self, request: Request) -> Response:
        data = self.AgentRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agent = services.agent_register(actor=self.actor(), **data.validated_data)
        return Response(AgentOutput(agent).data, status=status.HTTP_201_CREATED)


class AgentDetailApi(_Scoped):
    """One overseas agent the caller may see."""

    serializer_class = AgentOutput

    @extend_schema(responses={200: AgentOutput, **error_responses(404)})
    def get(self, request: Request, agent_id: int) -> Response:
        agent = get_object_or_404(selectors.agent_list(actor=self.actor()), pk=agent_id)
        return Response(AgentOutput(agent).data)


class ContractListApi(ListAPIView, _Scoped):
    required_roles_by_method = {"POST": LICENSING}
    serializer_class = ContractOutput

    class ContractRegisterInputSerializer(serializers.Serializer):
        company_id = serializers.IntegerField()
        agent_id = serializers.IntegerField()
        countries = serializers.ListField(child=serializers.CharField(max_length=3), min_length=1)
        valid_from = serializers.DateField()
        valid_until = serializers.DateField()

    def get_queryset(self) -> Any:
        return selectors.contract_list(actor=self.actor())

    @extend_schema(summary="Company-agent contracts the caller may see")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        request=ContractRegisterInputSerializer,
        responses={201: ContractOutput, **error_responses(400, 403, 404, 409)},
        summary="Register a contract (ministry licensing officers)",
    )
    def post(self, request: Request) -> Response:
        data = self.ContractRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        company = get_object_or_404(
            selectors.company_list(actor=self.actor()), pk=values.pop("company_id")
        )
        agent = get_object_or_404(
            selectors.agent_list(actor=self.actor()), pk=values.pop("agent_id")
        )
        contract = services.contract_register(
            actor=self.actor(), company=company, agent=agent, **values
        )
        return Response(ContractOutput(contract).data, status=status.HTTP_201_CREATED)


class ContractDetailApi(_Scoped):
    """One company-agent contract the caller may see."""

    serializer_class = ContractOutput

    @extend_schema(responses={200: ContractOutput, **error_responses(404)})
    def get(self, request: Request, contract_id: int) -> Response:
        contract = get_object_or_404(selectors.contract_list(actor=self.actor()), pk=contract_id)
        return Response(ContractOutput(contract).data)


class ContractTerminateApi(_Scoped):
    """Terminate a company-agent contract (ministry licensing officers)."""

    required_roles = LICENSING
    serializer_class = ContractOutput

    @extend_schema(
        request=ReasonInput, responses={200: ContractOutput, **error_responses(403, 404, 409)}
    )
    def post(self, request: Request, contract_id: int) -> Response:
        contract = get_object_or_404(selectors.contract_list(actor=self.actor()), pk=contract_id)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        contract = services.contract_terminate(
            actor=self.actor(), contract=contract, **data.validated_data
        )
        return Response(ContractOutput(contract).data)
