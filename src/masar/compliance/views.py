"""Pages of the compliance app: a company's compliance page (its own, or any for ministry
staff) with the appeal form, the ministry's league table with charts and filters, the
appeal review queue, and the season's settings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masar.accounts.models import User
from masar.accounts.permissions import is_licensing_staff
from masar.compliance import selectors, services
from masar.compliance.error_codes import ComplianceError
from masar.compliance.models import (
    AUTOMATIC_TYPES,
    Appeal,
    AppealFile,
    AppealStatus,
    Invoice,
    Penalty,
    ViolationType,
)
from masar.compliance.services.common import is_inspector
from masar.compliance.services.settings import RULE_FIELDS
from masar.core.errors import MasarError, ValidationFailed
from masar.core.params import is_whole_number
from masar.operators.models import Company
from masar.seasons.models import Season


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _ministry(request: HttpRequest) -> User:
    user = _user(request)
    if not selectors.is_ministry(user):
        raise PermissionDenied
    return user


def _season(request: HttpRequest) -> Season:
    value = request.GET.get("season", "")
    season = (
        Season.objects.filter(pk=int(value)).first()
        if is_whole_number(value)
        else selectors.current_season()
    )
    if season is None:
        raise Http404
    return season


@login_required
def my_compliance(request: HttpRequest) -> HttpResponse:
    """`/compliance/`: a company's own page; ministry staff go to the league table."""
    user = _user(request)
    if selectors.is_ministry(user):
        return redirect("compliance:league")
    company = Company.objects.filter(organization=user.organization).first()
    if company is None:
        raise PermissionDenied
    return company_page(request, company.pk)


