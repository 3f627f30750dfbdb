"""Bounded parsing: an XLSX manifest is measured (zip directory, then a streaming pass)
before a spreadsheet library opens it, and only in the worker; an agent has a bounded
number of imports at once; JSON bodies too deep or with integers beyond 64 bits are 400s
with their own code, on every endpoint that takes them."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from masar.applications import manifest_format
from masar.applications.manifest_bounds import MAX_CELL_BYTES
from masar.applications.models import Application, ManifestJob, Pilgrim
from masar.applications.services import manifest_job_create, manifest_job_run
from masar.core.errors import Conflict, ValidationFailed
from masar.seasons.models import Quota
from tests.applications import conftest as applications_fixtures
from tests.applications.manifest_files import csv_bytes, manifest_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

# The applications fixtures: a season open today, quotas, a contracted group, drafts.
season = applications_fixtures.season
quotas = applications_fixtures.quotas
group = applications_fixtures.group
make_draft = applications_fixtures.make_draft

TOO_BIG = 2**63


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _with_sheet(sheet_xml: bytes) -> bytes:
    """A real manifest XLSX whose first sheet is replaced by `sheet_xml`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([manifest_row()])))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["xl/worksheets/sheet1.xml"] = sheet_xml
    return _zip(members)


def _sheet(rows: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + rows
        + b"</sheetData></worksheet>"
    )


@pytest.fixture
def no_spreadsheet_library(monkeypatch: Any) -> list[str]:
    """Fails the test if the spreadsheet library is asked to open a file."""
    opened: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        opened.append("load_workbook")
        raise AssertionError("the spreadsheet library opened the file")

    monkeypatch.setattr(manifest_format, "load_workbook", refuse)
    return opened


@pytest.fixture
def create(group: Any, agent_staff: Any) -> Any:
    def make(content: bytes, name: str = "manifest.xlsx") -> ManifestJob:
        return manifest_job_create(
            actor=agent_staff, group=group, upload=upload(content, name), enqueue=False
        )

    return make


def test_a_huge_cell_is_refused_at_upload_from_the_zip_directory(create: Any) -> None:
    bomb = _with_sheet(_sheet(b'<row r="1"><c t="inlineStr"><is><t>' + b"A" * (97 * 2**20)))

    assert len(bomb) < 300_000  # a few hundred KB on the wire
    with pytest.raises(ValidationFailed) as excinfo:
        create(bomb)

    assert excinfo.value.code == "invalid_manifest"
    assert excinfo.value.fields["file"] == [
        "the part xl/worksheets/sheet1.xml unpacks to 97 MiB; at most 96 MiB"
    ]
    assert ManifestJob.objects.count() == 0


def test_a_zip_bomb_is_refused_by_its_ratio(create: Any) -> None:
    bomb = _with_sheet(_sheet(b"<row/>" + b" " * (4 * 2**20)))

    with pytest.raises(ValidationFailed) as excinfo:
        create(bomb)

    assert excinfo.value.fields["file"][0].startswith("the part xl/worksheets/sheet1.xml unpacks ")
    assert excinfo.value.fields["file"][0].endswith("times its packed size; at most 100")
    assert ManifestJob.objects.count() == 0


