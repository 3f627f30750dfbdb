"""Keyset (cursor) pagination: a page costs the rows it shows, whatever the table's size.

A page is read as `WHERE (sort key) after (the last row shown) ORDER BY sort key LIMIT n+1`
on an index that matches the sort, never with `OFFSET` (which reads and throws away every
row before the page) nor with `COUNT(*)` over the whole list. The cursor carries the sort
key's values of the row where the page starts, opaque to the reader (base64 of JSON) and
checked when read back: a cursor that does not decode, or whose values do not fit the sort
fields, is refused (`InvalidCursor`), never a 500. Totals, where a page shows one, are
capped (`capped_count`): exact up to 10,000, "more than 10,000" beyond (ADR 0125).

Sort fields must be non-null; the primary key is appended when the ordering does not end in
it, so that the key is unique and no row is skipped or shown twice between pages.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

COUNT_CAP = 10_000
PAGE_SIZE = 50


class InvalidCursor(ValueError):
    """The cursor does not decode, or does not fit the list's sort key."""


@dataclass(frozen=True, eq=False)
class CappedCount:
    """A count exact up to the cap; `more` when the list holds more rows than that.

    Shown as its label ("1,234", "more than 10,000"); equal to an int only when exact."""

    value: int
    more: bool

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CappedCount):
            return (self.value, self.more) == (other.value, other.more)
        if isinstance(other, int):
            return not self.more and self.value == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.value, self.more))

    def __int__(self) -> int:
        return self.value

    def __add__(self, other: object) -> CappedCount:
        # Counts folded together (several statuses shown as one): a lower bound stays one.
        if isinstance(other, CappedCount):
            return CappedCount(self.value + other.value, self.more or other.more)
        if isinstance(other, int):
            return CappedCount(self.value + other, self.more)
        return NotImplemented

    __radd__ = __add__

    @property
    def label(self) -> str:
        return str(self)

    def __str__(self) -> str:
        if self.more:
            return _("more than %(n)s") % {"n": number_format(self.value, force_grouping=True)}
        return number_format(self.value, force_grouping=True)


def capped_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> CappedCount:
    """`SELECT count(*) FROM (... LIMIT cap + 1)`: reads at most cap + 1 index entries."""
    n = queryset.order_by()[: cap + 1].count()
    return CappedCount(min(n, cap), n > cap)


def sort_key(queryset: QuerySet[Any], ordering: Sequence[str] | None = None) -> list[str]:
    """The ordering as field paths with "-" for descending, ending in the primary key."""
    fields = list(ordering or queryset.query.order_by or queryset.model._meta.ordering or [])
    for name in fields:
        if not isinstance(name, str) or name.lstrip("-").startswith("?"):
            raise TypeError(f"keyset pagination needs field names, not {name!r}")
    pk = queryset.model._meta.pk.name  # type: ignore[union-attr]
    names = {name.lstrip("-") for name in fields}
    if not names & {"pk", "id", pk}:
        descending = bool(fields) and fields[0].startswith("-")
        fields.append(f"-{pk}" if descending else pk)
    return fields


def _field(model: type[Model], path: str) -> Any:
    field: Any = None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if field.is_relation and field.related_model is not None:
            model = field.related_model  # type: ignore[assignment]
    return field


def _value_of(row: Any, path: str) -> Any:
    value = row
    for part in path.split("__"):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    if isinstance(value, Model):
        value = value.pk
    return value


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _decode_value(raw: Any, field: Any) -> Any:
    if isinstance(raw, dict) and len(raw) == 1:
        raw = next(iter(raw.values()))
    if not isinstance(raw, str | int | float | bool):
        raise InvalidCursor("value")
    if field is None:
        return raw
    try:
        value = field.to_python(raw)
        if value is None:
            raise InvalidCursor("value")
        field.get_prep_value(value)
    except (ValidationError, TypeError, ValueError, OverflowError) as exc:
        raise InvalidCursor("value") from exc
    return value


