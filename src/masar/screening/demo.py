"""Demo data of the screening app: a synthetic watchlist of a few thousand people, loaded the
way an analyst loads one (a Masar CSV through `watchlist_load`), a handful of entries that
resemble demo pilgrims and a ban, then the screening of the applications waiting in
`screening`: most are cleared and decided automatically, a few are referred; the analyst
has cleared three of those as false positives (they wait for the consular decision) and the
others wait in the review queue.

The synthetic names are drawn from name parts the demo pilgrims do not use (no entry shares
two name parts with a pilgrim), so only the planted entries raise referrals. The step uses
its own random generator, seeded from the season, so it does not disturb later steps.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from typing import Any

from masar.accounts.models import User
from masar.applications.demo import NAMES
from masar.applications.models import Application
from masar.applications.states import ApplicationStatus
from masar.core.dates import riyadh_today
from masar.screening.formats import MASAR_COLUMNS
from masar.screening.models import Review, Watchlist
from masar.screening.names import name_tokens, phonetic_key
from masar.screening.services import (
    application_screen,
    ban_create,
    review_decide,
    watchlist_create,
    watchlist_load,
)
from masar.seasons.models import Season

ENTRIES = 3000
PLANTED = 6
# At most this many applications are screened here; the rest are screened by the worker
# from the tasks their approval queued (`masar worker`), as in production.
SCREEN_AT_MOST = 500
# Referrals the analyst has already cleared as false positives (they go to the consular
# queue); the others stay in the review queue.
CLEARED_BY_ANALYST = 3

GIVEN = (
    "Abdulmalik Anwar Basel Burhan Dawood Ehsan Fadil Ghassan Habib Hamdan Hisham Idris Jalal "
    "Jawad Kamal Lutfi Mahir Marwan Munir Nabil Nizar Qasim Rafiq Ramzi Sabri Saqr Shakir "
    "Tawfiq Thamer Waleed Wasim Yaqub Zakaria Ziyad Adnan Bashir Fuad Ghalib Hatem Jamil "
    "Layth Mazin Nadim Raed Samir Tariq Usama Zuhair Asma Basma Dalia Ghada Hanan Iman "
    "Jumana Kawthar Lubna Manal Nawal Rasha Sawsan Thuraya Widad Yasmin Zahia"
).split()
FAMILY = (
    "Barakzai Qazwini Tikriti Shammari Dulaimi Anbari Jabburi Harbawi Zubaidi Kubaisi "
    "Mashhadani Samarrai Obaidi Tarabulsi Halabi Homsi Dimashqi Nabulsi Khalili Maqdisi "
    "Ghazzawi Sanaani Hadrami Adeni Zabidi Tihami Marrakchi Fassi Tlemcani Qayrawani "
    "Susi Wadi Kurdi Baluchi Pashtun Herati Kabuli Qandahari Balkhi Bukhari Samarqandi "
    "Farghani Tirmidhi Khwarizmi Isfahani Shirazi Tabrizi Kirmani Yazdi Mosuli"
).split()
NATIONALITIES = ["IRQ", "SYR", "YEM", "AFG", "PAK", "LBY", "SOM", "SDN", "MLI", "NGA", "DZA"]
REASONS = [
    "مطلوب: تزوير وثائق سفر",
    "مطلوب: تهريب مهاجرين",
    "ترحيل سابق بسبب التخلف",
    "عقوبات مجلس الأمن الدولي",
    "نشرة حمراء من الإنتربول",
]


def _pilgrim_keys() -> set[str]:
    """Phonetic keys of every name part the demo pilgrims are given."""
    keys: set[str] = set()
    for table in NAMES.values():
        for part in ("m", "f", "s"):
            for item in table[part]:
                for text in item if isinstance(item, tuple) else (item,):
                    keys.update(phonetic_key(t) for t in name_tokens(text))
    return keys


def _synthetic(rng: random.Random, pilgrim_keys: set[str], serial: int) -> dict[str, Any]:
    while True:
        parts = [rng.choice(GIVEN), rng.choice(GIVEN), rng.choice(FAMILY)]
        shared = sum(phonetic_key(t) in pilgrim_keys for p in parts for t in name_tokens(p))
        if len(set(parts)) == 3 and shared <= 1:
            break
    year = rng.randint(1945, 1995)
    birth = (
        str(year)
        if rng.random() < 0.3
        else f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    )
    return {
        "id": f"DEMO-{serial:05d}",
        "name": " ".join(parts),
        "aliases": f"{parts[0]} {parts[2]}" if rng.random() < 0.4 else "",
        "birth_date": birth,
        "nationality": rng.choice(NATIONALITIES),
        "document_numbers": "",
        "reason": rng.choice(REASONS),
        "source": "بيانات تجريبية (مصطنعة)",
        "valid_from": "",
        "valid_until": "",
    }


def _planted(app: Application, serial: int, rng: random.Random) -> dict[str, Any]:
    pilgrim = app.pilgrim
    aliases = [pilgrim.native_name] if pilgrim.native_name else []
    # Half of them as the pilgrim is written; half with the birth year only.
    birth = pilgrim.birth_date.isoformat() if serial % 2 else str(pilgrim.birth_date.year)
    return {
        "id": f"DEMO-P{serial:02d}",
        "name": pilgrim.full_name,
        "aliases": ";".join(aliases),
        "birth_date": birth,
        "nationality": pilgrim.nationality,
        "document_numbers": "",
        "reason": rng.choice(REASONS),
        "source": "بيانات تجريبية (تشبه معتمرًا تجريبيًا عمدًا)",
        "valid_from": "",
        "valid_until": "",
    }


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MASAR_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def demo_seed_step(*, rng: random.Random, season: Season, stdout: Any = None) -> list[str]:
    """A demo watchlist, a ban, and the screening of the applications waiting for it."""
    own = random.Random(f"masar-screening-demo-{season.code}")  # noqa: S311 - demo data
    analyst = User.objects.filter(username="moi.security").first()
    waiting = list(
        Application.objects.filter(status=ApplicationStatus.SCREENING, season=season)
        .select_related("pilgrim")
        .order_by("pk")
    )
    chosen = own.sample(waiting, min(PLANTED + 1, len(waiting)))
    planted, banned = chosen[:PLANTED], chosen[PLANTED:]
    keys = _pilgrim_keys()
    rows = [_synthetic(own, keys, serial) for serial in range(1, ENTRIES + 1)]
    rows.extend(_planted(app, i, own) for i, app in enumerate(planted, start=1))
    watchlist = Watchlist.objects.filter(name="moi-demo").first() or watchlist_create(
        actor=analyst,
        name="moi-demo",
        title="قائمة المراقبة التجريبية لوزارة الداخلية",
        description="أشخاص مصطنعون، للعرض التجريبي فقط.",
        review_sla_hours=24,
    )
    job = watchlist_load(
        actor=analyst,
        watchlist=watchlist,
        stream=io.BytesIO(_csv(rows)),
        fmt="masar",
        source_name="moi-demo.csv",
    )
    for app in banned:
        ban_create(
            actor=analyst,
            passport_issuing_state=app.pilgrim.passport_issuing_state,
            passport_number=app.pilgrim.passport_number,
            until=riyadh_today() + dt.timedelta(days=5 * 365),
            reason="تخلّف 120 يومًا في موسم 1446هـ (تجريبي)",
            source="border",
        )
    counts = {"clear": 0, "referred": 0}
    targets = [*planted, *banned] + [a for a in waiting if a not in chosen]
    for app in targets[:SCREEN_AT_MOST]:
        screening = application_screen(application_id=app.pk)
        if screening is not None:
            counts[screening.outcome] += 1
    # The analyst has already cleared some referrals as false positives: those wait for the
    # consular decision (a cleared referral is never decided automatically), so the visa
    # officer's queue is not empty.
    cleared = 0
    if analyst is not None:
        pending = Review.objects.filter(
            status="pending", application__season=season, application__in=planted
        ).order_by("pk")
        for review in pending[:CLEARED_BY_ANALYST]:
            review_decide(
                actor=analyst,
                review_id=review.pk,
                decision="false_positive",
                reason="شخص آخر: اسم الأب ومكان الميلاد مختلفان (تجريبي).",
            )
            cleared += 1
    left = Application.objects.filter(status=ApplicationStatus.SCREENING, season=season).count()
    return [
        f"watchlist moi-demo: version {job.version.number if job.version else watchlist.version}, "
        f"{job.added} entries ({len(planted)} resembling demo pilgrims); {len(banned)} ban(s)",
        f"screening: {counts['clear']} cleared (decided automatically), {counts['referred']} "
        f"referred to the review queue, {cleared} of them cleared by the analyst as false "
        f"positives (now in the consular queue), "
        f"{Review.objects.filter(status='pending').count()} pending; {left} left for the worker",
    ]
