"""factory_boy factories and data builders for the applications tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from masar.applications.models import Application, Group, Pilgrim
from masar.applications.services.pilgrims import application_number
from masar.core.dates import riyadh_today
from masar.documents import generate_td3
from masar.seasons.models import Quota
from tests.factories import AgentFactory, CompanyFactory, SeasonFactory

_passport_numbers = iter(range(1_000_000, 9_999_999))


def next_passport_number() -> str:
    return f"C{next(_passport_numbers)}"


def pilgrim_values(**overrides: Any) -> dict[str, Any]:
    """A valid pilgrim as an agent would type it, with a matching passport MRZ."""
    today = riyadh_today()
    values: dict[str, Any] = {
        "surname": "Rahman",
        "given_names": "Siti Nur",
        "native_name": "سيتي نور رحمن",
        "sex": "F",
        "birth_date": dt.date(1985, 3, 14),
        "nationality": "IDN",
        "residence_country": "IDN",
        "passport_number": next_passport_number(),
        "passport_issuing_state": "IDN",
        "passport_issue_date": today - dt.timedelta(days=700),
        "passport_expiry_date": today + dt.timedelta(days=3 * 365),
        "vaccine_type": "conjugate",
        "vaccine_date": today - dt.timedelta(days=60),
    }
    mrz_overrides = {k: overrides.pop(k) for k in list(overrides) if k.startswith("mrz_")}
    values.update(overrides)
    mrz_fields = {
        "issuing_state": values["passport_issuing_state"],
        "surname": values["surname"],
        "given_names": values["given_names"],
        "document_number": values["passport_number"],
        "nationality": values["nationality"],
        "birth_date": values["birth_date"],
        "sex": values["sex"],
        "expiry_date": values["passport_expiry_date"],
    }
    mrz_fields.update({k.removeprefix("mrz_"): v for k, v in mrz_overrides.items()})
    values["mrz"] = "\n".join(generate_td3(**mrz_fields))
    return values


def as_text(values: dict[str, Any]) -> dict[str, Any]:
    """The same values as a form or a JSON body sends them."""
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    agent = factory.SubFactory(AgentFactory)
    company = factory.SubFactory(CompanyFactory)
    season = factory.SubFactory(SeasonFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    hotel_contract_number = "HC-2026-0001"
    makkah_hotel = "Dar Al-Tawhid"
    makkah_nights = 10
    madinah_hotel = "Taiba Front"
    madinah_nights = 4
    ground_transport = "SAPTCO coach"
    arrival_flight = "GA 980"
    arrival_port = "JED"
    arrival_date = factory.LazyFunction(lambda: riyadh_today() + dt.timedelta(days=20))
    departure_flight = "GA 981"
    departure_port = "MED"
    departure_date = factory.LazyAttribute(lambda o: o.arrival_date + dt.timedelta(days=14))


class PilgrimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilgrim

    agent = factory.SubFactory(AgentFactory)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        values = pilgrim_values(**{k: v for k, v in kwargs.items() if k not in ("agent", "photo")})
        values.update({k: v for k, v in kwargs.items() if k in ("agent", "photo")})
        return model_class.objects.create(**values)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    number = factory.LazyFunction(application_number)
    group = factory.SubFactory(GroupFactory)
    pilgrim = factory.LazyAttribute(lambda o: PilgrimFactory(agent=o.group.agent))
    agent = factory.SelfAttribute("group.agent")
    company = factory.SelfAttribute("group.company")
    season = factory.SelfAttribute("group.season")
    created_at = factory.LazyFunction(timezone.now)


def quota(*, season: Any, company: Any = None, agent: Any = None, limit: int, used: int = 0):
    holder = "company" if company is not None else "agent"
    return Quota.objects.create(
        season=season, holder_type=holder, company=company, agent=agent, limit=limit, used=used
    )
