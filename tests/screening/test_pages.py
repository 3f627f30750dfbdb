"""The analysts' pages, in Arabic (the default) and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from masar.core.models import AuditEntry
from masar.screening.models import Review, Watchlist, WatchlistImport
from masar.screening.services import watchlist_import_run
from masar.screening.tasks import screen_application
from tests.screening.factories import make_watchlist, masar_csv
from tests.screening.test_screening_task import OTHERS, SITI

pytestmark = pytest.mark.django_db


def signed_in(user, language: str = "ar") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def referred(in_screening):
    make_watchlist([SITI, *OTHERS])
    app = in_screening()
    screen_application.call(application_id=app.pk)
    return Review.objects.get(application=app)


def test_the_queue_in_arabic_and_english(security_analyst, referred):
    Review.objects.filter(pk=referred.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    arabic = signed_in(security_analyst).get("/screening/")
    assert arabic.status_code == 200
    html = arabic.content.decode()
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert f"R-{referred.pk}" in html and "Siti Nur Rahman" in html
    assert '<th scope="col">' in html
    assert 'class="overdue"' in html
    assert 'src="/static/screening/screening.js" nonce="' in html
    english = signed_in(security_analyst, "en").get("/screening/").content.decode()
    assert "Security review queue" in english and 'dir="ltr"' in english


def test_a_hit_beside_the_applicant_with_the_matched_words_marked(security_analyst, referred):
    html = (
        signed_in(security_analyst, "en").get(f"/screening/reviews/{referred.pk}/").content.decode()
    )
    assert "Applicant, as screened" in html and "List entry" in html
    # the applicant's screened name and the entry's matched alias, word by word
    assert "<mark>Siti</mark> <mark>Nur</mark> <mark>Rahman</mark>" in html
    assert "سيتي نور رحمن" in html  # the entry's Arabic alias is shown as well
    assert "Forged travel documents" in html
    assert 'id="decision-form"' in html and "<kbd>f</kbd>" in html
    assert '<label for="id_reason">' in html


def test_why_this_score_reads_in_the_analysts_language(security_analyst, referred):
    arabic = signed_in(security_analyst).get(f"/screening/reviews/{referred.pk}/")
    html = arabic.content.decode()
    # The stored explanation stays English (the API's); the page translates its reasons.
    assert "تاريخ الميلاد نفسه" in html
    assert "الجنسية نفسها" in html
    assert "same birth date" not in html and "same nationality" not in html
    assert "أجزاء الاسم المختلفة" in html and "لا يختلف أي جزء من الاسم" in html
    english = signed_in(security_analyst, "en").get(f"/screening/reviews/{referred.pk}/")
    assert "same birth date" in english.content.decode()
    assert "Disagreeing name parts" in english.content.decode()


def test_reasons_outside_the_vocabulary_are_shown_as_stored():
    from django.utils import translation

    from masar.screening.reasons import reason_text

    with translation.override("ar"):
        assert reason_text("birth years differ by 3") == "تختلف سنتا الميلاد بـ3"
        chance = reason_text("~0.36 chance matches of this strength expected in the list")
        assert chance.startswith("يُتوقَّع نحو 0,36 ")  # the Arabic decimal comma
        assert "120" in reason_text("~1.2e+02 chance matches of this strength expected in the list")
        assert reason_text("a reason of an older version") == "a reason of an older version"
        assert reason_text("1 name part disagrees") == "جزء واحد من الاسم مختلف"
        assert reason_text("2 name parts disagree") == "جزآن من الاسم مختلفان"
        assert reason_text("3 name parts disagree") == "3 أجزاء من الاسم مختلفة"
    with translation.override("en"):
        assert reason_text("phonetic") == "same sound"
        assert reason_text("birth years differ by 1") == "birth years differ by 1"
        assert reason_text("2 name parts disagree") == "2 name parts disagree"


def test_the_analyst_decides_on_the_page(security_analyst, referred):
    client = signed_in(security_analyst, "en")
    response = client.post(
        f"/screening/reviews/{referred.pk}/",
        {"decision": "true_match", "reason_code": "watchlist_match", "reason": "Same photo."},
    )
    assert response.status_code == 302
    assert response["Location"] == "/screening/"
    referred.refresh_from_db()
    assert (referred.status, referred.application.status) == ("confirmed", "rejected")
    assert AuditEntry.objects.filter(
        action="screening.review_decide", actor_id=security_analyst.pk
    ).exists()
    # the decided review shows the decision, and no form
    html = client.get(f"/screening/reviews/{referred.pk}/").content.decode()
    assert "Confirmed match on a security watchlist" in html
    assert 'id="decision-form"' not in html


def test_a_decision_without_its_reason_shows_the_error_and_changes_nothing(
    security_analyst, referred
):
    response = signed_in(security_analyst, "en").post(
        f"/screening/reviews/{referred.pk}/", {"decision": "false_positive", "reason": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Say why this is not the person listed." in html
    assert 'aria-invalid="true"' in html
    referred.refresh_from_db()
    assert (referred.status, referred.application.status) == ("pending", "referred")


def test_after_a_decision_the_next_review_opens(security_analyst, in_screening):
    make_watchlist([SITI])
    first = in_screening()
    second = in_screening(passport_number="C5555555")
    for app in (first, second):
        screen_application.call(application_id=app.pk)
    one, two = Review.objects.order_by("opened_at")
    response = signed_in(security_analyst).post(
        f"/screening/reviews/{one.pk}/", {"decision": "false_positive", "reason": "Other person."}
    )
    assert response["Location"] == f"/screening/reviews/{two.pk}/"


def test_lists_are_created_and_loaded_on_the_pages(
    security_analyst, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = signed_in(security_analyst, "en")
    assert client.get("/screening/watchlists/").status_code == 200
    bad = client.post(
        "/screening/watchlists/", {"name": "un sc", "threshold": 30, "review_sla_hours": 24}
    )
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    created = client.post(
        "/screening/watchlists/",
        {"name": "un-sc", "title": "UN SC", "threshold": 85, "review_sla_hours": 12},
    )
    watchlist = Watchlist.objects.get(name="un-sc")
    assert created["Location"] == f"/screening/watchlists/{watchlist.pk}/"
    with django_capture_on_commit_callbacks():
        uploaded = client.post(
            f"/screening/watchlists/{watchlist.pk}/",
            {
                "action": "upload",
                "format": "masar",
                "file": SimpleUploadedFile("un.csv", masar_csv([SITI]), content_type="text/csv"),
            },
        )
    assert uploaded.status_code == 302
    job = WatchlistImport.objects.get()
    page = client.get(f"/screening/watchlists/{watchlist.pk}/").content.decode()
    assert f'hx-get="/screening/watchlists/{watchlist.pk}/imports/{job.pk}/"' in page
    watchlist_import_run(import_id=job.pk)
    row = client.get(f"/screening/watchlists/{watchlist.pk}/imports/{job.pk}/").content.decode()
    assert "Completed" in row and "hx-get" not in row
    saved = client.post(
        f"/screening/watchlists/{watchlist.pk}/",
        {"action": "settings", "title": "UN", "threshold": 90, "review_sla_hours": 6},
    )
    assert saved.status_code == 302
    watchlist.refresh_from_db()
    assert (watchlist.version, watchlist.threshold, watchlist.is_active) == (1, 90.0, False)


def test_a_bad_file_on_the_page_says_why(security_analyst):
    watchlist = make_watchlist(name="moi")
    response = signed_in(security_analyst, "en").post(
        f"/screening/watchlists/{watchlist.pk}/",
        {
            "action": "upload",
            "format": "masar",
            "file": SimpleUploadedFile("x.csv", b"surname\nAli\n", content_type="text/csv"),
        },
    )
    assert response.status_code == 400
    assert "needs the column(s) id, name" in response.content.decode()
    assert WatchlistImport.objects.count() == 0
