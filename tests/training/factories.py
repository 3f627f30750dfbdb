"""factory_boy factories of the training app."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from masar.core.dates import riyadh_today
from masar.training.models import (
    Certificate,
    Course,
    Enrolment,
    Programme,
    RoleRequirement,
    Session,
)
from masar.training.services.certificates import certificate_code_new
from tests.factories import OrganizationFactory, UserFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"programme-{n}")
    title_en = factory.Sequence(lambda n: f"Programme {n}")
    title_ar = factory.Sequence(lambda n: f"برنامج {n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"course-{n}")
    title_en = factory.Sequence(lambda n: f"Course {n}")
    title_ar = factory.Sequence(lambda n: f"دورة {n}")
    duration_hours = 6
    delivery = "classroom"
    attendance_required_pct = 80
    pass_mark = 70
    certificate_validity_months = 12
    self_enrolment = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    trainer = factory.SubFactory(
        UserFactory,
        organization=factory.SubFactory(OrganizationFactory, kind="mohu", code="mohu"),
        roles=["trainer"],
    )
    location = "Training centre, Jeddah"
    starts_on = factory.LazyFunction(lambda: riyadh_today() + dt.timedelta(days=7))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=1))
    daily_start = dt.time(9, 0)
    daily_end = dt.time(13, 0)
    capacity = 10
    waitlist_capacity = 50


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(UserFactory)
    organization = factory.LazyAttribute(lambda o: o.person.organization)
    status = "enrolled"
    ticket = factory.Sequence(lambda n: n + 1)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    code = factory.LazyFunction(certificate_code_new)
    holder = factory.SubFactory(UserFactory)
    organization = factory.LazyAttribute(lambda o: o.holder.organization)
    course = factory.SubFactory(CourseFactory)
    holder_name_en = factory.LazyAttribute(lambda o: o.holder.get_full_name())
    holder_name_ar = "أحمد الزهراني"
    issued_on = factory.LazyFunction(lambda: riyadh_today() - dt.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: riyadh_today() + dt.timedelta(days=300))
    created_at = factory.LazyFunction(timezone.now)


class RoleRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleRequirement

    role = "company_staff"
    course = factory.SubFactory(CourseFactory)
    effective_from = factory.LazyFunction(lambda: riyadh_today() - dt.timedelta(days=1))