def encode_cursor(values: Sequence[Any], *, backwards: bool) -> str:
    text = json.dumps(
        {"k": [_encode_value(v) for v in values], "b": backwards}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(
    token: str, *, queryset: QuerySet[Any], key: Sequence[str]
) -> tuple[list[Any], bool]:
    """The sort key values and the direction a cursor names; `InvalidCursor` if it names none."""
    if len(token) > 1000:
        raise InvalidCursor("length")
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("decode") from exc
    if not isinstance(data, dict) or not isinstance(data.get("k"), list):
        raise InvalidCursor("shape")
    raw, backwards = data["k"], data.get("b")
    if len(raw) != len(key) or not isinstance(backwards, bool):
        raise InvalidCursor("shape")
    values = []
    for path, value in zip(key, raw, strict=True):
        name = path.lstrip("-")
        annotation = queryset.query.annotations.get(name)
        if annotation is not None:
            field = annotation.output_field
        else:
            try:
                field = _field(queryset.model, name)
            except FieldDoesNotExist as exc:
                raise InvalidCursor("field") from exc
        values.append(_decode_value(value, field))
    return values, backwards


def after(key: Sequence[str], values: Sequence[Any], *, backwards: bool = False) -> Q:
    """The rows strictly after (before, when `backwards`) `values` in the order `key`.

    Written as `a <= x AND (a < x OR (a = x AND b < y) ...)`: the leading bound is an index
    condition, so the scan starts at the cursor instead of filtering from the list's start.
    """
    terms = []
    ops = []
    for i, name in enumerate(key):
        descending = name.startswith("-") != backwards
        op = "lt" if descending else "gt"
        ops.append(op)
        equal = {key[j].lstrip("-"): values[j] for j in range(i)}
        terms.append(Q(**equal, **{f"{name.lstrip('-')}__{op}": values[i]}))
    bound = Q(**{f"{key[0].lstrip('-')}__{ops[0]}e": values[0]})
    return bound & reduce(operator.or_, terms)


class KeysetPage(Sequence[Any]):
    """One page: its rows and the cursors of the pages before and after it."""

    def __init__(
        self,
        rows: list[Any],
        *,
        key: Sequence[str],
        has_next: bool,
        has_previous: bool,
    ) -> None:
        self.object_list = rows
        self.key = list(key)
        self.has_next_page = has_next
        self.has_previous_page = has_previous

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index: Any) -> Any:
        return self.object_list[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def has_next(self) -> bool:
        return self.has_next_page

    def has_previous(self) -> bool:
        return self.has_previous_page

    def has_other_pages(self) -> bool:
        return self.has_next_page or self.has_previous_page

    def _cursor(self, row: Any, *, backwards: bool) -> str:
        return encode_cursor(
            [_value_of(row, name.lstrip("-")) for name in self.key], backwards=backwards
        )

    @property
    def next_cursor(self) -> str | None:
        if not self.has_next_page or not self.object_list:
            return None
        return self._cursor(self.object_list[-1], backwards=False)

    @property
    def previous_cursor(self) -> str | None:
        if not self.has_previous_page or not self.object_list:
            return None
        return self._cursor(self.object_list[0], backwards=True)


class KeysetPaginator:
    """Pages of `queryset` in the order `ordering` (default: the queryset's own)."""

    def __init__(
        self,
        queryset: QuerySet[Any],
        per_page: int = PAGE_SIZE,
        *,
        ordering: Sequence[str] | None = None,
    ) -> None:
        self.queryset = queryset
        self.per_page = per_page
        self.key = sort_key(queryset, ordering)

    def page(self, cursor: str | None) -> KeysetPage:
        """The page that `cursor` starts (the first when None); `InvalidCursor` if unreadable."""
        qs = self.queryset
        backwards = False
        if cursor:
            values, backwards = decode_cursor(cursor, queryset=qs, key=self.key)
            qs = qs.filter(after(self.key, values, backwards=backwards))
        order = self.key
        if backwards:
            order = [name[1:] if name.startswith("-") else f"-{name}" for name in self.key]
        rows = list(qs.order_by(*order)[: self.per_page + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if backwards:
            rows.reverse()
        return KeysetPage(
            rows,
            key=self.key,
            has_next=True if backwards else more,
            has_previous=more if backwards else bool(cursor),
        )

    def get_page(self, cursor: str | None) -> KeysetPage:
        """As `page`, but a cursor that does not read (an edited link) gives the first page."""
        try:
            return self.page(cursor)
        except InvalidCursor:
            return self.page(None)
