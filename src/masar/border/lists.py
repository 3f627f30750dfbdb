"""The scoped reads behind the border list pages and their CSV exports: who is in the
country now, who is due to leave in the next days, and the overstayers; and who may use
the border pages at all (`is_border_officer`, `can_see_lists`, `can_file_escape_notice`).

Who sees what: the interior ministry and the ministry of Hajj and Umrah everyone; a company
its own pilgrims; an agent its own; any other organization nothing (the pages answer 403).
Kingdom local time (settings.TIME_ZONE) decides what "today" is.

The exports are one query each (`values_list` with the joins, read with `.iterator()`) and
are written to the response in chunks: no row is held in memory longer than its chunk.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from masar.accounts.access_matrix import Access, access
from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind
from masar.border.models import Overstay, OverstayStatus, Port, Stay
from masar.core.params import is_whole_number
from masar.core.spreadsheets import formula_neutralized
from masar.operators.models import Agent, Company, Contract

#: Organizations whose people may read the lists (each within its scope).
LIST_KINDS = frozenset(
    {
        OrganizationKind.MOI,
        OrganizationKind.MOHU,
        OrganizationKind.COMPANY,
        OrganizationKind.AGENT,
    }
)

#: How the "in the country now" list may be grouped: key -> label.
GROUPINGS: dict[str, Any] = {
    "company": _("Company"),
    "agent": _("Agent"),
    "nationality": _("Nationality"),
    "city": _("City of the entry port"),
}

#: Ports keep their city in English (a filter value); pages show it in their language.
CITY_NAMES: dict[str, Any] = {
    "Jeddah": pgettext_lazy("city", "Jeddah"),
    "Makkah": pgettext_lazy("city", "Makkah"),
    "Madinah": pgettext_lazy("city", "Madinah"),
    "Riyadh": pgettext_lazy("city", "Riyadh"),
    "Dammam": pgettext_lazy("city", "Dammam"),
    "Khobar": pgettext_lazy("city", "Khobar"),
    "Taif": pgettext_lazy("city", "Taif"),
    "Yanbu": pgettext_lazy("city", "Yanbu"),
    "Al-Batha": pgettext_lazy("city", "Al-Batha"),
    "Al-Qurayyat": pgettext_lazy("city", "Al-Qurayyat"),
}

OVERSTAY_STATUSES = ("open", "closed", "all")
DUE_DAYS_DEFAULT = 3
DUE_DAYS_MAX = 90
CSV_CHUNK_ROWS = 2000


def is_border_officer(user: Any) -> bool:
    """Who may use the officer's screen: border officers of the interior ministry (the
    services also check the posting at the port)."""
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.organization is not None
        and user.organization.kind == OrganizationKind.MOI
        and user.has_role("border_officer")
    )


def can_see_lists(user: Any) -> bool:
    """Whether the user's organization reads the border lists at all."""
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    org = user.organization
    return org is not None and org.kind in LIST_KINDS


def can_file_escape_notice(user: Any) -> bool:
    """Company staff (and its supervisors) file escape notices for the company's pilgrims."""
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.organization is not None
        and user.organization.kind == OrganizationKind.COMPANY
        and user.has_role("company_staff", "supervisor")
    )


def _scope(actor: User, resource: str) -> Q | None:
    """The filter of the rows the actor may see (the access matrix); None means all of them."""
    org = actor.organization
    level = access(actor, resource)
    if level == Access.ALL:
        return None
    # The operator's id first: `company_id = x` reads the `(company, ...)` indexes, where a
    # join through organizations would list every row before keeping the actor's.
    if level == Access.OWN and org is not None and org.kind == OrganizationKind.COMPANY:
        return Q(
            company_id__in=list(
                Company.objects.filter(organization=org).values_list("pk", flat=True)
            )
        )
    if level == Access.OWN and org is not None and org.kind == OrganizationKind.AGENT:
        return Q(
            agent_id__in=list(Agent.objects.filter(organization=org).values_list("pk", flat=True))
        )
    return Q(pk__in=[])


