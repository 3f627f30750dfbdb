"""The screening step end to end: from company approval, through the task, to the
consular decision (automatic or waiting), or to the interior ministry's review queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone, translation

from masar.applications.lock_objects import application_lock
from masar.applications.models import Application, ApplicationTransition
from masar.applications.services import application_transition
from masar.core.audit import audit_verify
from masar.core.dates import riyadh_today
from masar.integration.models import OutboxEvent
from masar.screening.models import (
    FalsePositive,
    Review,
    Screening,
    ScreeningHit,
)
from masar.screening.reasons import reason_text
from masar.screening.services import application_screen, ban_create, review_decide
from masar.screening.tasks import screen_application
from masar.seasons.models import Quota, SeasonRules
from tests.screening.factories import load, make_watchlist, masar_csv

pytestmark = pytest.mark.django_db

SITI = {
    "id": "MOI-1",
    "name": "Siti Nur Rahman",
    "aliases": ["سيتي نور رحمن"],
    "birth_date": "1985-03-14",
    "nationality": "IDN",
    "reason": "Forged travel documents",
    "source": "Interior ministry",
}
OTHERS = [
    {"id": "MOI-2", "name": "Mohammed Ahmed Ali", "birth_date": "1970-02-01", "nationality": "EGY"},
    {
        "id": "MOI-3",
        "name": "Muhammad Usman Khan",
        "birth_date": "1980-06-01",
        "nationality": "PAK",
    },
    {"id": "MOI-4", "name": "Fatima Bibi", "birth_date": "1975", "nationality": "PAK"},
]


def screen(app: Application) -> Screening | None:
    """Run the task the company's approval queued, as the worker would."""
    result = screen_application.call(application_id=app.pk)
    app.refresh_from_db()
    return Screening.objects.filter(application=app).order_by("-pk").first() if result else None


def assert_reason_translated(hit: ScreeningHit) -> None:
    """The analyst's page shows the hit's reason in Arabic (`screening/reasons.py`)."""
    reason = hit.explanation["reason"]
    with translation.override("ar"):
        assert reason_text(reason) != reason, reason


def test_a_clear_application_is_approved_automatically(in_screening):
    # given lists that hold nobody like the applicant, and a season deciding automatically
    make_watchlist([SITI, *OTHERS])
    app = in_screening(surname="Hidayat", given_names="Ahmad Fauzi", native_name="")
    # when the screening task runs
    screening = screen(app)
    # then it is clear and the consular decision was taken by the system at once
    assert (screening.outcome, screening.hit_count) == ("clear", 0)
    assert (app.status, app.decided_automatically) == ("approved", True)
    assert app.screened_at is not None and app.decided_at is not None
    steps = list(ApplicationTransition.objects.filter(application=app).values_list("name", "actor"))
    assert steps[-2:] == [("screen_clear", None), ("approve", None)]
    decided = OutboxEvent.objects.get(type="application.decided", subject_id=str(app.pk))
    assert (decided.payload["automatic"], decided.payload["to"]) == (True, "approved")
    completed = OutboxEvent.objects.get(type="screening.completed")
    assert completed.payload["outcome"] == "clear"
    assert completed.payload["automatic_decision"] is True
    assert completed.organizations == []  # no company or agent sees screening events
    assert audit_verify().ok


def test_a_clear_application_waits_for_the_consular_decision_when_the_season_says_so(
    in_screening, season
):
    SeasonRules.objects.filter(season=season).update(auto_decision=False)
    make_watchlist([SITI])
    app = in_screening(surname="Hidayat", given_names="Ahmad Fauzi", native_name="")
    screening = screen(app)
    assert screening.outcome == "clear"
    assert (app.status, app.decided_automatically, app.decided_at) == ("decision", False, None)
    assert app.active_passport is not None  # the decision state still holds the passport
    assert not OutboxEvent.objects.filter(type="application.decided").exists()


