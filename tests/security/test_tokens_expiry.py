"""Bearer tokens expire (90 days by default, a year at most), a ministry person confirms a
second factor to get one, owners and their supervisors list and revoke them, and only a
service account's token is long-lived, through an explicit flag."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from masar.accounts.models import ApiToken
from masar.accounts.services import token_create
from masar.core.errors import Forbidden, ValidationFailed
from masar.core.models import AuditEntry
from tests.factories import UserFactory
from tests.security._second_factor import fresh_totp, sign_in

pytestmark = pytest.mark.django_db

NINETY_DAYS = dt.timedelta(days=90)


def _bearer(secret: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def machine(company):
    return UserFactory(
        organization=company.organization,
        username="company.system",
        is_service_account=True,
        roles=["integration"],
    )


@pytest.fixture
def company_supervisor(company):
    return UserFactory(organization=company.organization, roles=["supervisor"])


def _verified_ministry_client(user) -> tuple[APIClient, TOTPDevice]:
    device = TOTPDevice.objects.create(user=user, name="masar", confirmed=True)
    client = sign_in(user)
    assert client.post("/otp/", {"token": fresh_totp(device)}).status_code == 302
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.cookies = client.cookies
    return api, device


def test_a_token_expires_after_90_days_by_default(api, company_staff):
    response = api(company_staff).post("/api/v1/tokens/", {"name": "laptop"}, format="json")
    assert response.status_code == 201
    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == NINETY_DAYS
    assert token.long_lived is False
    assert response.json()["long_lived"] is False
    assert AuditEntry.objects.get(action="token.created").details["expires_at"] == (
        token.expires_at.isoformat()
    )


@pytest.mark.parametrize(
    "expires_at",
    [
        "2020-01-01T00:00:00Z",
        "9999-06-01T00:00:00Z",
        "2099-01-01",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
    ],
)
def test_a_past_or_far_expiry_is_a_field_error(api, company_staff, expires_at):
    response = api(company_staff).post(
        "/api/v1/tokens/", {"name": "x", "expires_at": expires_at}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] in {"token_expiry_invalid", "validation_error"}
    assert list(body["fields"]) == ["expires_at"]
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action="token.created").exists()


def test_a_year_is_the_longest_term(company_staff):
    now = timezone.now()
    token, _ = token_create(
        actor=company_staff,
        user=company_staff,
        name="year",
        expires_at=now + dt.timedelta(days=364, hours=23),
    )
    assert token.expires_at == now + dt.timedelta(days=364, hours=23)
    with pytest.raises(ValidationFailed) as refused:
        token_create(
            actor=company_staff,
            user=company_staff,
            name="more",
            expires_at=timezone.now() + dt.timedelta(days=366),
        )
    assert refused.value.code == "token_expiry_invalid"
    assert refused.value.fields == {"expires_at": ["Choose a date at most 365 days from now."]}
    assert ApiToken.objects.count() == 1


def test_only_a_service_account_gets_a_long_lived_token_and_only_when_asked(
    api, company_staff, machine
):
    refused = api(company_staff).post(
        "/api/v1/tokens/", {"name": "forever", "long_lived": True}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "token_long_lived_not_allowed"
    assert list(refused.json()["fields"]) == ["long_lived"]
    assert not ApiToken.objects.exists()

    ordinary, _ = token_create(actor=None, user=machine, name="gate")
    assert ordinary.expires_at - ordinary.created_at == NINETY_DAYS
    forever, secret = token_create(actor=None, user=machine, name="gate", long_lived=True)
    assert forever.expires_at is None and forever.long_lived is True
    assert _bearer(secret).get("/api/v1/me/").status_code == 200


def test_a_persons_token_without_expiry_is_refused(company_staff):
    token, secret = token_create(actor=None, user=company_staff, name="x")
    # A row written around the services (e.g. by hand in the database).
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None, long_lived=True)
    assert _bearer(secret).get("/api/v1/me/").status_code == 401


@override_settings(MASAR_REQUIRE_MINISTRY_OTP=True)
def test_a_ministry_person_confirms_the_second_factor_to_get_a_token(licensing_officer):
    client, device = _verified_ministry_client(licensing_officer)
    refused = client.post("/api/v1/tokens/", {"name": "script"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "second_factor_confirmation_required"
    assert list(refused.json()["fields"]) == ["second_factor_code"]
    wrong = client.post(
        "/api/v1/tokens/", {"name": "script", "second_factor_code": "000000"}, format="json"
    )
    assert wrong.status_code == 403
    assert not ApiToken.objects.exists()

    created = client.post(
        "/api/v1/tokens/",
        {"name": "script", "second_factor_code": fresh_totp(device)},
        format="json",
    )
    assert created.status_code == 201
    secret = created.json()["secret"]
    entry = AuditEntry.objects.get(action="token.created")
    assert entry.details["second_factor"] == "confirmed"

    # The token cannot mint another one without a fresh code either.
    more = _bearer(secret).post("/api/v1/tokens/", {"name": "more"}, format="json")
    assert more.status_code == 403
    assert more.json()["code"] == "second_factor_confirmation_required"
    assert ApiToken.objects.count() == 1


@override_settings(MASAR_REQUIRE_MINISTRY_OTP=True)
def test_a_ministry_person_without_a_device_gets_no_token(licensing_officer):
    with pytest.raises(Forbidden) as refused:
        token_create(actor=licensing_officer, user=licensing_officer, name="x")
    assert refused.value.code == "second_factor_confirmation_required"
    with pytest.raises(Forbidden):
        token_create(
            actor=licensing_officer, user=licensing_officer, name="x", waive_second_factor=True
        )
    assert not ApiToken.objects.exists()


@override_settings(MASAR_REQUIRE_MINISTRY_OTP=True)
def test_the_cli_asks_for_the_second_factor_or_an_explicit_administrator_waiver(
    licensing_officer,
):
    with pytest.raises(CommandError) as refused:
        call_command("token", "create", "hajj.licensing", stdout=StringIO())
    assert "second_factor_confirmation_required" in str(refused.value)
    assert not ApiToken.objects.exists()
    out = StringIO()
    call_command(
        "token", "create", "hajj.licensing", "--name", "ci", "--waive-second-factor", stdout=out
    )
    assert _bearer(out.getvalue().strip()).get("/api/v1/me/").status_code == 200
    entry = AuditEntry.objects.get(action="token.created")
    assert entry.actor is None
    assert entry.details["second_factor"] == "waived"


def test_the_cli_expiry_flags(licensing_officer, moi):
    UserFactory(organization=moi, username="moi.gate", is_service_account=True)
    for flags in (
        ["--expires-on", "9999-12-31"],
        ["--expires-on", "2020-01-01"],
        ["--expires-days", "400"],
        ["--expires-days", "99999999999"],
        ["--long-lived"],
    ):
        with pytest.raises(CommandError):
            call_command("token", "create", "hajj.licensing", *flags, stdout=StringIO())
    assert not ApiToken.objects.exists()
    call_command("token", "create", "moi.gate", "--long-lived", stdout=StringIO())
    call_command("token", "create", "moi.gate", "--expires-days", "7", stdout=StringIO())
    long_lived, week = ApiToken.objects.order_by("pk")
    assert long_lived.expires_at is None
    assert abs(week.expires_at - week.created_at - dt.timedelta(days=7)) < dt.timedelta(seconds=5)
    out = StringIO()
    call_command("token", "list", "moi.gate", stdout=out)
    assert sorted(line.split("\t")[-1] for line in out.getvalue().splitlines()) == sorted(
        ["long-lived", f"{week.expires_at:%Y-%m-%d}"]
    )


def test_a_supervisor_lists_and_revokes_the_tokens_of_their_organization(
    api, company_supervisor, company_staff, machine, other_company_staff
):
    mine, _ = token_create(actor=company_staff, user=company_staff, name="laptop")
    gate, _ = token_create(actor=None, user=machine, name="gate")
    theirs, _ = token_create(actor=other_company_staff, user=other_company_staff, name="x")
    listed = api(company_supervisor).get("/api/v1/organization/tokens/")
    assert listed.status_code == 200
    assert sorted((t["username"], t["name"]) for t in listed.json()) == sorted(
        [(company_staff.username, "laptop"), ("company.system", "gate")]
    )
    revoked = api(company_supervisor).post(f"/api/v1/tokens/{mine.pk}/revoke/")
    assert revoked.status_code == 200
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    entry = AuditEntry.objects.get(action="token.revoked")
    assert entry.actor == company_supervisor

    other = api(company_supervisor).post(f"/api/v1/tokens/{theirs.pk}/revoke/")
    assert other.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None

    staff_view = api(company_staff).get("/api/v1/organization/tokens/")
    assert staff_view.status_code == 403
    assert staff_view.json()["code"] == "role_required"
    peer = api(company_staff).post(f"/api/v1/tokens/{gate.pk}/revoke/")
    assert peer.status_code == 404
    gate.refresh_from_db()
    assert gate.revoked_at is None


def test_the_tokens_page_creates_shows_once_and_revokes(company_staff, company_supervisor):
    client = sign_in(company_staff)
    page = client.get("/account/tokens/")
    assert page.status_code == 200
    assert 'name="second_factor_code"' not in page.content.decode()
    far = client.post(
        "/account/tokens/",
        {"action": "create", "name": "cli", "scopes": ["read"], "expires_on": "9999-12-31"},
    )
    assert far.status_code == 200
    assert "Choose a date at most 365 days from now." in far.content.decode()
    assert not ApiToken.objects.exists()
    created = client.post(
        "/account/tokens/", {"action": "create", "name": "cli", "scopes": ["read"]}
    )
    secret = created.context["secret"]
    assert secret.startswith("msr_") and secret in created.content.decode()
    assert secret not in client.get("/account/tokens/").content.decode()
    token = ApiToken.objects.get()
    assert token.scopes == ["read"]

    boss = sign_in(company_supervisor)
    assert "cli" in boss.get("/account/tokens/").content.decode()
    response = boss.post("/account/tokens/", {"action": "revoke", "token_id": str(token.pk)})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@override_settings(MASAR_REQUIRE_MINISTRY_OTP=True)
def test_the_tokens_page_asks_ministry_staff_for_their_code(licensing_officer):
    device = TOTPDevice.objects.create(user=licensing_officer, name="masar", confirmed=True)
    client = sign_in(licensing_officer)
    client.post("/otp/", {"token": fresh_totp(device)})
    page = client.get("/account/tokens/")
    assert 'name="second_factor_code"' in page.content.decode()
    refused = client.post("/account/tokens/", {"action": "create", "name": "x", "scopes": ["read"]})
    assert "Type the six-digit code your authenticator shows now." in refused.content.decode()
    assert not ApiToken.objects.exists()
    made = client.post(
        "/account/tokens/",
        {
            "action": "create",
            "name": "x",
            "scopes": ["read"],
            "second_factor_code": fresh_totp(device),
        },
    )
    assert made.context["secret"].startswith("msr_")
    assert ApiToken.objects.count() == 1
