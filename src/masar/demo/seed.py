"""The demonstration season: ministries, 20 Umrah companies, 60 overseas agents in 16
countries with contracts, users for every role, the 1447H (closed) and 1448H (current)
Umrah seasons with quotas. Everything goes through the services, so the audit trail and the
outbox hold what a real season would.

Later apps add their own demo data through `DEMO_STEPS`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import os
import random
from decimal import Decimal
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.db import transaction

from masar.accounts.models import Organization, User
from masar.accounts.roles import OrganizationKind, Role
from masar.accounts.services import organization_create, user_create
from masar.core.dates import from_hijri
from masar.operators.models import Agent, Company
from masar.operators.services import agent_register, company_license, contract_register
from masar.seasons.models import Season
from masar.seasons.services import quota_set, season_create

DEFAULT_PASSWORD = "masar-demo"  # noqa: S105 - the documented demo password, refused in production

MINISTRIES = [
    ("mohu", OrganizationKind.MOHU, "Ministry of Hajj and Umrah", "وزارة الحج والعمرة"),
    ("mofa", OrganizationKind.MOFA, "Ministry of Foreign Affairs", "وزارة الخارجية"),
    ("moi", OrganizationKind.MOI, "Ministry of Interior", "وزارة الداخلية"),
]

# username, organization code, roles, name (English), name (Arabic): the people of the
# ministries, as they appear on their pages.
DEMO_USERS: list[tuple[str, str, list[str], str, str]] = [
    ("hajj.licensing", "mohu", [Role.LICENSING_OFFICER], "Saad Al-Otaibi", "سعد العتيبي"),
    (
        "hajj.supervisor",
        "mohu",
        [Role.SUPERVISOR, Role.LICENSING_OFFICER],
        "Nourah Al-Shehri",
        "نورة الشهري",
    ),
    ("hajj.analyst", "mohu", [Role.ANALYST], "Khalid Al-Zahrani", "خالد الزهراني"),
    ("hajj.trainer", "mohu", [Role.TRAINER], "Huda Al-Ghamdi", "هدى الغامدي"),
    ("hajj.inspector", "mohu", [Role.INSPECTOR], "Majed Al-Harbi", "ماجد الحربي"),
    ("mofa.visa", "mofa", [Role.VISA_OFFICER], "Reem Al-Dosari", "ريم الدوسري"),
    (
        "mofa.supervisor",
        "mofa",
        [Role.SUPERVISOR, Role.VISA_OFFICER],
        "Abdulrahman Al-Shammari",
        "عبدالرحمن الشمري",
    ),
    ("moi.security", "moi", [Role.SECURITY_ANALYST], "Fahd Al-Qahtani", "فهد القحطاني"),
    ("border.jed", "moi", [Role.BORDER_OFFICER], "Turki Al-Malki", "تركي المالكي"),
    ("border.med", "moi", [Role.BORDER_OFFICER], "Yasser Al-Juhani", "ياسر الجهني"),
    ("moi.analyst", "moi", [Role.ANALYST], "Lama Al-Subaie", "لمى السبيعي"),
    ("moi.supervisor", "moi", [Role.SUPERVISOR], "Nasser Al-Mutairi", "ناصر المطيري"),
]

#: The staff of the Umrah companies (taken in turn).
COMPANY_STAFF_NAMES = [
    ("Ahmed Al-Harthi", "أحمد الحارثي"),
    ("Mona Al-Qurashi", "منى القرشي"),
    ("Omar Bakhsh", "عمر بخش"),
    ("Abeer Al-Sulami", "عبير السلمي"),
    ("Hatem Al-Ahmadi", "حاتم الأحمدي"),
    ("Wafa Al-Luhaibi", "وفاء اللهيبي"),
    ("Bandar Al-Thaqafi", "بندر الثقفي"),
    ("Samar Felemban", "سمر فلمبان"),
    ("Mishal Al-Saadi", "مشعل السعدي"),
    ("Ghada Kaki", "غادة كعكي"),
]

#: The agents' staff, one name per country: written in Latin letters by the agent, in Arabic
#: by the ministry that registered them.
AGENT_STAFF_NAMES = {
    "IDN": ("Budi Santoso", "بودي سانتوسو"),
    "PAK": ("Imran Qureshi", "عمران قريشي"),
    "IND": ("Mohammed Irfan", "محمد عرفان"),
    "BGD": ("Rafiqul Islam", "رفيق الإسلام"),
    "EGY": ("Mahmoud Hassan", "محمود حسن"),
    "TUR": ("Mehmet Yilmaz", "محمد يلماز"),
    "MYS": ("Ahmad Faizal", "أحمد فيصل"),
    "NGA": ("Musa Ibrahim", "موسى إبراهيم"),
    "DZA": ("Karim Benali", "كريم بن علي"),
    "MAR": ("Youssef El Idrissi", "يوسف الإدريسي"),
    "IRQ": ("Ali Al-Jubouri", "علي الجبوري"),
    "JOR": ("Omar Al-Khatib", "عمر الخطيب"),
    "GBR": ("Yusuf Patel", "يوسف باتيل"),
    "SEN": ("Cheikh Ndiaye", "الشيخ انجاي"),
    "UZB": ("Sardor Karimov", "سردار كريموف"),
    "IRN": ("Reza Ahmadi", "رضا أحمدي"),
}

COUNTRIES = [
    "IDN", "PAK", "IND", "BGD", "EGY", "TUR", "MYS", "NGA", "DZA", "MAR",
    "IRQ", "JOR", "GBR", "SEN", "UZB", "IRN",
]  # fmt: skip

COMPANY_NAMES = [
    ("Al-Safwa Umrah Services", "شركة الصفوة لخدمات العمرة"),
    ("Rawdat Al-Haramain", "شركة روضة الحرمين"),
    ("Diyafat Al-Rahman", "شركة ضيافة الرحمن"),
    ("Noor Makkah Travel", "شركة نور مكة للسفر"),
    ("Al-Bait Al-Ateeq", "مؤسسة البيت العتيق"),
    ("Taibah Pilgrim Services", "شركة طيبة لخدمة المعتمرين"),
    ("Zamzam Hospitality", "شركة زمزم للضيافة"),
    ("Al-Multazam Umrah", "مؤسسة الملتزم للعمرة"),
    ("Qiblah Umrah Company", "شركة القبلة للعمرة"),
    ("Al-Marwa Services", "شركة المروة للخدمات"),
    ("Ajyad Pilgrimage", "شركة أجياد للحج والعمرة"),
    ("Al-Hijrah Travel", "مؤسسة الهجرة للسفر"),
    ("Quba Umrah Services", "شركة قباء لخدمات العمرة"),
    ("Arafat Guests", "شركة ضيوف عرفات"),
    ("Al-Aziziyah Services", "شركة العزيزية للخدمات"),
    ("Mina Hospitality", "شركة منى للضيافة"),
    ("Al-Ansar Umrah", "مؤسسة الأنصار للعمرة"),
    ("Jabal Al-Noor Travel", "شركة جبل النور للسفر"),
    ("Al-Masjid Services", "شركة المسجد للخدمات"),
    ("Bawabat Makkah", "شركة بوابة مكة"),
]

# The first word of each agent's name, in Latin letters and in Arabic.
AGENT_WORDS = {
    "IDN": (("Nusantara", "نوسانتارا"), ("PT Amanah", "أمانة"), ("Barokah", "بركة")),
    "PAK": (("Karachi", "كراتشي"), ("Lahore", "لاهور"), ("Faisal", "فيصل")),
    "IND": (("Hyderabad", "حيدر آباد"), ("Kerala", "كيرالا"), ("Mumbai", "مومباي")),
    "BGD": (("Dhaka", "دكا"), ("Chittagong", "شيتاغونغ"), ("Sylhet", "سلهت")),
    "EGY": (("Cairo", "القاهرة"), ("Alexandria", "الإسكندرية"), ("Nile", "النيل")),
    "TUR": (("Istanbul", "إسطنبول"), ("Anadolu", "الأناضول"), ("Konya", "قونية")),
    "MYS": (("Kuala Lumpur", "كوالالمبور"), ("Penang", "بينانغ"), ("Johor", "جوهور")),
    "NGA": (("Kano", "كانو"), ("Lagos", "لاغوس"), ("Abuja", "أبوجا")),
    "DZA": (("Algiers", "الجزائر"), ("Oran", "وهران"), ("Constantine", "قسنطينة")),
    "MAR": (("Casablanca", "الدار البيضاء"), ("Fes", "فاس"), ("Rabat", "الرباط")),
    "IRQ": (("Baghdad", "بغداد"), ("Basra", "البصرة"), ("Erbil", "أربيل")),
    "JOR": (("Amman", "عمّان"), ("Irbid", "إربد"), ("Zarqa", "الزرقاء")),
    "GBR": (("London", "لندن"), ("Birmingham", "برمنغهام"), ("Bradford", "برادفورد")),
    "SEN": (("Dakar", "داكار"), ("Touba", "طوبى"), ("Thies", "تييس")),
    "UZB": (("Tashkent", "طشقند"), ("Samarkand", "سمرقند"), ("Bukhara", "بخارى")),
    "IRN": (("Tehran", "طهران"), ("Mashhad", "مشهد"), ("Isfahan", "أصفهان")),
}

# Each later app adds its demo data with a module `masar.<app>.demo` whose
# `demo_seed_step(*, rng, season, stdout) -> list[str]` runs after the operators exist.
DEMO_STEP_MODULES = [
    "masar.applications.demo",
    "masar.photos.demo",
    "masar.screening.demo",
    "masar.visas.demo",
    "masar.border.demo",
    "masar.lodging.demo",
    "masar.whereabouts.demo",
    "masar.compliance.demo",
    "masar.integration.demo",
    "masar.training.demo",
    "masar.reporting.demo",
]


def demo_is_seeded() -> bool:
    return User.objects.filter(username="hajj.licensing").exists()


def _season_dates(year: int) -> dict[str, Any]:
    """The calendar pattern of season 1447H (domain brief), for the Hijri year `year`."""
    return {
        "starts_on": from_hijri(year - 1, 11, 1),
        "contracts_due": from_hijri(year - 1, 11, 29),
        "visas_from": from_hijri(year - 1, 12, 14),
        "last_agent_approval": from_hijri(year, 8, 1),
        "last_visa_date": from_hijri(year, 10, 1),
        "last_entry_date": from_hijri(year, 10, 15),
        "last_exit_date": from_hijri(year, 11, 1),
        "ends_on": from_hijri(year, 11, 29),
    }


@transaction.atomic
def demo_seed(*, seed: int = 1447, stdout: TextIO | Any = None) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    password_hash = make_password(os.environ.get("MASAR_DEMO_PASSWORD", DEFAULT_PASSWORD))
    orgs: dict[str, Organization] = {}
    for code, kind, name_en, name_ar in MINISTRIES:
        orgs[code] = organization_create(
            actor=None, kind=kind, code=code, name_en=name_en, name_ar=name_ar
        )
    users: dict[str, User] = {}
    for username, org_code, roles, name_en, name_ar in DEMO_USERS:
        first, _, last = name_en.partition(" ")
        users[username] = user_create(
            actor=None,
            organization=orgs[org_code],
            username=username,
            password=None,
            roles=roles,
            first_name=first,
            last_name=last,
            full_name_ar=name_ar,
        )
    officer = users["hajj.licensing"]
    for code, org_code in (("mofa.system", "mofa"), ("moi.gate", "moi")):
        user_create(
            actor=officer,
            organization=orgs[org_code],
            username=code,
            password=None,
            roles=[Role.INTEGRATION],
            is_service_account=True,
        )

    companies: list[Company] = []
    for index, (name_en, name_ar) in enumerate(COMPANY_NAMES, start=1):
        company = company_license(
            actor=officer,
            code=f"company{index}",
            name_en=name_en,
            name_ar=name_ar,
            licence_number=f"UMR-{1000 + index}",
            licence_valid_from=dt.date(2024, 1, 1),
            licence_valid_until=dt.date(2028, 12, 31),
            guarantee_amount=Decimal("2000000"),
            guarantee_valid_until=dt.date(2028, 12, 31),
        )
        companies.append(company)
        staff_en, staff_ar = COMPANY_STAFF_NAMES[(index - 1) % len(COMPANY_STAFF_NAMES)]
        first, _, last = staff_en.partition(" ")
        user_create(
            actor=officer,
            organization=company.organization,
            username=f"company{index}.staff",
            password=None,
            roles=[Role.COMPANY_STAFF],
            first_name=first,
            last_name=last,
            full_name_ar=staff_ar,
        )
    agents: list[Agent] = []
    for index in range(1, 61):
        country = COUNTRIES[(index - 1) % len(COUNTRIES)]
        word_en, word_ar = AGENT_WORDS[country][(index - 1) // len(COUNTRIES) % 3]
        agent = agent_register(
            actor=officer,
            code=f"agent{index}",
            name_en=f"{word_en} Hajj & Umrah Travel {index}",
            name_ar=f"وكالة {word_ar} للحج والعمرة {index}",
            country=country,
            licence_number=f"{country}-TRV-{4000 + index}",
            licence_valid_until=dt.date(2028, 6, 30),
        )
        agents.append(agent)
        user_create(
            actor=officer,
            organization=agent.organization,
            username=f"agent{index}.staff",
            password=None,
            roles=[Role.AGENT_STAFF],
            first_name=AGENT_STAFF_NAMES[country][0].partition(" ")[0],
            last_name=AGENT_STAFF_NAMES[country][0].partition(" ")[2],
            full_name_ar=AGENT_STAFF_NAMES[country][1],
        )
    User.objects.filter(is_service_account=False).update(password=password_hash)

    past = season_create(
        actor=officer,
        code="umrah-1447",
        kind="umrah",
        hijri_year=1447,
        name_en="Umrah season 1447 AH",
        name_ar="موسم العمرة 1447هـ",
        **_season_dates(1447),
    )
    Season.objects.filter(pk=past.pk).update(is_open=False)
    season = season_create(
        actor=officer,
        code="umrah-1448",
        kind="umrah",
        hijri_year=1448,
        name_en="Umrah season 1448 AH",
        name_ar="موسم العمرة 1448هـ",
        **_season_dates(1448),
    )
    contract_count = 0
    for index, agent in enumerate(agents):
        partners = {companies[index % len(companies)]}
        if rng.random() < 0.4:
            partners.add(rng.choice(companies))
        for company in sorted(partners, key=lambda c: c.pk):
            contract_register(
                actor=officer,
                company=company,
                agent=agent,
                countries=[agent.country],
                valid_from=season.starts_on,
                valid_until=season.ends_on,
            )
            contract_count += 1
        quota_set(actor=officer, season=season, agent=agent, limit=rng.randrange(2000, 8000, 500))
    for company in companies:
        quota_set(
            actor=officer, season=season, company=company, limit=rng.randrange(20000, 120000, 5000)
        )
    report = [
        f"organizations: 3 ministries, {len(companies)} companies, {len(agents)} agents "
        f"in {len(set(COUNTRIES))} countries",
        f"contracts: {contract_count}; seasons: umrah-1447 (closed), umrah-1448 (current)",
        f"users: {User.objects.count()}",
    ]
    _progress(stdout, report)
    for module_name in DEMO_STEP_MODULES:
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        lines = module.demo_seed_step(rng=rng, season=season, stdout=stdout)
        _progress(stdout, lines)
        report.extend(lines)
    return report


def _progress(stdout: TextIO | Any, lines: list[str]) -> None:
    """Each step's summary is printed once, as soon as the step is done (some take a while)."""
    if stdout is not None:
        for line in lines:
            stdout.write(line + "\n")
