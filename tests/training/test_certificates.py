from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from masar.core.dates import riyadh_today
from masar.core.errors import Conflict, Forbidden
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.training.models import Certificate, CertificateReminder, CertificateStatus
from masar.training.services import (
    attendance_record,
    certificate_code_normalize,
    certificate_reminders_send,
    certificate_revoke,
    enrolment_create,
    require_certified,
    requirement_set,
    scores_record,
    session_close,
)
from masar.training.services.certificates import add_months, certificate_code_new
from tests.factories import UserFactory
from tests.training.factories import (
    CertificateFactory,
    CourseFactory,
    RoleRequirementFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_without_a_requirement_everyone_may_act(company_staff):
    assert require_certified(actor=company_staff, role="company_staff") is None


def test_a_company_staff_requirement_refuses_until_certified(company_staff, course, trainer):
    requirement_set(
        actor=trainer, role="company_staff", course=course, effective_from=riyadh_today()
    )
    with pytest.raises(Forbidden) as refusal, translation.override("en"):
        require_certified(actor=company_staff, role="company_staff")
    assert refusal.value.status == 403
    assert refusal.value.code == "certificate_required"
    assert "Using the Umrah e-system" in str(refusal.value.message)
    assert "Company staff" in str(refusal.value.message)
    assert refusal.value.fields == {"certificate": ["umrah-esystem"]}
    with translation.override("ar"), pytest.raises(Forbidden) as refusal:
        require_certified(actor=company_staff, role="company_staff")
    assert "استخدام نظام العمرة الإلكتروني" in str(refusal.value.message)
    CertificateFactory(holder=company_staff, course=course)
    assert require_certified(actor=company_staff, role="company_staff") is None


@pytest.mark.parametrize(
    ("change", "passes"),
    [
        ({"status": CertificateStatus.REVOKED}, False),
        ({"status": CertificateStatus.RENEWED}, False),
        ({"valid_until": dt.date(2020, 1, 1)}, False),
        ({"valid_until": None}, True),
        ({}, True),
    ],
)
def test_only_a_valid_certificate_qualifies(company_staff, course, change, passes):
    RoleRequirementFactory(role="company_staff", course=course)
    CertificateFactory(holder=company_staff, course=course, **change)
    if passes:
        require_certified(actor=company_staff, role="company_staff")
    else:
        with pytest.raises(Forbidden):
            require_certified(actor=company_staff, role="company_staff")


def test_requirements_are_data_with_a_date_and_a_switch(company_staff, course, trainer):
    tomorrow = riyadh_today() + dt.timedelta(days=1)
    requirement = requirement_set(
        actor=trainer, role="company_staff", course=course, effective_from=tomorrow
    )
    require_certified(actor=company_staff, role="company_staff")
    with pytest.raises(Forbidden):
        require_certified(actor=company_staff, role="company_staff", on=tomorrow)
    requirement_set(
        actor=trainer,
        role="company_staff",
        course=course,
        effective_from=tomorrow,
        is_active=False,
    )
    requirement.refresh_from_db()
    assert requirement.is_active is False
    require_certified(actor=company_staff, role="company_staff", on=tomorrow)
    # Other roles are untouched by the company staff requirement.
    requirement_set(
        actor=trainer, role="company_staff", course=course, effective_from=riyadh_today()
    )
    require_certified(actor=company_staff, role="agent_staff")


def test_the_system_and_service_accounts_are_not_people_who_train(moi, course):
    RoleRequirementFactory(role="border_officer", course=course)
    gate = UserFactory(organization=moi, roles=["integration"], is_service_account=True)
    require_certified(actor=None, role="border_officer")
    require_certified(actor=gate, role="border_officer")


def test_only_the_ministry_sets_requirements(company_supervisor, course):
    with pytest.raises(Forbidden) as refusal:
        requirement_set(
            actor=company_supervisor,
            role="company_staff",
            course=course,
            effective_from=riyadh_today(),
        )
    assert refusal.value.code == "training_not_allowed"


def test_a_requirement_blocks_a_real_service_of_another_app(company_staff, course):
    """The way the border and application services will call it: first thing in the
    service, before any write. A real write of another app (an API token) is guarded here;
    refused, it writes nothing."""
    from masar.accounts.services import token_create

    RoleRequirementFactory(role="company_staff", course=course)

    def guarded_token_create():
        require_certified(actor=company_staff, role="company_staff")
        return token_create(actor=company_staff, user=company_staff, name="ci", scopes=["read"])

    with pytest.raises(Forbidden) as refusal:
        guarded_token_create()
    assert refusal.value.code == "certificate_required"
    assert not company_staff.api_tokens.exists()
    CertificateFactory(holder=company_staff, course=course)
    guarded_token_create()
    assert company_staff.api_tokens.count() == 1


def _complete(trainer, person, session) -> Certificate:
    for day in session.days():
        attendance_record(actor=trainer, session=session, day=day, marks={person.pk: True})
    scores_record(actor=trainer, session=session, scores={person.pk: Decimal(90)})
    session_close(actor=trainer, session=session)
    return Certificate.objects.get(enrolment__session=session)


def test_a_refresher_renews_the_certificate(company_staff, course, session, trainer):
    enrolment_create(actor=company_staff, session=session, person=company_staff)
    first = _complete(trainer, company_staff, session)
    refresher = CourseFactory(code="refresher", renews=course, audience_roles=[], pass_mark=80)
    today = riyadh_today()
    run = SessionFactory(course=refresher, trainer=trainer, starts_on=today, ends_on=today)
    enrolment_create(actor=company_staff, session=run, person=company_staff)
    renewed = _complete(trainer, company_staff, run)
    first.refresh_from_db()
    assert renewed.course == course
    assert renewed.renews_certificate == first
    assert first.status == CertificateStatus.RENEWED
    assert renewed.status == CertificateStatus.VALID
    assert first.state_on(today) == "renewed"
    event = OutboxEvent.objects.filter(type="training.certificate_issued").last()
    assert event.payload["renews_certificate_id"] == first.pk


def test_revoking_a_certificate(company_staff, course, trainer, company_supervisor):
    certificate = CertificateFactory(holder=company_staff, course=course)
    audit = AuditEntry.objects.count()
    with pytest.raises(Forbidden):
        certificate_revoke(actor=company_supervisor, certificate=certificate, reason="fraud")
    assert AuditEntry.objects.count() == audit
    certificate_revoke(actor=trainer, certificate=certificate, reason="exam fraud")
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.state_on(riyadh_today()) == "revoked"
    with pytest.raises(Conflict) as refusal:
        certificate_revoke(actor=trainer, certificate=certificate, reason="again")
    assert refusal.value.code == "certificate_revoked"


def test_codes_are_random_and_forgiving_to_type():
    codes = {certificate_code_new() for _ in range(200)}
    assert len(codes) == 200
    code = next(iter(codes))
    assert len(code) == 14 and code.count("-") == 2
    assert certificate_code_normalize(code.lower().replace("-", " ")) == code
    assert certificate_code_normalize("abco-1il0-zzzz") == "ABC0-1110-ZZZZ"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 11, 15), 24, dt.date(2028, 11, 15)),
        (dt.date(2027, 12, 1), 1, dt.date(2028, 1, 1)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def _holder(company, email: str = "holder@example.org"):
    return UserFactory(
        organization=company.organization,
        email=email,
        preferred_language="en",
        roles=["company_staff"],
    )


def test_reminders_go_once_per_certificate_and_threshold(company, course, mailoutbox):
    today = riyadh_today()
    holder = _holder(company)
    soon = CertificateFactory(
        holder=holder, course=course, valid_until=today + dt.timedelta(days=25)
    )
    CertificateFactory(course=course, valid_until=today + dt.timedelta(days=200))  # far away
    CertificateFactory(
        course=course, valid_until=today + dt.timedelta(days=5), status="revoked"
    )  # revoked: no reminder
    run = certificate_reminders_send(thresholds=[60, 30, 7], today=today)
    assert (run.created, run.sent) == (1, 1)
    assert list(CertificateReminder.objects.values_list("certificate_id", "threshold_days")) == [
        (soon.pk, 30)
    ]
    assert mailoutbox[0].to == ["holder@example.org"]
    assert soon.code in mailoutbox[0].body
    assert "Your certificate expires soon" in mailoutbox[0].subject
    # Again the same day: nothing new.
    assert certificate_reminders_send(thresholds=[60, 30, 7], today=today) == type(run)(0, 0)
    assert len(mailoutbox) == 1
    # Three weeks later it crosses the 7-day threshold: one more.
    later = today + dt.timedelta(days=20)
    assert certificate_reminders_send(thresholds=[60, 30, 7], today=later).created == 1
    assert len(mailoutbox) == 2
    assert OutboxEvent.objects.filter(type="training.certificate_reminder_due").count() == 2


def test_the_remind_command_takes_days_and_is_idempotent(company, course, mailoutbox):
    holder = _holder(company)
    CertificateFactory(
        holder=holder, course=course, valid_until=riyadh_today() + dt.timedelta(days=10)
    )
    out = StringIO()
    call_command("training", "remind", "--days", "14", stdout=out)
    assert out.getvalue().strip() == "reminders: 1 new, 1 sent"
    out = StringIO()
    call_command("training", "remind", "--days", "14", stdout=out)
    assert out.getvalue().strip() == "reminders: 0 new, 0 sent"
    assert len(mailoutbox) == 1
    assert CertificateReminder.objects.get().threshold_days == 14


@pytest.mark.django_db(transaction=True)
def test_the_reminder_task_runs_on_the_worker(company, course, mailoutbox):
    from masar.training.tasks import certificate_reminders

    holder = _holder(company)
    CertificateFactory(
        holder=holder, course=course, valid_until=riyadh_today() + dt.timedelta(days=3)
    )
    certificate_reminders.enqueue(days=[7])
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )
    assert len(mailoutbox) == 1
    assert CertificateReminder.objects.get().threshold_days == 7


def test_a_failed_mail_is_retried_by_the_next_run(company, course, mailoutbox, settings):
    holder = _holder(company)
    CertificateFactory(
        holder=holder, course=course, valid_until=riyadh_today() + dt.timedelta(days=3)
    )
    settings.MAILERS = {"default": {"BACKEND": "tests.training.broken_mail.BrokenBackend"}}
    run = certificate_reminders_send(thresholds=[7])
    assert (run.created, run.sent) == (1, 0)
    assert CertificateReminder.objects.get().sent_at is None
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    run = certificate_reminders_send(thresholds=[7])
    assert (run.created, run.sent) == (0, 1)
    assert len(mailoutbox) == 1