def test_a_possible_match_is_referred_with_its_evidence(in_screening):
    watchlist = make_watchlist([SITI, *OTHERS], review_sla_hours=6)
    before = timezone.now()
    app = in_screening()  # Siti Nur Rahman, born 1985-03-14, Indonesian
    screening = screen(app)
    assert (screening.outcome, screening.hit_count, app.status) == ("referred", 1, "referred")
    hit = ScreeningHit.objects.get(screening=screening)
    assert (hit.kind, hit.watchlist_id, hit.list_version) == ("watchlist", watchlist.pk, 1)
    assert (hit.entry.external_id, hit.entry_revision, hit.score) == ("MOI-1", 1, 100.0)
    assert hit.explanation["birth_date"]["reason"] == "same birth date"
    assert {p["how"] for p in hit.explanation["token_pairs"]} == {"exact"}
    review = Review.objects.get(application=app)
    assert (review.status, review.best_score, review.hit_count) == ("pending", 100.0, 1)
    assert review.due_at - review.opened_at == dt.timedelta(hours=6)
    assert review.opened_at >= before
    # the company and the agent see the status and a reason that names no list or entry
    assert app.status_reason == (
        f"Possible match in security screening: 1 hit(s) to review (R-{review.pk})."
    )
    referred = OutboxEvent.objects.get(type="application.referred")
    assert "moi-wanted" not in str(referred.payload) and "MOI-1" not in str(referred.payload)
    queued = OutboxEvent.objects.get(type="screening.referred")
    assert (queued.payload["review_id"], queued.ministries) == (review.pk, ["moi"])


@pytest.mark.parametrize(
    ("pilgrim", "why"),
    [
        (
            {"surname": "Rahman", "given_names": "Siti Nur", "birth_date": dt.date(1962, 8, 1)},
            "the same common name, born 23 years earlier",
        ),
        (
            {
                "surname": "Ali",
                "given_names": "Mohamed Ahmed",
                "native_name": "محمد أحمد علي",
                "nationality": "EGY",
                "birth_date": dt.date(1994, 7, 9),
            },
            "Mohammed Ahmed Ali in both scripts, born 24 years later",
        ),
        (
            {
                "surname": "Khan",
                "given_names": "Muhammad Usman",
                "native_name": "",
                "nationality": "PAK",
                "birth_date": dt.date(1991, 1, 1),
            },
            "the same name, born 11 years later",
        ),
        (
            {
                "surname": "Bibi",
                "given_names": "Fatima",
                "native_name": "",
                "nationality": "PAK",
                "birth_date": dt.date(1990, 1, 1),
            },
            "a two-word name shared by many, born 15 years later",
        ),
    ],
)
def test_different_people_with_common_names_are_not_referred(in_screening, pilgrim, why):
    # given a list with people of very common names
    make_watchlist([SITI, *OTHERS])
    # (they live in Indonesia, where the agent is contracted to send pilgrims from)
    app = in_screening(**{"native_name": "", **pilgrim})
    # when the applicant, who only shares a common name, is screened
    screening = screen(app)
    # then nothing is raised, whatever the name
    assert (screening.outcome, screening.hit_count, app.status) == ("clear", 0, "approved"), why
    assert not Review.objects.exists()


def test_arabic_script_and_spelling_variants_are_found(in_screening):
    make_watchlist(
        [
            {
                "id": "UN-77",
                "name": "Abd al-Rahman Hussein Al-Dosari",
                "birth_date": "1975",
                "nationality": "IRQ",
            }
        ]
    )
    app = in_screening(
        surname="Aldosari",
        given_names="Abdulrahman Husain",
        native_name="عبدالرحمن حسين الدوسري",
        birth_date=dt.date(1975, 8, 1),
        nationality="IRQ",
    )
    screening = screen(app)
    assert screening.outcome == "referred"
    hits = list(ScreeningHit.objects.filter(screening=screening))
    assert [h.entry.external_id for h in hits] == ["UN-77"]
    assert hits[0].score >= 80


def test_an_entry_outside_its_validity_is_not_raised(in_screening):
    yesterday = riyadh_today() - dt.timedelta(days=1)
    make_watchlist([{**SITI, "valid_until": yesterday.isoformat()}])
    app = in_screening()
    assert screen(app).outcome == "clear"


def test_an_inactive_list_is_not_screened(in_screening, security_analyst):
    from masar.screening.services import watchlist_update

    watchlist = make_watchlist([SITI])
    watchlist_update(actor=security_analyst, watchlist=watchlist, is_active=False)
    app = in_screening()
    screening = screen(app)
    assert (screening.outcome, screening.list_versions) == ("clear", {})


