"""Pages of the whereabouts app: the alerts (a company answers its own from here), the
ministries' pages (where is this pilgrim now, occupancy of the hotels, pilgrims whose
whereabouts are unknown by company and nationality), each list exportable as CSV or XLSX."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from masar.accounts.models import User
from masar.border.lists import CITY_NAMES
from masar.core.errors import MasarError
from masar.core.pagination import KeysetPaginator, capped_count
from masar.core.reads import personal_data_read
from masar.lodging.models import City
from masar.whereabouts import exports, selectors
from masar.whereabouts.models import AlertAnswer, AlertKind
from masar.whereabouts.services import alert_answer, can_answer

PAGE_SIZE = 50
#: City labels: the lodging cities, and the ports' cities (kept by their English name).
CITY_LABELS: dict[str, Any] = {
    **{name.lower(): label for name, label in CITY_NAMES.items()},
    **dict(City.choices),
}
ALERT = "whereabouts.whereaboutsalert"

STATUS_LABELS = {
    "active": gettext_lazy("Standing (open, answered, escalated)"),
    "open": gettext_lazy("Awaiting the company's answer"),
    "escalated": gettext_lazy("Escalated to the ministries"),
    "answered": gettext_lazy("Answered"),
    "closed": pgettext_lazy("alert", "Closed"),
    "all": gettext_lazy("All"),
}


def _reader(request: HttpRequest) -> User:
    if not selectors.is_reader(request.user):
        raise PermissionDenied
    assert isinstance(request.user, User)
    return request.user


def _ministry(request: HttpRequest) -> User:
    if not selectors.is_ministry_reader(request.user):
        raise PermissionDenied
    assert isinstance(request.user, User)
    return request.user


def _rtl() -> bool:
    return (get_language() or "ar").startswith("ar")


def _page(request: HttpRequest, qs: Any) -> Any:
    return KeysetPaginator(qs, PAGE_SIZE).get_page(request.GET.get("cursor"))


def _list_context(actor: User, filters: selectors.AlertFilters) -> dict[str, Any]:
    return {
        "filters": filters,
        "statuses": list(STATUS_LABELS.items()),
        "kinds": AlertKind.choices,
        "can_answer": can_answer(actor),
        "ministry": selectors.is_ministry_reader(actor),
        "now": timezone.now(),
    }


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """The alerts the reader may see, newest first; the company answers from here."""
    actor = _reader(request)
    filters = selectors.AlertFilters.from_query(request.GET)
    qs = selectors.alert_list(actor, filters)
    page = _page(request, qs)
    personal_data_read(request, record_type=ALERT, ids=[a.pk for a in page])
    context = _list_context(actor, filters)
    context.update(page=page, total=capped_count(qs))
    return render(request, "whereabouts/alerts.html", context)


@login_required
@require_GET
def alerts_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    actor = _reader(request)
    qs = selectors.alert_list(actor, selectors.AlertFilters.from_query(request.GET))
    personal_data_read(request, record_type=ALERT, total=qs.count())
    return exports.export_response(
        fmt, "whereabouts-alerts", exports.ALERT_HEADER, exports.alert_rows(qs), rtl=_rtl()
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=gettext_lazy("Answer"), choices=AlertAnswer.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason, where the pilgrim is"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when the pilgrim moved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, alert_id: int) -> HttpResponse:
    """The company's answer to one alert about its pilgrim."""
    actor = _reader(request)
    if not can_answer(actor):
        raise PermissionDenied
    alert = selectors.alert_get(actor, alert_id)
    if alert is None:
        raise Http404
    personal_data_read(request, record_type=ALERT, ids=[alert.pk])
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST" and not alert.is_answerable:
        status = 409
        form = AnswerForm()
    elif request.method == "POST":
        if form.is_valid():
            try:
                alert_answer(
                    actor=actor,
                    alert=alert.pk,
                    answer=form.cleaned_data["answer"],
                    reason=form.cleaned_data["reason"],
                )
            except MasarError as exc:
                for name, problems in exc.fields.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, str(problem))
                if not exc.fields:
                    form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Your answer was recorded."))
                return redirect("whereabouts:alerts")
        status = 400
    return render(
        request,
        "whereabouts/answer.html",
        {"alert": alert, "form": form, "now": timezone.now()},
        status=status,
    )


