"""Check-ins and check-outs at the hotels: one at the front desk (`stay_record`) or a batch
from a property system (`stays_record_batch`), idempotent on the hotel's client event id.

Every event is kept as sent (`StayEvent`, at its original time). A pilgrim's stays at a hotel
(`HotelStay`) are then derived by replaying all of that pilgrim's events at that hotel in the
order of their original times (`occurred_at`, then `client_event_id`): a check-in opens a
stay when none is open, a check-out closes the open one, anything else changes nothing. A
late batch is inserted where it belongs in time, and a replayed event is answered with the
stored one, so the stays do not depend on the order in which the events arrive, nor on how
many times they arrive (property-tested).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role
from masar.applications.lock_objects import applications_lock
from masar.core.audit import audit_record
from masar.core.errors import Forbidden, ValidationFailed
from masar.integration.services.outbox import events_emit_bulk
from masar.lodging.error_codes import LodgingError
from masar.lodging.models import FieldSource, Hotel, HotelStay, StayEvent, StayEventKind
from masar.lodging.services.identity import (
    Identity,
    has_identity,
    identities_resolve,
    identity_from,
)

MAX_BATCH = 1000
# An event may not claim to have happened later than this after the server's clock.
CLOCK_SKEW = dt.timedelta(minutes=5)
RECORDERS = (Role.HOTEL_STAFF, Role.SUPERVISOR, Role.INTEGRATION)


@dataclass
class StayResult:
    """The answer to one event: stored (or found stored), or refused with a code."""

    client_event_id: str
    created: bool
    accepted: bool
    code: str = ""
    event: StayEvent | None = None
    stay: HotelStay | None = None


@dataclass
class _Raw:
    index: int
    client_event_id: str
    kind: str
    occurred_at: dt.datetime
    source: str
    identity: Identity


def as_moment(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment: dt.datetime | None = value
    elif isinstance(value, str):
        moment = parse_datetime(value)
    else:
        return None
    if moment is None or timezone.is_naive(moment):
        return None
    return moment


def hotel_of(actor: User | None) -> Hotel:
    """The hotel the actor works for; only hotel staff and the hotel's systems record."""
    org = actor.organization if actor is not None else None
    if (
        actor is None
        or org is None
        or org.kind != OrganizationKind.HOTEL
        or not actor.has_role(*RECORDERS)
    ):
        raise Forbidden(LodgingError.NOT_ALLOWED, _("Only a hotel's staff record its guests."))
    hotel = Hotel.objects.filter(organization=org).select_related("organization").first()
    if hotel is None:
        raise Forbidden(LodgingError.NOT_ALLOWED, _("Only a hotel's staff record its guests."))
    return hotel


def _normalize(raw_events: Sequence[Mapping[str, Any]], *, now: dt.datetime) -> list[_Raw]:
    """Check the shape of every event; a malformed event refuses the whole batch, with the
    errors keyed `"<index>.<field>"`."""
    if not raw_events:
        raise ValidationFailed(LodgingError.INVALID_VALUE, _("No check-in or check-out was given."))
    if len(raw_events) > MAX_BATCH:
        raise ValidationFailed(
            LodgingError.BATCH_TOO_LARGE,
            _("At most %(max)d events per batch.") % {"max": MAX_BATCH},
        )
    errors: dict[str, list[str]] = {}
    out: list[_Raw] = []
    for index, raw in enumerate(raw_events):

        def bad(name: str, message: str, index: int = index) -> None:
            errors.setdefault(f"{index}.{name}", []).append(message)

        client_event_id = str(raw.get("client_event_id") or "").strip()
        if not client_event_id or len(client_event_id) > 64:
            bad("client_event_id", _("A client event id of 1 to 64 characters is required."))
        kind = str(raw.get("kind") or "")
        if kind not in StayEventKind.values:
            bad("kind", _("The kind must be check_in or check_out."))
        occurred_at = as_moment(raw.get("occurred_at"))
        if occurred_at is None:
            bad("occurred_at", _("A time with its UTC offset is required."))
        elif occurred_at > now + CLOCK_SKEW:
            bad("occurred_at", _("The time is in the future."))
        source = str(raw.get("source") or FieldSource.API)
        if source not in FieldSource.values:
            bad("source", _("Unknown source."))
        if not has_identity(raw):
            bad(
                "passport_number",
                _("Give the passport (or its MRZ), the visa seal or number, or the application."),
            )
        if occurred_at is None or f"{index}.client_event_id" in errors:
            continue
        out.append(
            _Raw(
                index=index,
                client_event_id=client_event_id,
                kind=kind,
                occurred_at=occurred_at,
                source=source,
                identity=identity_from(raw),
            )
        )
    if errors:
        raise ValidationFailed(
            LodgingError.INVALID_VALUE, _("Some events are not valid."), fields=errors
        )
    return out


