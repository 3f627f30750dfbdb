"""Actors of training: the ministry's trainer and supervisor, and supervisors of a company,
another company and the ministry of interior."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masar.core.dates import riyadh_today
from tests.factories import UserFactory
from tests.training.factories import CourseFactory, SessionFactory


@pytest.fixture
def trainer(mohu: Any) -> Any:
    return UserFactory(organization=mohu, username="hajj.trainer", roles=["trainer"])


@pytest.fixture
def other_trainer(mohu: Any) -> Any:
    return UserFactory(organization=mohu, username="hajj.trainer2", roles=["trainer"])


@pytest.fixture
def mohu_supervisor(mohu: Any) -> Any:
    return UserFactory(organization=mohu, username="hajj.supervisor", roles=["supervisor"])


@pytest.fixture
def company_supervisor(company: Any) -> Any:
    return UserFactory(organization=company.organization, roles=["supervisor", "company_staff"])


@pytest.fixture
def other_company_supervisor(other_company: Any) -> Any:
    return UserFactory(organization=other_company.organization, roles=["supervisor"])


@pytest.fixture
def moi_supervisor(moi: Any) -> Any:
    return UserFactory(organization=moi, username="moi.supervisor", roles=["supervisor"])


@pytest.fixture
def course(db: Any) -> Any:
    return CourseFactory(
        code="umrah-esystem",
        title_en="Using the Umrah e-system",
        title_ar="استخدام نظام العمرة الإلكتروني",
        audience_roles=["company_staff", "agent_staff", "supervisor"],
        attendance_required_pct=100,
        pass_mark=70,
        certificate_validity_months=24,
    )


@pytest.fixture
def session(course: Any, trainer: Any) -> Any:
    """Two days: yesterday and today, so attendance and closing are possible today."""
    today = riyadh_today()
    return SessionFactory(
        course=course,
        trainer=trainer,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today,
        capacity=3,
    )
