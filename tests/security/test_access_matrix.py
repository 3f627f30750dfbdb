"""Least privilege for reads, generated from the access matrix (`masar.accounts.access_matrix`).

For every profile (organization kind x role) the test builds an actor, a world holding
records of the actor's own organization and of others, and reads each resource through the
selector the pages and the API use. What it observes (all / own / none) must be exactly the
matrix's cell. Resources cheap to build are observed on real rows; the others by the scope
of the query the selector builds (empty, unfiltered, or filtered on the actor's own
organization).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import QuerySet

from masar.accounts.access_matrix import (
    GRANTS,
    PROFILES,
    RESOURCE_KEYS,
    RESOURCES,
    Access,
    access,
    matrix_markdown,
    profile_access,
)
from masar.accounts.roles import ROLES_BY_KIND
from masar.applications import selectors as application_selectors
from masar.applications.states import ApplicationStatus
from masar.border import selectors as border_selectors
from masar.border.models import CarrierCheck
from masar.compliance import selectors as compliance_selectors
from masar.core import selectors as core_selectors
from masar.core.audit import audit_record
from masar.core.models import PersonalDataRead
from masar.lodging import selectors as lodging_selectors
from masar.operators.models import Agent, Company
from masar.screening import selectors as screening_selectors
from masar.visas import selectors as visa_selectors
from masar.whereabouts import selectors as whereabouts_selectors
from tests.applications.factories import ApplicationFactory, GroupFactory
from tests.factories import (
    AgentFactory,
    CompanyFactory,
    ContractFactory,
    OrganizationFactory,
    SeasonFactory,
    UserFactory,
)
from tests.lodging.factories import HotelFactory, TransportOperatorFactory

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "security-matrix.md"
BEGIN, END = "<!-- matrix:begin -->\n", "<!-- matrix:end -->\n"


class World:
    """Two companies with their agents (one pair is the actor's when it is a company or an
    agent), two carriers, and one application in every state for each pair."""

    def __init__(self, kind: str) -> None:
        season = SeasonFactory()
        self.own_company, self.other_company = CompanyFactory(), CompanyFactory()
        self.own_agent, self.other_agent = AgentFactory(), AgentFactory()
        self.own_carrier = OrganizationFactory(kind="carrier")
        self.other_carrier = OrganizationFactory(kind="carrier")
        for company, agent in (
            (self.own_company, self.own_agent),
            (self.other_company, self.other_agent),
        ):
            ContractFactory(company=company, agent=agent)
        self.groups = {
            "own": GroupFactory(agent=self.own_agent, company=self.own_company, season=season),
            "other": GroupFactory(
                agent=self.other_agent, company=self.other_company, season=season
            ),
        }
        self.applications = {
            (side, status): ApplicationFactory(group=group, status=status).pk
            for side, group in self.groups.items()
            for status in ApplicationStatus.values
        }
        self.ministry = OrganizationFactory(kind=kind) if kind in ("mohu", "mofa", "moi") else None
        self.own_hotel, self.other_hotel = HotelFactory(), HotelFactory()
        self.own_operator, self.other_operator = (
            TransportOperatorFactory(),
            TransportOperatorFactory(),
        )
        self.organization = {
            "company": self.own_company.organization,
            "agent": self.own_agent.organization,
            "carrier": self.own_carrier,
            "hotel": self.own_hotel.organization,
            "transport": self.own_operator.organization,
        }.get(kind, self.ministry)
        self.stranger = UserFactory(organization=self.other_company.organization)

    def actor(self, role: str) -> Any:
        return UserFactory(organization=self.organization, roles=[role])

    def own_and_other_rows(self, actor: Any) -> None:
        """An audit entry, a personal-data read and a carrier check of the actor's own
        organization, and the same of another one."""
        colleague = UserFactory(organization=self.organization)
        with transaction.atomic():
            for user in (colleague, self.stranger):
                audit_record(actor=user, action="test.read", target=None)
                PersonalDataRead(
                    user=user,
                    organization=user.organization,
                    record_type="applications.application",
                    records=",1,",
                    record_count=1,
                    source="GET /test/",
                ).save()
        for carrier in (self.own_carrier, self.other_carrier):
            CarrierCheck.objects.create(
                carrier=carrier,
                flight="SV1",
                passport_digest="0" * 64,
                result="ok",
                code="ok",
            )


def _level(visible_own: bool, visible_other: bool) -> Access | str:
    if visible_own and visible_other:
        return Access.ALL
    if visible_own:
        return Access.OWN
    if visible_other:
        return "others only"
    return Access.NONE


def _rows_level(actor: Any, qs: QuerySet[Any], own: Callable[[Any], bool]) -> Access | str:
    rows = list(qs)
    return _level(any(own(r) for r in rows), any(not own(r) for r in rows))


def _scope_level(actor: Any, qs: QuerySet[Any]) -> Access | str:
    """The scope of a query: empty (none), unfiltered (all), or on the actor's organization."""
    if qs.query.is_empty():
        return Access.NONE
    sql, params = qs.query.sql_with_params()
    if " WHERE " not in sql:
        return Access.ALL
    if actor.organization_id in params:
        return Access.OWN
    # Or on the operator the organization is (its company or agent id: the lists filter
    # `company_id = x` on their indexes rather than joining organizations).
    operators = {
        *Company.objects.filter(organization_id=actor.organization_id).values_list("pk", flat=True),
        *Agent.objects.filter(organization_id=actor.organization_id).values_list("pk", flat=True),
    }
    if operators and operators <= set(params):
        return Access.OWN
    return f"filtered: {sql[sql.index(' WHERE ') :]} {params}"


