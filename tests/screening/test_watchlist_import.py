"""Loading list files: versions with their history, re-imports in place, uploads through
the API run by the worker, and the index rebuilt per version."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from masar.core.models import AuditEntry
from masar.integration.models import OutboxEvent
from masar.screening import indexes
from masar.screening.models import (
    Watchlist,
    WatchlistEntry,
    WatchlistEntryChange,
    WatchlistImport,
    WatchlistVersion,
)
from masar.screening.services import watchlist_create, watchlist_import_create, watchlist_import_run
from tests.screening.factories import ftm_csv, load, make_watchlist, masar_csv

pytestmark = pytest.mark.django_db

ROWS = [
    {"id": "A", "name": "Yusuf Abdullahi Warsame", "birth_date": "1985-03-15"},
    {"id": "B", "name": "Mehmet Ali Yilmaz", "birth_date": "1971", "nationality": "TUR"},
    {"id": "C", "name": "Fatima Zahra Benali", "aliases": ["فاطمة الزهراء بن علي"]},
]


def entries(watchlist: Watchlist) -> dict[str, tuple]:
    return {
        e.external_id: (e.revision, e.removed_in, e.names[0])
        for e in WatchlistEntry.objects.filter(watchlist=watchlist)
    }


def test_a_first_load_makes_version_1(security_analyst):
    watchlist = make_watchlist(ROWS, actor=security_analyst)
    assert (watchlist.version, watchlist.entry_count) == (1, 3)
    version = WatchlistVersion.objects.get(watchlist=watchlist)
    assert (version.number, version.added, version.changed, version.removed, version.total) == (
        1,
        3,
        0,
        0,
        3,
    )
    assert version.created_by == security_analyst
    assert WatchlistEntryChange.objects.filter(version=version, kind="added").count() == 3
    assert entries(watchlist) == {
        "A": (1, None, "Yusuf Abdullahi Warsame"),
        "B": (1, None, "Mehmet Ali Yilmaz"),
        "C": (1, None, "Fatima Zahra Benali"),
    }
    event = OutboxEvent.objects.get(type="watchlist.versioned")
    assert (event.payload["version"], event.payload["added"], event.ministries) == (1, 3, ["moi"])


def test_a_reimport_updates_in_place_and_keeps_the_history(security_analyst):
    watchlist = make_watchlist(ROWS, actor=security_analyst)
    a_pk = WatchlistEntry.objects.get(external_id="A").pk
    # B changes its birth date, C disappears, D is new, A stays as it was
    job = load(
        watchlist,
        masar_csv(
            [ROWS[0], {**ROWS[1], "birth_date": "1972"}, {"id": "D", "name": "Omar Farouk Said"}]
        ),
        actor=security_analyst,
    )
    watchlist.refresh_from_db()
    assert (job.status, job.added, job.changed, job.removed, job.unchanged) == (
        "completed",
        1,
        1,
        1,
        1,
    )
    assert (watchlist.version, watchlist.entry_count) == (2, 3)
    assert entries(watchlist) == {
        "A": (1, None, "Yusuf Abdullahi Warsame"),
        "B": (2, None, "Mehmet Ali Yilmaz"),
        "C": (1, 2, "Fatima Zahra Benali"),
        "D": (2, None, "Omar Farouk Said"),
    }
    assert WatchlistEntry.objects.get(external_id="A").pk == a_pk  # in place, not recreated
    changes = {
        (c.entry.external_id, c.kind): (c.before, c.after)
        for c in WatchlistEntryChange.objects.filter(version__number=2)
    }
    assert set(changes) == {("B", "changed"), ("C", "removed"), ("D", "added")}
    before, after = changes[("B", "changed")]
    assert (before["birth_dates"], after["birth_dates"]) == (["1971"], ["1972"])
    assert changes[("C", "removed")][1] is None
    assert changes[("C", "removed")][0]["names"] == ["Fatima Zahra Benali", "فاطمة الزهراء بن علي"]
    # C comes back in version 3: added again, with the same row
    load(watchlist, masar_csv([*ROWS, {"id": "D", "name": "Omar Farouk Said"}]))
    watchlist.refresh_from_db()
    assert entries(watchlist)["C"] == (3, None, "Fatima Zahra Benali")
    v3 = WatchlistVersion.objects.get(watchlist=watchlist, number=3)
    assert (v3.added, v3.changed, v3.removed, v3.total) == (1, 1, 0, 4)
    assert list(
        WatchlistVersion.objects.filter(watchlist=watchlist).values_list("number", flat=True)
    ) == [3, 2, 1]


def test_the_same_file_again_makes_no_version():
    watchlist = make_watchlist(ROWS)
    job = load(watchlist, masar_csv(ROWS))
    watchlist.refresh_from_db()
    assert (job.status, job.unchanged, job.version_id) == ("completed", 3, None)
    assert watchlist.version == 1
    assert WatchlistVersion.objects.count() == 1


def test_a_file_with_errors_changes_nothing(security_analyst, english):
    watchlist = make_watchlist(ROWS)
    before = (entries(watchlist), WatchlistVersion.objects.count())
    job = load(
        watchlist,
        masar_csv([ROWS[0], {"id": "B", "name": "Mehmet Ali Yilmaz", "birth_date": "71"}]),
        actor=security_analyst,
    )
    assert (job.status, job.error_count, job.rows) == ("failed", 1, 2)
    assert job.problems == [
        {
            "row": 3,
            "field": "birth_date",
            "message": "'71' is not a birth date (YYYY, YYYY-MM or YYYY-MM-DD).",
            "severity": "error",
        }
    ]
    assert "nothing was changed" in job.error
    watchlist.refresh_from_db()
    assert (entries(watchlist), WatchlistVersion.objects.count()) == before
    assert watchlist.version == 1
    assert AuditEntry.objects.filter(action="watchlist.import_failed").count() == 1


def test_a_public_ftm_file_loads_into_a_list(in_screening):
    watchlist = watchlist_create(actor=None, name="un-sc")
    job = load(
        watchlist,
        ftm_csv(
            [
                {
                    "id": "NK-1",
                    "schema": "Person",
                    "name": "Siti Nur Rahman",
                    "aliases": ["Siti Noor Rahmann"],
                    "birth_date": ["1985-03-14"],
                    "countries": ["id"],
                    "sanctions": ["UN SC"],
                    "dataset": ["UN Security Council"],
                },
                {"id": "NK-2", "schema": "Organization", "name": "Nur Rahman Foundation"},
            ]
        ),
        fmt="ftm",
    )
    assert (job.status, job.added, job.skipped_rows) == ("completed", 1, 1)
    entry = WatchlistEntry.objects.get(watchlist=watchlist)
    assert (entry.nationalities, entry.source) == (["IDN"], "UN Security Council")
    from masar.screening.tasks import screen_application

    app = in_screening()
    assert screen_application.call(application_id=app.pk)["outcome"] == "referred"


def test_the_index_is_built_once_per_version():
    watchlist = make_watchlist(ROWS)
    first = indexes.watchlist_index(watchlist)
    assert indexes.watchlist_index(watchlist) is first
    assert (first.version, len(first.entries)) == (1, 3)
    load(watchlist, masar_csv(ROWS[:2]))
    watchlist.refresh_from_db()
    second = indexes.watchlist_index(watchlist)
    assert second is not first
    assert (second.version, sorted(e.external_id for e in second.entries.values())) == (
        2,
        ["A", "B"],
    )
    assert indexes.cached_versions() == {watchlist.pk: 2}


# --- Uploads through the API -----------------------------------------------------------------


def upload(content: bytes, name: str = "list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_creating_and_setting_a_list_through_the_api(api, security_analyst):
    client = api(security_analyst)
    created = client.post(
        "/api/v1/watchlists/",
        {"name": "interpol-red", "title": "Red notices", "threshold": 85, "review_sla_hours": 4},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["threshold"], body["review_sla_hours"], body["version"]) == (85.0, 4, 0)
    again = client.post("/api/v1/watchlists/", {"name": "interpol-red"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "watchlist_exists")
    bad = client.post("/api/v1/watchlists/", {"name": "x y", "threshold": 20}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"name", "threshold"}
    changed = client.patch(
        f"/api/v1/watchlists/{body['id']}/", {"threshold": 90, "is_active": False}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["threshold"], changed.json()["is_active"]) == (90.0, False)
    event = OutboxEvent.objects.get(type="watchlist.updated")
    assert event.payload["changes"] == {"threshold": [85.0, 90], "is_active": [True, False]}
    assert Watchlist.objects.count() == 1


def test_an_upload_is_accepted_then_imported_in_the_background(
    api, security_analyst, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    watchlist = watchlist_create(actor=security_analyst, name="moi")
    client = api(security_analyst)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            f"/api/v1/watchlists/{watchlist.pk}/imports/",
            {"file": upload(masar_csv(ROWS)), "format": "masar"},
            format="multipart",
        )
    assert response.status_code == 202, response.json()
    job = response.json()
    assert (job["status"], job["rows"], job["version"]) == ("queued", 0, None)
    assert response["Location"] == job["url"]
    assert len(callbacks) == 1  # the task is queued once the upload has committed
    # a second upload while the first waits is refused
    second = client.post(
        f"/api/v1/watchlists/{watchlist.pk}/imports/",
        {"file": upload(masar_csv(ROWS)), "format": "masar"},
        format="multipart",
    )
    assert (second.status_code, second.json()["code"]) == (409, "watchlist_import_running")
    # the worker runs it
    done = watchlist_import_run(import_id=job["id"])
    assert done.status == "completed"
    status = client.get(job["url"]).json()
    assert (status["status"], status["added"], status["version"]) == ("completed", 3, 1)
    assert WatchlistImport.objects.get(pk=job["id"]).file.name == ""  # not kept
    listed = client.get(f"/api/v1/watchlists/{watchlist.pk}/imports/").json()
    assert [j["id"] for j in listed["results"]] == [job["id"]]
    versions = client.get(f"/api/v1/watchlists/{watchlist.pk}/versions/").json()["results"]
    assert [(v["number"], v["added"], v["total"]) for v in versions] == [(1, 3, 3)]
    changes = client.get(f"/api/v1/watchlists/{watchlist.pk}/versions/1/changes/").json()
    assert sorted(c["entry_id"] for c in changes["results"]) == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("content", "fmt", "field"),
    [
        (b"name,birth_date\nAli,1970\n", "masar", "file"),
        (b"id,name\n1,Ali\n", "ftm", "file"),
        (b"id,name\n1,Ali\n", "xml", "format"),
    ],
)
def test_an_upload_that_cannot_be_a_list_is_refused_at_once(
    api, security_analyst, content, fmt, field
):
    watchlist = watchlist_create(actor=security_analyst, name="moi")
    response = api(security_analyst).post(
        f"/api/v1/watchlists/{watchlist.pk}/imports/",
        {"file": upload(content), "format": fmt},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert WatchlistImport.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_upload_through_the_worker(api, security_analyst, settings, tmp_path):
    from tests.screening.conftest import run_worker

    settings.MEDIA_ROOT = tmp_path / "media"
    watchlist = watchlist_create(actor=security_analyst, name="moi")
    response = api(security_analyst).post(
        f"/api/v1/watchlists/{watchlist.pk}/imports/",
        {
            "file": upload(ftm_csv([{"id": "x", "schema": "Person", "name": "Omar Said"}])),
            "format": "ftm",
        },
        format="multipart",
    )
    assert response.status_code == 202
    run_worker()
    status = api(security_analyst).get(response.json()["url"]).json()
    assert (status["status"], status["added"], status["version"]) == ("completed", 1, 1)
    assert not list((tmp_path / "media").rglob("*.csv"))


def test_problems_are_written_in_the_uploaders_language(security_analyst, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    watchlist = watchlist_create(actor=security_analyst, name="moi")
    with translation.override("ar"):
        job = watchlist_import_create(
            actor=security_analyst,
            watchlist=watchlist,
            upload=upload(b"id,name\n,nobody\n"),
            fmt="masar",
            enqueue=False,
        )
    with translation.override("en"):  # the worker runs in another language
        job = watchlist_import_run(import_id=job.pk)
    assert job.language == "ar"
    assert job.problems[0]["message"] == "المعرّف مفقود."


def test_the_loaded_file_is_deleted_even_when_it_fails(security_analyst, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    watchlist = watchlist_create(actor=security_analyst, name="moi")
    job = watchlist_import_create(
        actor=security_analyst,
        watchlist=watchlist,
        upload=upload(b"id,name\n,nobody\n"),
        fmt="masar",
        enqueue=False,
    )
    assert list((tmp_path / "media").rglob("*.csv"))
    job = watchlist_import_run(import_id=job.pk)
    assert (job.status, job.error_count) == ("failed", 1)
    assert not list((tmp_path / "media").rglob("*.csv"))
    # running it again changes nothing
    assert watchlist_import_run(import_id=job.pk).status == "failed"
    assert Watchlist.objects.get(pk=watchlist.pk).version == 0


def test_the_header_check_does_not_consume_the_upload(security_analyst, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    watchlist = watchlist_create(actor=security_analyst, name="moi")
    job = watchlist_import_create(
        actor=security_analyst,
        watchlist=watchlist,
        upload=upload(io.BytesIO(masar_csv(ROWS)).getvalue()),
        fmt="masar",
        enqueue=False,
    )
    assert watchlist_import_run(import_id=job.pk).added == 3
