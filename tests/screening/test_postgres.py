"""PostgreSQL only: screening and deciding under concurrency (threads, each with its own
connection, released at once)."""

from __future__ import annotations

import io

import pytest

from masar.applications.models import Application, ApplicationTransition
from masar.core.audit import audit_verify
from masar.core.errors import Conflict
from masar.screening.models import (
    FalsePositive,
    Review,
    Screening,
    WatchlistEntry,
    WatchlistVersion,
)
from masar.screening.services import application_screen, review_decide, watchlist_load
from tests.concurrency import run_together
from tests.screening.factories import make_watchlist, masar_csv
from tests.screening.test_screening_task import OTHERS, SITI

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_screening_one_application_screen_it_once(in_screening):
    make_watchlist([SITI])
    app = in_screening()
    results = run_together(*[lambda: application_screen(application_id=app.pk)] * 4)
    screened = [r for r in results if isinstance(r, Screening)]
    assert len(screened) == 1 and results.count(None) == 3, results
    assert Screening.objects.filter(application=app).count() == 1
    assert Review.objects.filter(application=app).count() == 1
    assert ApplicationTransition.objects.filter(application=app, name="refer").count() == 1
    assert Application.objects.get(pk=app.pk).status == "referred"


def test_two_analysts_deciding_one_review_decide_it_once(
    in_screening, security_analyst, screening_supervisor
):
    make_watchlist([SITI, *OTHERS])
    app = in_screening()
    application_screen(application_id=app.pk)
    review = Review.objects.get(application=app)
    results = run_together(
        *[
            lambda: review_decide(
                actor=security_analyst,
                review_id=review.pk,
                decision="false_positive",
                reason="Other person.",
            ),
            lambda: review_decide(
                actor=screening_supervisor,
                review_id=review.pk,
                decision="true_match",
                reason_code="watchlist_match",
            ),
        ]
    )
    winners = [r for r in results if isinstance(r, Review)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].code == "review_already_decided"
    review.refresh_from_db()
    app.refresh_from_db()
    expected = {"cleared": ("decision", 1), "confirmed": ("rejected", 0)}[review.status]
    assert (app.status, FalsePositive.objects.count()) == expected
    assert (
        ApplicationTransition.objects.filter(
            application=app, name__in=["referral_clear", "referral_reject"]
        ).count()
        == 1
    )
    assert audit_verify().ok


def test_imports_into_one_list_at_once_make_consecutive_versions():
    watchlist = make_watchlist(name="moi")
    files = [
        masar_csv([SITI]),
        masar_csv([SITI, OTHERS[0]]),
        masar_csv([OTHERS[1]]),
    ]

    def loader(content):
        return lambda: (
            watchlist_load(
                actor=None,
                watchlist=watchlist,
                stream=io.BytesIO(content),
                fmt="masar",
                source_name="x.csv",
            ).status
        )

    results = run_together(*[loader(c) for c in files])
    assert results == ["completed"] * 3, results
    watchlist.refresh_from_db()
    numbers = sorted(WatchlistVersion.objects.values_list("number", flat=True))
    assert numbers == list(range(1, watchlist.version + 1))
    assert watchlist.entry_count == WatchlistEntry.objects.filter(removed_in__isnull=True).count()
    assert audit_verify().ok
