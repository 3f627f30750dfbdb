"""The planned itinerary of a group: set as a whole by its agent, each hotel's beds checked
night by night, and the eligibility rules that refuse a package at a suspended hotel or a
hotel over its capacity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from masar.applications.eligibility import context_for_group, evaluate
from masar.applications.pilgrim_input import pilgrim_input_clean
from masar.core.audit import audit_record  # noqa: F401 - the audit trail is checked below
from masar.core.dates import riyadh_today
from masar.core.errors import Conflict, Forbidden, ValidationFailed
from masar.core.models import AuditEntry
from masar.lodging.models import PlannedLeg, PlannedStay
from masar.lodging.services import provider_suspend
from masar.lodging.services.itinerary import hotel_peak, itinerary_set
from tests.applications.factories import GroupFactory, pilgrim_values
from tests.lodging.factories import PlannedStayFactory

pytestmark = pytest.mark.django_db


def stay(hotel: Any, start: dt.date, nights: int, guests: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "hotel_id": hotel.pk,
        "check_in": start.isoformat(),
        "check_out": (start + dt.timedelta(days=nights)).isoformat(),
    }
    if guests is not None:
        out["guests"] = guests
    return out


def test_the_agent_sets_nights_per_city_and_legs(
    group: Any, agent_staff: Any, hotel: Any, other_hotel: Any, operator: Any
):
    start = group.arrival_date
    stays, legs = itinerary_set(
        actor=agent_staff,
        group=group,
        stays=[stay(hotel, start, 6, 40), stay(other_hotel, start + dt.timedelta(days=6), 4, 40)],
        legs=[
            {
                "operator_id": operator.pk,
                "from_city": "makkah",
                "to_city": "madinah",
                "travel_date": (start + dt.timedelta(days=6)).isoformat(),
            }
        ],
    )
    assert [(s.city, s.nights, s.guests) for s in stays] == [("makkah", 6, 40), ("madinah", 4, 40)]
    assert [(leg.from_city, leg.to_city) for leg in legs] == [("makkah", "madinah")]
    assert AuditEntry.objects.filter(action="group.itinerary_set").count() == 1
    # Set again: replaced, not added.
    itinerary_set(actor=agent_staff, group=group, stays=[stay(hotel, start, 10, 40)])
    assert PlannedStay.objects.filter(group=group).count() == 1
    assert PlannedLeg.objects.filter(group=group).count() == 0


def test_guests_default_to_one_bed_for_an_empty_group(group: Any, agent_staff: Any, hotel: Any):
    stays, _legs = itinerary_set(
        actor=agent_staff, group=group, stays=[stay(hotel, group.arrival_date, 3)]
    )
    assert stays[0].guests == 1


def test_capacity_is_checked_night_by_night(group: Any, agent_staff: Any, hotel: Any):
    start = group.arrival_date
    # Another group holds 70 of the 100 beds for nights 2 and 3 only.
    PlannedStayFactory(
        hotel=hotel,
        check_in=start + dt.timedelta(days=2),
        check_out=start + dt.timedelta(days=4),
        guests=70,
    )
    assert hotel_peak(hotel, start, start + dt.timedelta(days=6), extra=30).planned == 100
    itinerary_set(actor=agent_staff, group=group, stays=[stay(hotel, start, 6, 30)])
    with pytest.raises(Conflict) as caught:
        itinerary_set(actor=agent_staff, group=group, stays=[stay(hotel, start, 6, 31)])
    assert caught.value.code == "hotel_over_capacity"
    message = caught.value.fields["stays.0.guests"][0]
    assert (start + dt.timedelta(days=2)).isoformat() in message
    assert "30 of its 100 beds" in message
    # Refused whole: the earlier itinerary stands.
    assert list(PlannedStay.objects.filter(group=group).values_list("guests", flat=True)) == [30]
    # Nights the other group does not use are free.
    itinerary_set(actor=agent_staff, group=group, stays=[stay(hotel, start, 2, 100)])


def test_bad_input_is_refused_with_field_codes(
    group: Any, agent_staff: Any, hotel: Any, licensing_officer: Any
):
    start = group.arrival_date
    with pytest.raises(ValidationFailed) as caught:
        itinerary_set(
            actor=agent_staff,
            group=group,
            stays=[
                {"hotel_id": 999999, "check_in": "soon", "check_out": start.isoformat()},
                stay(hotel, start, 0),
            ],
            legs=[{"operator_id": 999999, "from_city": "makkah", "to_city": "makkah"}],
        )
    assert set(caught.value.fields) == {
        "stays.0.hotel_id",
        "stays.0.check_in",
        "stays.1.check_out",
        "legs.0.operator_id",
        "legs.0.to_city",
        "legs.0.travel_date",
    }
    provider_suspend(actor=licensing_officer, provider=hotel, reason="Fire safety")
    with pytest.raises(ValidationFailed) as caught:
        itinerary_set(actor=agent_staff, group=group, stays=[stay(hotel, start, 3)])
    assert caught.value.fields == {"stays.0.hotel_id": ["This hotel's licence is suspended."]}
    assert not PlannedStay.objects.exists()


def test_overlapping_stays_are_refused(group: Any, agent_staff: Any, hotel: Any, other_hotel: Any):
    start = group.arrival_date
    with pytest.raises(ValidationFailed) as caught:
        itinerary_set(
            actor=agent_staff,
            group=group,
            stays=[stay(hotel, start, 4), stay(other_hotel, start + dt.timedelta(days=3), 2)],
        )
    assert "stays" in caught.value.fields


def test_only_the_groups_agent_sets_it(
    group: Any, other_agent_staff: Any, company_staff: Any, hotel: Any
):
    for actor in (other_agent_staff, company_staff):
        with pytest.raises(Forbidden):
            itinerary_set(actor=actor, group=group, stays=[stay(hotel, group.arrival_date, 3)])
    assert not PlannedStay.objects.exists()


def _clean() -> Any:
    data, failures = pilgrim_input_clean(pilgrim_values(), today=riyadh_today())
    assert failures == []
    return data


def test_eligibility_refuses_a_suspended_or_full_hotel_with_a_bilingual_reason(
    group: Any, agent_staff: Any, hotel: Any, licensing_officer: Any
):
    start = group.arrival_date
    itinerary_set(actor=agent_staff, group=group, stays=[stay(hotel, start, 5, 60)])
    assert [f.code for f in evaluate(_clean(), context_for_group(group))] == []
    # Another group books 60 more beds directly (the hotel's beds were lowered since).
    PlannedStayFactory(
        hotel=hotel,
        group=GroupFactory(),
        check_in=start,
        check_out=start + dt.timedelta(days=1),
        guests=60,
    )
    failures = evaluate(_clean(), context_for_group(group))
    assert [(f.code, f.field) for f in failures] == [("package_hotel_capacity", "package.hotel")]
    assert "120 beds planned for 100" in failures[0].message
    provider_suspend(actor=licensing_officer, provider=hotel, reason="Fire safety")
    with translation.override("ar"):
        failures = evaluate(_clean(), context_for_group(group))
    assert [f.code for f in failures] == ["package_hotel_licensed", "package_hotel_capacity"]
    assert "برج الصفوة" in failures[0].message
    assert "suspended" not in failures[0].message
