"""Pages of applications: lists with the company's bulk decisions, one application with
its history and the actions its viewer may take, and correcting a returned one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from masar.accounts.models import User
from masar.applications import disclosure, selectors, services
from masar.applications.api.applications import APPLICATION
from masar.applications.forms import PilgrimForm, ReasonForm, add_service_errors
from masar.applications.models import Application, Group, SavedSearch
from masar.applications.pilgrim_input import FIELDS
from masar.applications.services import searches
from masar.applications.services.transitions import transition_allowed
from masar.applications.states import EDITABLE_STATUSES, TRANSITIONS, ApplicationStatus
from masar.applications.views.common import actor_of, is_agent, is_company
from masar.core.errors import MasarError, Unprocessable
from masar.core.pagination import KeysetPaginator, capped_count
from masar.core.params import is_whole_number
from masar.core.reads import personal_data_read
from masar.web.case_file import case_file

#: The most applications one bulk action takes from a search.
BULK_LIMIT = 500
#: The most groups whose applications a search by group name adds.
GROUP_MATCHES = 20


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    qs = selectors.application_list(actor=actor)
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()[:100]
    qs = application_search(qs, actor=actor, status=status, q=q)
    page = KeysetPaginator(qs, 50, ordering=["-id"]).get_page(request.GET.get("cursor"))
    personal_data_read(request, record_type=APPLICATION, ids=[a.pk for a in page])
    return render(
        request,
        "applications/applications.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": disclosure.status_choices(actor),
            "counts": disclosure.shown_counts(
                actor, selectors.status_counts_capped(selectors.application_list(actor=actor))
            ),
            "can_decide": is_company(actor),
            "reason_form": ReasonForm(),
            "saved_searches": SavedSearch.objects.filter(user=actor),
            "name_matches": selectors.NAME_MATCHES if selectors.is_name_search(q) else None,
            "matching_submitted": (
                capped_count(qs.filter(status=ApplicationStatus.SUBMITTED))
                if is_company(actor)
                else 0
            ),
        },
    )


def application_search(qs: Any, *, actor: User, status: str = "", q: str = "") -> Any:
    """A list filtered by status (as the reader sees statuses: `under_review` for the
    submitting side) and by what the clerk typed: an application, passport or visa number
    or part of a pilgrim's name (`selectors.application_search`, on indexes), a group's
    number, or part of a group's name (the groups table is small)."""
    if status:
        qs = qs.filter(status__in=disclosure.status_filter(actor, status))
    if q:
        found = selectors.application_search(qs, q, actor=actor)
        # The groups first (a small table): an `OR` with a subquery that may be empty
        # makes the planner walk the whole list looking for its rows.
        groups = Group.objects.filter(name__icontains=q)
        if is_whole_number(q):
            groups = groups | Group.objects.filter(pk=int(q))
        group_ids = list(groups.values_list("pk", flat=True)[:GROUP_MATCHES])
        qs = found | qs.filter(group_id__in=group_ids) if group_ids else found
    return qs


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def applications_bulk(request: HttpRequest) -> HttpResponse:
    """The company approves or returns the applications ticked in a list."""
    actor = actor_of(request)
    if not is_company(actor):
        raise Http404
    action = request.POST.get("action")
    if action not in ("approve", "return"):
        raise Http404
    own = selectors.application_list(actor=actor)
    if request.POST.get("scope") == "filtered":
        # Every submitted application matching the list's search: checked first, with the
        # count; the confirmation posts back the ids, and only those are decided.
        matching = application_search(
            own,
            actor=actor,
            status=ApplicationStatus.SUBMITTED,
            q=request.POST.get("q", "").strip()[:100],
        )
        apps = list(matching.order_by("id")[:BULK_LIMIT])
        if not apps:
            messages.error(request, _("No submitted application matches the search."))
            return _back(request, "applications:applications")
        return render(
            request,
            "applications/bulk_confirm.html",
            {
                "apps": apps,
                "action": action,
                "reason": request.POST.get("reason", "")[:2000],
                "next": request.POST.get("next", ""),
            },
        )
    ids = [int(v) for v in request.POST.getlist("ids") if is_whole_number(v)]
    visible = list(own.filter(pk__in=ids).values_list("pk", flat=True))
    if not visible:
        messages.error(request, _("Tick at least one application."))
        return _back(request, "applications:applications")
    try:
        if action == "approve":
            result = services.applications_company_approve(actor=actor, application_ids=visible)

        elif action == "return":
            result = services.applications_return(
                actor=actor, application_ids=visible, reason=request.POST.get("reason", "")
            )

        else:
            raise Http404
    except MasarError as exc:
        messages.error(request, str(exc.message))
        return _back(request, "applications:applications")
    if result.done:
        n = len(result.done)
        if action == "approve":
            text = ngettext(
                "%(n)d application approved and sent to screening.",
                "%(n)d applications approved and sent to screening.",
                n,
            )
        else:
            text = ngettext(
                "%(n)d application returned to the agent.",
                "%(n)d applications returned to the agent.",
                n,
            )
        messages.success(request, text % {"n": n})
    for pk, failures in result.refused.items():
        number = Application.objects.filter(pk=pk).values_list("number", flat=True).first()
        messages.error(request, f"{number}: " + "; ".join(f.message for f in failures))
    return _back(request, "applications:applications")


