"""Every page of the demonstration season speaks one language.

Signed in as each demo role, the crawler opens the home page and follows the same-site links
of the pages it finds (the role's menu among them) two levels deep, GET only, in Arabic and
in English; the pilgrim's tracker is read with a lookup. On an Arabic page, visible text
holding two or more Latin words in a row is a finding; on an English page, any Arabic
letter is; on both, a code (`screen_clear`, `company.suspended`, `agent17`). Text marked as
data is left out: names as in a passport, MRZ lines, numbers and dates are isolated in
``<bdi>``, ``dir="ltr"``, ``translate="no"``, ``class="latin"``, ``<code>``/``<kbd>``/
``<samp>``, or an element whose ``lang`` says what it is in; text a person typed in a
language of their own sits in ``dir="auto"`` (or ``<bdi>``). A code shown as a code is
marked ``dir="ltr"`` or ``translate="no"``. Every finding is reported (role, page, text).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from masar.accounts.models import User
from masar.applications.models import Application
from masar.demo.seed import demo_seed

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

#: One person of every role in the demo, and the anonymous visitor of the public pages.
ROLES = [
    "hajj.licensing",
    "hajj.supervisor",
    "hajj.analyst",
    "hajj.trainer",
    "hajj.inspector",
    "mofa.visa",
    "mofa.supervisor",
    "moi.security",
    "border.jed",
    "moi.analyst",
    "moi.supervisor",
    "company1.staff",
    "agent1.staff",
    None,
]
PUBLIC_STARTS = ["/login/", "/track/", "/open-data/", "/verify/"]
DEPTH = 2
#: Pages of the same shape (ids and query values aside) visited per role and language.
PER_SHAPE = 1
#: Links not followed: leaving, files, the API and the admin.
SKIPPED = re.compile(
    r"^/(logout|api|admin|static|media|metrics|healthz|readyz|i18n)\b"
    r"|\.(csv|xlsx|pdf|png|jpg|json|zip|txt)$|/(export|download|csv|xlsx|pdf)\b"
)
# A <title> holds no markup to mark data with; its words are the page's heading, read in the
# body.
DATA_TAGS = {
    "bdi",
    "code",
    "kbd",
    "samp",
    "script",
    "style",
    "template",
    "svg",
    "noscript",
    "title",
}
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’.&-]*(?:[ \t\n]+[A-Za-z][A-Za-z'’.&-]*)+")
#: A code shown as text: `screen_clear`, `application.submitted`, `company8`.
CODE = re.compile(r"(?<![\w.-])(?!e\.g\b|i\.e\b)(?:[a-z]+(?:[._][a-z0-9]+)+|[a-z]+\d+)(?![\w-])")
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]+")


class _Page(HTMLParser):
    """The visible text of a page outside data elements, and its links."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        # (tag, data: not read for its script, shown as a code: not read for codes)
        self.stack: list[tuple[str, bool, bool]] = []
        self.text: list[str] = []
        self.codes: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href") and "download" not in values:
            self.links.append(values["href"])
        if tag in VOID_TAGS:
            return
        lang = values.get("lang", "")
        outer = tag in {"html", "body"}
        # A code is shown as a code only when marked as left-to-right data or not to be
        # translated: a bare <code>company.suspended</code> is still a code on a page.
        as_code = not outer and (
            tag in DATA_TAGS - {"bdi", "code", "kbd", "samp"}
            or values.get("dir") in {"ltr", "auto"}
            or values.get("translate") == "no"
            or "hidden" in values
        )
        data = not outer and (
            as_code
            or tag in DATA_TAGS
            or "latin" in values.get("class", "").split()
            or bool(lang and not lang.startswith(self.language))
        )
        self.stack.append((tag, data, as_code))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not data.strip():
            return
        text = " ".join(data.split())
        if not any(is_data for _tag, is_data, _code in self.stack):
            self.text.append(text)
        if not any(code for _tag, _data, code in self.stack):
            self.codes.append(text)


def findings_of(html: str, language: str) -> tuple[list[str], list[str]]:
    """(what is in the wrong script, the links) of one page."""
    page = _Page(language)
    page.feed(html)
    page.close()
    wrong = []
    for text in page.codes:
        wrong += [f"code {m.group(0)}" for m in CODE.finditer(text)]
    for text in page.text:
        if language == "ar":
            wrong += [m.group(0) for m in LATIN_RUN.finditer(text)]
        elif ARABIC.search(text):
            wrong.append(text)
    return wrong, page.links


def _shape(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/[^/]*\d[^/]*(?=/|$)", "/<id>", parts.path)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(
    client: Client, starts: list[str], language: str, pages: list[str] | None = None
) -> Iterator[tuple[str, str]]:
    """(url, finding) for every page reachable from `starts`, `DEPTH` links deep; the pages
    read are added to `pages`."""
    seen_shapes: dict[str, int] = defaultdict(int)
    visited: set[str] = set()
    frontier = list(starts)
    for _level in range(DEPTH + 1):
        following: list[str] = []
        for url in frontier:
            shape = _shape(url)
            if url in visited or seen_shapes[shape] >= PER_SHAPE:
                continue
            visited.add(url)
            seen_shapes[shape] += 1
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            if f'<html lang="{language}"' not in html:
                yield url, f"the page is not in {language}"
            if pages is not None:
                pages.append(url)
            wrong, links = findings_of(html, language)
            yield from ((url, text) for text in wrong)
            for href in links:
                target = urljoin(url, href)
                parts = urlsplit(target)
                if parts.scheme or parts.netloc:
                    if parts.netloc not in {"", "testserver"}:
                        continue
                    target = parts.path + (f"?{parts.query}" if parts.query else "")
                target = target.split("#")[0]
                if target and not SKIPPED.search(urlsplit(target).path):
                    following.append(target)
        frontier = following


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> Iterator[None]:
    """The demonstration season (built once: one test crawls both languages)."""
    from masar.visas.keys import settings_key_store

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MASAR_KEYS_DIR = str(tmp_path / "keys")
    settings_key_store.cache_clear()
    demo_seed(stdout=io.StringIO())
    yield
    settings_key_store.cache_clear()


def test_every_page_of_every_role_speaks_its_language(demo: None) -> None:
    findings: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    read: dict[tuple[str, str], list[str]] = defaultdict(list)
    for language in ("ar", "en"):
        for username in ROLES:
            client = Client()
            client.cookies["django_language"] = language
            if username is None:
                starts = PUBLIC_STARTS
            else:
                client.force_login(User.objects.get(username=username))
                starts = ["/"]
            role = username or "public"
            for url, text in crawl(client, starts, language, read[(language, role)]):
                findings[(language, role, url)].add(text)
        # The pilgrim's tracker answers a lookup (a POST): its steps, for an entered pilgrim.
        entered = Application.objects.filter(status="entered").select_related("pilgrim").first()
        assert entered is not None
        client = Client()
        client.cookies["django_language"] = language
        response = client.post(
            "/track/",
            {"application": entered.number, "passport": entered.pilgrim.passport_number},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="steps-h"' in html
        for text in findings_of(html, language)[0]:
            findings[(language, "public", "/track/ (lookup)")].add(text)
    report = [
        f"[{language}] {role} {url}: {' | '.join(sorted(texts))}"
        for (language, role, url), texts in findings.items()
    ]
    assert not report, f"{len(report)} pages in the wrong language:\n" + "\n".join(report)
    # The crawl reached the pages of every role (its menu at least), in both languages.
    thin = {key: len(urls) for key, urls in read.items() if len(urls) < 3}
    assert not thin, thin
    assert sum(len(urls) for urls in read.values()) > 300
