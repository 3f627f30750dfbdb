"""Entries and exits: the verdict at the desk (`crossing_check`, no write) and the record of
crossings, one (`crossing_record`) or a batch (`crossings_record_batch`).

How a crossing is decided (docs/border.md, ADR 0071):

1. The document checks, fixed when the crossing is received and a pure function of the
   visa and the crossing's ORIGINAL time: no visa, seal invalid, visa revoked or lapsed
   before that time, outside the season's entry window. Stored as `document_refusal`.
2. The journey: all crossings of the application are applied in the order of their
   original times (`occurred_at`, then `client_event_id`): an entry when outside, an exit
   when inside; otherwise `already_inside`, `not_inside` or `already_departed`. A late
   batch from an offline port is inserted where it belongs in time and the journey is
   replayed, so the final state does not depend on the order in which events arrive
   (property-tested); an earlier answer the replay changes is announced (`crossing.revised`).

The stay, its permitted departure and the application's state (`enter`, `depart`) follow the
journey. Idempotent on `client_event_id`: a replay answers with the stored crossing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.applications.lock_objects import applications_lock
from masar.applications.models import Application, ApplicationTransition, Pilgrim
from masar.applications.services.transitions import application_transition
from masar.applications.states import AFTER_COMMIT, TRANSITIONS, ApplicationStatus
from masar.border.error_codes import BorderError, RefusalCode
from masar.border.models import (
    BorderRules,
    Crossing,
    CrossingOutcome,
    CrossingSource,
    Direction,
    Lane,
    Overstay,
    OverstayStatus,
    Port,
    PortAssignment,
    Stay,
)
from masar.border.services.stays import (
    days_stayed,
    kingdom_day,
    overstay_days,
    permitted_departure,
)
from masar.core.audit import audit_record
from masar.core.bulk import bulk_insert, bulk_set
from masar.core.errors import Forbidden, NotFound, ValidationFailed
from masar.documents import parse_mrz
from masar.integration.services import event_emit
from masar.integration.services.outbox import events_emit_bulk
from masar.visas.models import Visa, VisaStatus

S = ApplicationStatus
MAX_BATCH = 1000
# A crossing may not claim to have happened later than this after the server's clock.
CLOCK_SKEW = dt.timedelta(minutes=5)

REFUSAL_MESSAGES: dict[str, Any] = {
    RefusalCode.NO_VISA: gettext_lazy("No visa was found for this passport or seal."),
    RefusalCode.VISA_LAPSED: gettext_lazy("The visa lapsed: it was not used for entry in time."),
    RefusalCode.VISA_REVOKED: gettext_lazy("The visa was revoked."),
    RefusalCode.VISA_EXPIRED: gettext_lazy("The visa has expired."),
    RefusalCode.SEAL_INVALID: gettext_lazy("The visa seal is not valid (signature or format)."),
    RefusalCode.MRZ_INVALID: gettext_lazy("The passport MRZ could not be read."),
    RefusalCode.PASSPORT_MISMATCH: gettext_lazy("The visa belongs to another passport."),
    RefusalCode.OUTSIDE_ENTRY_WINDOW: gettext_lazy("Outside the season's entry window."),
    RefusalCode.ALREADY_INSIDE: gettext_lazy("The pilgrim is already inside the kingdom."),
    RefusalCode.NOT_INSIDE: gettext_lazy("The pilgrim has no recorded entry to leave from."),
    RefusalCode.ALREADY_DEPARTED: gettext_lazy("The pilgrim has already departed on this visa."),
    RefusalCode.APPLICATION_NOT_ISSUED: gettext_lazy(
        "The application does not hold an issued visa."
    ),
}


def refusal_message(code: str) -> str:
    return str(REFUSAL_MESSAGES.get(code, code))


# --- Results ---------------------------------------------------------------------------


@dataclass
class CrossingResult:
    """The answer for one crossing event. `created` is False when its client event id was
    seen before: the stored crossing is answered again (its outcome as it stands now)."""

    crossing: Crossing
    outcome: str
    refusal_code: str
    stay: Stay | None
    created: bool

    @property
    def permitted_departure(self) -> dt.date | None:
        return self.stay.permitted_departure if self.stay is not None else None


@dataclass
class CrossingVerdict:
    """What the officer sees before recording: allowed or not, every reason, the stay."""

    allowed: bool
    direction: str
    reasons: list[tuple[str, str]] = field(default_factory=list)
    application: Application | None = None
    visa: Visa | None = None
    pilgrim: Pilgrim | None = None
    permitted_departure: dt.date | None = None
    stay: Stay | None = None
    days_stayed: int | None = None
    overstay_days: int | None = None
    passport_number: str = ""
    nationality: str = ""


# --- Input ------------------------------------------------------------------------------


@dataclass
class _Event:
    index: int
    client_event_id: str
    port: Port
    lane: Lane | None
    direction: str
    occurred_at: dt.datetime
    source: str
    passport_number: str = ""
    nationality: str = ""
    visa_number: str = ""
    seal: str = ""
    passport_mrz: str = ""
    # Resolved
    visa: Visa | None = None
    document_reasons: list[str] = field(default_factory=list)


def _as_moment(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        moment = parse_datetime(value)  # type: ignore[assignment]
        if moment is None:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        return None
    return moment


def _ports(codes: Iterable[str]) -> dict[str, Port]:
    return {p.code: p for p in Port.objects.filter(code__in={c.upper() for c in codes})}


def _lanes(port_ids: Iterable[int]) -> dict[tuple[int, str], Lane]:
    lanes = Lane.objects.filter(terminal__port_id__in=set(port_ids)).select_related("terminal")
    return {(lane.terminal.port_id, lane.code.upper()): lane for lane in lanes}


def _normalize(raw_events: Sequence[dict[str, Any]], *, now: dt.datetime) -> list[_Event]:
    """Check the shape of every event; a batch with a malformed event is refused whole,
    with the errors keyed `"<index>.<field>"`."""
    if not raw_events:
        raise ValidationFailed(BorderError.BATCH_EMPTY, _("No crossing was given."))
    if len(raw_events) > MAX_BATCH:
        raise ValidationFailed(
            BorderError.BATCH_TOO_LARGE,
            _("At most %(max)d crossings per batch.") % {"max": MAX_BATCH},
        )
    ports = _ports(str(e.get("port_code") or "") for e in raw_events)
    lanes = _lanes(p.pk for p in ports.values())
    errors: dict[str, list[str]] = {}
    events: list[_Event] = []
    for index, raw in enumerate(raw_events):

        def bad(name: str, message: str, index: int = index) -> None:
            errors.setdefault(f"{index}.{name}", []).append(message)

        client_event_id = str(raw.get("client_event_id") or "").strip()
        if not client_event_id or len(client_event_id) > 64:
            bad("client_event_id", _("A client event id of 1 to 64 characters is required."))
        port = ports.get(str(raw.get("port_code") or "").upper())
        if port is None:
            bad("port_code", _("Unknown port."))
        elif not port.is_active:
            bad("port_code", _("This port is closed."))
        direction = str(raw.get("direction") or "")
        if direction not in Direction.values:
            bad("direction", _("The direction must be entry or exit."))
        occurred_at = _as_moment(raw.get("occurred_at"))
        if occurred_at is None:
            bad("occurred_at", _("A time with its UTC offset is required."))
        elif occurred_at > now + CLOCK_SKEW:
            bad("occurred_at", _("The time is in the future."))
        source = str(raw.get("source") or CrossingSource.API)
        if source not in CrossingSource.values:
            bad("source", _("Unknown source."))
        identity = [
            str(raw.get(k) or "").strip()
            for k in ("passport_number", "visa_number", "seal", "passport_mrz")
        ]
        if not any(identity):
            bad("passport_number", _("Give the passport, the visa number or the seal."))
        lane = None
        lane_code = str(raw.get("lane_code") or "").strip().upper()
        if lane_code and port is not None:
            lane = lanes.get((port.pk, lane_code))
            if lane is None:
                bad("lane_code", _("Unknown lane at this port."))
        if port is None or occurred_at is None or f"{index}.client_event_id" in errors:
            continue
        events.append(
            _Event(
                index=index,
                client_event_id=client_event_id,
                port=port,
                lane=lane,
                direction=direction,
                occurred_at=occurred_at,
                source=source,
                passport_number=identity[0].upper(),
                nationality=str(raw.get("nationality") or "").strip().upper()[:3],
                visa_number=identity[1],
                seal=identity[2],
                passport_mrz=identity[3],
            )
        )
    if errors:
        raise ValidationFailed(
            BorderError.INVALID_CROSSING, _("Some crossings are not valid."), fields=errors
        )
    return events


# --- Who may record ---------------------------------------------------------------------


def _require_recorder(actor: User | None, events: Sequence[_Event], *, on: dt.date) -> None:
    """Border officers of the interior ministry record at the ports they are posted to
    (and must hold the certificates their role requires); the ministry's integration
    accounts (gates, port systems) record anywhere."""
    if actor is None:
        return
    org = actor.organization
    if org is None or org.kind != OrganizationKind.MOI:
        raise Forbidden(BorderError.NOT_ALLOWED, _("Only the interior ministry records crossings."))
    officer_events = [e for e in events if e.source == CrossingSource.OFFICER]
    if officer_events and not actor.has_role(Role.BORDER_OFFICER):
        raise Forbidden(BorderError.NOT_ALLOWED, _("Only a border officer records at the desk."))
    if len(officer_events) < len(events) and not actor.has_role(
        Role.INTEGRATION, Role.BORDER_OFFICER
    ):
        raise Forbidden(
            BorderError.NOT_ALLOWED, _("Only a gate or a port system records crossings.")
        )
    if actor.has_role(Role.BORDER_OFFICER) and not actor.is_service_account:
        from masar.training.services import require_certified

        require_certified(actor=actor, role=Role.BORDER_OFFICER, on=on)
        posted = set(
            PortAssignment.objects.filter(user=actor, ended_at__isnull=True).values_list(
                "port_id", flat=True
            )
        )
        if any(e.port.pk not in posted for e in events):
            raise Forbidden(BorderError.NOT_ASSIGNED, _("You are not posted to this port."))


# --- Identity and document checks --------------------------------------------------------


def _visa_query() -> Any:
    return Visa.objects.select_related("application__pilgrim", "season")


def _seal_reasons(event: _Event) -> tuple[str | None, list[str]]:
    """The visa number a seal names and what is wrong with the seal itself. Revocation and
    expiry are judged against the crossing's own time from the visa (not from today's
    revocation list), so a late batch is judged as at the time it happened."""
    from masar.visas.seal.verify import Verdict
    from masar.visas.services import seal_check

    try:
        verification = seal_check(event.seal, today=kingdom_day(event.occurred_at))
    except Exception:  # noqa: BLE001 - any unreadable seal is an invalid seal
        return None, [RefusalCode.SEAL_INVALID]
    seal = verification.seal
    if verification.verdict in (Verdict.MALFORMED, Verdict.BAD_SIGNATURE, Verdict.UNKNOWN_SIGNER):
        return None, [RefusalCode.SEAL_INVALID]
    number = seal.features.visa_number if seal is not None else None
    if not number:
        return None, [RefusalCode.SEAL_INVALID]
    return number, []


def _mrz_identity(event: _Event) -> list[str]:
    parsed = parse_mrz(event.passport_mrz, today=kingdom_day(event.occurred_at))
    if not parsed.document_number:
        return [RefusalCode.MRZ_INVALID]
    event.passport_number = parsed.document_number.upper()
    event.nationality = (parsed.nationality or parsed.issuing_state or "").upper()[:3]
    return [] if parsed.valid else [RefusalCode.MRZ_INVALID]


def _resolve(events: Sequence[_Event]) -> None:
    """Find the visa of every event and its document refusal reasons (few queries)."""
    numbers: dict[int, str] = {}
    pre: dict[int, list[str]] = defaultdict(list)
    for event in events:
        if event.passport_mrz:
            pre[event.index].extend(_mrz_identity(event))
        if event.seal:
            number, reasons = _seal_reasons(event)
            pre[event.index].extend(reasons)
            if number:
                numbers[event.index] = number
        elif event.visa_number:
            numbers[event.index] = event.visa_number
    by_number = {v.number: v for v in _visa_query().filter(number__in=set(numbers.values()))}
    passports = {e.passport_number for e in events if e.passport_number and e.index not in numbers}
    by_passport: dict[tuple[str, str], Visa] = {}
    if passports:
        for found in (
            _visa_query()
            .filter(application__pilgrim__passport_number__in=passports)
            .order_by("issued_at", "pk")
        ):
            pilgrim = found.application.pilgrim
            # The latest visa wins; keyed by nationality and by issuing state.
            by_passport[(pilgrim.passport_number, pilgrim.nationality)] = found
            by_passport[(pilgrim.passport_number, pilgrim.passport_issuing_state)] = found
            by_passport[(pilgrim.passport_number, "")] = found
    rules_cache: dict[int, BorderRules] = {}
    for event in events:
        reasons = pre.get(event.index, [])
        visa: Visa | None
        if event.index in numbers:
            visa = by_number.get(numbers[event.index])
            if (
                visa is not None
                and event.passport_number
                and visa.application.pilgrim.passport_number != event.passport_number
            ):
                reasons.append(RefusalCode.PASSPORT_MISMATCH)
        elif event.passport_number:
            visa = by_passport.get((event.passport_number, event.nationality))
        else:
            visa = None
        event.visa = visa
        if visa is not None:
            pilgrim = visa.application.pilgrim
            event.passport_number = event.passport_number or pilgrim.passport_number
            event.nationality = event.nationality or pilgrim.nationality
        event.document_reasons = reasons + _document_reasons(
            visa,
            event.direction,
            event.occurred_at,
            reasons_so_far=reasons,
            rules_cache=rules_cache,
        )


def _rules(season_id: int) -> BorderRules:
    rules = BorderRules.objects.filter(season_id=season_id).first()
    return rules if rules is not None else BorderRules(season_id=season_id)


def border_rules_for(season_id: int) -> BorderRules:
    """The season's border rules, created with the defaults when missing (a write)."""
    rules, _created = BorderRules.objects.get_or_create(season_id=season_id)
    return rules


