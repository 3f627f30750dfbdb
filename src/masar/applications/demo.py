"""Demo data of the applications app: groups with packages, pilgrims with valid passports
(MRZ made by `masar.documents.generate_td3`) and names of their countries, imported the
way agents import them (a manifest per group), then submitted, approved, returned and
withdrawn through the services, so that every state reachable so far is on show.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from masar.accounts.models import User
from masar.applications.manifest_format import COLUMNS
from masar.applications.models import Application
from masar.applications.services import (
    application_withdraw,
    applications_company_approve,
    applications_return,
    group_create,
    group_submit,
    manifest_job_create,
    manifest_job_run,
)
from masar.applications.states import ApplicationStatus
from masar.core.dates import riyadh_today
from masar.documents import generate_td3
from masar.operators.models import Agent, Contract, ContractStatus
from masar.seasons.models import Season

# Given names (male, female), surnames, and the native script when it is not Latin.
NAMES: dict[str, dict[str, Any]] = {
    "IDN": {
        "m": ["Muhammad Rizki", "Ahmad Fauzi", "Budi Santoso", "Agus Salim", "Hendra Wijaya"],
        "f": ["Siti Nurhaliza", "Dewi Lestari", "Nur Aini", "Sri Wahyuni", "Fitri Handayani"],
        "s": ["Hidayat", "Saputra", "Rahman", "Setiawan", "Nasution", "Siregar"],
    },
    "MYS": {
        "m": ["Ahmad Faizal", "Mohd Hafiz", "Amirul Hakim", "Syafiq Danial"],
        "f": ["Nurul Izzah", "Siti Aisyah", "Nur Farhana", "Aina Sofea"],
        "s": ["Bin Abdullah", "Bin Ismail", "Binti Hassan", "Bin Yusof"],
    },
    "PAK": {
        "m": ["Muhammad Usman", "Ali Raza", "Imran Hussain", "Bilal Ahmed"],
        "f": ["Ayesha Bibi", "Fatima Noor", "Sana Iqbal", "Zainab Akhtar"],
        "s": ["Khan", "Malik", "Qureshi", "Chaudhry", "Butt"],
        "native": "urdu",
    },
    "IND": {
        "m": ["Mohammed Irfan", "Abdul Rahim", "Syed Ameen", "Faisal Ansari"],
        "f": ["Shabana Begum", "Rukhsar Banu", "Nazia Parveen", "Farzana Sheikh"],
        "s": ["Ansari", "Sheikh", "Siddiqui", "Qadri", "Pathan"],
    },
    "BGD": {
        "m": ["Mohammad Rahim", "Abdul Karim", "Shafiqul Islam", "Mizanur Rahman"],
        "f": ["Nasrin Akter", "Fatema Khatun", "Rehana Begum", "Shirin Sultana"],
        "s": ["Hossain", "Islam", "Uddin", "Chowdhury", "Miah"],
    },
    "EGY": {
        "m": [
            ("Mohamed Ahmed", "محمد أحمد"),
            ("Mahmoud Ali", "محمود علي"),
            ("Omar Hassan", "عمر حسن"),
        ],
        "f": [
            ("Fatma Ibrahim", "فاطمة إبراهيم"),
            ("Mona Said", "منى سعيد"),
            ("Heba Mostafa", "هبة مصطفى"),
        ],
        "s": [
            ("Abdelrahman", "عبد الرحمن"),
            ("El Sayed", "السيد"),
            ("Mahmoud", "محمود"),
            ("Hamed", "حامد"),
        ],
    },
    "TUR": {
        "m": ["Mehmet Ali", "Mustafa", "Ahmet Emre", "Hüseyin"],
        "f": ["Ayşe", "Fatma Nur", "Emine", "Zeynep"],
        "s": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk"],
    },
    "NGA": {
        "m": ["Abdullahi", "Musa Ibrahim", "Aminu Bello", "Sani Umar"],
        "f": ["Aisha Yusuf", "Hauwa Abubakar", "Zainab Sani", "Maryam Lawal"],
        "s": ["Mohammed", "Abubakar", "Danjuma", "Garba", "Lawal"],
    },
    "DZA": {
        "m": [("Mohamed Amine", "محمد أمين"), ("Yacine", "ياسين"), ("Abdelkader", "عبد القادر")],
        "f": [("Amina", "أمينة"), ("Khadidja", "خديجة"), ("Nour El Houda", "نور الهدى")],
        "s": [
            ("Benali", "بن علي"),
            ("Boudiaf", "بوضياف"),
            ("Mansouri", "منصوري"),
            ("Hadjadj", "حجاج"),
        ],
    },
    "MAR": {
        "m": [("Youssef", "يوسف"), ("Hamza", "حمزة"), ("Rachid", "رشيد")],
        "f": [("Fatima Zahra", "فاطمة الزهراء"), ("Khadija", "خديجة"), ("Salma", "سلمى")],
        "s": [
            ("El Amrani", "العمراني"),
            ("Benjelloun", "بنجلون"),
            ("Alaoui", "العلوي"),
            ("Tazi", "التازي"),
        ],
    },
    "IRQ": {
        "m": [("Ali Hussein", "علي حسين"), ("Haider", "حيدر"), ("Mustafa Kadhim", "مصطفى كاظم")],
        "f": [("Zahraa", "زهراء"), ("Maryam Ali", "مريم علي"), ("Noor", "نور")],
        "s": [("Al Jubouri", "الجبوري"), ("Al Tamimi", "التميمي"), ("Al Saadi", "الساعدي")],
    },
    "JOR": {
        "m": [("Ahmad", "أحمد"), ("Khaled", "خالد"), ("Omar", "عمر")],
        "f": [("Rania", "رانيا"), ("Lina", "لينا"), ("Dana", "دانة")],
        "s": [
            ("Al Masri", "المصري"),
            ("Haddad", "حداد"),
            ("Al Khatib", "الخطيب"),
            ("Obeidat", "عبيدات"),
        ],
    },
    "GBR": {
        "m": ["Yusuf", "Ibrahim", "Adam", "Zakariya"],
        "f": ["Amina", "Hafsa", "Safiya", "Maryam"],
        "s": ["Patel", "Hussain", "Begum", "Ahmed", "Khan"],
    },
    "SEN": {
        "m": ["Mamadou", "Cheikh", "Ousmane", "Abdoulaye"],
        "f": ["Fatou", "Aminata", "Awa", "Mariama"],
        "s": ["Diop", "Ndiaye", "Fall", "Sow", "Ba"],
    },
    "UZB": {
        "m": ["Abdulaziz", "Jasur", "Bekzod", "Sardor"],
        "f": ["Dilnoza", "Madina", "Gulnora", "Nodira"],
        "s": ["Karimov", "Rakhimov", "Yusupov", "Tashkentov"],
    },
    "IRN": {
        "m": [("Mohammad Reza", "محمدرضا"), ("Ali", "علی"), ("Hossein", "حسین")],
        "f": [("Fatemeh", "فاطمه"), ("Zahra", "زهرا"), ("Maryam", "مریم")],
        "s": [
            ("Hosseini", "حسینی"),
            ("Mohammadi", "محمدی"),
            ("Rezaei", "رضایی"),
            ("Ahmadi", "احمدی"),
        ],
    },
}
DEFAULT_NAMES = NAMES["IDN"]
# Returns are written by the Umrah company's staff, in Arabic.
RETURN_REASONS = [
    "عقد الفندق لا يغطي الليلتين الأخيرتين.",
    "صفحة بيانات الجواز غير مقروءة، يرجى إعادة مسحها ضوئيًا.",
    "شهادة التطعيم غير مرفقة.",
    "يرجى تأكيد موعد رحلة العودة مع شركة الطيران.",
]
# The package the Saudi company sells: hotels and transport by their Arabic names.
MAKKAH_HOTELS = ["فندق دار التوحيد", "برج الصفوة", "فندق مكة كلوك رويال"]
MADINAH_HOTELS = ["فندق طيبة فرونت", "فندق دار الهجرة", "فندق أنوار المدينة"]
GROUND_TRANSPORT = ["حافلات سابتكو", "قطار الحرمين ثم الحافلات"]
PILGRIMS_PER_AGENT = (35, 70)
PORTS = ["JED", "MED", "TIF", "YNB"]


def _latin(item: Any) -> tuple[str, str]:
    return (item[0], item[1]) if isinstance(item, tuple) else (item, "")


def _pilgrim_row(rng: random.Random, country: str, today: dt.date, serial: int) -> dict[str, Any]:
    table = NAMES.get(country, DEFAULT_NAMES)
    sex = rng.choice("MF")
    given, given_native = _latin(rng.choice(table["m" if sex == "M" else "f"]))
    surname, surname_native = _latin(rng.choice(table["s"]))
    birth = today - dt.timedelta(days=rng.randint(8 * 365, 78 * 365))
    issued = today - dt.timedelta(days=rng.randint(60, 6 * 365))
    expiry = issued + dt.timedelta(days=10 * 365 - 1)
    if expiry < today + dt.timedelta(days=400):
        expiry = today + dt.timedelta(days=rng.randint(400, 3000))
    number = f"{country[0]}{serial:08d}"
    line1, line2 = generate_td3(
        issuing_state=country,
        surname=surname,
        given_names=given,
        document_number=number,
        nationality=country,
        birth_date=birth,
        sex=sex,
        expiry_date=expiry,
    )
    native = f"{given_native} {surname_native}".strip() if given_native else ""
    return {
        "surname": surname,
        "given_names": given,
        "native_name": native,
        "sex": sex,
        "birth_date": birth.isoformat(),
        "nationality": country,
        "residence_country": country,
        "passport_number": number,
        "passport_issuing_state": country,
        "passport_issue_date": issued.isoformat(),
        "passport_expiry_date": expiry.isoformat(),
        "mrz_line1": line1,
        "mrz_line2": line2,
        "vaccine_type": rng.choice(["conjugate", "conjugate", "polysaccharide"]),
        "vaccine_date": (today - dt.timedelta(days=rng.randint(20, 700))).isoformat(),
    }


def _manifest(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in COLUMNS])
    return out.getvalue().encode()


def demo_seed_step(*, rng: random.Random, season: Season, stdout: Any = None) -> list[str]:
    """Groups and pilgrims for every agent of the demo, in every state reachable so far."""
    today = riyadh_today()
    serial = rng.randint(1_000_000, 2_000_000)
    users = {u.username: u for u in User.objects.filter(username__endswith=".staff")}
    totals = {"groups": 0, "imported": 0, "rejected_rows": 0}
    agents = Agent.objects.select_related("organization").order_by("organization__code")
    for agent in agents:
        staff = users.get(f"{agent.organization.code}.staff")
        contract = (
            Contract.objects.filter(agent=agent, status=ContractStatus.ACTIVE)
            .select_related("company__organization")
            .order_by("pk")
            .first()
        )
        if staff is None or contract is None:
            continue
        company_staff = users.get(f"{contract.company.organization.code}.staff")
        arrival = today + dt.timedelta(days=rng.randint(12, 70))
        makkah, madinah = rng.randint(5, 10), rng.randint(3, 6)
        airline = rng.choice(["SV", "GA", "PK", "MS", "TK", "XY"])
        group = group_create(
            actor=staff,
            season=season,
            company=contract.company,
            name=f"{agent.organization.name_en.split(' Hajj')[0]} — {arrival:%d %b}",
            reference=f"G{rng.randint(100, 999)}",
            hotel_contract_number=f"HC-{season.hijri_year}-{rng.randint(10000, 99999)}",
            makkah_hotel=rng.choice(MAKKAH_HOTELS),
            makkah_nights=makkah,
            madinah_hotel=rng.choice(MADINAH_HOTELS),
            madinah_nights=madinah,
            ground_transport=rng.choice(GROUND_TRANSPORT),
            arrival_flight=f"{airline} {rng.randint(100, 999)}",
            arrival_port=rng.choice(PORTS[:2]),
            arrival_date=arrival,
            departure_flight=f"{airline} {rng.randint(100, 999)}",
            departure_port=rng.choice(PORTS[:2]),
            departure_date=arrival + dt.timedelta(days=makkah + madinah),
        )
        totals["groups"] += 1
        rows = []
        for _ in range(rng.randint(*PILGRIMS_PER_AGENT)):
            serial += 1
            rows.append(_pilgrim_row(rng, agent.country, today, serial))
        # a couple of rows an agent would get wrong, for the import report
        if len(rows) > 10:
            rows[3]["vaccine_date"] = ""
            rows[7]["passport_number"] = rows[7]["passport_number"][:-1] + "0"
        upload = SimpleUploadedFile("manifest.csv", _manifest(rows), content_type="text/csv")
        job = manifest_job_create(actor=staff, group=group, upload=upload, enqueue=False)
        job = manifest_job_run(job_id=job.pk)
        totals["imported"] += job.accepted_rows
        totals["rejected_rows"] += job.rejected_rows
        drafts = list(
            Application.objects.filter(group=group).order_by("pk").values_list("pk", flat=True)
        )
        keep_draft = drafts[: max(1, len(drafts) // 10)]
        result = group_submit(
            actor=staff, group=group, application_ids=[pk for pk in drafts if pk not in keep_draft]
        )
        submitted = [app.pk for app in result.done]
        rng.shuffle(submitted)
        cut_a, cut_r, cut_w = (int(len(submitted) * f) for f in (0.6, 0.7, 0.75))
        if company_staff is not None and company_staff.organization is not None:
            applications_company_approve(actor=company_staff, application_ids=submitted[:cut_a])
            applications_return(
                actor=company_staff,
                application_ids=submitted[cut_a:cut_r],
                reason=rng.choice(RETURN_REASONS),
            )
        for pk in submitted[cut_r:cut_w]:
            application_withdraw(
                actor=staff,
                application=Application.objects.get(pk=pk),
                reason="The pilgrim postponed the journey.",
            )
        if keep_draft and rng.random() < 0.3:
            application_withdraw(actor=staff, application=Application.objects.get(pk=keep_draft[0]))
    counts = {
        status: Application.objects.filter(status=status).count()
        for status in (
            ApplicationStatus.DRAFT,
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.RETURNED,
            ApplicationStatus.WITHDRAWN,
            ApplicationStatus.SCREENING,
        )
    }
    return [
        f"groups: {totals['groups']}; pilgrims imported from manifests: {totals['imported']} "
        f"({totals['rejected_rows']} manifest rows rejected, with reasons)",
        "applications: " + ", ".join(f"{n} {status}" for status, n in counts.items()),
    ]