@login_required
@require_GET
def pilgrim(request: HttpRequest) -> HttpResponse:
    """Where is this pilgrim now: the last known event with its source, and the alerts."""
    actor = _reader(request)
    key = (request.GET.get("q") or "").strip()[:40]
    found = selectors.pilgrim_find(actor, key) if key else None
    whereabouts = selectors.pilgrim_whereabouts(actor, found) if found is not None else None
    place_name = city_label = ""
    if found is not None:
        personal_data_read(request, record_type="applications.application", ids=[found.pk])
    known = whereabouts.last_known if whereabouts is not None else None
    if known is not None:
        place_name = known.place_name_ar if _rtl() and known.place_name_ar else known.place_name_en
        city_label = str(CITY_LABELS.get(known.city.lower(), known.city))
    return render(
        request,
        "whereabouts/pilgrim.html",
        {
            "q": key,
            "whereabouts": whereabouts,
            "not_found": bool(key) and found is None,
            "ministry": selectors.is_ministry_reader(actor),
            "place_name": place_name,
            "city_label": city_label,
        },
        status=404 if key and found is None else 200,
    )


def _city(request: HttpRequest) -> str:
    city = (request.GET.get("city") or "").strip()
    return city if city in City.values else ""


@login_required
@require_GET
def occupancy(request: HttpRequest) -> HttpResponse:
    """Guests checked in per city and hotel, against the beds and tonight's plans."""
    _ministry(request)
    city = _city(request)
    return render(
        request,
        "whereabouts/occupancy.html",
        {
            "cities": selectors.occupancy(city=city),
            "city": city,
            "city_choices": City.choices,
            "ministry": True,
        },
    )


OCCUPANCY_HEADER = ("city", "hotel", "licence_number", "beds", "guests", "planned_tonight", "free")


@login_required
@require_GET
def occupancy_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    _ministry(request)
    rows = [
        [
            c.city,
            exports.cell(h.hotel.organization.code),
            exports.cell(h.hotel.licence_number),
            h.hotel.beds,
            h.guests,
            h.planned,
            h.free,
        ]
        for c in selectors.occupancy(city=_city(request))
        for h in c.hotels
    ]
    return exports.export_response(fmt, "occupancy", OCCUPANCY_HEADER, rows, rtl=_rtl())


@login_required
@require_GET
def unknown(request: HttpRequest) -> HttpResponse:
    """Pilgrims whose whereabouts are unknown: counted by company and by nationality, and
    listed (an alert unanswered, or answered with an absconding report)."""
    actor = _ministry(request)
    filters = selectors.AlertFilters.from_query(request.GET)
    qs = selectors.unknown_list(actor, filters)
    page = _page(request, qs)
    personal_data_read(request, record_type=ALERT, ids=[a.pk for a in page])
    language = get_language() or "ar"
    return render(
        request,
        "whereabouts/unknown.html",
        {
            "filters": filters,
            "kinds": AlertKind.choices,
            "by_company": selectors.unknown_counts(actor, by="company", language=language),
            "by_nationality": selectors.unknown_counts(actor, by="nationality"),
            "page": page,
            "total": capped_count(qs),
            "ministry": True,
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def unknown_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    actor = _ministry(request)
    qs = selectors.unknown_list(actor, selectors.AlertFilters.from_query(request.GET))
    personal_data_read(request, record_type=ALERT, total=qs.count())
    return exports.export_response(
        fmt, "whereabouts-unknown", exports.ALERT_HEADER, exports.alert_rows(qs), rtl=_rtl()
    )