def _document_reasons(
    visa: Visa | None,
    direction: str,
    at: dt.datetime,
    *,
    reasons_so_far: Sequence[str] = (),
    rules_cache: dict[int, BorderRules] | None = None,
) -> list[str]:
    """The document checks at time `at` (a pure function of the visa and `at`)."""
    if visa is None:
        return [] if RefusalCode.SEAL_INVALID in reasons_so_far else [RefusalCode.NO_VISA]
    reasons: list[str] = []
    app = visa.application
    if app.status not in (S.ISSUED, S.ENTERED, S.OVERSTAYED, S.DEPARTED, S.CANCELLED, S.EXPIRED):
        reasons.append(RefusalCode.APPLICATION_NOT_ISSUED)
    if direction == Direction.EXIT:
        # Nobody is kept from leaving for their visa's sake; only the journey decides.
        return reasons
    if visa.revoked_at is not None and visa.revoked_at <= at:
        reasons.append(
            RefusalCode.VISA_LAPSED
            if visa.status == VisaStatus.LAPSED
            else RefusalCode.VISA_REVOKED
        )
    elif visa.status != VisaStatus.VALID and app.status in (S.CANCELLED, S.EXPIRED):
        # Revoked later than the crossing, but the application has left `issued` for good.
        reasons.append(RefusalCode.APPLICATION_NOT_ISSUED)
    day = kingdom_day(at)
    cache = rules_cache if rules_cache is not None else {}
    rules = cache.get(visa.season_id)
    if rules is None:
        rules = cache[visa.season_id] = _rules(visa.season_id)
    opens = visa.valid_from - dt.timedelta(days=rules.entry_opens_days_before_visa)
    if day < opens or day > visa.season.last_entry_date:
        reasons.append(RefusalCode.OUTSIDE_ENTRY_WINDOW)
    elif day > visa.valid_until:
        reasons.append(RefusalCode.VISA_LAPSED)
    return list(dict.fromkeys(reasons))


