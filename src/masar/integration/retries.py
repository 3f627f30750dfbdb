"""When a failed webhook attempt is tried again, and what of the answer is kept.

The schedule follows the Standard Webhooks recommendations (docs/integration.md):

- a `Retry-After` on the answer (seconds, or an HTTP-date) is honoured, up to
  `MASAR_WEBHOOK_RETRY_AFTER_MAX_SECONDS` (1 h by default): the receiver knows best when it
  can take the message again, but may not park a delivery for days;
- congestion (429, 502, 503, 504 without `Retry-After`, or a timeout) backs off twice as
  long as other failures, with the jitter only upwards (x1.0 to x1.5), so that a receiver
  that is overloaded, or whose gateway is, is never retried sooner than the schedule says;
- any other failure: base x 4^(n-1) (30 s, 2 min, 8 min, 32 min, about 2 h, then 8 h),
  +/-20 % jitter.

Every delay is at most eight hours. Pure functions: the time and the random source are
arguments, so the schedule is tested with a fake clock.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from masar.integration import conf

MAX_DELAY_SECONDS = 8 * 3600
CONGESTION_STATUSES = frozenset({429, 502, 503, 504})
# The receiver's answer kept in the deliveries list: this many characters at most.
EXCERPT_CHARS = 120


def is_congestion(status_code: int | None) -> bool:
    return status_code in CONGESTION_STATUSES


def retry_after_seconds(value: str | None, *, now: datetime) -> float | None:
    """A `Retry-After` header in seconds from `now`: delta-seconds or an HTTP-date.

    None when absent or unreadable (the back-off then applies); a date in the past is 0.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text[:12]))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # an HTTP-date is GMT by definition
        when = when.replace(tzinfo=now.tzinfo)
    return max((when - now).total_seconds(), 0.0)


def retry_delay(
    failed_attempts: int,
    *,
    congestion: bool = False,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> timedelta:
    """The wait after `failed_attempts` failures (see the module's docstring)."""
    if retry_after is not None:
        return timedelta(seconds=min(retry_after, conf.retry_after_max_seconds()))
    source = rng or random
    raw = conf.retry_base_seconds() * 4 ** max(failed_attempts - 1, 0)
    if congestion:
        # Spreading retries, not security: the jitter's randomness need not be strong.
        delay = min(MAX_DELAY_SECONDS, 2 * raw) * source.uniform(1.0, 1.5)  # noqa: S311
    else:
        delay = min(MAX_DELAY_SECONDS, raw) * source.uniform(0.8, 1.2)  # noqa: S311
    return timedelta(seconds=min(delay, MAX_DELAY_SECONDS))


def excerpt(raw: bytes) -> str:
    """A short, printable excerpt of a receiver's answer: no markup, no control, format
    (bidi, zero-width) or private characters, whitespace collapsed, at most EXCERPT_CHARS."""
    text = raw.decode("utf-8", "replace")
    kept: list[str] = []
    in_tag = False
    for char in text:
        if char == "<":
            in_tag = True
            kept.append(" ")
            continue
        if char == ">":
            in_tag = False
            kept.append(" ")
            continue
        if in_tag:
            continue
        category = unicodedata.category(char)
        kept.append(" " if category[0] in "CZ" or char == "\ufffd" else char)
    return " ".join("".join(kept).split())[:EXCERPT_CHARS]