def test_the_lists_threshold_decides(in_screening, security_analyst):
    from masar.screening.services import watchlist_update

    # "Siti Rahman", no middle name, born the same year: a weaker match
    watchlist = make_watchlist(
        [{**SITI, "name": "Siti Rahman", "aliases": [], "birth_date": "1985"}]
    )
    first = in_screening()
    assert screen(first).outcome == "referred"
    score = ScreeningHit.objects.get(screening__application=first).score
    assert 80 <= score < 100
    watchlist_update(actor=security_analyst, watchlist=watchlist, threshold=min(100.0, score + 1))
    second = in_screening(passport_number="C7654321", given_names="Siti Nur")
    assert screen(second).outcome == "clear"


def _free_passport(app: Application, visa_officer) -> None:
    """The consular ministry refuses the application: its passport is free again."""
    with transaction.atomic():
        application_transition(
            actor=visa_officer,
            application=application_lock(app.pk),
            name="reject",
            reason="The sponsor withdrew.",
            payload={"automatic": False},
        )


def test_a_false_positive_is_remembered_until_the_entry_changes(
    in_screening, security_analyst, visa_officer, season
):
    SeasonRules.objects.filter(season=season).update(auto_decision=False)
    watchlist = make_watchlist([SITI, *OTHERS])
    # given a referred application, decided a false positive by the analyst
    first = in_screening()
    screen(first)
    review = Review.objects.get(application=first)
    review_decide(
        actor=security_analyst,
        review_id=review.pk,
        decision="false_positive",
        reason="Different father's name; passport photo differs.",
    )
    first.refresh_from_db()
    assert first.status == "decision"
    remembered = FalsePositive.objects.get()
    assert (remembered.person_key, remembered.entry.external_id) == (
        f"IDN:{first.pilgrim.passport_number}",
        "MOI-1",
    )
    assert (remembered.entry_revision, remembered.list_version) == (1, 1)
    _free_passport(first, visa_officer)

    # when the same person applies again with the same list version: not raised
    second = in_screening(passport_number=first.pilgrim.passport_number)
    screening = screen(second)
    assert (screening.outcome, screening.hit_count, screening.suppressed_count) == ("clear", 0, 1)
    suppressed = ScreeningHit.objects.get(screening=screening)
    assert suppressed.suppressed_by_id == remembered.pk
    _free_passport(second, visa_officer)

    # a new version that does not touch the entry keeps the finding
    load(watchlist, masar_csv([SITI, *OTHERS[:2]]))
    watchlist.refresh_from_db()
    assert watchlist.version == 2
    third = in_screening(passport_number=first.pilgrim.passport_number)
    assert screen(third).outcome == "clear"
    _free_passport(third, visa_officer)

    # a new version that changes the entry raises it again
    load(watchlist, masar_csv([{**SITI, "reason": "Forged documents; wanted since 2025"}]))
    watchlist.refresh_from_db()
    assert watchlist.version == 3
    fourth = in_screening(passport_number=first.pilgrim.passport_number)
    screening = screen(fourth)
    assert (screening.outcome, screening.hit_count, fourth.status) == ("referred", 1, "referred")
    hit = ScreeningHit.objects.get(screening=screening)
    assert (hit.list_version, hit.entry_revision, hit.suppressed_by_id) == (3, 3, None)


def test_a_ban_by_passport_refers_the_application(in_screening, security_analyst):
    app = in_screening()
    ban = ban_create(
        actor=security_analyst,
        passport_issuing_state="IDN",
        passport_number=app.pilgrim.passport_number,
        until=riyadh_today() + dt.timedelta(days=365),
        reason="Overstayed in 1446 by 200 days",
        source="border",
    )
    screening = screen(app)
    assert (screening.outcome, app.status) == ("referred", "referred")
    hit = ScreeningHit.objects.get(screening=screening)
    assert (hit.kind, hit.ban_id, hit.score) == ("ban", ban.pk, 100.0)
    assert hit.explanation["reason"] == "same passport"
    assert_reason_translated(hit)