# --- The journey -------------------------------------------------------------------------

OUTSIDE, INSIDE, DEPARTED = "outside", "inside", "departed"


@dataclass
class _Journey:
    outcomes: dict[int, tuple[str, str]]  # id(crossing) -> (outcome, refusal code)
    entry: Crossing | None
    exit: Crossing | None
    state: str


def _sort_key(c: Crossing) -> tuple[dt.datetime, str]:
    return (c.occurred_at, c.client_event_id)


def _journey(crossings: Iterable[Crossing], *, start: str = OUTSIDE) -> _Journey:
    """Apply an application's crossings in the order of their original times."""
    state = start
    entry: Crossing | None = None
    exit_: Crossing | None = None
    outcomes: dict[int, tuple[str, str]] = {}
    for c in sorted(crossings, key=_sort_key):
        if c.document_refusal:
            outcomes[id(c)] = (CrossingOutcome.REFUSED, c.document_refusal)
            continue
        code = ""
        if c.direction == Direction.ENTRY:
            if state == OUTSIDE:
                state, entry = INSIDE, c
            else:
                code = (
                    RefusalCode.ALREADY_INSIDE if state == INSIDE else RefusalCode.ALREADY_DEPARTED
                )
        elif state == INSIDE:
            state, exit_ = DEPARTED, c
        else:
            code = RefusalCode.NOT_INSIDE if state == OUTSIDE else RefusalCode.ALREADY_DEPARTED
        outcomes[id(c)] = (
            (CrossingOutcome.REFUSED, code) if code else (CrossingOutcome.ACCEPTED, "")
        )
    return _Journey(outcomes, entry, exit_, state)