def stay_record(
    *,
    actor: User | None,
    kind: str,
    occurred_at: dt.datetime | None = None,
    client_event_id: str,
    source: str = FieldSource.DESK,
    **identity: str,
) -> StayResult:
    """Record one check-in or check-out (the front desk's key)."""
    event = {
        "kind": kind,
        "occurred_at": occurred_at or timezone.now(),
        "client_event_id": client_event_id,
        "source": source,
        **identity,
    }
    return stays_record_batch(actor=actor, events=[event])[0]


def stays_record_batch(
    *, actor: User | None, events: Sequence[Mapping[str, Any]], hotel: Hotel | None = None
) -> list[StayResult]:
    """Record a batch of check-ins and check-outs of the actor's hotel in one transaction,
    answering per event in the order given. `hotel` is for the system itself (actor None)."""
    now = timezone.now()
    if actor is not None or hotel is None:
        hotel = hotel_of(actor)
    raws = _normalize(events, now=now)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _record_locked(actor=actor, hotel=hotel, raws=raws, now=now)
        except IntegrityError:
            # A concurrent batch stored one of these client event ids first: try again,
            # it is now a replay.
            continue
    raise ValidationFailed(LodgingError.INVALID_VALUE, _("The batch could not be stored."))


def _record_locked(
    *, actor: User | None, hotel: Hotel, raws: list[_Raw], now: dt.datetime
) -> list[StayResult]:
    ids = {r.client_event_id for r in raws}
    seen = {
        e.client_event_id: e
        for e in StayEvent.objects.filter(hotel=hotel, client_event_id__in=ids).select_related(
            "application"
        )
    }
    fresh: list[_Raw] = []
    firsts: set[str] = set()
    for raw in raws:
        if raw.client_event_id not in seen and raw.client_event_id not in firsts:
            firsts.add(raw.client_event_id)
            fresh.append(raw)
    identities_resolve(r.identity for r in fresh)
    app_ids = sorted({r.identity.application.pk for r in fresh if r.identity.application})
    apps = {a.pk: a for a in applications_lock(app_ids)} if app_ids else {}
    if app_ids:
        # Read again under the locks: a concurrent batch may have stored some of them.
        seen.update(
            (e.client_event_id, e)
            for e in StayEvent.objects.filter(
                hotel=hotel, client_event_id__in=[r.client_event_id for r in fresh]
            ).select_related("application")
        )
        fresh = [r for r in fresh if r.client_event_id not in seen]
    new: dict[str, StayEvent] = {}
    refused: dict[str, str] = {}
    for raw in fresh:
        found = raw.identity.application
        if found is None:
            refused[raw.client_event_id] = raw.identity.problem or "no_visa"
            continue
        app = apps[found.pk]
        new[raw.client_event_id] = StayEvent(
            hotel=hotel,
            application=app,
            pilgrim=app.pilgrim,
            kind=raw.kind,
            occurred_at=raw.occurred_at,
            client_event_id=raw.client_event_id,
            received_at=now,
            source=raw.source,
            recorded_by=actor,
        )
    stored = StayEvent.objects.bulk_create(list(new.values()))
    touched = {e.application_id for e in stored}
    stays = hotel_stays_replay(hotel=hotel, application_ids=touched, now=now)
    if stored:
        _announce(hotel, stored)
        audit_record(
            actor=actor,
            action="hotel_stay.recorded",
            target=hotel,
            organization=hotel.organization,
            details={
                "events": len(stored),
                "check_ins": sum(e.kind == StayEventKind.CHECK_IN for e in stored),
                "client_event_ids": sorted(e.client_event_id for e in stored)[:20],
            },
        )
    # The stays of the replayed events too, in one query (a replayed batch is common).
    replayed = {e.application_id for e in seen.values()} - set(stays)
    if replayed:
        for known in HotelStay.objects.filter(
            hotel=hotel, application_id__in=replayed
        ).select_related("application"):
            known.hotel = hotel
            stays.setdefault(known.application_id, []).append(known)
        for app_id in replayed:
            stays.setdefault(app_id, [])
    results: list[StayResult] = []
    answered: set[str] = set()
    for raw in raws:
        cid = raw.client_event_id
        if cid in refused:
            results.append(StayResult(cid, created=False, accepted=False, code=refused[cid]))
            continue
        event = new.get(cid) or seen[cid]
        created = cid in new and cid not in answered
        answered.add(cid)
        results.append(
            StayResult(
                cid,
                created=created,
                accepted=True,
                event=event,
                stay=_stay_of(event, stays),
            )
        )
    return results


