"""The foreign ministry's pages: the consular queue with bulk decisions, and a visa's page
with its cancellation; in Arabic (right to left) and English; others are refused."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from masar.applications.models import Application
from masar.visas.models import Visa

pytestmark = pytest.mark.django_db


def signed_in(user: Any, language: str = "ar") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_the_queue_in_arabic_and_english(in_decision: Any, visa_officer: Any) -> None:
    app = in_decision()
    arabic = signed_in(visa_officer).get("/visas/decisions/")
    assert arabic.status_code == 200
    html = arabic.content.decode()
    assert 'dir="rtl"' in html and app.number in html
    assert '<th scope="col">' in html and f'id="app-{app.pk}"' in html
    # the number opens the case file beside the decision
    assert (
        f'<a href="/applications/{app.pk}/" data-case-file hx-get="/applications/{app.pk}/"' in html
    )
    english = signed_in(visa_officer, "en").get("/visas/decisions/").content.decode()
    assert "Consular decisions" in english and 'dir="ltr"' in english
    # no decision is chosen in advance
    assert '<option value="" selected>Choose…</option>' in english


def _confirm(client: Client, response: Any, **extra: Any) -> Any:
    """Post the confirmation form the check step rendered, as the browser would."""
    body = response.content.decode()
    form = body[body.index('<form method="post">') :]
    fields: dict[str, Any] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form):
        if name == "csrfmiddlewaretoken":
            continue
        fields.setdefault(name, []).append(unescape(value))
    return client.post(response.request["PATH_INFO"], {**fields, "step": "confirm", **extra})


def test_a_bulk_refusal_is_checked_then_recorded(in_decision: Any, visa_officer: Any) -> None:
    first, second, kept = in_decision(), in_decision(), in_decision()
    client = signed_in(visa_officer, "en")
    check = client.post(
        "/visas/decisions/",
        {
            "scope": "selected",
            "application": [first.pk, second.pk],
            "decision": "reject",
            "reason_code": "documents",
        },
    )
    assert check.status_code == 200
    body = check.content.decode()
    assert 'data-count="2" data-decision="reject"' in body
    assert "Refuse 2 applications" in body
    assert "Documents insufficient or inconsistent" in body
    assert first.number in body and second.number in body and kept.number not in body
    # nothing is recorded before the confirmation
    assert set(Application.objects.values_list("status", flat=True)) == {"decision"}
    done = _confirm(client, check)
    assert done.status_code == 302
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert [statuses[first.pk], statuses[second.pk], statuses[kept.pk]] == [
        "rejected",
        "rejected",
        "decision",
    ]
    shown = [str(m) for m in get_messages(done.wsgi_request)]
    assert shown == ["Refused: 2."]


def test_a_refusal_without_a_code_keeps_every_choice_and_changes_nothing(
    in_decision: Any, visa_officer: Any
) -> None:
    app, other = in_decision(), in_decision()
    response = signed_in(visa_officer, "en").post(
        "/visas/decisions/",
        {
            "scope": "selected",
            "application": [app.pk],
            "decision": "reject",
            "reason": "Passport photo page illegible",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('class="error-summary"')
    summary = html[start : html.index("</div>", start)]
    assert '<a href="#d-code">Choose the reason for the refusal.</a>' in summary
    # the page shows what was submitted: the row still ticked, Refuse, the explanation
    assert f'value="{app.pk}" id="app-{app.pk}" checked' in html
    assert f'value="{other.pk}" id="app-{other.pk}" aria-label' in html
    assert '<option value="reject" selected>Refuse</option>' in html
    assert '<option value="approve">Approve</option>' in html
    assert ">Passport photo page illegible</textarea>" in html
    assert set(Application.objects.values_list("status", flat=True)) == {"decision"}


def test_a_refusal_reason_with_approve_is_refused_not_approved(
    in_decision: Any, visa_officer: Any
) -> None:
    """The decision flip: a refusal code sent with "approve" approved the application."""
    app = in_decision()
    client = signed_in(visa_officer, "en")
    for step in ("", "confirm"):
        response = client.post(
            "/visas/decisions/",
            {
                "scope": "selected",
                "application": [app.pk],
                "decision": "approve",
                "reason_code": "security",
                "step": step,
            },
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert '<a href="#d-code">Choose Refuse to refuse, or clear the refusal reason.</a>' in html
        assert '<option value="security" selected>Security grounds</option>' in html
        assert f'id="app-{app.pk}" checked' in html
    assert Application.objects.get(pk=app.pk).status == "decision"
    assert not Visa.objects.exists()


def test_nothing_selected_is_a_linked_error(in_decision: Any, visa_officer: Any) -> None:
    app = in_decision()
    response = signed_in(visa_officer, "en").post(
        "/visas/decisions/", {"scope": "selected", "decision": "approve"}
    )
    assert response.status_code == 400
    assert '<a href="#queue-table">Select at least one application.</a>' in (
        response.content.decode()
    )
    assert Application.objects.get(pk=app.pk).status == "decision"


def test_a_filtered_approval_records_only_what_was_confirmed(
    in_decision: Any, visa_officer: Any
) -> None:
    first, second = in_decision(), in_decision()
    client = signed_in(visa_officer, "en")
    check = client.post("/visas/decisions/", {"scope": "filtered", "decision": "approve"})
    assert check.status_code == 200
    assert "Approve 2 applications" in check.content.decode()
    late = in_decision()  # arrives in the queue while the officer reads the confirmation
    done = _confirm(client, check)
    assert done.status_code == 302
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[late.pk] == "decision"
    assert statuses[first.pk] != "decision" and statuses[second.pk] != "decision"
    shown = [str(m) for m in get_messages(done.wsgi_request)]
    assert shown == ["Approved: 2. Their e-visas are being issued."]


def test_going_back_from_the_confirmation_keeps_the_choice(
    in_decision: Any, visa_officer: Any
) -> None:
    app = in_decision()
    client = signed_in(visa_officer, "en")
    check = client.post(
        "/visas/decisions/",
        {
            "scope": "selected",
            "application": [app.pk],
            "decision": "reject",
            "reason_code": "package",
        },
    )
    back = _confirm(client, check, step="back")
    html = back.content.decode()
    assert back.status_code == 200
    assert f'id="app-{app.pk}" checked' in html
    assert '<option value="reject" selected>Refuse</option>' in html
    assert '<option value="package" selected>' in html
    assert Application.objects.get(pk=app.pk).status == "decision"


@pytest.mark.parametrize("who", ["company_staff", "security_analyst", "agent_staff"])
def test_the_queue_is_the_foreign_ministrys(in_decision: Any, request: Any, who: str) -> None:
    app = in_decision()
    client = signed_in(request.getfixturevalue(who))
    assert client.get("/visas/decisions/").status_code == 403
    post = client.post(
        "/visas/decisions/", {"scope": "selected", "application": [app.pk], "decision": "approve"}
    )
    assert post.status_code == 403
    assert Application.objects.get(pk=app.pk).status == "decision"


def test_the_visa_page_and_its_cancellation(
    issued: Any, visa_officer: Any, company_staff: Any, other_company_staff: Any
) -> None:
    visa = issued()
    page = signed_in(company_staff, "en").get(f"/visas/{visa.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(visa.mrz_line1) in html and "<svg" in html and "Cancel this visa" not in html
    assert f'href="/applications/{visa.application_id}/"' in html
    assert signed_in(other_company_staff).get(f"/visas/{visa.number}/").status_code == 404
    refused = signed_in(company_staff).post(
        f"/visas/{visa.number}/", {"reason_code": "fraud", "step": "confirm"}
    )
    assert refused.status_code == 403
    assert Visa.objects.get(pk=visa.pk).status == "valid"
    officer = signed_in(visa_officer, "en")
    form = officer.get(f"/visas/{visa.number}/").content.decode()
    assert "Cancel this visa" in form
    # no reason is chosen in advance
    assert '<option value="" selected>Choose…</option>' in form
    missing = officer.post(f"/visas/{visa.number}/", {"reason_code": ""})
    assert missing.status_code == 400
    assert '<a href="#c-code">Choose the reason for the cancellation.</a>' in (
        missing.content.decode()
    )
    check = officer.post(f"/visas/{visa.number}/", {"reason_code": "fraud", "reason": "Forged"})
    assert check.status_code == 200
    body = check.content.decode()
    assert 'data-confirm="cancel"' in body and "Fraudulent application" in body
    assert "This cannot be undone." in body
    assert Visa.objects.get(pk=visa.pk).status == "valid"
    done = officer.post(
        f"/visas/{visa.number}/", {"reason_code": "fraud", "reason": "Forged", "step": "confirm"}
    )
    assert done.status_code == 302
    cancelled = Visa.objects.get(pk=visa.pk)
    assert (cancelled.status, cancelled.cancel_reason_code, cancelled.cancel_reason) == (
        "cancelled",
        "fraud",
        "Forged",
    )


def test_the_queue_reads_its_figures_from_the_maintained_aggregates(
    in_decision: Any, visa_officer: Any, season: Any
) -> None:
    """The decisions taken come from the daily aggregates (as of their last refresh), not a
    count over the decided applications; the backlog is counted on the queue's index."""
    from masar.reporting.models import (
        ALL_SCOPE,
        DailyCount,
        Dimension,
        IndicatorRefresh,
        Metric,
    )

    in_decision()
    in_decision(nationality="MYS")
    today = timezone.localdate()
    for metric, day, count in [
        (Metric.DECIDED_AUTO, today, 30),
        (Metric.DECIDED_MANUAL, today, 5),
        (Metric.DECIDED_MANUAL, today - dt.timedelta(days=1), 5),
    ]:
        DailyCount.objects.create(
            season=season,
            day=day,
            metric=metric,
            scope=ALL_SCOPE,
            dimension=Dimension.TOTAL,
            key="",
            count=count,
        )
    # a company's own row is not everyone's figure
    DailyCount.objects.create(
        season=season,
        day=today,
        metric=Metric.DECIDED_AUTO,
        scope=99,
        dimension=Dimension.TOTAL,
        key="",
        count=1000,
    )
    IndicatorRefresh.objects.create(season=season, refreshed_at=timezone.now())
    response = signed_in(visa_officer, "en").get("/visas/decisions/")
    stats = response.context["stats"]
    assert (stats["decided"], stats["automatic"], stats["automatic_share"]) == (40, 30, 0.75)
    html = response.content.decode()
    assert "<strong>40</strong> decided · automatic share 0.75 · as of <bdi>" in html
    assert response.context["total"] == 2 and response.context["matching"] is None
    filtered = signed_in(visa_officer, "en").get("/visas/decisions/", {"nationality": "MYS"})
    assert filtered.context["total"] == 2 and filtered.context["matching"] == 1
    assert "Every application matching the filters (1)" in filtered.content.decode()


def test_the_filtered_count_is_told_by_its_page(
    in_decision: Any, visa_officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filtered queue is not counted (its filter is not in the queue's index): one page
    says its rows, more pages say "more than" a page."""
    from masar.visas import views

    monkeypatch.setattr(views, "QUEUE_PAGE", 2)
    for _ in range(3):
        in_decision()
    client = signed_in(visa_officer, "en")
    response = client.get("/visas/decisions/", {"nationality": "IDN"})
    assert response.context["total"] == 3
    assert str(response.context["matching"]) == "more than 2"
    assert "Every application matching the filters (more than 2)" in response.content.decode()
    assert client.get("/visas/decisions/", {"nationality": "MYS"}).context["matching"] == 0
