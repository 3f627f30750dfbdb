"""`masar screening load | check | sweep`."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from masar.applications.models import Application
from masar.core.models import AuditEntry
from masar.screening.models import Watchlist, WatchlistEntry
from tests.screening.factories import ftm_csv, masar_csv
from tests.screening.test_screening_task import OTHERS, SITI

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("screening", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_creates_the_list_then_updates_it(tmp_path):
    path = tmp_path / "moi.csv"
    path.write_bytes(masar_csv([SITI, *OTHERS]))
    out, _ = run("load", str(path), "--list", "moi-wanted")
    assert out.splitlines() == [
        "created list moi-wanted",
        "moi-wanted: version 1; 4 added, 0 changed, 0 removed, 0 unchanged",
    ]
    path.write_bytes(masar_csv([SITI, {**OTHERS[0], "birth_date": "1971"}]))
    out, _ = run("load", str(path), "--list", "moi-wanted", "--format", "masar")
    assert out.strip() == "moi-wanted: version 2; 0 added, 1 changed, 2 removed, 1 unchanged"
    assert Watchlist.objects.get(name="moi-wanted").entry_count == 2
    entry = AuditEntry.objects.filter(action="watchlist.import").last()
    assert (entry.actor_label, entry.origin["channel"]) == ("system", "cli")


def test_load_reads_the_followthemoney_layout(tmp_path):
    path = tmp_path / "targets.simple.csv"
    path.write_bytes(
        ftm_csv(
            [
                {
                    "id": "NK-1",
                    "schema": "Person",
                    "name": "Omar Said",
                    "countries": ["ly", "xx-bad"],
                },
                {"id": "NK-2", "schema": "Company", "name": "Said Trading"},
            ]
        )
    )
    out, err = run("load", str(path), "--list", "public", "--format", "ftm")
    assert out.splitlines()[-1] == (
        "public: version 1; 1 added, 0 changed, 0 removed, 0 unchanged; "
        "1 rows of other schemas skipped; 1 warnings"
    )
    assert "line 2: countries:" in err
    assert WatchlistEntry.objects.get().nationalities == ["LBY"]


def test_load_refuses_a_file_with_errors_and_changes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(masar_csv([SITI, {"id": "", "name": "Nobody"}]))
    with pytest.raises(CommandError) as failed:
        run("load", str(path), "--list", "moi")
    assert failed.value.returncode == 1
    assert Watchlist.objects.get(name="moi").version == 0
    assert WatchlistEntry.objects.count() == 0
    with pytest.raises(CommandError) as missing:
        run("load", str(tmp_path / "nope.csv"), "--list", "moi")
    assert missing.value.returncode == 2


def test_check_writes_one_row_per_hit(tmp_path):
    lists = tmp_path / "moi.csv"
    lists.write_bytes(masar_csv([SITI, *OTHERS]))
    run("load", str(lists), "--list", "moi-wanted")
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,birth_date,nationality\n"
        "p1,Siti Nur Rahman,1985-03-14,ID\n"
        "p2,Mohamed Ahmed Ali,1994-07-09,EGY\n"  # a namesake, 24 years younger
        "p3,محمد أحمد علي,1970-02-01,EGY\n"  # the listed man, in Arabic script
        "p4,,1980,\n",
        encoding="utf-8",
    )
    output = tmp_path / "hits.csv"
    _, err = run("check", "--input", str(people), "--output", str(output))
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert [(r["id"], r["entry_id"], r["list"]) for r in rows] == [
        ("p1", "MOI-1", "moi-wanted"),
        ("p3", "MOI-2", "moi-wanted"),
    ]
    assert list(rows[0]) == ["id", "entry_id", "list", "score", "matched_alias"]
    assert (rows[0]["score"], rows[0]["matched_alias"]) == ("100.00", "Siti Nur Rahman")
    assert rows[1]["matched_alias"] == "Mohammed Ahmed Ali"
    assert "line 5: name:" in err
    assert "screened 3 people against 1 list(s): 2 hits; 1 rows skipped" in err


def test_check_with_a_lower_threshold_finds_more(tmp_path):
    lists = tmp_path / "moi.csv"
    lists.write_bytes(masar_csv([SITI]))
    run("load", str(lists), "--list", "moi")
    people = tmp_path / "people.csv"
    people.write_text("id,name,birth_date,nationality\nq,Siti Rahman,1988,\n", encoding="utf-8")
    strict = tmp_path / "strict.csv"
    loose = tmp_path / "loose.csv"
    run("check", "--input", str(people), "--output", str(strict))
    run("check", "--input", str(people), "--output", str(loose), "--threshold", "60")
    assert strict.read_text().splitlines() == ["id,entry_id,list,score,matched_alias"]
    assert [line.split(",")[:3] for line in loose.read_text().splitlines()[1:]] == [
        ["q", "MOI-1", "moi"]
    ]
    with pytest.raises(CommandError):
        run("check", "--input", str(people), "--output", str(loose), "--threshold", "7")


def test_check_needs_a_loaded_list(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("id,name\n1,Ali\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no active list"):
        run("check", "--input", str(people), "--output", str(tmp_path / "o.csv"))


def test_sweep_screens_what_waits(in_screening, tmp_path):
    lists = tmp_path / "moi.csv"
    lists.write_bytes(masar_csv([SITI]))
    run("load", str(lists), "--list", "moi")
    referred = in_screening()
    clear = in_screening(surname="Hidayat", given_names="Ahmad Fauzi", native_name="")
    out, _ = run("sweep")
    assert out.strip() == "screened: 1 clear, 1 referred (0 no longer waiting)"
    assert Application.objects.get(pk=referred.pk).status == "referred"
    assert Application.objects.get(pk=clear.pk).status == "approved"