# --- The verdict (no write) ---------------------------------------------------------------


def crossing_check(
    *,
    actor: User | None,
    port_code: str,
    direction: str,
    passport_mrz: str = "",
    passport_number: str = "",
    nationality: str = "",
    seal: str = "",
    visa_number: str = "",
    at: dt.datetime | None = None,
) -> CrossingVerdict:
    """The verdict for a person presenting at a port now (or at `at`), with every reason
    and the stay: the permitted departure for an entry, the days stayed and overstayed for
    an exit. Writes nothing; the officer then records with `crossing_record`."""
    if actor is not None and (
        actor.organization is None
        or actor.organization.kind != OrganizationKind.MOI
        or not actor.has_role(Role.BORDER_OFFICER, Role.INTEGRATION)
    ):
        raise Forbidden(BorderError.NOT_ALLOWED, _("Only the interior ministry checks crossings."))
    now = at or timezone.now()
    port = Port.objects.filter(code=port_code.upper()).first()
    if port is None:
        raise NotFound(BorderError.PORT_NOT_FOUND, _("Unknown port."))
    if direction not in Direction.values:
        raise ValidationFailed(
            BorderError.INVALID_DIRECTION, _("The direction must be entry or exit.")
        )
    event = _Event(
        index=0,
        client_event_id="check",
        port=port,
        lane=None,
        direction=direction,
        occurred_at=now,
        source=CrossingSource.OFFICER,
        passport_number=passport_number.strip().upper(),
        nationality=nationality.strip().upper()[:3],
        visa_number=visa_number.strip(),
        seal=seal.strip(),
        passport_mrz=passport_mrz.strip(),
    )
    _resolve([event])
    visa = event.visa
    verdict = CrossingVerdict(
        allowed=False,
        direction=direction,
        visa=visa,
        application=visa.application if visa is not None else None,
        pilgrim=visa.application.pilgrim if visa is not None else None,
        passport_number=event.passport_number,
        nationality=event.nationality,
    )
    codes = list(event.document_reasons)
    stay = None
    if visa is not None:
        probe = Crossing(
            client_event_id="\uffff",  # sorts after every stored crossing of the same time
            direction=direction,
            occurred_at=now,
            document_refusal=codes[0] if codes else "",
        )
        stored = list(Crossing.objects.filter(application=visa.application))
        journey = _journey([*stored, probe])
        outcome, code = journey.outcomes[id(probe)]
        if code and code not in codes:
            codes.append(code)
        stay = Stay.objects.filter(application=visa.application).order_by("-entered_at").first()
        if direction == Direction.ENTRY:
            verdict.permitted_departure = permitted_departure(
                entered_at=now, visa=visa, season=visa.season
            )
        elif stay is not None and stay.exited_at is None:
            verdict.permitted_departure = stay.permitted_departure
            verdict.days_stayed = days_stayed(entered_at=stay.entered_at, exited_at=now)
            verdict.overstay_days = overstay_days(exited_at=now, permitted=stay.permitted_departure)
    verdict.stay = stay
    verdict.reasons = [(c, refusal_message(c)) for c in codes]
    verdict.allowed = not codes
    return verdict


