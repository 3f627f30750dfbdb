"""Reasons the system writes on a step read in the page's language, with their plural."""

from __future__ import annotations

from django.utils import translation

from masar.applications.labels import reason_text
from masar.screening.services.reviews import CLEARED_REASON


def test_screenings_referral_reads_with_its_plural() -> None:
    one = "Possible match in security screening: 1 hit(s) to review (R-7)."
    two = "Possible match in security screening: 2 hit(s) to review (R-7)."
    with translation.override("en"):
        assert reason_text(one) == "Possible match in security screening: 1 hit to review (R-7)."
        assert reason_text(two) == "Possible match in security screening: 2 hits to review (R-7)."
    with translation.override("ar"):
        assert reason_text(two) == "تطابق محتمل في الفحص الأمني: نتيجتان للمراجعة (R-7)."
        assert reason_text(CLEARED_REASON) == "أجازته المراجعة الأمنية."


def test_a_typed_reason_is_shown_as_typed() -> None:
    with translation.override("ar"):
        assert reason_text("The pilgrim postponed the journey.") == (
            "The pilgrim postponed the journey."
        )
