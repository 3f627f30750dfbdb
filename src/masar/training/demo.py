"""Demo data of the training app: four programmes, sessions with attendance and scores,
certificates, a waiting list, and the border officer who is refused for lack of a
certificate (`border.jed` is certified, `border.med` is not). Everything goes through the
services, so the audit trail and the outbox hold it too."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from masar.accounts.models import User
from masar.accounts.roles import Role
from masar.core.dates import riyadh_today
from masar.core.errors import Forbidden
from masar.seasons.models import Season
from masar.training import services
from masar.training.models import Course, Delivery, Session


def _course(trainer: User, code: str, title_en: str, title_ar: str, **rules: Any) -> Course:
    programme = services.programme_create(
        actor=trainer,
        code=code,
        title_en=title_en,
        title_ar=title_ar,
        description_en=rules.pop("programme_en"),
        description_ar=rules.pop("programme_ar"),
    )
    return services.course_create(
        actor=trainer, programme=programme, code=code, title_en=title_en, title_ar=title_ar, **rules
    )


def _run(
    *,
    trainer: User,
    session: Session,
    people: list[User],
    absent: dict[str, set[dt.date]],
    scores: dict[str, Decimal],
) -> services.SessionResults:
    for day in session.days():
        services.attendance_record(
            actor=trainer,
            session=session,
            day=day,
            marks={p.pk: day not in absent.get(p.username, set()) for p in people},
        )
    if scores:
        by_name = {p.username: p.pk for p in people}
        services.scores_record(
            actor=trainer,
            session=session,
            scores={by_name[name]: score for name, score in scores.items()},
        )
    return services.session_close(actor=trainer, session=session)


def demo_seed_step(*, rng: random.Random, season: Season, stdout: Any) -> list[str]:
    today = riyadh_today()
    trainer = User.objects.get(username="hajj.trainer")
    moi_supervisor = User.objects.get(username="moi.supervisor")

    esystem = _course(
        trainer,
        "umrah-esystem",
        "Using the Umrah e-system",
        "استخدام نظام العمرة الإلكتروني",
        programme_en="Groups, manifests, applications and quotas in Masar.",
        programme_ar="المجموعات والكشوف والطلبات والحصص في مسار.",
        description_en="Submitting groups and applications, answering returns, reading quotas.",
        description_ar="تقديم المجموعات والطلبات، والرد على الإعادة، وقراءة الحصص.",
        audience_roles=[Role.COMPANY_STAFF, Role.AGENT_STAFF, Role.SUPERVISOR],
        duration_hours=6,
        delivery=Delivery.ONLINE,
        attendance_required_pct=100,
        pass_mark=70,
        certificate_validity_months=24,
        self_enrolment=True,
    )
    border = _course(
        trainer,
        "border-evisa",
        "Verifying e-visas at the border",
        "التحقق من التأشيرات الإلكترونية في المنافذ",
        programme_en="Reading the visa QR offline, MRZ checks, recording crossings.",
        programme_ar="قراءة رمز التأشيرة دون اتصال، وفحص منطقة القراءة الآلية، وتسجيل العبور.",
        description_en="Two days at a port: the signed QR, the MRZ, entries and exits.",
        description_ar="يومان في المنفذ: الرمز الموقّع، ومنطقة القراءة الآلية، والدخول والخروج.",
        audience_roles=[Role.BORDER_OFFICER],
        duration_hours=12,
        delivery=Delivery.CLASSROOM,
        attendance_required_pct=100,
        pass_mark=80,
        certificate_validity_months=12,
    )
    services.course_create(
        actor=trainer,
        programme=border.programme,
        code="border-evisa-refresher",
        title_en="Verifying e-visas at the border: yearly refresher",
        title_ar="التحقق من التأشيرات الإلكترونية في المنافذ: تجديد سنوي",
        audience_roles=[Role.BORDER_OFFICER],
        duration_hours=4,
        delivery=Delivery.BLENDED,
        attendance_required_pct=100,
        pass_mark=80,
        certificate_validity_months=12,
        renews=border,
    )
    crowd = _course(
        trainer,
        "crowd-safety",
        "Crowd safety: peak-season briefing",
        "سلامة الحشود: إحاطة موسم الذروة",
        programme_en="Crowd flows at the Two Holy Mosques and the ports in Ramadan.",
        programme_ar="حركة الحشود في الحرمين الشريفين والمنافذ في رمضان.",
        duration_hours=3,
        delivery=Delivery.BLENDED,
        attendance_required_pct=100,
        certificate_validity_months=1,
        self_enrolment=True,
    )
    _course(
        trainer,
        "pilgrim-service",
        "Service to pilgrims",
        "خدمة ضيوف الرحمن",
        programme_en="Welcoming, informing and helping the guests of the Merciful.",
        programme_ar="استقبال ضيوف الرحمن وإرشادهم ومساعدتهم.",
        audience_roles=[Role.COMPANY_STAFF, Role.AGENT_STAFF],
        duration_hours=6,
        delivery=Delivery.CLASSROOM,
        attendance_required_pct=80,
        pass_mark=60,
        certificate_validity_months=36,
        self_enrolment=True,
    )

    # The border session that ends today: border.jed passes, border.med misses a day.
    border_session = services.session_schedule(
        actor=trainer,
        course=border,
        trainer=trainer,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today,
        capacity=12,
        location="مركز التدريب، مطار الملك عبدالعزيز الدولي، جدة",
    )
    officers = [User.objects.get(username=name) for name in ("border.jed", "border.med")]
    for officer in officers:
        services.enrolment_create(actor=moi_supervisor, session=border_session, person=officer)
    border_result = _run(
        trainer=trainer,
        session=border_session,
        people=officers,
        absent={"border.med": {today}},
        scores={"border.jed": Decimal("92"), "border.med": Decimal("55")},
    )

    # Company staff train online on the e-system today and all pass.
    esystem_session = services.session_schedule(
        actor=trainer,
        course=esystem,
        trainer=trainer,
        starts_on=today,
        ends_on=today,
        capacity=25,
        online_link="https://training.masar.example/esystem",
        daily_start=dt.time(14, 0),
        daily_end=dt.time(20, 0),
    )
    company_staff = list(
        User.objects.filter(username__regex=r"^company\d+\.staff$").order_by("username")
    )
    for person in company_staff:
        services.enrolment_create(actor=person, session=esystem_session, person=person)
    esystem_result = _run(
        trainer=trainer,
        session=esystem_session,
        people=company_staff,
        absent={},
        scores={p.username: Decimal(rng.randrange(72, 100)) for p in company_staff},
    )

    # Agents' staff take the crowd-safety briefing: one-month certificates, soon expiring.
    crowd_session = services.session_schedule(
        actor=trainer,
        course=crowd,
        trainer=trainer,
        starts_on=today,
        ends_on=today,
        capacity=30,
        location="مركز تدريب الحج والعمرة، مكة المكرمة",
        daily_start=dt.time(8, 0),
        daily_end=dt.time(11, 0),
    )
    agent_staff = [User.objects.get(username=f"agent{i}.staff") for i in range(1, 11)]
    for person in agent_staff:
        services.enrolment_create(actor=person, session=crowd_session, person=person)
    crowd_result = _run(
        trainer=trainer,
        session=crowd_session,
        people=agent_staff,
        absent={"agent3.staff": {today}},
        scores={},
    )

    # Next week: border.med retakes the border course; a small e-system session fills up
    # and its waiting list holds two agents' staff.
    retake = services.session_schedule(
        actor=trainer,
        course=border,
        trainer=trainer,
        starts_on=today + dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=8),
        capacity=12,
        location="مركز التدريب، مطار الأمير محمد بن عبدالعزيز الدولي، المدينة المنورة",
    )
    services.enrolment_create(actor=moi_supervisor, session=retake, person=officers[1])
    small = services.session_schedule(
        actor=trainer,
        course=esystem,
        trainer=trainer,
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        capacity=3,
        online_link="https://training.masar.example/esystem",
    )
    for index in range(11, 16):
        person = User.objects.get(username=f"agent{index}.staff")
        services.enrolment_create(actor=person, session=small, person=person)

    for role, course in ((Role.BORDER_OFFICER, border), (Role.COMPANY_STAFF, esystem)):
        services.requirement_set(actor=trainer, role=role, course=course, effective_from=today)
    services.require_certified(actor=officers[0], role=Role.BORDER_OFFICER)
    try:
        services.require_certified(actor=officers[1], role=Role.BORDER_OFFICER)
    except Forbidden as refusal:
        refused = f"border.med refused as border officer: {refusal.code}"
    else:  # pragma: no cover - the demo's own check
        raise RuntimeError("border.med should lack the border certificate")
    return [
        "training: 4 programmes, 5 courses, 5 sessions (3 closed today, 2 next week)",
        f"training results: border {border_result.completed}/"
        f"{border_result.completed + border_result.not_completed}, e-system "
        f"{esystem_result.completed}/{len(company_staff)}, crowd safety "
        f"{crowd_result.completed}/{len(agent_staff)} completed; a waiting list of 2",
        "training requirements: border_officer needs border-evisa, company_staff umrah-esystem",
        f"training: border.jed certified; {refused}",
    ]
