"""Cleaning pilgrim data: MRZ fills, every problem at once, photos."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from masar.applications.pilgrim_input import mrz_text, parse_date, pilgrim_input_clean
from masar.applications.services.pilgrims import photo_problems
from tests.applications.factories import pilgrim_values

TODAY = dt.date(2026, 11, 25)


def test_empty_fields_are_filled_from_the_mrz():
    values = pilgrim_values()
    data, failures = pilgrim_input_clean(
        {"mrz": values["mrz"], "passport_issue_date": "2020-01-01"},
        today=TODAY,
        default_residence="IDN",
    )
    assert failures == []
    assert (data.surname, data.given_names, data.sex, data.nationality) == (
        "RAHMAN",
        "SITI NUR",
        "F",
        "IDN",
    )
    assert data.birth_date == dt.date(1985, 3, 14)
    assert data.residence_country == "IDN"
    assert data.vaccine_type == ""


def test_every_problem_is_reported_at_once():
    data, failures = pilgrim_input_clean(
        {
            "mrz": "",
            "sex": "Q",
            "birth_date": "14/03/1985",
            "nationality": "ZZZ",
            "passport_number": "AB-12",
            "vaccine_type": "live",
        },
        today=TODAY,
    )
    assert data is None
    assert sorted({(f.field, f.code) for f in failures}) == sorted(
        {
            ("mrz", "required"),
            ("surname", "required"),
            ("sex", "invalid_choice"),
            ("birth_date", "invalid_date"),
            ("nationality", "invalid_country"),
            ("residence_country", "required"),
            ("passport_number", "invalid_passport_number"),
            ("passport_issuing_state", "required"),
            ("passport_issue_date", "required"),
            ("passport_expiry_date", "required"),
            ("vaccine_type", "invalid_choice"),
        }
    )


def test_dates_in_order():
    values = pilgrim_values(passport_issue_date=dt.date(2031, 1, 1))
    _, failures = pilgrim_input_clean(values, today=TODAY)
    assert {(f.field, f.code) for f in failures} >= {("passport_issue_date", "date_in_future")}


def test_mrz_text_normalizes_lines():
    assert mrz_text("  p<idn  \r\n\n x<< ") == "P<IDN\nX<<"
    assert mrz_text(line1="abc", line2=" d e ") == "ABC\nDE"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_parse_date_round_trips(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(dt.datetime(day.year, day.month, day.day, 12, 0)) == day
    assert parse_date(f"{day.isoformat()} 00:00:00") == day


@given(st.text(max_size=20))
def test_parse_date_never_crashes_with_anything_but_value_error(text):
    try:
        parse_date(text)
    except ValueError:
        pass


def _image(kind: str, size: tuple[int, int]) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, kind)
    return SimpleUploadedFile(f"p.{kind.lower()}", out.getvalue())


def test_photo_limits():
    assert photo_problems(_image("JPEG", (600, 800))) == []
    assert photo_problems(_image("PNG", (300, 400))) == []
    assert "at least 240" in photo_problems(_image("JPEG", (100, 120)))[0]
    assert "exceed 4000" in photo_problems(_image("PNG", (4100, 300)))[0]
    assert "JPEG or PNG" in photo_problems(_image("GIF", (400, 400)))[0]
    assert "readable" in photo_problems(SimpleUploadedFile("x.jpg", b"not an image"))[0]
    big = SimpleUploadedFile("big.jpg", b"0" * (2 * 1024 * 1024 + 1))
    assert "larger than 2 MB" in photo_problems(big)[0]


@pytest.mark.django_db
def test_photo_is_stored_and_served_only_to_those_who_may_see(
    api, agent_staff, other_agent_staff, group
):
    from tests.applications.factories import as_text

    body = {"group_id": group.pk, **as_text(pilgrim_values()), "photo": _image("JPEG", (600, 800))}
    response = api(agent_staff).post("/api/v1/applications/", body, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["pilgrim"]["has_photo"] is True
    app_id = response.json()["id"]
    from django.test import Client

    owner = Client()
    owner.force_login(agent_staff)
    reply = owner.get(f"/applications/{app_id}/photo/")
    assert reply.status_code == 200
    assert b"".join(reply.streaming_content)[:2] == b"\xff\xd8"
    stranger = Client()
    stranger.force_login(other_agent_staff)
    assert stranger.get(f"/applications/{app_id}/photo/").status_code == 404


@pytest.mark.django_db
def test_a_bad_photo_is_refused_with_nothing_stored(api, agent_staff, group):
    from masar.applications.models import Application
    from tests.applications.factories import as_text

    body = {"group_id": group.pk, **as_text(pilgrim_values()), "photo": _image("JPEG", (50, 50))}
    response = api(agent_staff).post("/api/v1/applications/", body, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_photo"
    assert "photo" in response.json()["fields"]
    assert Application.objects.count() == 0
