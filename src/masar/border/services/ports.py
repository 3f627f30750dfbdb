"""Ports of entry: the reference list (airports with IATA/ICAO codes, land and sea ports),
loaded idempotently, and officers' postings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.permissions import is_licensing_staff
from masar.accounts.roles import OrganizationKind, Role
from masar.border.error_codes import BorderError
from masar.border.models import Lane, Port, PortAssignment, PortType, Terminal
from masar.core.audit import audit_record
from masar.core.errors import Forbidden, ValidationFailed


@dataclass(frozen=True)
class PortSeed:
    code: str
    icao: str
    name_en: str
    name_ar: str
    port_type: str
    city: str
    terminals: tuple[tuple[str, str, str, int], ...] = ()  # code, name_en, name_ar, lanes


PORTS: tuple[PortSeed, ...] = (
    PortSeed(
        "JED",
        "OEJN",
        "King Abdulaziz International Airport",
        "مطار الملك عبدالعزيز الدولي",
        PortType.AIR,
        "Jeddah",
        (
            ("T1", "Terminal 1", "الصالة 1", 6),
            ("HT", "Hajj Terminal", "صالة الحجاج", 10),
        ),
    ),
    PortSeed(
        "MED",
        "OEMA",
        "Prince Mohammad bin Abdulaziz International Airport",
        "مطار الأمير محمد بن عبدالعزيز الدولي",
        PortType.AIR,
        "Madinah",
        (("T1", "Terminal 1", "الصالة 1", 6),),
    ),
    PortSeed(
        "RUH",
        "OERK",
        "King Khalid International Airport",
        "مطار الملك خالد الدولي",
        PortType.AIR,
        "Riyadh",
        (("T1", "Terminal 1", "الصالة 1", 4), ("T2", "Terminal 2", "الصالة 2", 4)),
    ),
    PortSeed(
        "DMM",
        "OEDF",
        "King Fahd International Airport",
        "مطار الملك فهد الدولي",
        PortType.AIR,
        "Dammam",
        (("T1", "Terminal 1", "الصالة 1", 4),),
    ),
    PortSeed(
        "TIF",
        "OETF",
        "Taif International Airport",
        "مطار الطائف الدولي",
        PortType.AIR,
        "Taif",
        (("T1", "Terminal 1", "الصالة 1", 2),),
    ),
    PortSeed(
        "YNB",
        "OEYN",
        "Prince Abdulmohsin bin Abdulaziz Airport",
        "مطار الأمير عبدالمحسن بن عبدالعزيز",
        PortType.AIR,
        "Yanbu",
        (("T1", "Terminal 1", "الصالة 1", 2),),
    ),
    PortSeed(
        "HADITHA",
        "",
        "Al-Haditha land port",
        "منفذ الحديثة البري",
        PortType.LAND,
        "Al-Qurayyat",
        (("MAIN", "Main hall", "الصالة الرئيسية", 8),),
    ),
    PortSeed(
        "BATHA",
        "",
        "Al-Batha land port",
        "منفذ البطحاء البري",
        PortType.LAND,
        "Al-Batha",
        (("MAIN", "Main hall", "الصالة الرئيسية", 6),),
    ),
    PortSeed(
        "KFC",
        "",
        "King Fahd Causeway",
        "جسر الملك فهد",
        PortType.LAND,
        "Khobar",
        (("MAIN", "Main hall", "الصالة الرئيسية", 6),),
    ),
    PortSeed(
        "JIP",
        "",
        "Jeddah Islamic Port",
        "ميناء جدة الإسلامي",
        PortType.SEA,
        "Jeddah",
        (("PT", "Passenger terminal", "صالة الركاب", 4),),
    ),
    PortSeed(
        "YNBP",
        "",
        "Yanbu Commercial Port",
        "ميناء ينبع التجاري",
        PortType.SEA,
        "Yanbu",
        (("PT", "Passenger terminal", "صالة الركاب", 2),),
    ),
)


@transaction.atomic
def ports_load(seeds: tuple[PortSeed, ...] = PORTS) -> tuple[int, int]:
    """Create or update the reference ports, their terminals and lanes (idempotent).
    Returns (ports created, ports updated)."""
    created = updated = 0
    for seed in seeds:
        port, was_created = Port.objects.update_or_create(
            code=seed.code,
            defaults={
                "icao_code": seed.icao,
                "name_en": seed.name_en,
                "name_ar": seed.name_ar,
                "port_type": seed.port_type,
                "city": seed.city,
            },
        )
        created += was_created
        updated += not was_created
        for code, name_en, name_ar, lanes in seed.terminals:
            terminal, _new = Terminal.objects.update_or_create(
                port=port, code=code, defaults={"name_en": name_en, "name_ar": name_ar}
            )
            for n in range(1, lanes + 1):
                Lane.objects.get_or_create(terminal=terminal, code=f"{code}-{n:02d}")
    return created, updated


@transaction.atomic
def port_assign(*, actor: User | None, officer: User, port: Port) -> PortAssignment:
    """Post a border officer to a port (a supervisor of the interior ministry, or the
    system). Idempotent: an officer already posted there keeps the posting."""
    if (
        actor is not None
        and not (
            actor.organization is not None
            and actor.organization.kind == OrganizationKind.MOI
            and actor.has_role(Role.SUPERVISOR)
        )
        and not is_licensing_staff(actor)
    ):
        raise Forbidden(BorderError.NOT_ALLOWED, _("Only a supervisor posts border officers."))
    if not officer.has_role(Role.BORDER_OFFICER):
        raise ValidationFailed(
            BorderError.NOT_ALLOWED,
            _("Only border officers are posted to ports."),
            fields={"officer": [_("Not a border officer.")]},
        )
    existing = (
        PortAssignment.objects.select_for_update(of=("self",))
        .filter(user=officer, port=port, ended_at__isnull=True)
        .first()
    )
    if existing is not None:
        return existing
    assignment = PortAssignment.objects.create(user=officer, port=port, assigned_at=timezone.now())
    audit_record(
        actor=actor,
        action="border.port_assign",
        target=assignment,
        details={"officer_id": officer.pk, "port": port.code},
    )
    return assignment
