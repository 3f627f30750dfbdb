"""Quarterly ratings and the satisfaction survey import."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from masar.compliance.models import ComplianceRules, QuarterRating, SatisfactionScore
from masar.compliance.services import ratings_compute, satisfaction_import
from masar.compliance.services.rating import class_move, compliance_score, overall_rating


def _quarter() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def test_the_rating_formulas_follow_the_rules() -> None:
    rules = ComplianceRules()
    assert compliance_score(rate_pct=Decimal("2.5"), points=30, rules=rules) == Decimal("72.00")
    assert overall_rating(
        compliance_pct=Decimal("80"), satisfaction_pct=Decimal("100"), rules=rules
    ) == Decimal("86.00")
    assert class_move(current="B", rating_pct=Decimal("90"), rules=rules) == "A"
    assert class_move(current="A", rating_pct=Decimal("95"), rules=rules) == "A"
    assert class_move(current="B", rating_pct=Decimal("69.99"), rules=rules) == "C"
    assert class_move(current="B", rating_pct=Decimal("80"), rules=rules) == "B"


@pytest.mark.django_db
def test_a_quarter_is_rated_with_the_imported_satisfaction(
    raised: Any, company: Any, season: Any, licensing_officer: Any, api: Any, rules: Any
) -> None:
    year, quarter = _quarter()
    # Given a survey score of 95 % imported by CSV and a 60 % class-up threshold
    csv = f"licence_number,year,quarter,score_pct,responses\n{company.licence_number},{year},{quarter},95,120\n"
    imported = api(licensing_officer).post(
        "/api/v1/compliance/satisfaction/",
        {"file": SimpleUploadedFile("survey.csv", csv.encode())},
        format="multipart",
    )
    assert imported.json() == {"imported": 1, "rejected": []}
    ComplianceRules.objects.filter(pk=rules.pk).update(class_up_pct=Decimal("60.00"))
    # When the quarter is rated
    response = api(licensing_officer).post(
        "/api/v1/compliance/ratings/",
        {"season": season.pk, "year": year, "quarter": quarter},
        format="json",
    )
    # Then compliance: 100 - 25 % x 10 - 10 points x 0.1 = 0 (floored); rating 0.7 x 0 + 0.3 x 95
    assert response.status_code == 200, response.json()
    (row,) = response.json()
    assert (row["compliance_pct"], row["satisfaction_pct"], row["rating_pct"]) == (
        "0.00",
        "95.00",
        "28.50",
    )
    assert (row["class_before"], row["class_after"]) == ("B", "C")
    # And a second run updates the same row
    ratings_compute(actor=licensing_officer, season=season, year=year, quarter=quarter)
    assert QuarterRating.objects.count() == 1


@pytest.mark.django_db
def test_a_bad_survey_file_imports_nothing(company: Any, licensing_officer: Any) -> None:
    content = (
        "licence_number,year,quarter,score_pct\n"
        f"{company.licence_number},2026,4,88\n"
        "UNKNOWN,2026,4,70\n"
        f"{company.licence_number},2026,5,101\n"
    )
    result = satisfaction_import(actor=licensing_officer, content=content)
    assert result.imported == 0
    assert [e["line"] for e in result.errors] == [3, 4]
    assert not SatisfactionScore.objects.exists()


@pytest.mark.django_db
def test_the_import_command(company: Any, tmp_path: Any) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(
        f"licence_number,year,quarter,score_pct\n{company.licence_number},2026,4,91.5\n"
    )
    out = StringIO()
    call_command("compliance", "import-satisfaction", str(path), stdout=out)
    assert out.getvalue().strip() == "imported: 1"
    assert SatisfactionScore.objects.get().score_pct == Decimal("91.50")