def _applications(world: World, actor: Any, statuses: frozenset[str]) -> Access | str:
    visible = set(application_selectors.application_list(actor=actor).values_list("pk", flat=True))
    own = all(world.applications["own", s] in visible for s in statuses)
    other = all(world.applications["other", s] in visible for s in statuses)
    some = any(
        world.applications[side, s] in visible for side in ("own", "other") for s in statuses
    )
    if some and not (own or other):
        return "some states only"
    if actor.organization.kind not in ("company", "agent"):
        # A ministry or a carrier has no applications of its own: "own" means nothing.
        return Access.ALL if own and other else (Access.NONE if not some else "one side only")
    return _level(own, other)


def observe(world: World, actor: Any) -> dict[str, Access | str]:
    """What the actor reads of each resource, as the selectors answer it."""
    world.own_and_other_rows(actor)
    org_id = actor.organization_id
    seen: dict[str, Access | str] = {
        r.key: _applications(world, actor, r.statuses) for r in RESOURCES if r.statuses
    }
    groups = application_selectors.group_list(actor=actor)
    if actor.organization.kind in ("company", "agent"):
        seen["groups"] = _rows_level(actor, groups, lambda g: g.pk == world.groups["own"].pk)
    else:
        seen["groups"] = Access.ALL if groups.count() == 2 else _scope_level(actor, groups)
    seen["audit"] = _rows_level(
        actor,
        core_selectors.audit_list(actor=actor).filter(action="test.read"),
        lambda e: e.organization_id == org_id,
    )
    seen["personal_data_reads"] = _rows_level(
        actor,
        core_selectors.personal_data_read_list(actor=actor),
        lambda r: r.organization_id == org_id,
    )
    # The first carrier is the actor's own when the actor is a carrier.
    seen["carrier_checks"] = _rows_level(
        actor,
        border_selectors.carrier_check_list(actor),
        lambda c: c.carrier_id == world.own_carrier.pk,
    )
    structural = {
        "visas": visa_selectors.visa_list(actor),
        "crossings": border_selectors.crossing_list(actor),
        "stays": border_selectors.stay_list(actor),
        "overstays": border_selectors.overstay_list(actor),
        "screening_reviews": screening_selectors.review_list(actor=actor, status=None),
        "violations": compliance_selectors.violation_list(actor=actor),
        "guarantee_ledgers": compliance_selectors.invoice_list(actor=actor),
        "hotel_stays": lodging_selectors.hotel_stay_list(actor),
        "trips": lodging_selectors.trip_list(actor),
        "whereabouts_alerts": whereabouts_selectors.alert_list(actor),
    }
    for key, qs in structural.items():
        seen[key] = _scope_level(actor, qs)
    return seen


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_reads_exactly_what_the_matrix_grants(profile: str) -> None:
    kind, role = profile.split(":")
    world = World(kind)
    actor = world.actor(role)
    expected = {r.key: profile_access(profile, r.key) for r in RESOURCES}
    assert observe(world, actor) == expected


def test_the_matrix_names_every_profile_and_resource() -> None:
    assert set(GRANTS) == RESOURCE_KEYS
    kinds_roles = {f"{kind}:{role}" for kind, roles in ROLES_BY_KIND.items() for role in roles}
    assert set(PROFILES) == kinds_roles
    for grants in GRANTS.values():
        for profile in grants:
            kind, role = profile.split(":")
            assert profile in kinds_roles or (role == "*" and kind in ROLES_BY_KIND), profile


def test_examples_of_least_privilege() -> None:
    assert profile_access("moi:border_officer", "application_drafts") == Access.NONE
    assert profile_access("moi:border_officer", "applications_in_review") == Access.NONE
    assert profile_access("moi:border_officer", "applications_issued") == Access.ALL
    assert profile_access("mofa:visa_officer", "guarantee_ledgers") == Access.NONE
    assert profile_access("mofa:visa_officer", "screening_reviews") == Access.NONE
    assert profile_access("company:company_staff", "application_drafts") == Access.NONE


def test_the_widest_role_wins_and_superusers_read_everything(db: Any) -> None:
    moi = OrganizationFactory(kind="moi")
    both = UserFactory(organization=moi, roles=["border_officer", "security_analyst"])
    assert access(both, "applications_in_review") == Access.ALL
    root = UserFactory(organization=None, is_superuser=True)
    assert {access(root, r.key) for r in RESOURCES} == {Access.ALL}
    nobody = UserFactory(organization=None)
    assert {access(nobody, r.key) for r in RESOURCES} == {Access.NONE}


def test_a_border_officer_cannot_open_a_draft_nor_a_visa_officer_a_guarantee(
    api: Any, border_officer: Any, visa_officer: Any, licensing_officer: Any
) -> None:
    company = CompanyFactory()
    draft = ApplicationFactory(status="draft")
    issued = ApplicationFactory(status="issued")
    officer = api(border_officer)
    assert officer.get(f"/api/v1/applications/{draft.pk}/").status_code == 404
    assert officer.get(f"/api/v1/pilgrims/{draft.number}/journey/").status_code == 404
    assert officer.get(f"/api/v1/applications/{issued.pk}/").status_code == 200
    url = f"/api/v1/companies/{company.pk}/guarantee/"
    refused = api(visa_officer).get(url)
    assert (refused.status_code, refused.json()["code"]) == (404, "compliance_not_found")
    assert api(licensing_officer).get(url).status_code == 200


def test_the_doc_table_is_rendered_from_the_matrix() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    table = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert table == matrix_markdown(), "docs/security-matrix.md is stale: run `masar access_matrix`"
