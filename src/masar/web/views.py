from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masar.accounts.access_matrix import Access, access
from masar.accounts.middleware import idle_sign_out_message
from masar.accounts.models import User
from masar.accounts.permissions import is_licensing_staff
from masar.accounts.roles import OrganizationKind
from masar.core.errors import MasarError
from masar.core.labels import action_choices
from masar.core.pagination import KeysetPaginator
from masar.core.selectors import audit_list, personal_data_read_list
from masar.operators import selectors as operator_selectors
from masar.operators import services as operator_services
from masar.seasons import selectors as season_selectors
from masar.seasons import services as season_services
from masar.web import forms as web_forms
from masar.web.selectors import audit_labelled, home_summary
from masar.web.work_queue import work_queue


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo"] = settings.MASAR_ENV != "production"
        context["idle_message"] = idle_sign_out_message(self.request)
        return context


def _actor(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    org = actor.organization
    return render(
        request,
        "web/home.html",
        {
            **home_summary(actor=actor),
            "work": work_queue(actor=actor),
            "now": timezone.now(),
            # the operators' overview is the licensing ministry's work, not every ministry's
            "show_operators": org is not None and org.kind == OrganizationKind.MOHU,
        },
    )


@login_required
def companies(request: HttpRequest) -> HttpResponse:
    qs = operator_selectors.company_list(actor=_actor(request))
    if status := request.GET.get("status"):
        qs = qs.filter(status=status)
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(organization__name_en__icontains=q) | qs.filter(
            organization__name_ar__icontains=q
        )
    page = KeysetPaginator(qs, 25, ordering=["organization__code"]).get_page(
        request.GET.get("cursor")
    )
    htmx = request.headers.get("HX-Request") == "true"
    template = "web/partials/company_rows.html" if htmx else "web/companies.html"
    return render(request, template, {"page": page, "status": status or "", "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def company_detail(request: HttpRequest, company_id: int) -> HttpResponse:
    actor = _actor(request)
    company = get_object_or_404(
        operator_selectors.company_list(actor=actor),
        pk=company_id,
    )
    can_act = is_licensing_staff(actor)
    if request.method == "POST":
        action = request.POST.get("action")
        reason = request.POST.get("reason", "").strip()
        try:
            if action == "suspend":
                operator_services.company_suspend(actor=actor, company=company, reason=reason)
                messages.success(request, _("The company is suspended."))
            elif action == "reinstate":
                operator_services.company_reinstate(actor=actor, company=company, reason=reason)
                messages.success(request, _("The company is reinstated."))
            elif action == "revoke":
                operator_services.company_revoke(actor=actor, company=company, reason=reason)
                messages.success(request, _("The company's licence is cancelled."))
            else:
                messages.error(request, _("Unknown action."))
        except MasarError as exc:
            messages.error(request, str(exc.message))
        return redirect("web:company", company_id=company.pk)
    contracts = operator_selectors.contract_list(actor=actor).filter(company=company)
    history = audit_labelled(
        list(
            audit_list(actor=actor)
            .filter(target_type="operators.company", target_id=str(company.pk))
            .select_related("actor")[:20]
        )
    )
    return render(
        request,
        "web/company_detail.html",
        {"company": company, "contracts": contracts, "history": history, "can_act": can_act},
    )


@login_required
def agents(request: HttpRequest) -> HttpResponse:
    qs = operator_selectors.agent_list(actor=_actor(request))
    if country := request.GET.get("country", "").strip().upper():
        qs = qs.filter(country=country)
    page = KeysetPaginator(qs, 25, ordering=["country", "organization__code"]).get_page(
        request.GET.get("cursor")
    )
    return render(request, "web/agents.html", {"page": page, "country": country})


@login_required
def seasons(request: HttpRequest) -> HttpResponse:
    items = season_selectors.season_list(actor=_actor(request))
    return render(request, "web/seasons.html", {"seasons": items})


@login_required
def season_detail(request: HttpRequest, season_id: int) -> HttpResponse:
    season = get_object_or_404(season_selectors.season_list(actor=_actor(request)), pk=season_id)
    quotas = season_selectors.quota_list(actor=_actor(request), season=season)
    return render(
        request,
        "web/season_detail.html",
        {
            "season": season,
            "quotas": quotas.order_by("-limit"),
            "can_edit": is_licensing_staff(_actor(request)),
            "quota_form": web_forms.QuotaForm(),
        },
    )


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    qs = audit_list(actor=_actor(request)).select_related("organization", "actor")
    if action := request.GET.get("action", "").strip():
        qs = qs.filter(action=action)
    page = KeysetPaginator(qs, 50, ordering=["-id"]).get_page(request.GET.get("cursor"))
    audit_labelled(list(page))
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "action": action,
            "action_choices": action_choices(),
            "can_read_personal_data_reads": access(_actor(request), "personal_data_reads")
            == Access.ALL,
        },
    )


READS_PAGE = 50


@login_required
def personal_data_reads(request: HttpRequest) -> HttpResponse:
    """Who read which personal data, for the ministries' auditors: newest first, filtered
    by user, record and dates, paged by a cursor (the id of the last row shown)."""
    actor = _actor(request)
    if access(actor, "personal_data_reads") != Access.ALL:
        raise PermissionDenied
    form = web_forms.PersonalDataReadFilterForm(request.GET or None)
    rows: list[Any] = []
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        values = form.cleaned_data if form.is_bound else {}
        qs = personal_data_read_list(
            actor=actor,
            username=values.get("user") or "",
            record_type=values.get("record_type") or "",
            record_id=values.get("record"),
            since=values.get("since"),
            until=values.get("until"),
            before=values.get("before"),
        )
        rows = list(qs[: READS_PAGE + 1])
    more = len(rows) > READS_PAGE
    rows = rows[:READS_PAGE]
    following = ""
    if more:
        query = request.GET.copy()
        query["before"] = str(rows[-1].pk)
        following = query.urlencode()
    return render(
        request,
        "web/personal_data_reads.html",
        {"form": form, "rows": rows, "following": following},
        status=status,
    )


def _apply_error(form: forms.Form, exc: MasarError) -> str:
    """Put a service's field errors on the form; return the general message."""
    for name, messages_ in exc.fields.items():
        target = name if name in form.fields else None
        for message in messages_:
            form.add_error(target, str(message))
    return str(exc.message)


def _form_page(
    request: HttpRequest, form: forms.Form, title: str, submit: str, error: str = ""
) -> HttpResponse:
    return render(
        request,
        "web/form.html",
        {"form": form, "title": title, "submit_label": submit, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_license(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not is_licensing_staff(actor):
        raise PermissionDenied
    form = web_forms.CompanyLicenseForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            company = operator_services.company_license(actor=actor, **form.cleaned_data)
        except MasarError as exc:
            error = _apply_error(form, exc)
        else:
            messages.success(request, _("The company is licensed."))
            return redirect("web:company", company_id=company.pk)
    return _form_page(request, form, _("License an Umrah company"), _("License"), error)


@login_required
@require_http_methods(["GET", "POST"])
def agent_register(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not is_licensing_staff(actor):
        raise PermissionDenied
    form = web_forms.AgentRegisterForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            operator_services.agent_register(actor=actor, **form.cleaned_data)
        except MasarError as exc:
            error = _apply_error(form, exc)
        else:
            messages.success(request, _("The agent is registered."))
            return redirect("web:agents")
    return _form_page(request, form, _("Register an overseas agent"), _("Register"), error)


@login_required
@require_http_methods(["GET", "POST"])
def contract_register(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not is_licensing_staff(actor):
        raise PermissionDenied
    form = web_forms.ContractRegisterForm(
        request.POST or None,
        companies=operator_selectors.company_list(actor=actor).order_by("organization__code"),
        agents=operator_selectors.agent_list(actor=actor).order_by("organization__code"),
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            contract = operator_services.contract_register(actor=actor, **form.cleaned_data)
        except MasarError as exc:
            error = _apply_error(form, exc)
        else:
            messages.success(request, _("The contract is registered."))
            return redirect("web:company", company_id=contract.company_id)
    return _form_page(request, form, _("Register a company-agent contract"), _("Register"), error)


@login_required
@require_http_methods(["POST"])
def season_quota(request: HttpRequest, season_id: int) -> HttpResponse:
    actor = _actor(request)
    season = get_object_or_404(season_selectors.season_list(actor=actor), pk=season_id)
    form = web_forms.QuotaForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        holder: dict[str, Any] = {}
        if data["holder_type"] == "company":
            company = (
                operator_selectors.company_list(actor=actor)
                .filter(organization__code=data["holder"])
                .first()
            )
            holder = {"company": company} if company else {}
        elif data["holder_type"] == "agent":
            agent = (
                operator_selectors.agent_list(actor=actor)
                .filter(organization__code=data["holder"])
                .first()
            )
            holder = {"agent": agent} if agent else {}
        else:
            holder = {"country": data["holder"].strip().upper()}
        if not holder:
            messages.error(request, _("No company or agent has this code."))
        else:
            try:
                season_services.quota_set(actor=actor, season=season, limit=data["limit"], **holder)
            except MasarError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("The quota is set."))
    else:
        messages.error(request, _("Check the quota form: every field is required."))
    return redirect("web:season", season_id=season.pk)