def test_a_ban_by_name_and_birth_date_and_one_that_ended(in_screening, security_analyst):
    ban_create(
        actor=security_analyst,
        full_name="Siti Nur Rahman",
        birth_date=dt.date(1985, 3, 14),
        reason="Expelled",
    )
    ban_create(
        actor=security_analyst,
        full_name="Ahmad Fauzi Hidayat",
        birth_date=dt.date(1985, 3, 14),
        until=riyadh_today() - dt.timedelta(days=1),
        reason="Ended yesterday",
    )
    referred = in_screening()
    assert screen(referred).outcome == "referred"
    hit = ScreeningHit.objects.get(screening__application=referred)
    assert (hit.kind, hit.explanation["reason"]) == ("ban", "same birth date, similar name")
    assert_reason_translated(hit)
    clear = in_screening(surname="Hidayat", given_names="Ahmad Fauzi", native_name="")
    assert screen(clear).outcome == "clear"


def test_a_previous_security_refusal_of_the_passport_is_raised(
    in_screening, security_analyst, quotas
):
    make_watchlist([SITI])
    first = in_screening()
    screen(first)
    review = Review.objects.get(application=first)
    review_decide(
        actor=security_analyst,
        review_id=review.pk,
        decision="true_match",
        reason_code="watchlist_match",
        reason="Photo and birth place match the UN notice.",
    )
    first.refresh_from_db()
    assert (first.status, first.status_reason, first.quota_held) == (
        "rejected",
        "watchlist_match",
        False,
    )
    assert Quota.objects.get(pk=quotas["agent"].pk).used == 0
    # the list is emptied; the person applies again with the same passport and another name
    second = in_screening(
        passport_number=first.pilgrim.passport_number, given_names="Sitti", native_name=""
    )
    load(Review.objects.get().screening.hits.get().watchlist, masar_csv(OTHERS))
    screening = screen(second)
    assert screening.outcome == "referred"
    hit = ScreeningHit.objects.get(screening=screening)
    assert (hit.kind, hit.previous_review_id, hit.score) == ("previous_refusal", review.pk, 100.0)
    assert hit.explanation["previous_application"] == first.number
    assert_reason_translated(hit)


def test_the_task_leaves_an_application_no_longer_in_screening_alone(in_screening):
    app = in_screening()
    assert application_screen(application_id=app.pk) is not None
    app.refresh_from_db()
    status = app.status
    assert application_screen(application_id=app.pk) is None
    assert Screening.objects.filter(application=app).count() == 1
    app.refresh_from_db()
    assert app.status == status


@pytest.mark.django_db(transaction=True)
def test_company_approval_queues_the_screening_and_the_worker_runs_it(
    make_draft, agent_staff, company_staff
):
    from masar.applications.services import application_company_approve, application_submit
    from tests.screening.conftest import run_worker

    make_watchlist([SITI])
    referred = make_draft()
    clear = make_draft(surname="Hidayat", given_names="Ahmad Fauzi", native_name="")
    for app in (referred, clear):
        application_submit(actor=agent_staff, application=app)
        application_company_approve(actor=company_staff, application=app)
    assert set(Application.objects.values_list("status", flat=True)) == {"screening"}
    run_worker()
    assert Application.objects.get(pk=referred.pk).status == "referred"
    clear.refresh_from_db()
    # Approved automatically by the screening; the visas app's hook on "approve" queues
    # the issuance, which the same worker run may already have done.
    assert clear.decided_automatically is True
    assert clear.status in {"approved", "issued"}
    assert Screening.objects.count() == 2


def test_bulk_approval_queues_one_screening_per_application(
    make_draft, agent_staff, company_staff, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from masar.applications.services import applications_company_approve, group_submit

    drafts = [make_draft() for _ in range(3)]
    group_submit(actor=agent_staff, group=drafts[0].group)
    with django_capture_on_commit_callbacks(execute=True):
        result = applications_company_approve(
            actor=company_staff, application_ids=[d.pk for d in drafts]
        )
    assert len(result.done) == 3
    queued = DBTaskResult.objects.filter(task_path="masar.screening.tasks.screen_application")
    assert sorted(r.args_kwargs["kwargs"]["application_id"] for r in queued) == sorted(
        d.pk for d in drafts
    )
    assert {r.queue_name for r in queued} == {"default"}