# --- Recording ------------------------------------------------------------------------------


def crossing_record(
    *,
    actor: User | None,
    port_code: str,
    direction: str,
    occurred_at: dt.datetime,
    client_event_id: str,
    passport_number: str = "",
    nationality: str = "",
    visa_number: str = "",
    seal: str = "",
    lane_code: str = "",
    source: str = "officer",
    passport_mrz: str = "",
) -> CrossingResult:
    """Record one crossing (the officer's key, or one gate event). The application moves
    through `application_transition` (`enter`, `depart`)."""
    event = {
        "port_code": port_code,
        "direction": direction,
        "occurred_at": occurred_at,
        "client_event_id": client_event_id,
        "passport_number": passport_number,
        "nationality": nationality,
        "visa_number": visa_number,
        "seal": seal,
        "lane_code": lane_code,
        "source": source,
        "passport_mrz": passport_mrz,
    }
    return _record(actor=actor, raw_events=[event], one_by_one=True)[0]


def crossings_record_batch(
    *, actor: User | None, events: list[dict[str, Any]]
) -> list[CrossingResult]:
    """Record a batch of crossings (a gate's stream, or a late batch from a port that was
    offline), in one transaction, answering per event in the order given. Applications move
    set-based (one UPDATE, one log INSERT, one events INSERT per transition)."""
    return _record(actor=actor, raw_events=events, one_by_one=False)


def _record(
    *, actor: User | None, raw_events: Sequence[dict[str, Any]], one_by_one: bool
) -> list[CrossingResult]:
    now = timezone.now()
    events = _normalize(raw_events, now=now)
    _require_recorder(actor, events, on=kingdom_day(now))
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _record_locked(actor=actor, events=events, now=now, one_by_one=one_by_one)
        except IntegrityError:
            # A concurrent batch stored one of these client event ids first (crossings
            # without an application take no row lock): try again, it is now a replay.
            continue
    raise ValidationFailed(BorderError.INVALID_CROSSING, _("The batch could not be stored."))


def _record_locked(
    *, actor: User | None, events: list[_Event], now: dt.datetime, one_by_one: bool
) -> list[CrossingResult]:
    seen = {
        c.client_event_id: c
        for c in Crossing.objects.filter(client_event_id__in={e.client_event_id for e in events})
    }
    fresh: list[_Event] = []
    firsts: set[str] = set()
    for event in events:
        if event.client_event_id not in seen and event.client_event_id not in firsts:
            firsts.add(event.client_event_id)
            fresh.append(event)
    _resolve(fresh)
    app_ids = sorted({e.visa.application_id for e in fresh if e.visa is not None})
    apps = {a.pk: a for a in applications_lock(app_ids)} if app_ids else {}
    if app_ids:
        # Read again under the locks: a concurrent batch may have stored some of them.
        seen.update(
            (c.client_event_id, c)
            for c in Crossing.objects.filter(client_event_id__in=[e.client_event_id for e in fresh])
        )
        fresh = [e for e in fresh if e.client_event_id not in seen]
    new: dict[str, Crossing] = {}
    for event in fresh:
        visa = event.visa
        app = apps.get(visa.application_id) if visa is not None else None
        new[event.client_event_id] = Crossing(
            client_event_id=event.client_event_id,
            port=event.port,
            lane=event.lane,
            direction=event.direction,
            occurred_at=event.occurred_at,
            received_at=now,
            outcome=CrossingOutcome.REFUSED,
            refusal_code=event.document_reasons[0] if event.document_reasons else "",
            document_refusal=event.document_reasons[0] if event.document_reasons else "",
            application=app,
            visa=visa,
            passport_number=event.passport_number[:20],
            nationality=event.nationality,
            company_id=app.company_id if app else None,
            agent_id=app.agent_id if app else None,
            season_id=app.season_id if app else None,
            recorded_by=actor,
            source=event.source,
        )
    engine = _Engine(actor=actor, now=now, one_by_one=one_by_one, apps=apps)
    engine.apply(list(new.values()))
    results: list[CrossingResult] = []
    answered: dict[str, Crossing] = {}
    for event in events:
        crossing = new.get(event.client_event_id)
        created = crossing is not None and event.client_event_id not in answered
        if crossing is None:
            crossing = seen[event.client_event_id]
        answered[event.client_event_id] = crossing
        results.append(
            CrossingResult(
                crossing=crossing,
                outcome=crossing.outcome,
                refusal_code=crossing.refusal_code,
                stay=engine.stay_of(crossing),
                created=created,
            )
        )
    return results


