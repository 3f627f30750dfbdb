from __future__ import annotations

import random

import pytest

from masar.core.errors import Forbidden
from masar.training.demo import demo_seed_step
from masar.training.models import Certificate, Enrolment, RoleRequirement
from masar.training.services import require_certified
from tests.factories import AgentFactory, CompanyFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def cast(mohu, moi, season):
    """The demo users the training step relies on (the foundation's demo creates them)."""
    UserFactory(organization=mohu, username="hajj.trainer", roles=["trainer"])
    UserFactory(organization=moi, username="moi.supervisor", roles=["supervisor"])
    officers = [
        UserFactory(organization=moi, username=name, roles=["border_officer"])
        for name in ("border.jed", "border.med")
    ]
    for index in (1, 2):
        company = CompanyFactory()
        UserFactory(
            organization=company.organization,
            username=f"company{index}.staff",
            roles=["company_staff"],
        )
    for index in range(1, 16):
        agent = AgentFactory()
        UserFactory(
            organization=agent.organization, username=f"agent{index}.staff", roles=["agent_staff"]
        )
    return officers


def test_the_demo_certifies_border_jed_and_not_border_med(cast, season):
    report = demo_seed_step(rng=random.Random(1447), season=season, stdout=None)
    jed, med = cast
    require_certified(actor=jed, role="border_officer")
    with pytest.raises(Forbidden) as refusal:
        require_certified(actor=med, role="border_officer")
    assert refusal.value.code == "certificate_required"
    assert report[-1] == (
        "training: border.jed certified; border.med refused as border officer: certificate_required"
    )
    assert sorted(RoleRequirement.objects.values_list("role", "course__code")) == [
        ("border_officer", "border-evisa"),
        ("company_staff", "umrah-esystem"),
    ]
    # Both company staff passed the e-system course and may act.
    for name in ("company1.staff", "company2.staff"):
        holder = Certificate.objects.get(holder__username=name)
        require_certified(actor=holder.holder, role="company_staff")
    assert Certificate.objects.filter(course__code="crowd-safety").count() == 9
    assert Enrolment.objects.filter(status="waitlisted").count() == 2
    assert Enrolment.objects.get(person=med, status="enrolled").session.starts_on > (
        Certificate.objects.get(holder=jed).issued_on
    )
