"""Pages of groups: list, create, detail with bulk submission; adding a pilgrim with an
MRZ that fills the form; manifest uploads with live progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from masar.applications import disclosure, selectors, services
from masar.applications.api.applications import APPLICATION
from masar.applications.api.manifests import report_response, template_response
from masar.applications.forms import GroupForm, ManifestUploadForm, PilgrimForm, add_service_errors
from masar.applications.pilgrim_input import mrz_text
from masar.applications.services.common import agent_of_actor
from masar.applications.states import ApplicationStatus
from masar.applications.views.common import actor_of, is_agent, is_company, is_htmx
from masar.core.dates import riyadh_today
from masar.core.errors import MasarError
from masar.core.pagination import KeysetPaginator
from masar.core.params import is_whole_number
from masar.core.reads import personal_data_read
from masar.documents import MRZFormatError, parse_mrz
from masar.operators.models import Company, ContractStatus
from masar.seasons.models import Season


@login_required
def groups(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = KeysetPaginator(selectors.group_list(actor=actor), 25).get_page(
        request.GET.get("cursor")
    )
    page.object_list = selectors.groups_with_counts(page.object_list)
    return render(
        request, "applications/groups.html", {"page": page, "can_create": is_agent(actor)}
    )


def _group_choices(actor: Any) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    agent = agent_of_actor(actor)
    seasons = [(s.pk, s.display_name(_lang())) for s in Season.objects.filter(is_open=True)]
    companies = [
        (c.pk, c.organization.display_name(_lang()))
        for c in Company.objects.filter(
            contracts__agent=agent,
            contracts__status=ContractStatus.ACTIVE,
            contracts__valid_until__gte=riyadh_today(),
        )
        .select_related("organization")
        .distinct()
    ]
    return seasons, companies


def _lang() -> str:
    from django.utils.translation import get_language

    return get_language() or "ar"


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not is_agent(actor):
        raise Http404
    seasons, companies = _group_choices(actor)
    form = GroupForm(request.POST or None, seasons=seasons, companies=companies)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        season = get_object_or_404(Season, pk=values.pop("season"))
        company = get_object_or_404(Company, pk=values.pop("company"))
        try:
            group = services.group_create(actor=actor, season=season, company=company, **values)
        except MasarError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The group is created. Add its pilgrims."))
            return redirect("applications:group", group_id=group.pk)
    return render(request, "applications/group_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = actor_of(request)
    group = get_object_or_404(selectors.group_list(actor=actor), pk=group_id)
    result = None
    confirm_drafts: list[int] | None = None
    step = request.POST.get("step", "")
    if (
        request.method == "POST"
        and request.POST.get("action") == "submit_all"
        and step != "confirm"
    ):
        # The check step: how many drafts will go, listed by id so that only those go.
        confirm_drafts = list(
            selectors.application_list(actor=actor)
            .filter(group=group, status=ApplicationStatus.DRAFT)
            .order_by("id")
            .values_list("pk", flat=True)
        )
        if not confirm_drafts:
            messages.info(request, _("There is no draft to submit."))
            confirm_drafts = None
    elif request.method == "POST" and request.POST.get("action") == "submit_all":
        confirmed = [int(v) for v in request.POST.getlist("draft") if is_whole_number(v)]
        try:
            result = services.group_submit(actor=actor, group=group, application_ids=confirmed)
        except MasarError as exc:
            messages.error(request, str(exc.message))
        else:
            if result.done:
                n = len(result.done)
                messages.success(
                    request,
                    ngettext(
                        "%(n)d application was submitted.", "%(n)d applications were submitted.", n
                    )
                    % {"n": n},
                )
            if not result.done and not result.refused:
                messages.info(request, _("There is no draft to submit."))
    apps = selectors.group_applications(actor=actor, group=group)
    status = request.GET.get("status", "")
    if status:
        apps = apps.filter(status__in=disclosure.status_filter(actor, status))
    page = KeysetPaginator(apps, 50, ordering=["id"]).get_page(request.GET.get("cursor"))
    personal_data_read(request, record_type=APPLICATION, ids=[a.pk for a in page])
    refused = []
    if result is not None and result.refused:
        numbers = dict(apps.model.objects.filter(pk__in=result.refused).values_list("pk", "number"))
        refused = [(numbers.get(pk, pk), failures) for pk, failures in result.refused.items()]
    return render(
        request,
        "applications/group_detail.html",
        {
            "group": group,
            "page": page,
            "status": status,
            "statuses": disclosure.status_choices(actor),
            "counts": disclosure.shown_counts(
                actor,
                selectors.status_counts_capped(
                    selectors.group_applications(actor=actor, group=group)
                ),
            ),
            "jobs": selectors.manifest_job_list(actor=actor).filter(group=group)[:10],
            "is_owner": is_agent(actor) and group.agent.organization_id == actor.organization_id,
            "is_company": is_company(actor),
            "upload_form": ManifestUploadForm(),
            "refused": refused,
            "confirm_drafts": confirm_drafts,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pilgrim_new(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = actor_of(request)
    group = get_object_or_404(selectors.group_list(actor=actor), pk=group_id)
    if not is_agent(actor):
        raise Http404
    form = PilgrimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_create(
                actor=actor,
                group=group,
                pilgrim=form.pilgrim_values(),
                photo=form.cleaned_data.get("photo"),
            )
        except MasarError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The pilgrim is added as a draft application."))
            if request.POST.get("another"):
                return redirect("applications:pilgrim_new", group_id=group.pk)
            return redirect("applications:application", application_id=app.pk)
    return render(request, "applications/pilgrim_form.html", {"form": form, "group": group})


@login_required
@require_POST
def mrz_fill(request: HttpRequest) -> HttpResponse:
    """htmx: read the pasted MRZ and give back the pilgrim fields filled from it."""
    text = mrz_text(request.POST.get("mrz", ""))
    data = request.POST.copy()
    problems: list[str] = []
    parsed = None
    try:
        parsed = parse_mrz(text, today=riyadh_today())
    except MRZFormatError as exc:
        problems.append(str(exc))
    if parsed is not None:
        if parsed.format != "TD3":
            problems.append(_("This is not a passport's MRZ (TD3)."))
        problems.extend(f"{e.field}: {e.message}" for e in parsed.errors)
        filled = {
            "surname": parsed.surname,
            "given_names": parsed.given_names,
            "sex": parsed.sex if parsed.sex in ("M", "F", "X") else "",
            "birth_date": parsed.birth_date.isoformat() if parsed.birth_date else "",
            "nationality": parsed.nationality,
            "passport_number": parsed.document_number,
            "passport_issuing_state": parsed.issuing_state,
            "passport_expiry_date": parsed.expiry_date.isoformat() if parsed.expiry_date else "",
        }
        for name, value in filled.items():
            if value:
                data[name] = value
        data["mrz"] = text
    initial = {name: data.get(name, "") for name in PilgrimForm.base_fields if name != "photo"}
    form = PilgrimForm(initial=initial)
    return render(
        request,
        "applications/partials/pilgrim_fields.html",
        {"form": form, "mrz_problems": problems, "mrz_read": parsed is not None and not problems},
    )


@login_required
@require_POST
def manifest_upload(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = actor_of(request)
    group = get_object_or_404(selectors.group_list(actor=actor), pk=group_id)
    form = ManifestUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = services.manifest_job_create(
                actor=actor,
                group=group,
                upload=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
            )
        except MasarError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("applications:job", job_id=job.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("applications:group", group_id=group.pk)


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(selectors.manifest_job_list(actor=actor_of(request)), pk=job_id)
    template = "applications/partials/job_progress.html" if is_htmx(request) else None
    context = {"job": job, "rejections": job.rejections.order_by("row_number")[:50]}
    return render(request, template or "applications/job_detail.html", context)


@login_required
def job_report(request: HttpRequest, job_id: int, kind: str) -> HttpResponseBase:
    job = get_object_or_404(selectors.manifest_job_list(actor=actor_of(request)), pk=job_id)
    try:
        return report_response(job, kind)
    except MasarError as exc:
        messages.error(request, str(exc.message))
        return redirect("applications:job", job_id=job.pk)


@login_required
def manifest_template(request: HttpRequest, kind: str) -> HttpResponse:
    return template_response(kind)
