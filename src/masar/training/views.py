"""Training pages: the catalogue, a session, my training, a trainer's sheet, the dashboard,
the certificate PDF and the public verification page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from masar.accounts.models import User
from masar.accounts.roles import Role
from masar.core.dates import riyadh_today
from masar.core.errors import MasarError, ValidationFailed
from masar.core.params import is_whole_number
from masar.training import selectors, services
from masar.training.error_codes import TrainingError
from masar.training.models import Delivery, EnrolmentStatus, Programme, Session
from masar.training.pdf import certificate_pdf


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    courses = selectors.course_list(actor=actor).order_by("programme__code", "code")
    programme = request.GET.get("programme", "").strip()
    delivery = request.GET.get("delivery", "").strip()
    if programme:
        courses = courses.filter(programme__code=programme)
    if delivery:
        courses = courses.filter(delivery=delivery)
    upcoming: dict[int, list[Session]] = {}
    for session in selectors.session_upcoming(actor=actor).filter(course__in=courses):
        upcoming.setdefault(session.course_id, []).append(session)
    context = {
        "courses": [(course, upcoming.get(course.pk, [])) for course in courses],
        "programmes": Programme.objects.filter(is_active=True).order_by("code"),
        "deliveries": Delivery.choices,
        "programme": programme,
        "delivery": delivery,
        "my_roles": actor.roles,
    }
    template = "training/partials/course_list.html" if _htmx(request) else "training/catalogue.html"
    return render(request, template, context)


def _session_context(actor: User, session: Session) -> dict[str, Any]:
    enrolments = list(selectors.session_enrolments(actor=actor, session=session))
    mine = next(
        (e for e in enrolments if e.person_id == actor.pk and e.is_active),
        None,
    )
    return {
        "session": session,
        "course": session.course,
        "enrolments": enrolments,
        "mine": mine,
        "position": selectors.waitlist_position(mine)
        if mine is not None and mine.status == EnrolmentStatus.WAITLISTED
        else None,
        "people": list(selectors.nominable_people(actor=actor)),
        "can_self_enrol": session.course.self_enrolment,
        "open": session.status == "scheduled" and session.ends_on >= riyadh_today(),
    }


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = _actor(request)
    session = get_object_or_404(selectors.session_list(actor=actor), pk=session_id)
    return render(request, "training/session.html", _session_context(actor, session))


@login_required
@require_POST
def session_enrol(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = _actor(request)
    session = get_object_or_404(selectors.session_list(actor=actor), pk=session_id)
    person_id = request.POST.get("person_id", "").strip()
    person = actor
    error = ""
    if person_id and person_id != str(actor.pk):
        if not is_whole_number(person_id):
            raise Http404
        person = get_object_or_404(selectors.nominable_people(actor=actor), pk=int(person_id))
    try:
        enrolment = services.enrolment_create(
            actor=actor,
            session=session,
            person=person,
            join_waitlist=request.POST.get("join_waitlist", "1") == "1",
        )
    except MasarError as exc:
        error = str(exc.message)
        messages.error(request, error)
    else:
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            messages.warning(
                request,
                _("The session is full: %(name)s is on the waiting list (place %(n)d).")
                % {"name": person.display_name(), "n": selectors.waitlist_position(enrolment)},
            )
        else:
            messages.success(request, _("%s is enrolled.") % person.display_name())
    if _htmx(request):
        session.refresh_from_db()
        context = _session_context(actor, session)
        context["error"] = error
        return render(request, "training/partials/enrolment_panel.html", context)
    return redirect("training:session", session_id=session.pk)


@login_required
@require_POST
def enrolment_cancel(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = _actor(request)
    enrolment = get_object_or_404(selectors.enrolment_list(actor=actor), pk=enrolment_id)
    try:
        services.enrolment_cancel(actor=actor, enrolment=enrolment)
    except MasarError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The enrolment is cancelled."))
    target = request.POST.get("next", "")
    if target == "mine":
        return redirect("training:mine")
    return redirect("training:session", session_id=enrolment.session_id)


@login_required
def my_training(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    data = selectors.my_training(actor=actor)
    today = riyadh_today()
    language = get_language() or "ar"
    role_labels = dict(Role.choices)
    blocked = []
    for role in sorted(actor.roles):
        missing = services.missing_certificates(person=actor, role=role, on=today)
        if missing:
            blocked.append(
                {
                    "role": role_labels.get(role, role),
                    "courses": [r.course.display_name(language) for r in missing],
                }
            )
    return render(
        request,
        "training/mine.html",
        {
            "enrolments": data.enrolments,
            "positions": data.waitlist_positions,
            "certificates": [(c, c.state_on(today)) for c in data.certificates],
            "blocked": blocked,
        },
    )


@login_required
def trainer_sessions(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not actor.has_role(Role.TRAINER, Role.SUPERVISOR):
        raise PermissionDenied
    sessions = selectors.trainer_session_list(actor=actor).order_by("-starts_on", "id")
    return render(request, "training/trainer_sessions.html", {"sessions": sessions[:200]})


def _sheet_day(request: HttpRequest, session: Session) -> dt.date:
    days = session.days()
    raw = request.POST.get("day") or request.GET.get("day") or ""
    try:
        chosen = dt.date.fromisoformat(raw)
    except ValueError:
        chosen = min(max(riyadh_today(), session.starts_on), session.ends_on)
    return chosen if chosen in days else days[0]


def _sheet_context(actor: User, session: Session, day: dt.date) -> dict[str, Any]:
    enrolments = [
        e
        for e in selectors.session_enrolments(actor=actor, session=session)
        if e.status
        in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED)
    ]
    marks = selectors.attendance_sheet(session=session)
    today = riyadh_today()
    rows = [
        {
            "enrolment": e,
            "marks": [marks.get((e.pk, d)) for d in session.days()],
            "today_mark": marks.get((e.pk, day)),
        }
        for e in enrolments
    ]
    return {
        "session": session,
        "course": session.course,
        "days": session.days(),
        "day": day,
        "day_in_future": day > today,
        "rows": rows,
        "closed": session.status != "scheduled",
        "can_close": session.status == "scheduled" and today >= session.ends_on,
        "waiting": session.waitlisted_count,
    }


@login_required
@require_http_methods(["GET", "POST"])
def trainer_session(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = _actor(request)
    if not actor.has_role(Role.TRAINER, Role.SUPERVISOR):
        raise PermissionDenied
    session = get_object_or_404(selectors.trainer_session_list(actor=actor), pk=session_id)
    day = _sheet_day(request, session)
    status = 200
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _sheet_action(request, actor, session, action, day)
        except MasarError as exc:
            messages.error(request, str(exc.message))
            errors = exc.fields
            status = 400
        else:
            return redirect(
                reverse("training:trainer-session", args=[session.pk]) + f"?day={day.isoformat()}"
            )
        session.refresh_from_db()
    context = _sheet_context(actor, session, day)
    context["errors"] = errors
    template = "training/partials/sheet.html" if _htmx(request) else "training/trainer_session.html"
    return render(request, template, context, status=status)


def _sheet_action(
    request: HttpRequest, actor: User, session: Session, action: str, day: dt.date
) -> None:
    enrolled = [e.person_id for e in session.enrolments.filter(status=EnrolmentStatus.ENROLLED)]
    if action in ("attendance", "attendance_all"):
        all_present = action == "attendance_all"
        marks = {pid: all_present or request.POST.get(f"present_{pid}") == "1" for pid in enrolled}
        present, absent = services.attendance_record(
            actor=actor, session=session, day=day, marks=marks
        )
        messages.success(
            request,
            _("Attendance of %(day)s recorded: %(p)d present, %(a)d absent.")
            % {"day": day.isoformat(), "p": present, "a": absent},
        )
    elif action == "scores":
        scores: dict[int, Decimal] = {}
        bad: list[str] = []
        for pid in enrolled:
            raw = request.POST.get(f"score_{pid}", "").strip()
            if not raw:
                continue
            try:
                scores[pid] = Decimal(raw)
            except InvalidOperation:
                bad.append(raw)
        if bad:
            raise ValidationFailed(
                TrainingError.INVALID_SCORE,
                _("A score is a percentage from 0 to 100, not: %s") % ", ".join(bad),
            )
        if scores:
            count = services.scores_record(actor=actor, session=session, scores=scores)
            messages.success(
                request,
                ngettext("%(n)d score recorded.", "%(n)d scores recorded.", count) % {"n": count},
            )
    elif action == "import":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(TrainingError.INVALID_IMPORT, _("Choose a CSV file to import."))
        result = services.session_sheet_import(actor=actor, session=session, content=upload.read())
        messages.success(
            request,
            _("Imported %(rows)d rows: %(marks)d attendance marks, %(scores)d scores.")
            % {"rows": result.rows, "marks": result.attendance_marks, "scores": result.scores},
        )
    elif action == "close":
        outcome = services.session_close(actor=actor, session=session)
        messages.success(
            request,
            _("Results are final: %(c)d completed (certificates issued), %(n)d did not complete.")
            % {"c": outcome.completed, "n": outcome.not_completed},
        )
    else:
        raise ValidationFailed(TrainingError.NOT_ALLOWED, _("Unknown action."))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    organizations = selectors.dashboard_organizations(actor=actor)
    organization = None
    if selectors.sees_all(actor):
        code = request.GET.get("organization", "").strip()
        if code:
            organization = get_object_or_404(organizations, code=code)
    data = selectors.training_dashboard(actor=actor, organization=organization)
    peak = max([row["completed"] + row["not_completed"] for row in data["by_course"]] or [1])
    month_peak = max([row["completed"] for row in data["by_month"]] or [1])
    language = get_language() or "ar"
    course_bars = [
        {
            "label": row["session__course__title_ar"]
            if language.startswith("ar")
            else row["session__course__title_en"],
            "completed": row["completed"],
            "not_completed": row["not_completed"],
            "completed_width": round(100 * row["completed"] / peak, 1),
            "not_completed_width": round(100 * row["not_completed"] / peak, 1),
        }
        for row in data["by_course"]
    ]
    month_bars = []
    for index, row in enumerate(data["by_month"]):
        height = round(100 * row["completed"] / month_peak, 1)
        month_bars.append(
            {
                "month": row["month"],
                "completed": row["completed"],
                "x": index * 10 + 2,
                "y": round(105 - height, 1),
                "height": height,
            }
        )
    return render(
        request,
        "training/dashboard.html",
        {
            **data,
            "course_bars": course_bars,
            "month_bars": month_bars,
            "month_width": max(len(month_bars), 1) * 10,
            "organizations": organizations if selectors.sees_all(actor) else None,
            "organization": organization if organization else actor.organization,
            "scope_all": selectors.sees_all(actor) and organization is None,
        },
    )


@login_required
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    certificate = get_object_or_404(
        selectors.certificate_list(actor=actor), code=services.certificate_code_normalize(code)
    )
    verify_url = request.build_absolute_uri(reverse("training:verify", args=[certificate.code]))
    pdf = certificate_pdf(certificate=certificate, verify_url=verify_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


def verify_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """Public: shows only the holder's name, the course, the validity and the status."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return render(request, "training/verify.html", {"code": code}, status=404)
    return render(
        request,
        "training/verify.html",
        {
            "code": code,
            "certificate": certificate,
            "state": certificate.state_on(riyadh_today()),
        },
    )
