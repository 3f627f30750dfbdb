"""The JSON parser of the API, bounded: no request body can make the server fail.

Python's JSON decoder recurses once per nesting level (a body of 100,000 ``[`` ends in a
RecursionError) and reads integers of any length (a 10,000-digit number ends in a
ValueError, and one above 2^63 overflows the database later). Both were server errors;
here they are 400s with their own code, before any view or serializer runs.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.parsers import JSONParser

from masar.core.error_codes import CoreError
from masar.core.errors import ValidationFailed

#: Integers of a request body lie in the range of a signed 64-bit integer.
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1


class _NumberOutOfRange(ValueError):
    pass


def _bounded_int(text: str) -> int:
    # At most 19 digits (and a sign) can be in range: longer text is refused unread.
    if len(text.lstrip("-")) > 19 or not INT_MIN <= (value := int(text)) <= INT_MAX:
        raise _NumberOutOfRange(text[:24])
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests deeper than `limit` lists or objects (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def json_too_deep() -> ValidationFailed:
    limit = settings.MASAR_JSON_MAX_DEPTH
    return ValidationFailed(
        CoreError.JSON_TOO_DEEP,
        _("The JSON body nests more than %(n)d levels deep.") % {"n": limit},
        fields={"non_field_errors": [_("Send a flatter body.")]},
    )


def json_number_out_of_range() -> ValidationFailed:
    return ValidationFailed(
        CoreError.NUMBER_OUT_OF_RANGE,
        _("A number in the JSON body is out of range."),
        fields={
            "non_field_errors": [
                _("Whole numbers lie between -9223372036854775808 and 9223372036854775807.")
            ]
        },
    )


def json_body_load(text: str) -> Any:
    """Decode a JSON document with the limits above (ValidationFailed when over)."""
    try:
        value = json.loads(text, parse_int=_bounded_int)
    except _NumberOutOfRange:
        raise json_number_out_of_range() from None
    except RecursionError:
        raise json_too_deep() from None
    if _depth_exceeds(value, settings.MASAR_JSON_MAX_DEPTH):
        raise json_too_deep()
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a nesting limit and integers bounded to 64 bits."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        from rest_framework.exceptions import ParseError

        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        try:
            return json_body_load(text)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


def integer_fields_bounded() -> None:
    """Give every DRF IntegerField without its own bounds the 64-bit range: an id or a
    count sent as the text "99999999999999999999" is then a 400 of the field, not an
    overflow in the database (called once, from the core app's ready())."""
    from rest_framework import serializers

    original = serializers.IntegerField.__init__
    if getattr(original, "masar_bounded", False):
        return

    def __init__(self: serializers.IntegerField, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", INT_MAX)
        kwargs.setdefault("min_value", INT_MIN)
        original(self, **kwargs)

    __init__.masar_bounded = True  # type: ignore[attr-defined]
    serializers.IntegerField.__init__ = __init__  # type: ignore[method-assign]
