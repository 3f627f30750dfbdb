"""Open data: published aggregate statistics (by season, month, nationality, port type),
read from the maintained aggregates of everyone's scope. No cell counting fewer than
`MASAR_OPEN_DATA_MIN_CELL` people (default 10) is ever published: such a cell is
suppressed (its value is null), and when a month would show exactly one suppressed cell,
the next smallest cell of that month is suppressed too, so that a total published
elsewhere cannot give the hidden one back by subtraction (ADR 0094)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from masar.reporting.models import ALL_SCOPE, DailyCount, Dimension, Metric

DEFAULT_MIN_CELL = 10


def min_cell() -> int:
    return int(getattr(settings, "MASAR_OPEN_DATA_MIN_CELL", DEFAULT_MIN_CELL))


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: Any
    #: The column's heading on a page (the name is the column in the files).
    label: Any = ""


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    description: Any
    metric: str
    dimension: str
    key_field: Field
    value_field: Field

    @property
    def fields(self) -> list[Field]:
        return [SEASON_FIELD, MONTH_FIELD, self.key_field, self.value_field, SUPPRESSED_FIELD]


SEASON_FIELD = Field("season", "string", _("Code of the season, e.g. umrah-1448."), _("Season"))
MONTH_FIELD = Field(
    "month", "string", _("Gregorian month, YYYY-MM, kingdom local time."), _("Month")
)
SUPPRESSED_FIELD = Field(
    "suppressed",
    "boolean",
    _("True when the count is withheld (fewer than the threshold, or to protect such a cell)."),
    _("Withheld"),
)
NATIONALITY_FIELD = Field(
    "nationality",
    "string",
    _("Nationality: ISO 3166-1 alpha-3 code of the passport."),
    _("Nationality"),
)
PORT_TYPE_FIELD = Field(
    "port_type", "string", _("Type of the port of entry: air, land or sea."), _("Port type")
)

DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in [
        Dataset(
            "visas-by-nationality",
            _("Visas issued by nationality and month"),
            _("E-visas issued in the month, by the pilgrim's nationality."),
            Metric.ISSUED,
            Dimension.NATIONALITY,
            NATIONALITY_FIELD,
            Field(
                "visas_issued",
                "integer or null",
                _("Number of e-visas issued."),
                _("E-visas issued"),
            ),
        ),
        Dataset(
            "arrivals-by-port-type",
            _("Arrivals by port type and month"),
            _("Accepted entries into the kingdom in the month, by type of port."),
            Metric.ENTRIES,
            Dimension.PORT_TYPE,
            PORT_TYPE_FIELD,
            Field("arrivals", "integer or null", _("Number of accepted entries."), _("Arrivals")),
        ),
        Dataset(
            "arrivals-by-nationality",
            _("Arrivals by nationality and month"),
            _("Accepted entries into the kingdom in the month, by the pilgrim's nationality."),
            Metric.ENTRIES,
            Dimension.NATIONALITY,
            NATIONALITY_FIELD,
            Field("arrivals", "integer or null", _("Number of accepted entries."), _("Arrivals")),
        ),
    ]
}


def suppress(cells: list[int], threshold: int) -> list[bool]:
    """Which cells of one group (a month) to withhold: every cell under the threshold, and
    when that leaves exactly one withheld cell beside published ones, the smallest
    published cell too. Pure; the property tests drive it with random groups."""
    hidden = [count < threshold for count in cells]
    if sum(hidden) == 1 and len(cells) > 1:
        shown = [i for i, h in enumerate(hidden) if not h]
        smallest = min(shown, key=lambda i: (cells[i], i))
        hidden[smallest] = True
    return hidden


def dataset_rows(dataset: Dataset, *, season_code: str | None = None) -> list[dict[str, Any]]:
    """The published rows of a dataset, ordered by season, month, key."""
    threshold = min_cell()
    qs = DailyCount.objects.filter(
        scope=ALL_SCOPE, metric=dataset.metric, dimension=dataset.dimension
    ).exclude(key="")
    if season_code:
        qs = qs.filter(season__code=season_code)
    rows = (
        qs.annotate(month=TruncMonth("day"))
        .values("season__code", "month", "key")
        .annotate(n=Sum("count"))
        .order_by("season__code", "month", "key")
    )
    groups: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        month = row["month"].strftime("%Y-%m")
        groups[(row["season__code"], month)].append((row["key"], int(row["n"])))
    out: list[dict[str, Any]] = []
    for (season, month), cells in sorted(groups.items()):
        hidden = suppress([count for _key, count in cells], threshold)
        for (key, count), withheld in zip(cells, hidden, strict=True):
            out.append(
                {
                    SEASON_FIELD.name: season,
                    MONTH_FIELD.name: month,
                    dataset.key_field.name: key,
                    dataset.value_field.name: None if withheld else count,
                    SUPPRESSED_FIELD.name: withheld,
                }
            )
    return out
