"""The API's pages: a cursor (keyset) by default, page numbers kept for old clients, capped.

`?cursor=` follows the `next` and `previous` links; the first page needs none. `?page=N`
still answers, in the same shape, up to the 10,000th row (`page` × `page_size`); a deeper
page is refused with a coded 400 naming the field (docs/api.md, ADR 0125). `count` is exact
up to 10,000; beyond it is 10,000 and `count_capped` is true.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from masar.core.error_codes import CoreError
from masar.core.errors import ValidationFailed
from masar.core.pagination import (
    COUNT_CAP,
    CappedCount,
    InvalidCursor,
    KeysetPage,
    KeysetPaginator,
    capped_count,
)
from masar.core.params import is_whole_number

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class Pagination(BasePagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"
    page_query_param = "page"

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return DEFAULT_PAGE_SIZE
        if not is_whole_number(raw) or int(raw) < 1:
            raise ValidationFailed(
                CoreError.VALIDATION,
                _("The page size is a whole number from 1 to %(n)d.") % {"n": self.max_page_size},
                fields={
                    "page_size": [_("A whole number from 1 to %(n)d.") % {"n": self.max_page_size}]
                },
            )
        return min(int(raw), self.max_page_size)

    number: int | None = None

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        size = self._page_size(request)
        self.total: CappedCount = capped_count(queryset)
        raw_page = request.query_params.get(self.page_query_param)
        if raw_page is not None and self.cursor_query_param not in request.query_params:
            return self._numbered(queryset, raw_page, size)
        self.number = None
        ordering = getattr(view, "ordering", None)
        try:
            self.page: KeysetPage | None = KeysetPaginator(queryset, size, ordering=ordering).page(
                request.query_params.get(self.cursor_query_param) or None
            )
        except InvalidCursor as exc:
            raise ValidationFailed(
                CoreError.INVALID_CURSOR,
                _("The cursor is not one this list gave."),
                fields={"cursor": [_("Follow the next or previous link as given.")]},
            ) from exc
        return list(self.page)

    def _numbered(self, queryset: QuerySet[Any], raw: str, size: int) -> list[Any]:
        last = COUNT_CAP // size
        if not is_whole_number(raw) or not 1 <= int(raw) <= max(last, 1):
            raise ValidationFailed(
                CoreError.PAGE_OUT_OF_RANGE,
                _("Page numbers reach the first %(n)s rows; follow the cursor links beyond.")
                % {"n": f"{COUNT_CAP:,}"},
                fields={"page": [_("A whole number from 1 to %(n)d.") % {"n": max(last, 1)}]},
            )
        self.page = None
        self.number = int(raw)
        self.size = size
        start = (self.number - 1) * size
        rows = list(queryset[start : start + size + 1])
        self.has_more = len(rows) > size and self.number < last
        return rows[:size]

    def _links(self) -> tuple[str | None, str | None]:
        url = self.request.build_absolute_uri()
        if self.number is not None:
            nxt = replace_query_param(url, self.page_query_param, self.number + 1)
            prev: str | None = None
            if self.number > 1:
                prev = replace_query_param(url, self.page_query_param, self.number - 1)
            return (nxt if self.has_more else None), prev
        assert self.page is not None
        url = remove_query_param(url, self.page_query_param)
        nxt_cursor, prev_cursor = self.page.next_cursor, self.page.previous_cursor
        return (
            replace_query_param(url, self.cursor_query_param, nxt_cursor) if nxt_cursor else None,
            replace_query_param(url, self.cursor_query_param, prev_cursor) if prev_cursor else None,
        )

    def get_paginated_response(self, data: Any) -> Response:
        nxt, prev = self._links()
        return Response(
            {
                "count": self.total.value,
                "count_capped": self.total.more,
                "next": nxt,
                "previous": prev,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "count_capped", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": f"Exact up to {COUNT_CAP:,}; {COUNT_CAP:,} beyond.",
                },
                "count_capped": {
                    "type": "boolean",
                    "description": f"True when the list holds more than {COUNT_CAP:,} rows.",
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The cursor of the next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE}.",
                "schema": {"type": "integer"},
            },
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": f"Page number (compatibility), up to the {COUNT_CAP:,}th row.",
                "schema": {"type": "integer"},
            },
        ]
