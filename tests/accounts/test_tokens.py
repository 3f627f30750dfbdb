from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from masar.accounts.models import ApiToken
from masar.accounts.services import token_create, token_digest, token_revoke, user_create
from masar.core.errors import Forbidden, ValidationFailed
from masar.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def service_account(moi):
    return user_create(
        actor=None,
        organization=moi,
        username="moi.gate",
        password=None,
        roles=["integration"],
        is_service_account=True,
    )


def test_token_is_stored_hashed_and_shown_once(service_account):
    token, secret = token_create(actor=None, user=service_account, name="gate")
    assert secret.startswith(f"msr_{token.prefix}_")
    assert token.digest == token_digest(secret)
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert not service_account.has_usable_password()


def test_bearer_token_authenticates_and_is_revocable(service_account):
    token, secret = token_create(actor=None, user=service_account, name="gate")
    response = _bearer(secret).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "moi.gate"
    assert response.json()["roles"] == ["integration"]
    token_revoke(actor=None, token_id=token.pk)
    response = _bearer(secret).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_unknown_and_expired_tokens_are_refused(service_account):
    assert _bearer("msr_nope_nope").get("/api/v1/me/").status_code == 401
    token, secret = token_create(
        actor=None,
        user=service_account,
        name="old",
        expires_at=timezone.now() + dt.timedelta(minutes=1),
    )
    assert _bearer(secret).get("/api/v1/me/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _bearer(secret).get("/api/v1/me/").status_code == 401


def test_read_only_token_cannot_write(service_account):
    _, secret = token_create(actor=None, user=service_account, name="ro", scopes=["read"])
    client = _bearer(secret)
    assert client.get("/api/v1/tokens/").status_code == 200
    response = client.post("/api/v1/tokens/", {"name": "more"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "scope_required"
    assert ApiToken.objects.filter(user=service_account).count() == 1


def test_unknown_scope_is_a_field_error(service_account):
    with pytest.raises(ValidationFailed) as excinfo:
        token_create(actor=None, user=service_account, name="x", scopes=["admin"])
    assert "scopes" in excinfo.value.fields


def test_a_person_cannot_mint_tokens_for_someone_else(service_account, company_staff):
    with pytest.raises(Forbidden):
        token_create(actor=company_staff, user=service_account, name="steal")
    assert not ApiToken.objects.exists()


def test_tokens_api_lists_only_my_tokens_and_revokes_only_mine(api, company_staff, agent_staff):
    mine = api(company_staff).post("/api/v1/tokens/", {"name": "laptop"}, format="json")
    assert mine.status_code == 201
    assert mine.json()["secret"].startswith("msr_")
    theirs, _ = token_create(actor=agent_staff, user=agent_staff, name="theirs")
    listed = api(company_staff).get("/api/v1/tokens/").json()
    assert [t["name"] for t in listed] == ["laptop"]
    response = api(company_staff).post(f"/api/v1/tokens/{theirs.pk}/revoke/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_cli_token_create_prints_a_working_token(service_account):
    out = StringIO()
    call_command("token", "create", "moi.gate", "--name", "cli", stdout=out)
    secret = out.getvalue().strip()
    assert _bearer(secret).get("/api/v1/me/").status_code == 200
    assert AuditEntry.objects.filter(action="token.created").count() == 1


def test_cli_token_create_for_unknown_user_fails():
    with pytest.raises(CommandError) as excinfo:
        call_command("token", "create", "nobody", stdout=StringIO())
    assert excinfo.value.returncode == 1


def test_cli_token_list_and_revoke(service_account):
    token, _ = token_create(actor=None, user=service_account, name="gate")
    out = StringIO()
    call_command("token", "list", "moi.gate", stdout=out)
    expires = f"{token.expires_at:%Y-%m-%d}"
    assert out.getvalue().startswith(f"{token.prefix}\tgate\tread,write\tactive")
    assert out.getvalue().rstrip().endswith(f"\t{expires}")
    call_command("token", "revoke", token.prefix, stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None