def _actions(actor: Any, app: Application) -> list[str]:
    return [
        name
        for name in ("submit", "withdraw", "company_approve", "return")
        if app.status in TRANSITIONS[name].sources
        and transition_allowed(actor, TRANSITIONS[name], app)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    """The case file: the pilgrim and passport, the MRZ, the journey in words, the actions
    and decision the viewer may take, the visa, crossings and stays, violations, and the
    screening evidence for the ministries' staff allowed to see it."""
    actor = actor_of(request)
    app = get_object_or_404(selectors.application_list(actor=actor), pk=application_id)
    failures: list[dict[str, str]] = []
    reason_form = ReasonForm(request.POST or None)
    status_code = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        try:
            if action == "submit":
                services.application_submit(actor=actor, application=app)
                messages.success(request, _("Submitted to the company."))
            elif action == "withdraw":
                services.application_withdraw(actor=actor, application=app, reason=reason)
                messages.success(request, _("The application is withdrawn."))
            elif action == "company_approve":
                services.application_company_approve(actor=actor, application=app)
                messages.success(request, _("Approved: the application goes to screening."))
            elif action == "return":
                services.application_return(actor=actor, application=app, reason=reason)
                messages.success(request, _("Returned to the agent."))
            else:
                raise Http404
        except Unprocessable as exc:
            status_code = 422
            failures = [
                {"field": name, **item} for name, items in exc.fields.items() for item in items
            ]
            messages.error(request, str(exc.message))
        except MasarError as exc:
            status_code = exc.status
            messages.error(request, str(exc.message))
        else:
            return redirect("applications:application", application_id=app.pk)
        app = get_object_or_404(selectors.application_list(actor=actor), pk=application_id)
    personal_data_read(request, record_type=APPLICATION, ids=[app.pk])
    return render(
        request,
        "applications/application_detail.html",
        {
            **case_file(actor=actor, application=app),
            "app": app,
            "pilgrim": app.pilgrim,
            "actions": _actions(actor, app),
            "can_edit": app.status in EDITABLE_STATUSES
            and is_agent(actor)
            and app.agent.organization_id == actor.organization_id,
            "failures": failures,
            "reason_form": reason_form,
        },
        status=status_code,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    app = get_object_or_404(selectors.application_list(actor=actor), pk=application_id)
    if not is_agent(actor) or app.status not in EDITABLE_STATUSES:
        raise Http404
    person = app.pilgrim
    initial = {name: getattr(person, name) for name in FIELDS}
    form = PilgrimForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                actor=actor,
                application=app,
                pilgrim=form.pilgrim_values(),
                photo=form.cleaned_data.get("photo"),
            )
        except MasarError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The pilgrim's data are saved."))
            return redirect("applications:application", application_id=app.pk)
    return render(
        request,
        "applications/pilgrim_form.html",
        {"form": form, "group": app.group, "application": app},
    )


@login_required
def application_photo(request: HttpRequest, application_id: int) -> FileResponse:
    """The pilgrim's photo, to those who may see the application only."""

    app = get_object_or_404(selectors.application_list(actor=actor_of(request)), pk=application_id)
    if not app.pilgrim.photo:
        raise Http404
    return FileResponse(app.pilgrim.photo.open("rb"))


@login_required
@require_POST
def saved_searches(request: HttpRequest) -> HttpResponse:
    """Save the list's current search under a name, or delete a saved one."""
    actor = actor_of(request)
    try:
        if is_whole_number(delete := request.POST.get("delete", "")):
            searches.saved_search_delete(actor=actor, search_id=int(delete))
            messages.success(request, _("The saved search is deleted."))
        else:
            search = searches.saved_search_save(
                actor=actor,
                name=request.POST.get("name", ""),
                q=request.POST.get("q", ""),
                status=request.POST.get("status", ""),
            )
            messages.success(request, _("Search saved as “%(name)s”.") % {"name": search.name})
    except MasarError as exc:
        messages.error(request, str(exc.message))
    return _back(request, "applications:applications")
