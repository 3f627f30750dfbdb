"""The case file of one application: the pilgrim, the journey in words (never a code), the
visa with its seal and PDF, the decision panel for the visa officer while it waits for
the decision, and screening evidence for the ministries only (never for a company or an
agent, not even as the reason of a step)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from masar.applications.lock_objects import application_lock
from masar.applications.services import application_company_approve, application_submit
from masar.applications.services.transitions import application_transition
from tests.visas import conftest as visas_fixtures

pytestmark = pytest.mark.django_db

_media = visas_fixtures._media
season = visas_fixtures.season
quotas = visas_fixtures.quotas
group = visas_fixtures.group
make_draft = visas_fixtures.make_draft
visa_keys = visas_fixtures.visa_keys
in_decision = visas_fixtures.in_decision
issued = visas_fixtures.issued

EVIDENCE = "Possible match in security screening: 2 hit(s) to review (R-1)."
# The reason screening stores, as the case file reads it (plural, the page's language).
EVIDENCE_SHOWN = "Possible match in security screening: 2 hits to review (R-1)."


def signed_in(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_the_consul_opens_the_case_file_beside_the_decision(
    in_decision: Any, visa_officer: Any
) -> None:
    app = in_decision()
    queue = signed_in(visa_officer).get("/visas/decisions/").content.decode()
    assert (
        f'<a href="/applications/{app.pk}/" data-case-file hx-get="/applications/{app.pk}/"'
        in queue
    )
    response = signed_in(visa_officer).get(f"/applications/{app.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert app.pilgrim.passport_number in html and '<pre class="mrz" dir="ltr"' in html
    assert '<div id="portrait">' in html
    # the decision panel posts to the queue's check step for this one application
    panel = html[html.index('aria-labelledby="decide-h"') :]
    assert '<form method="post" action="/visas/decisions/">' in panel
    assert f'<input type="hidden" name="application" value="{app.pk}">' in panel
    # the history reads as words
    assert "<strong>Security screening clear</strong>" in html
    assert "<strong>Approved by the company</strong>" in html
    assert "screen_clear" not in html and "company_approve" not in html


def test_the_issued_visa_is_on_the_case_file(issued: Any, company_staff: Any) -> None:
    visa = issued()
    html = signed_in(company_staff).get(f"/applications/{visa.application_id}/").content.decode()
    assert f'<a href="/visas/{visa.number}/"><bdi dir="ltr">{visa.number}</bdi></a>' in html
    assert f'href="/api/v1/visas/{visa.number}/document.pdf"' in html
    assert "<svg" in html and "Permitted stay" in html
    assert "<strong>E-visa issued</strong>" in html
    assert 'aria-labelledby="decide-h"' not in html  # not the company's decision


def test_screening_reasons_are_for_the_ministries_only(
    make_draft: Any,
    agent_staff: Any,
    company_staff: Any,
    security_analyst: Any,
    visa_officer: Any,
) -> None:
    app = make_draft()
    application_submit(actor=agent_staff, application=app)
    application_company_approve(actor=company_staff, application=app)
    with transaction.atomic():
        application_transition(
            actor=None, application=application_lock(app.pk), name="refer", reason=EVIDENCE
        )
    for outsider in (company_staff, agent_staff):
        # No tip-off: the referral is not a step of their history, only the neutral status.
        html = signed_in(outsider).get(f"/applications/{app.pk}/").content.decode()
        assert "Referred for security review" not in html
        assert "Under review by the authorities" in html
        assert EVIDENCE not in html and "hit(s)" not in html
        assert EVIDENCE_SHOWN not in html and "hits to review" not in html
        assert 'id="screening-h"' not in html
    for ministry in (security_analyst, visa_officer):
        html = signed_in(ministry).get(f"/applications/{app.pk}/").content.decode()
        assert "<strong>Referred for security review</strong>" in html
        assert EVIDENCE_SHOWN in html and 'id="screening-h"' in html
