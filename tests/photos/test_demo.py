"""The demo step: every demo pilgrim gets a portrait that passes every check, and the demo
season requires a compliant photo."""

from __future__ import annotations

import random
from typing import Any

import pytest

from masar.applications.services import application_submit
from masar.photos.demo import demo_portraits, demo_seed_step
from masar.photos.models import Portrait
from masar.seasons.models import SeasonRules
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_pilgrims_get_compliant_portraits_and_the_season_requires_them(
    make_draft: Any, season: Any, mohu: Any, agent_staff: Any
) -> None:
    UserFactory(username="hajj.licensing", organization=mohu, roles=["licensing_officer"])
    drafts = [make_draft() for _ in range(4)]
    report = demo_seed_step(rng=random.Random(1), season=season, stdout=None)
    assert report == [
        "photos: 4 demo portraits (6 of 6 source portraits pass every check); "
        "the season requires a compliant photo"
    ]
    assert sorted(Portrait.objects.values_list("pilgrim_id", "status")) == sorted(
        (d.pilgrim_id, "compliant") for d in drafts
    )
    assert SeasonRules.objects.get(season=season).photo_required is True
    assert application_submit(actor=agent_staff, application=drafts[0]).status == "submitted"
    # Run again: nobody gets a second portrait.
    assert demo_seed_step(rng=random.Random(1), season=season, stdout=None)[0].startswith(
        "photos: 0 demo portraits"
    )
    assert len(demo_portraits()) == 6