def test_an_over_long_cell_fails_the_import_before_the_library_reads_it(
    create: Any, no_spreadsheet_library: list[str]
) -> None:
    cell = bytes(range(65, 91)) * (MAX_CELL_BYTES // 26 + 2)  # poorly compressible enough
    content = _with_sheet(
        _sheet(b'<row r="1"><c t="inlineStr"><is><t>' + cell + b"</t></is></c></row>")
    )

    job = manifest_job_run(job_id=create(content).pk)

    assert job.status == "failed"
    assert job.error.endswith("a cell of xl/worksheets/sheet1.xml holds more than 128 KiB of text")
    assert no_spreadsheet_library == []
    assert Pilgrim.objects.count() == 0


def test_a_sheet_of_too_many_rows_fails_the_import_before_the_library_reads_it(
    create: Any, no_spreadsheet_library: list[str]
) -> None:
    rows = b"".join(b'<row r="%d"/>' % n for n in range(1, manifest_format.MAX_ROWS + 3))

    job = manifest_job_run(job_id=create(_with_sheet(_sheet(rows))).pk)

    assert job.status == "failed"
    assert job.error.endswith(f"the sheet has more than {manifest_format.MAX_ROWS} rows")
    assert no_spreadsheet_library == []
    assert Application.objects.count() == 0


def test_the_upload_request_never_opens_the_workbook(
    create: Any, no_spreadsheet_library: list[str]
) -> None:
    job = create(xlsx_bytes([manifest_row(), manifest_row()]))

    assert job.status == "queued"
    assert no_spreadsheet_library == []


def test_a_bounded_workbook_is_still_imported(create: Any) -> None:
    job = manifest_job_run(job_id=create(xlsx_bytes([manifest_row(), manifest_row()])).pk)

    assert (job.status, job.accepted_rows) == ("completed", 2)


def test_an_agent_has_a_bounded_number_of_imports_at_once(create: Any, settings: Any) -> None:
    settings.MASAR_MANIFEST_IMPORTS_PER_AGENT = 2
    first = create(csv_bytes([manifest_row()]), "a.csv")
    create(csv_bytes([manifest_row()]), "b.csv")

    with pytest.raises(Conflict) as excinfo:
        create(csv_bytes([manifest_row()]), "c.csv")

    assert excinfo.value.code == "too_many_manifest_imports"
    assert str(excinfo.value.message) == (
        "2 manifest imports are already queued or running for this agent."
    )
    assert ManifestJob.objects.count() == 2
    manifest_job_run(job_id=first.pk)
    assert create(csv_bytes([manifest_row()]), "c.csv").status == "queued"


def test_the_upload_api_answers_409_over_the_allowance(
    api: Any, agent_staff: Any, group: Any, settings: Any
) -> None:
    settings.MASAR_MANIFEST_IMPORTS_PER_AGENT = 1
    client = api(agent_staff)
    url = f"/api/v1/groups/{group.pk}/manifests/"

    first = client.post(url, {"file": upload(csv_bytes([manifest_row()]))}, format="multipart")
    second = client.post(url, {"file": upload(csv_bytes([manifest_row()]))}, format="multipart")

    assert first.status_code == 202, first.content
    assert (second.status_code, second.json()["code"]) == (409, "too_many_manifest_imports")
    assert ManifestJob.objects.count() == 1


# --- JSON bodies ---------------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


def _post(client: Any, url: str, raw: str) -> Any:
    return client.post(url, raw, content_type="application/json")


@pytest.fixture
def endpoints(
    group: Any,
    season: Any,
    company: Any,
    company_staff: Any,
    agent_staff: Any,
    visa_officer: Any,
    licensing_officer: Any,
) -> list[tuple[Any, str, dict[str, Any]]]:
    """(caller, URL, a body whose every whole number will be replaced)."""
    return [
        (company_staff, "/api/v1/applications/bulk-approve/", {"application_ids": [1]}),
        (
            company_staff,
            "/api/v1/applications/bulk-return/",
            {"application_ids": [1], "reason": "x"},
        ),
        (
            visa_officer,
            "/api/v1/visas/decisions/bulk/",
            {"application_ids": [1], "decision": "approve"},
        ),
        (agent_staff, f"/api/v1/groups/{group.pk}/submit/", {"application_ids": [1]}),
        (
            licensing_officer,
            f"/api/v1/seasons/{season.pk}/quotas/",
            {"holder_type": "company", "company_id": company.pk, "limit": 1},
        ),
    ]


def _replace_numbers(body: dict[str, Any], number: Any) -> dict[str, Any]:
    def swap(value: Any) -> Any:
        if isinstance(value, list):
            return [swap(v) for v in value]
        return number if isinstance(value, int) and not isinstance(value, bool) else value

    return {key: swap(value) for key, value in body.items()}


def _state() -> tuple[list[Any], list[Any]]:
    return (
        list(Application.objects.order_by("pk").values_list("pk", "status")),
        list(Quota.objects.order_by("pk").values_list("pk", "limit")),
    )


def test_deeply_nested_json_is_a_400_everywhere(api: Any, endpoints: Any, make_draft: Any) -> None:
    make_draft()
    before = _state()
    for user, url, _body in endpoints:
        response = _post(api(user), url, DEEP)
        assert response.status_code == 400, (url, response.content[:200])
        assert response.json()["code"] == "json_too_deep", url
        nested = {"application_ids": json.loads("[" * 40 + "1" + "]" * 40)}
        assert _post(api(user), url, json.dumps(nested)).json()["code"] == "json_too_deep"
    assert _state() == before


@pytest.mark.parametrize(
    ("raw_number", "code"),
    [
        (str(TOO_BIG), "number_out_of_range"),
        (str(-(2**63) - 1), "number_out_of_range"),
        ("1" + "0" * 5000, "number_out_of_range"),  # beyond Python's own 4300-digit limit
        (f'"{TOO_BIG}"', "validation_error"),  # as text: the field's own bound
    ],
    ids=["2^63", "-2^63-1", "5001 digits", "2^63 as text"],
)
def test_integers_beyond_64_bits_are_a_400_everywhere(
    api: Any, endpoints: Any, make_draft: Any, raw_number: str, code: str
) -> None:
    make_draft()
    before = _state()
    for user, url, body in endpoints:
        raw = json.dumps(_replace_numbers(body, "__N__")).replace('"__N__"', "__N__")
        response = _post(api(user), url, raw.replace("__N__", raw_number))
        assert response.status_code == 400, (url, response.content[:300])
        assert response.json()["code"] == code, (url, response.json())
    assert _state() == before