@dataclass(frozen=True)
class ListFilters:
    """The filters a list page accepts in its query string (unknown values are ignored)."""

    season: int | None = None
    company: int | None = None
    agent: int | None = None
    nationality: str = ""
    city: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ListFilters:
        def number(key: str) -> int | None:
            value = (query.get(key) or "").strip()
            return int(value) if is_whole_number(value) else None

        nationality = (query.get("nationality") or "").strip().upper()
        return cls(
            season=number("season"),
            company=number("company"),
            agent=number("agent"),
            nationality=nationality if len(nationality) == 3 and nationality.isalpha() else "",
            city=(query.get("city") or "").strip()[:60],
        )

    def apply(self, qs: QuerySet[Any], *, city_field: str) -> QuerySet[Any]:
        if self.season is not None:
            qs = qs.filter(season_id=self.season)
        if self.company is not None:
            qs = qs.filter(company_id=self.company)
        if self.agent is not None:
            qs = qs.filter(agent_id=self.agent)
        if self.nationality:
            qs = qs.filter(nationality=self.nationality)
        if self.city:
            qs = qs.filter(**{city_field: self.city})
        return qs

    def is_empty(self) -> bool:
        return self == ListFilters()


def city_label(city: str) -> str:
    return str(CITY_NAMES.get(city, city))


def kingdom_today() -> dt.date:
    return timezone.localdate()


# --- The lists --------------------------------------------------------------------------------


_STAY_RELATED = (
    "application__pilgrim",
    "visa",
    "company__organization",
    "agent__organization",
    "entry_port",
)


def stays_visible(*, actor: User) -> QuerySet[Stay]:
    qs = Stay.objects.all()
    scope = _scope(actor, "stays")
    return qs if scope is None else qs.filter(scope)


def in_country(*, actor: User, filters: ListFilters | None = None) -> QuerySet[Stay]:
    """Everyone who entered and has not left: stays without an exit, newest entry first."""
    qs = stays_visible(actor=actor).filter(exited_at__isnull=True)
    qs = (filters or ListFilters()).apply(qs, city_field="entry_port__city")
    return qs.select_related(*_STAY_RELATED).order_by("-entered_at", "-pk")


def due_to_leave(
    *,
    actor: User,
    days: int = DUE_DAYS_DEFAULT,
    filters: ListFilters | None = None,
    today: dt.date | None = None,
) -> QuerySet[Stay]:
    """Those still in the country whose permitted date of departure falls in the next
    `days` days, today included (days=1 is today only), soonest first."""
    today = today or kingdom_today()
    days = max(1, min(days, DUE_DAYS_MAX))
    last = today + dt.timedelta(days=days - 1)
    return (
        in_country(actor=actor, filters=filters)
        .filter(permitted_departure__gte=today, permitted_departure__lte=last)
        .order_by("permitted_departure", "entered_at", "pk")
    )


def overstayers(
    *, actor: User, status: str = "open", filters: ListFilters | None = None
) -> QuerySet[Overstay]:
    """Overstays with their escape-notice state; the open ones by default, oldest
    permitted departure first."""
    qs = Overstay.objects.all()
    scope = _scope(actor, "overstays")
    if scope is not None:
        qs = qs.filter(scope)
    if status == "open":
        qs = qs.filter(status=OverstayStatus.OPEN)
    elif status == "closed":
        qs = qs.filter(status=OverstayStatus.CLOSED)
    qs = (filters or ListFilters()).apply(qs, city_field="stay__entry_port__city")
    return qs.select_related(
        "application__pilgrim",
        "company__organization",
        "agent__organization",
        "stay__entry_port",
        "stay__visa",
        "escape_notice",
    ).order_by("permitted_departure", "pk")


