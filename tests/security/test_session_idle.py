"""Sessions end after a spell without activity: 30 minutes for the staff of the ministries
(a setting), longer for everyone else."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from masar.accounts.middleware import LAST_SEEN_KEY
from tests.security._second_factor import sign_in

pytestmark = pytest.mark.django_db


def _idle(client: Client, minutes: float) -> None:
    """Move the session's last activity back, as if the person had been away."""
    session = client.session
    session[LAST_SEEN_KEY] = session[LAST_SEEN_KEY] - int(minutes * 60)
    session.save()


def test_ministry_staff_are_signed_out_after_30_idle_minutes(licensing_officer):
    client = sign_in(licensing_officer)
    assert client.get("/").status_code == 200
    _idle(client, 29)
    assert client.get("/").status_code == 200
    _idle(client, 30.5)
    response = client.get("/companies/?status=active")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fcompanies%2F%3Fstatus%3Dactive&idle=30"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "You were signed out after 30 minutes without activity." in page.content.decode()
    assert client.get("/").status_code == 302


def test_activity_keeps_the_session_alive(licensing_officer):
    client = sign_in(licensing_officer)
    for _ in range(3):
        _idle(client, 20)
        assert client.get("/").status_code == 200
    assert "_auth_user_id" in client.session


def test_other_people_have_the_longer_limit(company_staff):
    client = sign_in(company_staff)
    client.get("/")
    _idle(client, 31)
    assert client.get("/").status_code == 200
    _idle(client, 241)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2F&idle=240"


@override_settings(MASAR_SESSION_IDLE_MINUTES_MINISTRY=5)
def test_the_limit_is_a_setting(licensing_officer):
    client = sign_in(licensing_officer)
    _idle(client, 6)
    assert client.get("/")["Location"] == "/login/?next=%2F&idle=5"


def test_an_idle_session_is_anonymous_to_the_api(licensing_officer):
    client = sign_in(licensing_officer)
    assert client.get("/api/v1/me/").status_code == 200
    _idle(client, 31)
    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_says_why_in_arabic(licensing_officer):
    client = sign_in(licensing_officer, language="ar")
    _idle(client, 31)
    page = client.get(client.get("/")["Location"])
    assert "سُجّل خروجك بعد 30 دقيقة دون نشاط." in page.content.decode()
    assert Client().get("/login/?idle=99999999999").status_code == 200
