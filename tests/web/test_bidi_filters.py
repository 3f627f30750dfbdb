"""The template filters that isolate and format what sits inside Arabic text
(masar.web.templatetags.masar): dates in both calendars once each, numbers and amounts
by language, codes left to right."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, language: str, **context: Any) -> str:
    with translation.override(language):
        return Template("{% load masar %}" + source).render(Context(context))


def test_a_date_shows_each_calendar_once_isolated_and_unbreakable_inside() -> None:
    html = render("{{ d|dual_date }}", "ar", d=dt.date(2026, 5, 31))
    assert html == (
        '<span class="date"><bdi class="hijri">14 ذو الحجة 1447 هـ</bdi> '
        '<bdi dir="ltr" class="gregorian">(2026-05-31)</bdi></span>'
    )
    assert html.count("2026-05-31") == 1
    english = render("{{ d|dual_date }}", "en", d=dt.date(2026, 5, 31))
    assert ">14 Dhu al-Hijjah 1447 AH<" in english and "(2026-05-31)" in english


def test_an_aware_time_is_the_kingdoms_day(settings: Any) -> None:
    # 22:30 UTC on the 6th is 01:30 on the 7th in Makkah
    at = dt.datetime(2026, 12, 6, 22, 30, tzinfo=dt.UTC)
    html = render("{{ at|dual_date }}", "en", at=at)
    assert "(2026-12-07)" in html


def test_arabic_indic_digits_are_a_setting(settings: Any) -> None:
    settings.MASAR_ARABIC_INDIC_DIGITS = True
    html = render("{{ d|dual_date }} {{ n|number }}", "ar", d=dt.date(2026, 5, 31), n=2_000_000)
    assert "(٢٠٢٦-٠٥-٣١)" in html and "١٤ ذو الحجة ١٤٤٧ هـ" in html
    assert '<bdi class="num">٢٬٠٠٠٬٠٠٠</bdi>' in html
    # English pages keep Western digits
    assert render("{{ n|number }}", "en", n=2_000_000) == '<bdi class="num">2,000,000</bdi>'


def test_numbers_and_amounts_are_grouped_in_both_languages() -> None:
    amount = Decimal("2000000.00")
    assert render("{{ a|number:2 }}", "ar", a=amount) == '<bdi class="num">2,000,000.00</bdi>'
    assert render("{{ a|riyals }}", "ar", a=amount) == (
        '<bdi class="amount">2,000,000.00 ر.س</bdi>'
    )
    assert render("{{ a|riyals }}", "en", a=amount) == '<bdi class="amount">SAR 2,000,000.00</bdi>'


def test_a_tile_shows_a_large_figure_compact_with_the_exact_one_in_its_title() -> None:
    amount = Decimal("2000000.00")
    assert render("{{ a|compact }}", "en", a=amount) == (
        '<bdi class="num" title="2,000,000">2M</bdi>'
    )
    assert render("{{ a|compact }}", "ar", a=amount) == (
        '<bdi class="num" title="2,000,000">2 مليون</bdi>'
    )
    assert render("{{ a|compact }}", "en", a=Decimal("45000")) == '<bdi class="num">45,000</bdi>'
    assert render("{{ a|riyals_compact }}", "en", a=amount) == (
        '<bdi class="amount" title="SAR 2,000,000.00">SAR 2M</bdi>'
    )


@pytest.mark.parametrize("value", ["GA980", "P1234567", "<b>x</b>"])
def test_codes_are_isolated_left_to_right_and_escaped(value: str) -> None:
    html = render("رحلة {{ v|ltr }} من", "ar", v=value)
    assert html.startswith('رحلة <bdi dir="ltr" class="ltr">')
    assert "<b>" not in html
    assert render("{{ v|ltr }}", "ar", v="") == ""
    assert render("{{ v|ltr }}", "ar", v=None) == ""


def test_a_moment_is_its_day_in_both_calendars_and_its_kingdom_time() -> None:
    at = dt.datetime(2026, 12, 6, 22, 30, 5, tzinfo=dt.UTC)
    html = render("{{ at|dual_datetime }}", "ar", at=at)
    assert html.endswith('<bdi dir="ltr" class="ltr">01:30</bdi>')
    assert "(2026-12-07)" in html and html.count("2026") == 1
    assert render('{{ at|dual_datetime:"s" }}', "en", at=at).endswith(">01:30:05</bdi>")
    assert render("{{ at|dual_datetime }}", "en", at=None) == ""


def test_a_percentage_keeps_its_decimals_in_both_languages(settings: Any) -> None:
    assert render("{{ v|pct }}", "ar", v=Decimal("25.00")) == '<bdi class="num">25.00%</bdi>'
    assert render("{{ v|pct }}", "en", v=100.0) == '<bdi class="num">100.0%</bdi>'
    assert render("{{ v|pct:0 }}", "en", v=Decimal("12.6")) == '<bdi class="num">13%</bdi>'
    settings.MASAR_ARABIC_INDIC_DIGITS = True
    assert render("{{ v|pct }}", "ar", v=Decimal("25.00")) == '<bdi class="num">٢٥٫٠٠٪</bdi>'
