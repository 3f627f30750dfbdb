"""Bans: the services the border and compliance apps will call."""

from __future__ import annotations

import datetime as dt

import pytest

from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.screening.models import Ban
from masar.screening.services import ban_create, ban_lift

pytestmark = pytest.mark.django_db


def test_a_ban_by_passport_and_its_lifting(border_officer):
    ban = ban_create(
        actor=border_officer,
        passport_issuing_state="pk",
        passport_number="ab1234567",
        until=dt.date(2031, 1, 1),
        reason="Overstayed 200 days",
        source="border",
    )
    assert (ban.passport_issuing_state, ban.passport_number, ban.until) == (
        "PAK",
        "AB1234567",
        dt.date(2031, 1, 1),
    )
    event = OutboxEvent.objects.get(type="ban.created")
    assert (event.payload, event.organizations) == (
        {"ban_id": ban.pk, "source": "border", "until": "2031-01-01"},
        [],
    )
    ban_lift(actor=border_officer, ban=ban, reason="Appeal granted")
    ban.refresh_from_db()
    assert (ban.lifted_by, ban.lift_reason) == (border_officer, "Appeal granted")
    with pytest.raises(Conflict):
        ban_lift(actor=border_officer, ban=ban, reason="again")
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["ban.create", "ban.lift"]


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"reason": ""}, {"reason", "passport_number"}),
        ({"reason": "x", "full_name": "Ali Khan"}, {"passport_number"}),
        ({"reason": "x", "passport_number": "A1"}, {"passport_issuing_state"}),
        (
            {
                "reason": "x",
                "passport_number": "A1",
                "passport_issuing_state": "PAK",
                "source": "?",
            },
            {"source"},
        ),
    ],
)
def test_a_ban_must_name_a_person_and_a_reason(security_analyst, values, fields):
    with pytest.raises(ValidationFailed) as refused:
        ban_create(actor=security_analyst, **values)
    assert set(refused.value.fields) == fields
    assert Ban.objects.count() == 0


def test_companies_cannot_bar_anyone(company_staff):
    with pytest.raises(Forbidden):
        ban_create(
            actor=company_staff,
            full_name="Ali Khan",
            birth_date=dt.date(1980, 1, 1),
            reason="competitor",
        )
    assert Ban.objects.count() == 0
