"""A penalty's reason reads in the page's language when the ladder wrote it (stored in
English for the record), and as typed when an officer did."""

from __future__ import annotations

from django.utils import translation

from masar.compliance.models import LADDER_REASON, Penalty, PenaltyStep


def _ladder_penalty() -> Penalty:
    with translation.override("en"):
        reason = LADDER_REASON % {"step": PenaltyStep.QUOTA_CUT.label, "rate": "3.20", "points": 12}
    return Penalty(
        step=PenaltyStep.QUOTA_CUT, reason=reason, trigger={"rate_pct": "3.20", "points": 12}
    )


def test_the_ladders_reason_reads_in_arabic_and_in_english() -> None:
    penalty = _ladder_penalty()
    assert penalty.reason == "Quota cut: overstay rate 3.20%, 12 points"
    with translation.override("ar"):
        assert penalty.reason_text() == "خفض الحصة: نسبة التخلّف 3.20%، و12 نقطة"
    with translation.override("en"):
        assert penalty.reason_text() == "Quota cut: overstay rate 3.20%, 12 points"


def test_a_typed_reason_is_shown_as_typed() -> None:
    penalty = _ladder_penalty()
    penalty.reason = "تكرار التخلف في موسمين"
    with translation.override("en"):
        assert penalty.reason_text() == "تكرار التخلف في موسمين"
    assert Penalty(step=PenaltyStep.WARNING, reason="x", trigger={}).reason_text() == "x"
