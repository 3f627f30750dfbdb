from django.contrib.auth import views as auth_views
from django.urls import path

from masar.accounts import views as account_views
from masar.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", account_views.second_factor_page, name="otp"),
    path("companies/", views.companies, name="companies"),
    path("companies/new/", views.company_license, name="company-license"),
    path("companies/<int:company_id>/", views.company_detail, name="company"),
    path("agents/new/", views.agent_register, name="agent-register"),
    path("contracts/new/", views.contract_register, name="contract-register"),
    path("agents/", views.agents, name="agents"),
    path("seasons/", views.seasons, name="seasons"),
    path("seasons/<int:season_id>/", views.season_detail, name="season"),
    path("seasons/<int:season_id>/quotas/", views.season_quota, name="season-quota"),
    path("audit/", views.audit, name="audit"),
    path("audit/reads/", views.personal_data_reads, name="personal-data-reads"),
]