class _Engine:
    """Stores new crossings and replays the journeys of the applications they concern."""

    def __init__(
        self, *, actor: User | None, now: dt.datetime, one_by_one: bool, apps: dict[int, Any]
    ) -> None:
        self.actor = actor
        self.now = now
        self.one_by_one = one_by_one
        self.apps = apps
        self.stays: dict[int, Stay] = {}  # crossing id -> stay
        self.revised: list[tuple[Crossing, str]] = []
        self.closed: list[Overstay] = []

    def stay_of(self, crossing: Crossing) -> Stay | None:
        if crossing.pk in self.stays:
            return self.stays[crossing.pk]
        if crossing.outcome != CrossingOutcome.ACCEPTED:
            return None
        if crossing.direction == Direction.ENTRY:
            return Stay.objects.filter(entry_crossing=crossing).first()
        return Stay.objects.filter(exit_crossing=crossing).first()

    def apply(self, new: list[Crossing]) -> None:
        if not new:
            return
        by_app: dict[int, list[Crossing]] = defaultdict(list)
        for c in new:
            if c.application_id is not None:
                by_app[c.application_id].append(c)
        stored: dict[int, list[Crossing]] = defaultdict(list)
        # The stored crossings' visas and ports are those the batch already holds (one
        # visa per application), fetched only when missing: no join per stored row.
        visas = {c.visa_id: c.visa for c in new if c.visa is not None}
        ports = {c.port_id: c.port for c in new}
        for c in Crossing.objects.filter(application_id__in=list(by_app)):
            stored[c.application_id or 0].append(c)
        rows = [c for cs in stored.values() for c in cs]
        missing_visas = {c.visa_id for c in rows if c.visa_id and c.visa_id not in visas}
        if missing_visas:
            visas.update(Visa.objects.select_related("season").in_bulk(missing_visas))
        missing_ports = {c.port_id for c in rows if c.port_id not in ports}
        if missing_ports:
            ports.update(Port.objects.in_bulk(missing_ports))
        for c in rows:
            if c.visa_id is not None:
                c.visa = visas[c.visa_id]
            c.port = ports[c.port_id]
        stays: dict[int, Stay] = {
            s.application_id: s
            for s in Stay.objects.filter(application_id__in=list(by_app)).select_related("overstay")
        }
        journeys = {}
        for app_id, crossings in by_app.items():
            journey = _journey([*stored[app_id], *crossings])
            journeys[app_id] = journey
            for c in crossings:
                c.outcome, c.refusal_code = journey.outcomes[id(c)]
            for c in stored[app_id]:
                outcome, code = journey.outcomes[id(c)]
                if (outcome, code) != (c.outcome, c.refusal_code):
                    self.revised.append((c, c.outcome))
                    c.outcome, c.refusal_code = outcome, code
        bulk_insert(Crossing, new)
        if self.revised:
            bulk_set(Crossing, [c for c, _prev in self.revised], ["outcome", "refusal_code"])
        entering: list[tuple[Application, dt.datetime]] = []
        departing: list[tuple[Application, dt.datetime]] = []
        new_stays: list[Stay] = []
        changed_stays: list[Stay] = []
        for app_id, journey in journeys.items():
            app = self.apps[app_id]
            stay = stays.get(app_id)
            if journey.entry is None:
                continue
            entry = journey.entry
            visa = entry.visa
            assert visa is not None  # an accepted entry has a visa
            permitted = permitted_departure(
                entered_at=entry.occurred_at, visa=visa, season=app.season
            )
            if stay is None:
                stay = Stay(
                    application=app,
                    visa=visa,
                    season_id=app.season_id,
                    company_id=app.company_id,
                    agent_id=app.agent_id,
                    nationality=app.pilgrim.nationality,
                )
                new_stays.append(stay)
            elif stay.entry_crossing_id != entry.pk or stay.exit_crossing_id != (
                journey.exit.pk if journey.exit else None
            ):
                changed_stays.append(stay)
            else:
                continue
            self._fill_stay(stay, entry, journey.exit, permitted)
            if stay.pk is not None:
                self._sync_overstay(stay, app)
            if app.status == S.ISSUED and journey.state in (INSIDE, DEPARTED):
                entering.append((app, entry.occurred_at))
            if app.status in (S.ISSUED, S.ENTERED, S.OVERSTAYED) and journey.state == DEPARTED:
                assert journey.exit is not None
                departing.append((app, journey.exit.occurred_at))
        bulk_insert(Stay, new_stays)
        if changed_stays:
            bulk_set(
                Stay,
                changed_stays,
                [
                    "entry_crossing",
                    "entry_port",
                    "entered_at",
                    "permitted_departure",
                    "exit_crossing",
                    "exit_port",
                    "exited_at",
                    "days_stayed",
                    "overstay_days",
                ],
            )
        for stay in [*new_stays, *changed_stays]:
            self.stays[stay.entry_crossing_id] = stay
            if stay.exit_crossing_id is not None:
                self.stays[stay.exit_crossing_id] = stay
        self._transition("enter", entering)
        self._transition("depart", departing)
        self._sync_step_times(journeys)
        self._announce(new)

    def _sync_step_times(self, journeys: dict[int, _Journey]) -> None:
        """A late event can move the entry or the exit earlier: the application's step
        times follow the journey (the crossings' original times)."""
        changed = []
        for app_id, journey in journeys.items():
            app = self.apps[app_id]
            if journey.entry is None or app.status == S.ISSUED:
                continue
            entered = journey.entry.occurred_at
            departed = journey.exit.occurred_at if journey.exit is not None else app.departed_at
            if (app.entered_at, app.departed_at) != (entered, departed):
                app.entered_at, app.departed_at = entered, departed
                changed.append(app)
        if changed:
            bulk_set(Application, changed, ["entered_at", "departed_at"])

    @staticmethod
    def _fill_stay(stay: Stay, entry: Crossing, exit_: Crossing | None, permitted: dt.date) -> None:
        stay.entry_crossing = entry
        stay.entry_port = entry.port
        stay.entered_at = entry.occurred_at
        stay.permitted_departure = permitted
        stay.exit_crossing = exit_
        stay.exit_port = exit_.port if exit_ else None
        stay.exited_at = exit_.occurred_at if exit_ else None
        if exit_ is not None:
            stay.days_stayed = days_stayed(
                entered_at=entry.occurred_at, exited_at=exit_.occurred_at
            )
            stay.overstay_days = overstay_days(exited_at=exit_.occurred_at, permitted=permitted)
        else:
            stay.days_stayed = stay.overstay_days = None

    def _sync_overstay(self, stay: Stay, app: Application) -> None:
        try:
            overstay = stay.overstay
        except Overstay.DoesNotExist:
            return
        fields = []
        if overstay.permitted_departure != stay.permitted_departure:
            overstay.permitted_departure = stay.permitted_departure
            fields.append("permitted_departure")
        if stay.exited_at is not None:
            days = overstay_days(exited_at=stay.exited_at, permitted=overstay.permitted_departure)
            was_open = overstay.status == OverstayStatus.OPEN
            overstay.status = OverstayStatus.CLOSED
            overstay.closed_at = overstay.closed_at or self.now
            overstay.days_overstayed = days
            fields += ["status", "closed_at", "days_overstayed"]
            if was_open:
                self.closed.append(overstay)
        if fields:
            overstay.save(update_fields=fields)
            audit_record(
                actor=self.actor,
                action="overstay.close" if stay.exited_at else "overstay.update",
                target=overstay,
                details={"days_overstayed": overstay.days_overstayed},
            )
        if stay.exited_at is not None and overstay in self.closed:
            event_emit(
                type="overstay.closed",
                subject=overstay,
                payload={
                    "overstay_id": overstay.pk,
                    "application_id": app.pk,
                    "company_id": app.company_id,
                    "agent_id": app.agent_id,
                    "season_id": app.season_id,
                    "exited_at": stay.exited_at,
                    "days_overstayed": overstay.days_overstayed,
                },
                organizations=[app.agent.organization_id, app.company.organization_id],
            )

    def _transition(self, name: str, rows: list[tuple[Application, dt.datetime]]) -> None:
        if not rows:
            return
        transition = TRANSITIONS[name]
        if self.one_by_one:
            for app, at in rows:
                application_transition(
                    actor=self.actor,
                    application=app,
                    name=name,
                    details={"occurred_at": at.isoformat()},
                )
                # The step time is the crossing's original time, not the time it arrived.
                setattr(app, transition.timestamp, at)
                Application.objects.filter(pk=app.pk).update(**{transition.timestamp: at})
            return
        transitions_bulk(actor=self.actor, name=name, rows=rows, now=self.now)

    def _announce(self, new: list[Crossing]) -> None:
        revised_items = []
        for c, previous in self.revised:
            app = self.apps[c.application_id or 0]
            revised_items.append(
                (
                    c,
                    {
                        "crossing_id": c.pk,
                        "client_event_id": c.client_event_id,
                        "direction": c.direction,
                        "occurred_at": c.occurred_at,
                        "outcome": c.outcome,
                        "refusal_code": c.refusal_code,
                        "previous_outcome": previous,
                        "application_id": app.pk,
                        "company_id": app.company_id,
                        "agent_id": app.agent_id,
                        "season_id": app.season_id,
                    },
                    [app.agent.organization_id, app.company.organization_id],
                )
            )
        items = []
        for c in new:
            app = self.apps.get(c.application_id) if c.application_id else None
            items.append(
                (
                    c,
                    {
                        "crossing_id": c.pk,
                        "client_event_id": c.client_event_id,
                        "port_code": c.port.code,
                        "port_type": c.port.port_type,
                        "direction": c.direction,
                        "occurred_at": c.occurred_at,
                        "outcome": c.outcome,
                        "refusal_code": c.refusal_code,
                        "application_id": app.pk if app else None,
                        "application_number": app.number if app else None,
                        "visa_number": c.visa.number if c.visa else None,
                        "company_id": c.company_id,
                        "agent_id": c.agent_id,
                        "season_id": c.season_id,
                    },
                    [app.agent.organization_id, app.company.organization_id] if app else [],
                )
            )
        events_emit_bulk(type="crossing.recorded", items=items)
        if revised_items:
            events_emit_bulk(type="crossing.revised", items=revised_items)
        audit_record(
            actor=self.actor,
            action="crossing.record",
            target=new[0] if len(new) == 1 else ("border.crossing", "batch"),
            details={
                "count": len(new),
                "accepted": sum(1 for c in new if c.outcome == CrossingOutcome.ACCEPTED),
                "client_event_ids": [c.client_event_id for c in new][:1000],
                "revised": [c.client_event_id for c, _prev in self.revised],
            },
        )


