"""The border list pages: who may open them, what each organization sees, the filters and
the pagination, and the CSV exports (exact content, streamed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masar.border.models import EscapeNotice, Overstay
from masar.core.dates import riyadh_today
from masar.operators.models import Company
from tests.border.test_lists import make_overstay, make_port, make_stay
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_PAGES = ("border:in_country", "border:due", "border:overstays")
CSV_PAGES = ("border:in_country_csv", "border:due_csv", "border:overstays_csv")


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(season: Any, company: Any, agent: Any, other_company: Any, other_agent: Any) -> Any:
    today = riyadh_today()
    mine = make_stay(
        season=season,
        company=company,
        agent=agent,
        permitted_departure=today + dt.timedelta(days=1),
        surname="Alpha",
        passport_number="C1000001",
    )
    theirs = make_stay(
        season=season,
        company=other_company,
        agent=other_agent,
        permitted_departure=today,
        port=make_port("MED", "Madinah"),
        nationality="PAK",
        surname="Delta",
        passport_number="C1000002",
    )
    late = make_overstay(
        make_stay(
            season=season,
            company=company,
            agent=agent,
            permitted_departure=today - dt.timedelta(days=2),
            surname="Golf",
            passport_number="C1000003",
        )
    )
    their_late = make_overstay(
        make_stay(
            season=season,
            company=other_company,
            agent=other_agent,
            permitted_departure=today - dt.timedelta(days=2),
            nationality="PAK",
            surname="Hotel",
            passport_number="C1000004",
        )
    )
    return {"mine": mine, "theirs": theirs, "late": late, "their_late": their_late}


@pytest.mark.parametrize("name", LIST_PAGES + CSV_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(name: str) -> None:
    response = client_for(None).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("name", LIST_PAGES + CSV_PAGES)
def test_the_foreign_ministry_and_carriers_are_refused(
    name: str, world: Any, visa_officer: Any
) -> None:
    carrier = UserFactory(
        organization__kind="carrier", organization__code="carrier-sv", roles=["carrier_staff"]
    )
    for user in (visa_officer, carrier):
        assert client_for(user).get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "who",
    ["security_analyst", "border_officer", "licensing_officer", "company_staff", "agent_staff"],
)
def test_list_readers_open_every_list(who: str, world: Any, request: Any) -> None:
    client = client_for(request.getfixturevalue(who))
    for name in LIST_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert b"<caption>" in response.content


def test_the_ministry_sees_everyone_a_company_its_own(
    world: Any, security_analyst: Any, company_staff: Any, other_company_staff: Any
) -> None:
    url = reverse("border:in_country")
    everyone = client_for(security_analyst).get(url).content.decode()
    assert "C1000001" in everyone and "C1000002" in everyone
    mine = client_for(company_staff).get(url).content.decode()
    assert "C1000001" in mine and "C1000002" not in mine
    # the filter choices name the other company not even there (the cities are the
    # ports', reference data)
    other = Company.objects.exclude(organization=company_staff.organization).first()
    assert other is not None and other.organization.name_en not in mine
    theirs = client_for(other_company_staff).get(url).content.decode()
    assert "C1000002" in theirs and "C1000001" not in theirs


def test_in_country_groups_and_filters(
    world: Any, security_analyst: Any, company: Any, other_company: Any
) -> None:
    client = client_for(security_analyst)
    page = client.get(reverse("border:in_country"), {"group": "city"})
    groups = page.context["groups"]
    # Jeddah: both companies' overstayers (still in the country) and the company's stay
    assert [(g.label, g.count) for g in groups] == [("Jeddah", 3), ("Madinah", 1)]
    filtered = client.get(reverse("border:in_country"), {"nationality": "PAK"})
    assert filtered.context["total"] == 2
    assert {s.pk for s in filtered.context["page"]} == {
        world["theirs"].pk,
        world["their_late"].stay.pk,
    }


def test_due_to_leave_page_window(world: Any, security_analyst: Any) -> None:
    client = client_for(security_analyst)
    today_only = client.get(reverse("border:due"), {"days": "1"})
    assert [s.pk for s in today_only.context["page"]] == [world["theirs"].pk]
    two_days = client.get(reverse("border:due"), {"days": "2"})
    assert [s.pk for s in two_days.context["page"]] == [world["theirs"].pk, world["mine"].pk]
    assert two_days.context["last_day"] == riyadh_today() + dt.timedelta(days=1)


def test_overstays_page_shows_the_notice_deadline_and_the_file_link_to_the_company(
    world: Any, company_staff: Any, security_analyst: Any
) -> None:
    notice_url = reverse("border:escape_notice", args=[world["late"].pk])
    mine = client_for(company_staff).get(reverse("border:overstays"))
    assert [r.overstay.pk for r in mine.context["rows"]] == [world["late"].pk]
    assert mine.context["rows"][0].days == 2
    assert notice_url in mine.content.decode()
    ministry = client_for(security_analyst).get(reverse("border:overstays"))
    assert {r.overstay.pk for r in ministry.context["rows"]} == {
        world["late"].pk,
        world["their_late"].pk,
    }
    assert "escape-notice" not in ministry.content.decode()  # ministries do not file


def test_pagination_keeps_the_filters(
    season: Any, company: Any, agent: Any, security_analyst: Any
) -> None:
    today = riyadh_today()
    for _ in range(51):
        make_stay(season=season, company=company, agent=agent, permitted_departure=today)
    page = client_for(security_analyst).get(reverse("border:in_country"), {"nationality": "IDN"})
    assert len(page.context["page"]) == 50
    cursor = page.context["page"].next_cursor
    assert f'href="?nationality=IDN&amp;cursor={cursor}" rel="next"' in page.content.decode()
    second = client_for(security_analyst).get(
        reverse("border:in_country"), {"nationality": "IDN", "cursor": cursor}
    )
    assert len(second.context["page"]) == 1
    assert {s.pk for s in second.context["page"]}.isdisjoint(s.pk for s in page.context["page"])


def test_pages_are_arabic_by_default(world: Any, company_staff: Any) -> None:
    response = client_for(company_staff, language="ar").get(reverse("border:in_country"))
    body = response.content.decode()
    assert 'dir="rtl"' in body
    assert "في المملكة الآن" in body


# --- CSV --------------------------------------------------------------------------------------


def _csv(response: Any) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    return b"".join(response.streaming_content).decode().removeprefix("\ufeff").splitlines()


def test_in_country_csv_is_exact_and_scoped(
    world: Any, company_staff: Any, company: Any, agent: Any
) -> None:
    response = client_for(company_staff).get(reverse("border:in_country_csv"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="in-country-{timezone.localdate().isoformat()}.csv"'
    )
    lines = _csv(response)
    mine, late = world["mine"], world["late"].stay

    def line(stay: Any, surname: str, passport: str) -> str:
        entered = timezone.localtime(stay.entered_at).replace(microsecond=0).isoformat()
        return (
            f"{stay.application.number},{stay.visa.number},{surname},Siti Nur,سيتي نور رحمن,"
            f"IDN,{passport},{company.organization.code},{agent.organization.code},JED,Jeddah,"
            f"{entered},{stay.permitted_departure.isoformat()}"
        )

    assert lines == [
        ",".join(
            (
                "Application number",
                "Visa number",
                "Surname",
                "Given names",
                "Name in the native script",
                "Nationality",
                "Passport number",
                "Company",
                "Agent",
                "Entry port",
                "City of the port of entry",
                "Entered",
                "Permitted departure",
            )
        ),
        # newest entry first (both entered two days ago: the later row first)
        line(late, "Golf", "C1000003"),
        line(mine, "Alpha", "C1000001"),
    ]


def test_csv_follows_the_filters(world: Any, security_analyst: Any) -> None:
    lines = _csv(client_for(security_analyst).get(reverse("border:due_csv"), {"days": "1"}))
    assert len(lines) == 2
    assert ",C1000002," in lines[1]
    lines = _csv(
        client_for(security_analyst).get(reverse("border:overstays_csv"), {"nationality": "PAK"})
    )
    assert len(lines) == 2
    assert lines[1].split(",")[5] == "C1000004"
    assert lines[1].split(",")[10:12] == ["2", "open"]


def test_a_company_exports_only_its_overstayers(world: Any, other_company_staff: Any) -> None:
    lines = _csv(client_for(other_company_staff).get(reverse("border:overstays_csv")))
    assert [row.split(",")[5] for row in lines[1:]] == ["C1000004"]


# --- The escape notice ------------------------------------------------------------------------


@pytest.fixture
def evidence() -> Any:
    return SimpleUploadedFile("report.pdf", b"%PDF-1.4\n% report\n", "application/pdf")


@pytest.fixture
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


STATEMENT = "Left the hotel in Makkah on the evening of the permitted day."


def test_the_company_files_an_escape_notice(
    world: Any, company_staff: Any, evidence: Any, _media: Any
) -> None:
    url = reverse("border:escape_notice", args=[world["late"].pk])
    client = client_for(company_staff)
    page = client.get(url)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    response = client.post(url, {"statement": STATEMENT, "evidence": evidence})
    assert response.status_code == 302
    assert response["Location"] == reverse("border:overstays")
    notice = EscapeNotice.objects.get()
    assert (notice.overstay_id, notice.filed_by_id, notice.statement, notice.late) == (
        world["late"].pk,
        company_staff.pk,
        STATEMENT,
        False,
    )
    assert notice.evidence.read() == b"%PDF-1.4\n% report\n"
    assert Overstay.objects.get(pk=world["late"].pk).escape_notice_filed_at == notice.filed_at

    # filed once: the page says so and a second filing changes nothing
    again = client.post(url, {"statement": "Another statement here.", "evidence": evidence})
    assert again.status_code == 409
    assert EscapeNotice.objects.count() == 1
    assert "The escape notice was filed on" in client.get(url).content.decode()


def test_a_notice_after_the_deadline_is_marked_late(
    world: Any, company_staff: Any, evidence: Any, _media: Any
) -> None:
    Overstay.objects.filter(pk=world["late"].pk).update(
        notice_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    url = reverse("border:escape_notice", args=[world["late"].pk])
    client = client_for(company_staff)
    assert "Overdue: the notice will be marked late" in client.get(url).content.decode()
    client.post(url, {"statement": STATEMENT, "evidence": evidence})
    assert EscapeNotice.objects.get().late is True


def test_an_incomplete_notice_is_refused_and_nothing_changes(
    world: Any, company_staff: Any, _media: Any
) -> None:
    url = reverse("border:escape_notice", args=[world["late"].pk])
    client = client_for(company_staff)
    response = client.post(url, {"statement": "short"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "Write a statement of at least 10 characters." in body
    assert 'aria-invalid="true"' in body
    wrong = SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream")
    assert client.post(url, {"statement": STATEMENT, "evidence": wrong}).status_code == 400
    assert EscapeNotice.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_company_staff", 404),  # another company's pilgrim does not exist for it
        ("agent_staff", 403),
        ("security_analyst", 403),
        ("licensing_officer", 403),
        ("visa_officer", 403),
    ],
)
def test_only_the_pilgrims_company_files(
    who: str, status: int, world: Any, request: Any, evidence: Any, _media: Any
) -> None:
    url = reverse("border:escape_notice", args=[world["late"].pk])
    client = client_for(request.getfixturevalue(who))
    assert client.get(url).status_code == status
    response = client.post(url, {"statement": STATEMENT, "evidence": evidence})
    assert response.status_code == status
    assert EscapeNotice.objects.count() == 0


def test_an_unknown_overstay_is_404(company_staff: Any) -> None:
    url = reverse("border:escape_notice", args=[999999])
    assert client_for(company_staff).get(url).status_code == 404


def test_no_notice_for_a_pilgrim_who_has_left(
    season: Any, company: Any, agent: Any, company_staff: Any, evidence: Any, _media: Any
) -> None:
    closed = make_overstay(
        make_stay(
            season=season,
            company=company,
            agent=agent,
            permitted_departure=riyadh_today() - dt.timedelta(days=5),
            exited_at=timezone.now(),
        ),
        closed_days=4,
    )
    client = client_for(company_staff)
    listing = client.get(reverse("border:overstays"), {"status": "closed"})
    assert [r.can_file for r in listing.context["rows"]] == [False]
    url = reverse("border:escape_notice", args=[closed.pk])
    assert "The pilgrim has left; no notice is due." in client.get(url).content.decode()
    response = client.post(url, {"statement": STATEMENT, "evidence": evidence})
    assert response.status_code == 409
    assert EscapeNotice.objects.count() == 0


@pytest.mark.parametrize("name", CSV_PAGES)
def test_a_csv_downloaded_from_an_arabic_page_has_arabic_headers(
    world: Any, security_analyst: Any, name: str
) -> None:
    arabic = _csv(client_for(security_analyst, "ar").get(reverse(name)))[0].split(",")
    english = _csv(client_for(security_analyst, "en").get(reverse(name)))[0].split(",")
    assert arabic[0] == "رقم الطلب" and english[0] == "Application number"
    assert len(arabic) == len(english)
    # every header is translated: Arabic letters in each, no English word left
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in label) for label in arabic), arabic
    assert not any(label.isascii() for label in arabic), arabic
