"""The 400, 403, 404 and 500 pages: in the site's layout, in Arabic (right to left) and
English, saying what the person can do next."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


def signed_in(user: Any, language: str) -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_access_denied_is_a_page_in_both_languages(agent_staff: Any) -> None:
    english = signed_in(agent_staff, "en").get("/visas/decisions/")
    html = english.content.decode()
    assert english.status_code == 403
    assert 'data-status="403"' in html and "You may not open this page" in html
    assert 'class="mainnav"' in html  # the site's layout, with the person's own menu
    assert "ask your supervisor to give you the role" in html
    arabic = signed_in(agent_staff, "ar").get("/visas/decisions/").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "لا يمكنك فتح هذه الصفحة" in arabic and "You may not" not in arabic


def test_not_found_is_a_page_in_both_languages(agent_staff: Any) -> None:
    response = signed_in(agent_staff, "en").get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-status="404"' in html and "Page not found" in html
    assert '<a href="/">Go to your home page</a>' in html
    arabic = signed_in(agent_staff, "ar").get("/no-such-page/").content.decode()
    assert "الصفحة غير موجودة" in arabic


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_server_error_page_renders_without_a_request_context(language: str) -> None:
    request = RequestFactory().get("/")
    with translation.override(language):
        response = defaults.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500 and 'data-status="500"' in html
    expected = "حدث خطأ من جهتنا" if language == "ar" else "Something went wrong on our side"
    assert expected in html


def test_the_bad_request_page(agent_staff: Any) -> None:
    request = RequestFactory().get("/")
    request.user = agent_staff
    with translation.override("en"):
        response = defaults.bad_request(request, SuspiciousOperation("bad"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "The request could not be understood" in html and "Nothing was recorded." in html
