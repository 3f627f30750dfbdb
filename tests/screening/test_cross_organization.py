"""Companies and agents have no access to screening data at all: every screening endpoint
and page answers them 403 and changes nothing; their own application shows its status and a
reason that names no list, entry, score or record."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from masar.applications.models import Application
from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.screening.models import (
    FalsePositive,
    Review,
    Watchlist,
    WatchlistEntry,
    WatchlistImport,
)
from masar.screening.tasks import screen_application
from tests.factories import UserFactory
from tests.screening.factories import make_watchlist, masar_csv
from tests.screening.test_screening_task import SITI

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(in_screening):
    watchlist = make_watchlist([SITI])
    app = in_screening()
    screen_application.call(application_id=app.pk)
    review = Review.objects.get(application=app)
    return {"watchlist": watchlist, "app": app, "review": review}


@pytest.fixture(
    params=[
        "company_staff",
        "agent_staff",
        "other_company_staff",
        "other_agent_staff",
        "company_integration",
        "agent_supervisor",
    ]
)
def outsider(request, company, agent):
    if request.param == "company_integration":
        return UserFactory(organization=company.organization, roles=["integration"])
    if request.param == "agent_supervisor":
        return UserFactory(organization=agent.organization, roles=["supervisor"])
    return request.getfixturevalue(request.param)


def snapshot(world) -> tuple:
    app = Application.objects.get(pk=world["app"].pk)
    review = Review.objects.get(pk=world["review"].pk)
    watchlist = Watchlist.objects.get(pk=world["watchlist"].pk)
    return (
        app.status,
        review.status,
        watchlist.threshold,
        watchlist.version,
        Watchlist.objects.count(),
        WatchlistEntry.objects.count(),
        WatchlistImport.objects.count(),
        FalsePositive.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_every_screening_endpoint_refuses_companies_and_agents(api, world, outsider):
    watchlist, review = world["watchlist"], world["review"]
    client = api(outsider)
    before = snapshot(world)
    reads = [
        "/api/v1/watchlists/",
        f"/api/v1/watchlists/{watchlist.pk}/",
        f"/api/v1/watchlists/{watchlist.pk}/imports/",
        f"/api/v1/watchlists/{watchlist.pk}/versions/",
        f"/api/v1/watchlists/{watchlist.pk}/versions/1/changes/",
        "/api/v1/screening/reviews/",
        f"/api/v1/screening/reviews/{review.pk}/",
    ]
    for url in reads:
        response = client.get(url)
        assert (response.status_code, response.json()["code"]) == (403, "screening_not_allowed"), (
            url
        )
        assert "Siti" not in response.content.decode()
    writes = [
        ("post", "/api/v1/watchlists/", {"name": "mine"}, "json"),
        ("patch", f"/api/v1/watchlists/{watchlist.pk}/", {"threshold": 99}, "json"),
        (
            "post",
            f"/api/v1/watchlists/{watchlist.pk}/imports/",
            {"file": SimpleUploadedFile("l.csv", masar_csv([])), "format": "masar"},
            "multipart",
        ),
        (
            "post",
            f"/api/v1/screening/reviews/{review.pk}/decide/",
            {"decision": "false_positive", "reason": "mine"},
            "json",
        ),
        ("post", "/api/v1/screening/match/", {"name": "Siti Nur Rahman"}, "json"),
    ]
    for method, url, body, fmt in writes:
        response = getattr(client, method)(url, body, format=fmt)
        assert (response.status_code, response.json()["code"]) == (403, "screening_not_allowed"), (
            url
        )
    assert snapshot(world) == before


def test_screening_pages_refuse_companies_and_agents(world, outsider):
    client = Client()
    client.force_login(outsider)
    before = snapshot(world)
    review, watchlist = world["review"], world["watchlist"]
    for url in (
        "/screening/",
        f"/screening/reviews/{review.pk}/",
        "/screening/watchlists/",
        f"/screening/watchlists/{watchlist.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        f"/screening/reviews/{review.pk}/",
        {"decision": "false_positive", "reason": "mine"},
    )
    assert response.status_code == 403
    assert snapshot(world) == before


def test_the_agent_and_the_company_see_only_the_status(api, world, agent_staff, company_staff):
    app, review = world["app"], world["review"]
    for user in (agent_staff, company_staff):
        response = api(user).get(f"/api/v1/applications/{app.pk}/")
        assert response.status_code == 200
        body = json.dumps(response.json(), ensure_ascii=False)
        # Not even the referral itself: a neutral review by the authorities (no tip-off).
        assert response.json()["status"] == "under_review"
        for secret in ("moi-wanted", "MOI-1", "Forged", "100.0", "score", f"R-{review.pk}"):
            assert secret not in body, secret
    # The referral's event, naming the review, goes to the ministries only.
    referred = OutboxEvent.objects.get(type="application.referred")
    assert referred.payload["reason"] == (
        f"Possible match in security screening: 1 hit(s) to review (R-{review.pk})."
    )
    assert referred.organizations == []
    agent_org = agent_staff.organization_id
    visible = [e for e in OutboxEvent.objects.all() if agent_org in e.organizations]
    assert not [
        e.type
        for e in visible
        if e.type.startswith(("screening.", "watchlist.", "application.ref"))
    ]


def test_another_ministry_reads_nothing_either(api, world, visa_officer, licensing_officer):
    for user in (visa_officer, licensing_officer):
        assert api(user).get("/api/v1/screening/reviews/").status_code == 403
        assert api(user).get("/api/v1/watchlists/").status_code == 403