@login_required
@require_http_methods(["GET", "POST"])
def company_page(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _user(request)
    season = _season(request)
    try:
        view = selectors.company_compliance(actor=user, company_id=company_id, season=season)
    except MasarError:
        raise Http404 from None
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "appeal":
        violation_id = request.POST.get("violation", "")
        try:
            violation = selectors.violation_get(
                actor=user, violation_id=int(violation_id) if is_whole_number(violation_id) else 0
            )
            services.appeal_file(
                actor=user,
                violation=violation,
                statement=request.POST.get("statement", ""),
                files=request.FILES.getlist("files"),
            )
        except MasarError as exc:
            errors.append(str(exc.message))
        else:
            messages.success(request, _("Your appeal is filed."))
            return redirect(request.get_full_path())
    elif request.method == "POST" and request.POST.get("action") in STAFF_ACTIONS:
        try:
            done = _staff_action(request, user, view.company, season)
        except MasarError as exc:
            errors.append(str(exc.message))
            errors += [str(p) for ps in exc.fields.values() for p in ps]
        else:
            messages.success(request, done)
            return redirect(request.get_full_path())
    context: dict[str, Any] = {
        "view": view,
        "s": view.standing,
        "seasons": Season.objects.order_by("-starts_on"),
        "season": season,
        "is_company": view.company.organization_id == user.organization_id,
        "errors": errors,
        "language": request.LANGUAGE_CODE,
        "can_inspect": is_inspector(user),
        "can_review": is_licensing_staff(user),
        "inspector_types": [
            (value, label) for value, label in ViolationType.choices if value not in AUTOMATIC_TYPES
        ],
        "posted": request.POST if errors else {},
    }
    return render(request, "compliance/company.html", context, status=400 if errors else 200)


STAFF_ACTIONS = ("raise", "lift", "pay")


def _staff_action(request: HttpRequest, user: User, company: Company, season: Season) -> str:
    """A ministry action from the company's compliance page: an inspector raises a
    violation; licensing staff lift a penalty or record a fine payment. The services
    check who may."""
    post = request.POST
    action = post.get("action")
    if action == "raise":
        try:
            occurred = parse_date(post.get("occurred_on", ""))
        except ValueError:
            occurred = None
        if occurred is None:
            raise ValidationFailed(
                ComplianceError.INVALID_TYPE,
                _("Give the date of the violation."),
                fields={"occurred_on": [_("Required.")]},
            )
        agent_id = post.get("agent", "")
        contract = (
            company.contracts.select_related("agent").filter(agent_id=int(agent_id)).first()
            if is_whole_number(agent_id)
            else None
        )
        agent = contract.agent if contract is not None else None
        violation = services.violation_raise(
            actor=user,
            season=season,
            company=company,
            violation_type=post.get("violation_type", ""),
            occurred_on=occurred,
            description=post.get("description", ""),
            agent=agent,
            evidence=request.FILES.getlist("evidence"),
        )
        return _("Violation %(number)s raised.") % {"number": violation.number}
    if action == "lift":
        penalty = get_object_or_404(Penalty, pk=_whole(post.get("penalty", "")), company=company)
        services.penalty_lift(actor=user, penalty=penalty, reason=post.get("reason", "").strip())
        return _("The penalty is lifted.")
    invoice = get_object_or_404(Invoice, pk=_whole(post.get("invoice", "")), company=company)
    try:
        amount = Decimal(post.get("amount_sar", "").strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationFailed(
            ComplianceError.INVALID_AMOUNT,
            _("A payment must be a positive amount."),
            fields={"amount_sar": [_("Must be greater than zero.")]},
        ) from None
    services.payment_record(
        actor=user, invoice=invoice, amount_sar=amount, reference=post.get("reference", "")
    )
    return _("The payment is recorded.")


def _whole(value: str) -> int:
    return int(value) if is_whole_number(value) else 0


@login_required
def league(request: HttpRequest) -> HttpResponse:
    """The ministry's league table: companies by overstay rate and rating, with bars."""
    _ministry(request)
    season = _season(request)
    nationality = request.GET.get("nationality", "").strip().upper()[:3]
    rows = selectors.league_table(season=season, nationality=nationality)
    rules = services.rules_for(season)
    return render(
        request,
        "compliance/league.html",
        {
            "rows": rows,
            "season": season,
            "seasons": Season.objects.order_by("-starts_on"),
            "nationality": nationality,
            "rules": rules,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeals(request: HttpRequest) -> HttpResponse:
    """The appeal review queue (ministry staff see it; licensing staff decide)."""
    user = _ministry(request)
    can_decide = is_licensing_staff(user)
    errors: list[str] = []
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        appeal = get_object_or_404(Appeal, pk=request.POST.get("appeal", "0") or 0)
        fine: Decimal | None = None
        points: int | None = None
        try:
            if request.POST.get("fine_sar"):
                fine = Decimal(request.POST["fine_sar"])
            if is_whole_number(request.POST.get("points", "")):
                points = int(request.POST["points"])
            services.appeal_decide(
                actor=user,
                appeal=appeal,
                decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", ""),
                fine_sar=fine,
                points=points,
            )
        except InvalidOperation:
            errors.append(_("The fine must be a number."))
        except MasarError as exc:
            errors.append(str(exc.message))
        else:
            messages.success(request, _("The appeal is decided."))
            return redirect("compliance:appeals")
    pending = selectors.appeal_list(actor=user, filters={"status": AppealStatus.PENDING})
    decided = selectors.appeal_list(actor=user).exclude(status=AppealStatus.PENDING)[:30]
    return render(
        request,
        "compliance/appeals.html",
        {"pending": pending, "decided": decided, "can_decide": can_decide, "errors": errors},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules_page(request: HttpRequest, season_id: int) -> HttpResponse:
    """A season's compliance settings and penalty schedule; licensing staff change them."""
    user = _ministry(request)
    season = get_object_or_404(Season, pk=season_id)
    can_edit = is_licensing_staff(user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        changes: dict[str, Any] = {}
        for name, field in RULE_FIELDS.items():
            raw = request.POST.get(name)
            if field.get_internal_type() == "BooleanField":
                changes[name] = raw == "on"
            elif raw is None:
                continue
            elif field.get_internal_type() in ("PositiveIntegerField", "PositiveSmallIntegerField"):
                changes[name] = int(raw) if is_whole_number(raw.strip()) else raw
            else:
                changes[name] = raw.strip()
        schedule: dict[str, dict[str, Any]] = {}
        for code in ViolationType.values:
            if f"{code}-fine_sar" not in request.POST:
                continue  # a row the form did not send is left as it is
            fine = request.POST.get(f"{code}-fine_sar", "").strip()
            pts = request.POST.get(f"{code}-points", "").strip()
            schedule[code] = {
                "fine_sar": fine,
                "points": int(pts) if is_whole_number(pts) else pts,
                "agent_charged": request.POST.get(f"{code}-agent_charged") == "on",
            }
        try:
            services.compliance_rules_update(
                actor=user, season=season, changes=changes, schedule=schedule
            )
        except MasarError as exc:
            errors = exc.fields or {"__all__": [str(exc.message)]}
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("compliance:rules", season_id=season.pk)
    rules = services.rules_for(season)
    schedule_rows = services.schedule_for(season)
    fields = [
        {
            "name": name,
            "label": field.verbose_name,
            "help": field.help_text,
            "value": getattr(rules, name),
            "kind": field.get_internal_type(),
            "choices": field.choices,
            "errors": errors.get(name, []),
        }
        for name, field in RULE_FIELDS.items()
    ]
    return render(
        request,
        "compliance/rules.html",
        {
            "season": season,
            "fields": fields,
            "schedule": [schedule_rows[code] for code in ViolationType.values],
            "can_edit": can_edit,
            "errors": errors,
        },
    )


@login_required
@require_http_methods(["GET"])
def appeal_file(request: HttpRequest, file_id: int) -> FileResponse:
    """An appeal's attachment, for the company that filed it and the ministry's staff."""
    user = _user(request)
    found = (
        AppealFile.objects.filter(pk=file_id, appeal__in=selectors.appeal_list(actor=user))
        .only("file", "name")
        .first()
    )
    if found is None or not found.file:
        raise Http404
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)