def overstay_for_notice(*, actor: User, overstay_id: int) -> Overstay | None:
    """One overstay of the actor's company (None when it is not the company's)."""
    if not can_file_escape_notice(actor):
        return None
    return (
        overstayers(actor=actor, status="all")
        .filter(pk=overstay_id)
        .select_related("season")
        .first()
    )


def days_overstayed_so_far(overstay: Overstay, today: dt.date | None = None) -> int:
    """Closed: the recorded figure; open: whole kingdom-local days since the last day on
    which leaving was allowed."""
    if overstay.days_overstayed is not None:
        return overstay.days_overstayed
    return max(0, ((today or kingdom_today()) - overstay.permitted_departure).days)


@dataclass(frozen=True)
class GroupCount:
    key: str
    label: str
    count: int


def group_counts(qs: QuerySet[Stay], *, by: str, language: str = "ar") -> list[GroupCount]:
    """People per company, agent, nationality or city of the entry port (one GROUP BY)."""
    arabic = language.startswith("ar")
    if by in ("company", "agent"):
        rows = (
            qs.order_by()
            .values(key=F(f"{by}_id"))
            .annotate(
                name_en=F(f"{by}__organization__name_en"),
                name_ar=F(f"{by}__organization__name_ar"),
                n=Count("pk"),
            )
            .order_by("-n", "name_en")
        )
        return [
            GroupCount(
                str(r["key"]), (r["name_ar"] if arabic and r["name_ar"] else r["name_en"]), r["n"]
            )
            for r in rows
        ]
    column = "nationality" if by == "nationality" else "entry_port__city"
    label = str if by == "nationality" else city_label
    counted = qs.order_by().values(key=F(column)).annotate(n=Count("pk")).order_by("-n", "key")
    return [GroupCount(str(r["key"]), label(str(r["key"])), r["n"]) for r in counted]


@dataclass(frozen=True)
class FilterChoices:
    companies: list[tuple[int, str]]
    agents: list[tuple[int, str]]
    nationalities: list[str]
    cities: list[tuple[str, str]]


_OPEN_NATIONALITIES_SQL = """
    WITH RECURSIVE n(code) AS (
        SELECT MIN(nationality) FROM border_stay WHERE exited_at IS NULL
        UNION ALL
        SELECT (SELECT MIN(nationality) FROM border_stay
                WHERE exited_at IS NULL AND nationality > n.code)
        FROM n WHERE n.code IS NOT NULL
    )
    SELECT code FROM n WHERE code IS NOT NULL
"""


def _open_nationalities() -> list[str]:
    """The nationalities of open stays, one index probe each (a loose scan of the partial
    `(nationality, entered_at, id)` index), not a DISTINCT over every stay."""
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_NATIONALITIES_SQL)
        return [row[0] for row in cursor.fetchall()]


def filter_choices(*, actor: User, language: str = "ar") -> FilterChoices:
    """What the filter selects offer, read from the small tables, never from the stays
    (ADR 0125, 0126): the ministries, every operator; an operator, itself and the
    operators it holds a contract with; everyone, the nationalities of the pilgrims in the
    country (a loose scan of the open-stay index: one probe per nationality) and the cities
    of the ports. A value with none of the reader's own pilgrims gives an empty list."""
    arabic = language.startswith("ar")
    scope = _scope(actor, "stays")

    def name(org: Any) -> str:
        return str(org.name_ar if arabic and org.name_ar else org.name_en)

    companies = Company.objects.select_related("organization").order_by("organization__name_en")
    agents = Agent.objects.select_related("organization").order_by("organization__name_en")
    org = actor.organization
    if scope is None:
        pass
    elif org is not None and org.kind == OrganizationKind.COMPANY:
        companies = companies.filter(organization=org)
        agents = agents.filter(
            pk__in=Contract.objects.filter(company__organization=org).values("agent")
        )
    elif org is not None and org.kind == OrganizationKind.AGENT:
        agents = agents.filter(organization=org)
        companies = companies.filter(
            pk__in=Contract.objects.filter(agent__organization=org).values("company")
        )
    else:
        return FilterChoices(companies=[], agents=[], nationalities=[], cities=[])
    cities = sorted(set(Port.objects.values_list("city", flat=True)))
    return FilterChoices(
        companies=[(c.pk, name(c.organization)) for c in companies],
        agents=[(a.pk, name(a.organization)) for a in agents],
        nationalities=_open_nationalities(),
        cities=[(city, city_label(city)) for city in cities],
    )


