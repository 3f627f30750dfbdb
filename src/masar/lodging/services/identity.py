"""Who is this guest or passenger: the pilgrim's visa found from what a desk or a system
sends (the passport MRZ, the visa seal, the visa number, the passport number or the
application number), read the way the border desk reads them (the same MRZ parser and the
same seal verification)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from masar.applications.models import Application
from masar.applications.states import ApplicationStatus
from masar.documents import parse_mrz
from masar.visas.models import Visa

S = ApplicationStatus
# A pilgrim who holds a visa (used or not): a hotel or a bus may meet them in the kingdom.
VISA_HOLDING = frozenset({S.ISSUED, S.ENTERED, S.DEPARTED, S.OVERSTAYED})
IDENTITY_FIELDS = ("application_number", "passport_mrz", "seal", "visa_number", "passport_number")


@dataclass
class Identity:
    """What one event names; `application` once resolved, else `problem` says why not."""

    application_number: str = ""
    passport_number: str = ""
    nationality: str = ""
    visa_number: str = ""
    seal: str = ""
    passport_mrz: str = ""
    application: Application | None = None
    problem: str = ""


def identity_from(raw: Mapping[str, Any]) -> Identity:
    return Identity(
        application_number=str(raw.get("application_number") or "").strip().upper(),
        passport_number=str(raw.get("passport_number") or "").strip().upper(),
        nationality=str(raw.get("nationality") or "").strip().upper()[:3],
        visa_number=str(raw.get("visa_number") or "").strip(),
        seal=str(raw.get("seal") or "").strip(),
        passport_mrz=str(raw.get("passport_mrz") or "").strip(),
    )


def has_identity(raw: Mapping[str, Any]) -> bool:
    return any(str(raw.get(k) or "").strip() for k in IDENTITY_FIELDS)


def _seal_visa_number(seal: str) -> str | None:
    from masar.visas.seal.verify import Verdict
    from masar.visas.services import seal_check

    try:
        verification = seal_check(seal)
    except Exception:  # noqa: BLE001 - any unreadable seal is an invalid seal
        return None
    if verification.verdict in (Verdict.MALFORMED, Verdict.BAD_SIGNATURE, Verdict.UNKNOWN_SIGNER):
        return None
    found = verification.seal
    return found.features.visa_number if found is not None else None


def identities_resolve(identities: Iterable[Identity]) -> None:
    """Find the application of every identity in a few queries (the latest visa wins)."""
    items = list(identities)
    numbers: dict[int, str] = {}
    for index, item in enumerate(items):
        if item.passport_mrz:
            parsed = parse_mrz(item.passport_mrz)
            if not parsed.document_number:
                item.problem = "mrz_invalid"
                continue
            item.passport_number = parsed.document_number.upper()
            item.nationality = (parsed.nationality or parsed.issuing_state or "").upper()[:3]
        if item.seal:
            number = _seal_visa_number(item.seal)
            if number is None:
                item.problem = "seal_invalid"
                continue
            numbers[index] = number
        elif item.visa_number:
            numbers[index] = item.visa_number
    visas = Visa.objects.select_related("application__pilgrim")
    by_number = {v.number: v.application for v in visas.filter(number__in=set(numbers.values()))}
    app_numbers = {i.application_number for i in items if i.application_number}
    by_app_number = {
        a.number: a
        for a in Application.objects.select_related("pilgrim").filter(
            number__in=app_numbers, status__in=VISA_HOLDING
        )
    }
    passports = {i.passport_number for i in items if i.passport_number}
    by_passport: dict[tuple[str, str], Application] = {}
    if passports:
        for visa in visas.filter(application__pilgrim__passport_number__in=passports).order_by(
            "issued_at", "pk"
        ):
            holder = visa.application
            pilgrim = holder.pilgrim
            by_passport[(pilgrim.passport_number, pilgrim.nationality)] = holder
            by_passport[(pilgrim.passport_number, pilgrim.passport_issuing_state)] = holder
            by_passport[(pilgrim.passport_number, "")] = holder
    for index, item in enumerate(items):
        if item.problem:
            continue
        app: Application | None
        if index in numbers:
            app = by_number.get(numbers[index])
            if (
                app is not None
                and item.passport_number
                and app.pilgrim.passport_number != item.passport_number
            ):
                item.problem = "passport_mismatch"
                continue
        elif item.application_number:
            app = by_app_number.get(item.application_number)
        else:
            app = by_passport.get((item.passport_number, item.nationality))
        if app is None or app.status not in VISA_HOLDING:
            item.problem = "no_visa"
            continue
        item.application = app
