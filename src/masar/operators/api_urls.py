from django.urls import path

from masar.operators import api

urlpatterns = [
    path("companies/", api.CompanyListApi.as_view(), name="company-list"),
    path("companies/<int:company_id>/", api.CompanyDetailApi.as_view(), name="company-detail"),
    path(
        "companies/<int:company_id>/suspend/",
        api.CompanySuspendApi.as_view(),
        name="company-suspend",
    ),
    path(
        "companies/<int:company_id>/reinstate/",
        api.CompanyReinstateApi.as_view(),
        name="company-reinstate",
    ),
    path(
        "companies/<int:company_id>/revoke/", api.CompanyRevokeApi.as_view(), name="company-revoke"
    ),
    path("agents/", api.AgentListApi.as_view(), name="agent-list"),
    path("agents/<int:agent_id>/", api.AgentDetailApi.as_view(), name="agent-detail"),
    path("contracts/", api.ContractListApi.as_view(), name="contract-list"),
    path("contracts/<int:contract_id>/", api.ContractDetailApi.as_view(), name="contract-detail"),
    path(
        "contracts/<int:contract_id>/terminate/",
        api.ContractTerminateApi.as_view(),
        name="contract-terminate",
    ),
]