# --- CSV exports ------------------------------------------------------------------------------

# The column headers people read, in the language of the page the file is downloaded from
# (a spreadsheet opened by a ministry clerk, not a feed: the API has the coded fields).
STAY_CSV_HEADER = (
    _("Application number"),
    _("Visa number"),
    _("Surname"),
    _("Given names"),
    _("Name in the native script"),
    _("Nationality"),
    _("Passport number"),
    _("Company"),
    _("Agent"),
    _("Entry port"),
    _("City of the port of entry"),
    pgettext_lazy("date of entry", "Entered"),
    _("Permitted departure"),
)
_STAY_CSV_COLUMNS = (
    "application__number",
    "visa__number",
    "application__pilgrim__surname",
    "application__pilgrim__given_names",
    "application__pilgrim__native_name",
    "nationality",
    "application__pilgrim__passport_number",
    "company__organization__code",
    "agent__organization__code",
    "entry_port__code",
    "entry_port__city",
    "entered_at",
    "permitted_departure",
)

OVERSTAY_CSV_HEADER = (
    _("Application number"),
    _("Surname"),
    _("Given names"),
    _("Name in the native script"),
    _("Nationality"),
    _("Passport number"),
    _("Company"),
    _("Agent"),
    _("Permitted departure"),
    _("Overstay detected on"),
    _("Days overstayed"),
    _("Status"),
    _("Escape notice due"),
    _("Escape notice filed"),
    _("Escape notice late"),
)
_OVERSTAY_CSV_COLUMNS = (
    "application__number",
    "application__pilgrim__surname",
    "application__pilgrim__given_names",
    "application__pilgrim__native_name",
    "nationality",
    "application__pilgrim__passport_number",
    "company__organization__code",
    "agent__organization__code",
    "permitted_departure",
    "detected_on",
    "days_overstayed",
    "status",
    "notice_due_at",
    "escape_notice_filed_at",
    "escape_notice__late",
)


def _cell(value: Any) -> Any:
    """Dates ISO, times kingdom-local ISO to the second, empty for None, and text a
    spreadsheet would run as a formula neutralized (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return formula_neutralized(value)


def stay_csv_rows(qs: QuerySet[Stay]) -> Iterator[Sequence[Any]]:
    for row in (
        qs.select_related(None).values_list(*_STAY_CSV_COLUMNS).iterator(chunk_size=CSV_CHUNK_ROWS)
    ):
        yield [_cell(v) for v in row]


def overstay_csv_rows(
    qs: QuerySet[Overstay], today: dt.date | None = None
) -> Iterator[Sequence[Any]]:
    today = today or kingdom_today()
    days_at = _OVERSTAY_CSV_COLUMNS.index("days_overstayed")
    departure_at = _OVERSTAY_CSV_COLUMNS.index("permitted_departure")
    for row in (
        qs.select_related(None)
        .values_list(*_OVERSTAY_CSV_COLUMNS)
        .iterator(chunk_size=CSV_CHUNK_ROWS)
    ):
        values = list(row)
        if values[days_at] is None:  # still open: the days so far
            values[days_at] = max(0, (today - values[departure_at]).days)
        yield [_cell(v) for v in values]


def csv_chunks(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """A UTF-8 CSV (with a byte-order mark, so spreadsheets read Arabic names) in chunks
    of bytes, for a streaming response. The header's labels are translated now, in the
    language of the request, not when the response is sent."""
    return _csv_chunks([str(label) for label in header], rows)


def _csv_chunks(header: list[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
