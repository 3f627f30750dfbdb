from django.urls import path

from masar.compliance import api

urlpatterns = [
    path(
        "companies/<int:company_id>/compliance/",
        api.CompanyComplianceApi.as_view(),
        name="company-compliance",
    ),
    path(
        "companies/<int:company_id>/guarantee/",
        api.GuaranteeApi.as_view(),
        name="company-guarantee",
    ),
    path("violations/", api.ViolationListApi.as_view(), name="violation-list"),
    path(
        "violations/<int:violation_id>/", api.ViolationDetailApi.as_view(), name="violation-detail"
    ),
    path(
        "violations/<int:violation_id>/appeal/",
        api.ViolationAppealApi.as_view(),
        name="violation-appeal",
    ),
    path("penalties/", api.PenaltyListApi.as_view(), name="penalty-list"),
    path(
        "penalties/<int:penalty_id>/appeal/", api.PenaltyAppealApi.as_view(), name="penalty-appeal"
    ),
    path("penalties/<int:penalty_id>/lift/", api.PenaltyLiftApi.as_view(), name="penalty-lift"),
    path("appeals/", api.AppealListApi.as_view(), name="appeal-list"),
    path("appeals/<int:appeal_id>/decide/", api.AppealDecideApi.as_view(), name="appeal-decide"),
    path("fines/", api.InvoiceListApi.as_view(), name="fine-list"),
    path("fines/<int:invoice_id>/payments/", api.PaymentApi.as_view(), name="fine-payments"),
    path("compliance/notices/", api.NoticeListApi.as_view(), name="compliance-notices"),
    path("compliance/league/", api.LeagueApi.as_view(), name="compliance-league"),
    path("compliance/ratings/", api.RatingsApi.as_view(), name="compliance-ratings"),
    path(
        "compliance/satisfaction/",
        api.SatisfactionImportApi.as_view(),
        name="compliance-satisfaction",
    ),
    path(
        "seasons/<int:season_id>/compliance-rules/",
        api.RulesApi.as_view(),
        name="compliance-rules",
    ),
]
