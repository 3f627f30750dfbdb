"""Labels, never codes: every audit action the code records has a label in both languages,
and the audit trail, home's recent activity and a company's history read them (the
application by its number, linked), in a number of queries that does not grow with the page.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.utils import translation

from masar.applications.labels import TRANSITION_LABELS
from masar.applications.services import application_submit
from masar.applications.states import TRANSITIONS
from masar.core.audit import audit_record
from masar.core.catalogues import SOURCE
from masar.core.labels import ACTION_LABELS, TARGET_LABELS, action_label, target_label
from tests.visas import conftest as visas_fixtures

_media = visas_fixtures._media
season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
make_draft = visas_fixtures.make_draft


def _recorded_actions() -> set[str]:
    """The constant `action=` of every `audit_record(...)` call in the code."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record"):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    found.add(str(keyword.value.value))
    return found


def test_every_recorded_action_has_a_label() -> None:
    actions = _recorded_actions()
    assert len(actions) > 50
    missing = sorted(a for a in actions if a not in ACTION_LABELS)
    assert not missing, missing


def test_every_transition_has_a_label() -> None:
    missing = sorted(name for name in TRANSITIONS if name not in TRANSITION_LABELS)
    assert not missing, missing
    assert action_label("application.screen_clear") == "Security screening clear"


def test_every_record_kind_is_a_model() -> None:
    for label in TARGET_LABELS:
        apps.get_model(label)


def test_labels_read_in_the_pages_language() -> None:
    with translation.override("ar"):
        assert action_label("company.suspended") == "أُوقفت الشركة"
        assert action_label("application.submit") == "مقدَّم إلى الشركة"
        assert target_label("applications.application") == "الطلب"
    with translation.override("en"):
        assert action_label("company.suspended") == "Company suspended"
    # An action without a label still reads as words, not as a code.
    assert action_label("made_up.thing_done") == "made up: thing done"


def _client(user: Any, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


CODE = re.compile(r"<td>[a-z_]+\.[a-z_]+</td>|applications\.application \d+")


@pytest.mark.django_db
def test_the_audit_trail_reads_labels_and_links_the_application(
    make_draft: Any, agent_staff: Any, licensing_officer: Any, django_assert_max_num_queries: Any
) -> None:
    app = make_draft()
    application_submit(actor=agent_staff, application=app)
    html = _client(licensing_officer, "ar").get("/audit/").content.decode()
    assert "مقدَّم إلى الشركة" in html
    assert f'<a href="/applications/{app.pk}/"><bdi>{app.number}</bdi></a>' in html
    assert not CODE.search(html), CODE.search(html)
    english = _client(licensing_officer, "en").get("/").content.decode()
    assert "Submitted to the company" in english and "<code>application.submit</code>" not in (
        english
    )

    def page_queries() -> int:
        client = _client(licensing_officer, "en")
        with django_assert_max_num_queries(1000) as counted:
            assert client.get("/audit/").status_code == 200
        return len(counted.captured_queries)

    few = page_queries()
    with transaction.atomic():
        for _ in range(20):
            audit_record(actor=licensing_officer, action="quota.set", target=app)
    # Twenty more entries (and their records) read in the same number of queries.
    assert page_queries() == few