def _transition_payload(app: Application, name: str, from_status: str) -> dict[str, Any]:
    transition = TRANSITIONS[name]
    return {
        "application_id": app.pk,
        "number": app.number,
        "group_id": app.group_id,
        "agent_id": app.agent_id,
        "company_id": app.company_id,
        "season_id": app.season_id,
        "transition": name,
        "from": from_status,
        "to": transition.target,
        "reason": "",
    }


def transitions_bulk(
    *,
    actor: User | None,
    name: str,
    rows: list[tuple[Application, dt.datetime]],
    now: dt.datetime,
) -> None:
    """The border's transitions (`enter`, `depart`) for many locked applications at once:
    one UPDATE (step time = the crossing's original time), one INSERT of the transition log,
    one audit entry, one INSERT of the events, and the transition's after-commit hooks."""
    transition = TRANSITIONS[name]
    froms = {app.pk: app.status for app, _at in rows}
    for app, at in rows:
        if app.status not in transition.sources:
            raise RuntimeError(f"{app.number} cannot take {name} from {app.status}")
        app.status = transition.target
        app.status_reason = ""
        app.updated_at = now
        setattr(app, transition.timestamp, at)
        if transition.target not in (S.ENTERED, S.OVERSTAYED):
            app.active_passport = None
    bulk_set(
        Application,
        [app for app, _at in rows],
        ["status", "status_reason", "updated_at", transition.timestamp, "active_passport"],
    )
    bulk_insert(
        ApplicationTransition,
        [
            ApplicationTransition(
                application=app,
                name=name,
                from_status=froms[app.pk],
                to_status=transition.target,
                actor=actor,
                details={"occurred_at": at.isoformat()},
                at=now,
            )
            for app, at in rows
        ],
    )
    audit_record(
        actor=actor,
        action=f"application.{name}",
        target=("applications.application", "bulk"),
        details={
            "from": sorted(set(froms.values())),
            "to": transition.target,
            "count": len(rows),
            "applications": [app.pk for app, _at in rows],
        },
    )
    events_emit_bulk(
        type=transition.event,
        items=[
            (
                app,
                _transition_payload(app, name, froms[app.pk]),
                [app.agent.organization_id, app.company.organization_id],
            )
            for app, _at in rows
        ],
    )
    ids = [app.pk for app, _at in rows]
    for hook in AFTER_COMMIT.get(name, ()):
        transaction.on_commit(partial(hook, ids), robust=True)


def passport_digest(passport_number: str, nationality: str) -> str:
    return hashlib.sha256(f"{nationality.upper()}:{passport_number.upper()}".encode()).hexdigest()


__all__ = [
    "CrossingResult",
    "CrossingVerdict",
    "border_rules_for",
    "crossing_check",
    "crossing_record",
    "crossings_record_batch",
    "refusal_message",
    "transitions_bulk",
]
