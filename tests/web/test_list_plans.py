"""PostgreSQL only: the main list queries read an index that holds their filter and their
order, so that a page costs its rows whatever the table's size.

Each query's plan is read with sequential scans and explicit sorts priced out of reach
(`enable_seqscan`, `enable_sort` off): the planner still chooses them when no index can
serve the query, so a plan with a `Seq Scan` of the listed table or a `Sort` node means that
the index the list relies on is missing or does not match."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from masar.applications import selectors as app_selectors
from masar.applications.models import Pilgrim
from masar.border import lists
from masar.border import selectors as border_selectors
from masar.core.pagination import KeysetPaginator, after, capped_count, sort_key
from masar.core.selectors import audit_list
from masar.screening.selectors import review_list
from masar.visas import selectors as visa_selectors
from tests.applications.factories import GroupFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


def _plan(qs: QuerySet[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    return _nodes(json.loads(qs.explain(format="json"))[0]["Plan"])


def _page(qs: QuerySet[Any], *, deep: list[Any] | None = None) -> QuerySet[Any]:
    """The query of a page: the first one, or the one after the sort key values `deep`."""
    key = sort_key(qs)
    if deep is not None:
        qs = qs.filter(after(key, deep))
    return qs.order_by(*key)[:51]


def _uses(plan: list[dict[str, Any]], table: str, *indexes: str) -> None:
    """No sort, no sequential scan of `table`, and one of `indexes` read (with a status
    filter on an empty table the planner may take the scope's `(x, id)` index and filter:
    both hold the order; with a season's statistics it takes `(x, status, id)`)."""
    types = [n["Node Type"] for n in plan]
    assert "Sort" not in types, types
    assert not [n for n in plan if n["Node Type"] == "Seq Scan" and n["Relation Name"] == table]
    assert set(indexes) & {n.get("Index Name") for n in plan}, plan


def _uses_open_stay(plan: list[dict[str, Any]]) -> None:
    """An operator's list of open stays: no sort, no sequential scan of the stays, one of the
    open-stay partial indexes read. On the test's near-empty tables, whose statistics depend
    on the tests run before, the planner may hold the order on the ministries' index and
    filter by the operator; at a season's volume it takes the operator's own (ADR 0126)."""
    _uses(plan, "border_stay", *{str(n.get("Index Name")) for n in plan})
    assert any(str(n.get("Index Name", "")).startswith("stay_open") for n in plan), plan


@pytest.fixture
def on_pg(on_postgres: bool) -> None:
    assert on_postgres


def test_application_lists_read_their_scope_index(
    on_pg: None, agent_staff: Any, company_staff: Any, visa_officer: Any, agent: Any
) -> None:
    mine = app_selectors.application_list(actor=agent_staff)
    _uses(_plan(_page(mine)), "applications_application", "application_agent_id_idx")
    _uses(_plan(_page(mine, deep=[12345])), "applications_application", "application_agent_id_idx")
    _uses(
        _plan(_page(mine.filter(status="issued"))),
        "applications_application",
        "application_agent_status_id",
        "application_agent_id_idx",
    )
    company = app_selectors.application_list(actor=company_staff)
    _uses(_plan(_page(company)), "applications_application", "application_company_id_idx")
    _uses(
        _plan(_page(company.filter(status="entered"))),
        "applications_application",
        "application_company_status_id",
        "application_company_id_idx",
    )
    everyone = app_selectors.application_list(actor=visa_officer)
    _uses(_plan(_page(everyone)), "applications_application", "applications_application_pkey")
    _uses(
        _plan(_page(everyone.filter(status="decision"))),
        "applications_application",
        "application_status_id_idx",
        "applications_application_pkey",
    )
    _uses(
        _plan(_page(everyone.filter(group_id=7).order_by("id"))),
        "applications_application",
        "application_group_id_idx",
    )


def test_capped_counts_read_the_index_only(on_pg: None, agent_staff: Any) -> None:
    mine = app_selectors.application_list(actor=agent_staff).filter(status="issued")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    capped = mine.order_by()[:10_001]
    plan = _nodes(json.loads(capped.explain(format="json"))[0]["Plan"])
    assert {n.get("Index Name") for n in plan} & {
        "application_agent_status_id",
        "application_agent_id_idx",
    }
    assert "Seq Scan" not in {n["Node Type"] for n in plan}
    assert capped_count(mine).value == 0


def test_searches_read_the_key_and_name_indexes(on_pg: None) -> None:
    """A passport number on its index; a name on the prefix indexes (ADR 0126)."""
    passport = Pilgrim.objects.filter(passport_number="X12345678").values("pk")
    _uses(_plan(passport), "applications_pilgrim", "pilgrim_passport_idx")
    # A name: a range of the prefix index (of one agent, or of everyone), in the index's
    # order so that the LIMIT stops the read; never a bitmap of every bearer nor a sort.
    # (On an empty table an agent's range may be read on either index: both hold the order.)
    for field in ("surname", "given_names"):
        word = field.split("_")[0]
        for agent, indexes in (
            (7, {f"pilgrim_agent_{word}", f"pilgrim_{word}_prefix"}),
            (None, {f"pilgrim_{word}_prefix"}),
        ):
            sql = app_selectors._PILGRIMS_NAMED_SQL.format(
                scope="agent_id = %s AND " if agent else "", field=field
            )
            params = [agent] if agent else []
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql, [*params, "RAHM%", 400])
                raw = cursor.fetchone()[0]
            plan = _nodes((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"])
            types = [n["Node Type"] for n in plan]
            assert types == ["Limit", "Index Scan"], types
            assert plan[1]["Index Name"] in indexes, plan


def test_a_group_name_search_reads_its_trigram_index(on_pg: None) -> None:
    """Part of a group's name (the lists' search) on the trigram index, not a scan."""
    from masar.applications.models import Group

    plan = _plan(Group.objects.filter(name__icontains="ramad").values("pk")[:20])
    assert not [n for n in plan if n["Node Type"] == "Seq Scan"], plan
    assert "group_name_search" in {n.get("Index Name") for n in plan}, plan


def test_visa_lists_read_their_scope_index(
    on_pg: None, company_staff: Any, agent_staff: Any
) -> None:
    _uses(
        _plan(_page(visa_selectors.visa_list(company_staff))), "visas_visa", "visa_company_id_idx"
    )
    _uses(
        _plan(_page(visa_selectors.visa_list(agent_staff).filter(status="valid"))),
        "visas_visa",
        "visa_agent_status_id",
        "visa_agent_id_idx",
    )


def test_border_lists_read_the_open_stay_indexes(
    on_pg: None, security_analyst: Any, company_staff: Any
) -> None:
    everyone = lists.in_country(actor=security_analyst)
    _uses(_plan(_page(everyone)), "border_stay", "stay_open_by_entry")
    deep = [timezone.now() - dt.timedelta(days=3), 999]
    _uses(_plan(_page(everyone, deep=deep)), "border_stay", "stay_open_by_entry")
    by_nationality = lists.in_country(
        actor=security_analyst, filters=lists.ListFilters(nationality="IDN")
    )
    _uses(_plan(_page(by_nationality)), "border_stay", "stay_open_nationality_entry")
    company = lists.in_country(actor=company_staff)
    _uses_open_stay(_plan(_page(company)))
    due = lists.due_to_leave(actor=security_analyst, days=7)
    _uses(_plan(_page(due)), "border_stay", "stay_open_by_departure")
    company_due = lists.due_to_leave(actor=company_staff, days=7)
    _uses_open_stay(_plan(_page(company_due)))
    company_nationality = lists.in_country(
        actor=company_staff, filters=lists.ListFilters(nationality="IDN")
    )
    _uses_open_stay(_plan(_page(company_nationality)))


def test_overstays_and_reviews_read_their_list_order(
    on_pg: None, security_analyst: Any, company_staff: Any
) -> None:
    """Open overstays, oldest permitted departure first, for everyone and for a company;
    every security review by score: each on an index that holds the order (ADR 0126)."""
    _uses(
        _plan(_page(lists.overstayers(actor=security_analyst))),
        "border_overstay",
        "overstay_status_departure",
    )
    _uses(
        _plan(_page(lists.overstayers(actor=company_staff))),
        "border_overstay",
        "overstay_company_departure",
    )
    # (on an empty table a company's page may read either: both hold the order, no sort)
    _uses(
        _plan(_page(border_selectors.overstay_list(security_analyst))),
        "border_overstay",
        "overstay_detected",
    )
    _uses(
        _plan(_page(border_selectors.overstay_list(company_staff))),
        "border_overstay",
        "overstay_company_detected",
        "overstay_detected",
    )
    every_review = review_list(actor=security_analyst, status=None)
    _uses(_plan(_page(every_review)), "screening_review", "review_by_score")


def test_a_groups_applications_read_the_groups_indexes(
    on_pg: None, agent_staff: Any, company_staff: Any, season: Any, company: Any, agent: Any
) -> None:
    """A group's page and its counts by status: the group's indexes, not the operator's."""
    group = GroupFactory(season=season, company=company, agent=agent)
    for actor in (agent_staff, company_staff):
        apps = app_selectors.group_applications(actor=actor, group=group)
        _uses(_plan(_page(apps)), "applications_application", "application_group_id_idx")
        capped = apps.filter(status="issued").order_by().values("pk")[:1001]
        plan = _plan(capped)
        names = {n["Index Name"] for n in plan if "Index Name" in n}
        assert names and names <= {"application_group_status_id", "application_group_id_idx"}
        assert "BitmapAnd" not in {n["Node Type"] for n in plan}


def test_the_audit_trail_of_an_organization_reads_its_index(
    on_pg: None, company_staff: Any
) -> None:
    _uses(
        _plan(_page(audit_list(actor=company_staff))),
        "core_auditentry",
        "audit_organization_id_idx",
    )


def test_the_consular_queue_reads_its_own_index(on_pg: None, visa_officer: Any) -> None:
    """Oldest waiting first on the partial `(waiting since, id)` index of the applications
    awaiting the decision: first page, a deep page and a filtered one, never a sort."""
    queue = visa_selectors.decision_queue(visa_officer)
    _uses(_plan(_page(queue)), "applications_application", "application_decision_queue")
    deep = [timezone.now() - dt.timedelta(hours=5), 999]
    _uses(_plan(_page(queue, deep=deep)), "applications_application", "application_decision_queue")
    by_nationality = visa_selectors.decision_queue(visa_officer, filters={"nationality": "IDN"})
    _uses(_plan(_page(by_nationality)), "applications_application", "application_decision_queue")


def test_a_keyset_page_reads_no_more_than_its_rows(on_pg: None, visa_officer: Any) -> None:
    page = KeysetPaginator(app_selectors.application_list(actor=visa_officer), 50).page(None)
    assert list(page) == []
    assert not page.has_next()