def _stay_of(event: StayEvent, stays: Mapping[int, list[HotelStay]]) -> HotelStay | None:
    """The stay an event belongs to: the last one that began at or before it."""
    mine = stays.get(event.application_id)
    if mine is None:
        mine = list(
            HotelStay.objects.filter(application_id=event.application_id, hotel_id=event.hotel_id)
        )
    best = None
    for stay in sorted(mine, key=lambda s: s.checked_in_at):
        if stay.checked_in_at <= event.occurred_at:
            best = stay
    return best


def _announce(hotel: Hotel, events: Iterable[StayEvent]) -> None:
    items = []
    for e in events:
        app = e.application
        payload = {
            "stay_event_id": e.pk,
            "client_event_id": e.client_event_id,
            "kind": e.kind,
            "occurred_at": e.occurred_at,
            "hotel_id": hotel.pk,
            "city": hotel.city,
            "application_id": app.pk,
            "company_id": app.company_id,
            "agent_id": app.agent_id,
            "source": e.source,
        }
        orgs = [hotel.organization_id, app.company.organization_id, app.agent.organization_id]
        items.append((e, payload, orgs))
    events_emit_bulk(type="hotel_stay.recorded", items=items)


def _replay(events: Iterable[StayEvent]) -> list[tuple[dt.datetime, dt.datetime | None, str]]:
    """(checked in, checked out or None, source) of each stay, from one pilgrim's events at
    one hotel: a pure function of the set of events, not of their arrival."""
    out: list[tuple[dt.datetime, dt.datetime | None, str]] = []
    opened: tuple[dt.datetime, str] | None = None
    for event in sorted(events, key=lambda e: (e.occurred_at, e.client_event_id)):
        if event.kind == StayEventKind.CHECK_IN and opened is None:
            if out and out[-1][0] == event.occurred_at:
                # Checked in, out and in again at one instant: two stays cannot begin at
                # the same moment, the second check-in repeats the first.
                continue
            opened = (event.occurred_at, event.source)
        elif event.kind == StayEventKind.CHECK_OUT and opened is not None:
            out.append((opened[0], event.occurred_at, opened[1]))
            opened = None
    if opened is not None:
        out.append((opened[0], None, opened[1]))
    return out


def hotel_stays_replay(
    *, hotel: Hotel, application_ids: Iterable[int], now: dt.datetime
) -> dict[int, list[HotelStay]]:
    """Derive again the stays of these pilgrims at this hotel from all their events there.
    Stays keep their rows (and ids) when their check-in is unchanged. Runs under the
    applications' row locks."""
    ids = sorted(set(application_ids))
    if not ids:
        return {}
    events: dict[int, list[StayEvent]] = defaultdict(list)
    for event in StayEvent.objects.filter(hotel=hotel, application_id__in=ids).select_related(
        "application"
    ):
        events[event.application_id].append(event)
    existing: dict[int, dict[dt.datetime, HotelStay]] = defaultdict(dict)
    for found in HotelStay.objects.filter(hotel=hotel, application_id__in=ids).select_related(
        "application"
    ):
        found.hotel = hotel
        existing[found.application_id][found.checked_in_at] = found
    result: dict[int, list[HotelStay]] = {}
    create: list[HotelStay] = []
    update: list[HotelStay] = []
    delete: list[int] = []
    for app_id in ids:
        app = events[app_id][0].application if events[app_id] else None
        wanted = _replay(events[app_id])
        have = existing[app_id]
        keep: list[HotelStay] = []
        wanted_keys = {w[0] for w in wanted}
        delete.extend(s.pk for key, s in have.items() if key not in wanted_keys)
        for checked_in, checked_out, source in wanted:
            stay: HotelStay | None = have.get(checked_in)
            if stay is None and app is not None:
                stay = HotelStay(
                    application=app,
                    pilgrim_id=app.pilgrim_id,
                    company_id=app.company_id,
                    hotel=hotel,
                    city=hotel.city,
                    checked_in_at=checked_in,
                    checked_out_at=checked_out,
                    source=source,
                    updated_at=now,
                )
                create.append(stay)
            elif stay is not None and (stay.checked_out_at != checked_out or stay.source != source):
                stay.checked_out_at = checked_out
                stay.source = source
                stay.updated_at = now
                update.append(stay)
            if stay is not None:
                keep.append(stay)
        result[app_id] = keep
    if delete:
        HotelStay.objects.filter(pk__in=delete).delete()
    if update:
        HotelStay.objects.bulk_update(update, ["checked_out_at", "source", "updated_at"])
    if create:
        HotelStay.objects.bulk_create(create)
    return result
