"""What a person reads for each code Masar records: audit actions, the kinds of records they
touch, and enumerations shown on pages. One registry, in both languages (the catalogues);
pages never show the code itself.

Application transitions have their own table (``masar.applications.labels``), reached
through ``action_label`` for ``application.<transition>`` actions.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "agent.barred": _("Agent barred"),
    "agent.registered": _("Agent registered"),
    "agent.unbarred": _("Agent bar lifted"),
    "appeal.decided": _("Appeal decided"),
    "appeal.filed": _("Appeal filed"),
    "application.created": _("Application created"),
    "application.updated": _("Application changed"),
    "applications.search_delete": _("Saved search deleted"),
    "applications.search_save": _("Search saved"),
    "ban.create": _("Entry ban recorded"),
    "ban.lift": _("Entry ban lifted"),
    "border.port_assign": _("Border post assigned"),
    "carrier.check": _("Carrier check"),
    "company.licensed": _("Company licensed"),
    "company.reinstated": _("Company reinstated"),
    "company.revoked": _("Company licence cancelled"),
    "company.suspended": _("Company suspended"),
    "compliance_rules.updated": _("Compliance settings changed"),
    "contract.registered": _("Contract registered"),
    "contract.terminated": _("Contract ended"),
    "crossing.record": _("Border crossing recorded"),
    "escape_notice.file": _("Absconding notice filed"),
    "group.created": _("Group created"),
    "group.package_changed": _("Group package changed"),
    "guarantee.drawn": _("Bank guarantee drawn"),
    "invoice.paid": _("Fine paid"),
    "manifest.chunk_imported": _("Manifest part imported"),
    "manifest.completed": _("Manifest imported"),
    "manifest.failed": _("Manifest import failed"),
    "manifest.resumed": _("Manifest import resumed"),
    "manifest.uploaded": _("Manifest uploaded"),
    "membership.granted": _("Role granted"),
    "membership.revoked": _("Role withdrawn"),
    "organization.created": _("Organization created"),
    "overstay.close": _("Overstay case closed"),
    "overstay.sweep": _("Overstays detected"),
    "penalty.imposed": _("Penalty imposed"),
    "penalty.lifted": _("Penalty lifted"),
    "photo.accepted": _("Photo accepted"),
    "photo.uploaded": _("Photo uploaded"),
    "photos.archive_processed": _("Photo archive processed"),
    "photos.archive_resumed": _("Photo archive resumed"),
    "photos.archive_uploaded": _("Photo archive uploaded"),
    "quota.set": _("Quota set"),
    "rating.computed": _("Rating computed"),
    "reporting.baseline_updated": _("Paper baseline updated"),
    "reporting.weekly_report_generated": _("Weekly report written"),
    "satisfaction.imported": _("Satisfaction survey imported"),
    "screening.complete": _("Security screening completed"),
    "screening.match": _("Possible match in security screening"),
    "screening.review_decide": _("Security review decided"),
    "season.created": _("Season created"),
    "season.rules_changed": _("Season rules changed"),
    "second_factor.enrolled": _("Second factor enrolled"),
    "second_factor.enrolment_code_issued": _("Second factor enrolment code issued"),
    "second_factor.enrolment_code_withdrawn": _("Second factor enrolment code withdrawn"),
    "second_factor.recovery_code_used": _("Recovery code used"),
    "second_factor.recovery_codes_regenerated": _("Recovery codes renewed"),
    "second_factor.reset": _("Second factor reset"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
    "training.attendance_recorded": _("Attendance recorded"),
    "training.certificate_issued": _("Certificate issued"),
    "training.certificate_reminder_due": _("Certificate renewal reminder"),
    "training.certificate_revoked": _("Certificate revoked"),
    "training.course_created": _("Course created"),
    "training.enrolment_cancelled": _("Enrolment cancelled"),
    "training.enrolment_created": _("Enrolment made"),
    "training.enrolment_decided": _("Enrolment decided"),
    "training.enrolment_promoted": _("Enrolment moved off the waiting list"),
    "training.programme_created": _("Programme created"),
    "training.requirement_set": _("Training requirement set"),
    "training.scores_recorded": _("Scores recorded"),
    "training.session_closed": _("Session closed"),
    "training.session_scheduled": _("Session scheduled"),
    "user.created": _("User created"),
    "violation.raised": _("Violation recorded"),
    "violations.raised": _("Violations recorded"),
    "visa.cancel": _("Visa cancelled"),
    "visas.archive_request": _("Visa archive requested"),
    "visas.issuance_start": _("Visa issuance started"),
    "visas.lapse": _("Unused visas lapsed"),
    "watchlist.create": _("Watchlist created"),
    "watchlist.import": _("Watchlist imported"),
    "watchlist.import_failed": _("Watchlist import failed"),
    "watchlist.import_queued": _("Watchlist import queued"),
    "watchlist.update": _("Watchlist changed"),
    "webhook.created": _("Webhook created"),
    "webhook.deleted": _("Webhook deleted"),
    "webhook.disabled": _("Webhook disabled"),
    "webhook.replayed": _("Webhook deliveries replayed"),
    "webhook.secret_rotated": _("Webhook secret renewed"),
    "webhook.test_requested": _("Webhook test sent"),
    "webhook.updated": _("Webhook changed"),
    "group.itinerary_set": _("Planned itinerary set"),
    "hotel.registered": _("Hotel registered"),
    "hotel.suspended": _("Hotel suspended"),
    "hotel.reinstated": _("Hotel reinstated"),
    "hotel_stay.recorded": _("Hotel check-in or check-out recorded"),
    "screening.resumed": _("Interrupted screenings resumed"),
    "station.added": _("Station added"),
    "transport_operator.registered": _("Transport operator registered"),
    "transport_operator.suspended": _("Transport operator suspended"),
    "transport_operator.reinstated": _("Transport operator reinstated"),
    "trip.boarded": _("Boarding recorded"),
    "trip.recorded": _("Trip recorded"),
    "whereabouts.sweep": _("Whereabouts sweep run"),
    "whereabouts_alert.answer": _("Whereabouts alert answered"),
}

#: The kinds of record an audit entry points at (``app_label.model``).
TARGET_LABELS: dict[str, Promise] = {
    "accounts.apitoken": _("API token"),
    "accounts.membership": _("Role"),
    "accounts.organization": _("Organization"),
    "accounts.user": _("User"),
    "applications.application": _("Application"),
    "applications.group": _("Group"),
    "applications.manifestjob": _("Manifest"),
    "applications.pilgrim": _("Pilgrim"),
    "applications.savedsearch": _("Saved search"),
    "border.carriercheck": _("Carrier check"),
    "border.crossing": _("Border crossing"),
    "border.escapenotice": _("Absconding notice"),
    "border.overstay": _("Overstay case"),
    "border.portassignment": _("Border post"),
    "compliance.appeal": _("Appeal"),
    "compliance.compliancerules": _("Compliance settings"),
    "compliance.invoice": _("Fine"),
    "compliance.penalty": _("Penalty"),
    "compliance.quarterrating": _("Rating"),
    "compliance.satisfactionscore": _("Satisfaction survey"),
    "compliance.violation": _("Violation"),
    "integration.webhooksubscription": _("Webhook"),
    "operators.agent": _("Agent"),
    "operators.company": _("Company"),
    "operators.contract": _("Contract"),
    "photos.photobatch": _("Photo archive"),
    "photos.portrait": _("Photo"),
    "reporting.paperbaseline": _("Paper baseline"),
    "reporting.weeklyreport": _("Weekly report"),
    "screening.ban": _("Entry ban"),
    "screening.review": _("Security review"),
    "screening.screening": _("Security screening"),
    "screening.watchlist": _("Watchlist"),
    "screening.watchlistimport": _("Watchlist import"),
    "seasons.quota": _("Quota"),
    "seasons.season": _("Season"),
    "seasons.seasonrules": _("Season rules"),
    "training.attendancerecord": _("Attendance"),
    "training.certificate": _("Certificate"),
    "training.course": _("Course"),
    "training.enrolment": _("Enrolment"),
    "training.programme": _("Programme"),
    "training.rolerequirement": _("Training requirement"),
    "training.session": _("Training session"),
    "visas.issuancejob": _("Visa issuance"),
    "visas.visa": _("Visa"),
    "visas.visaarchive": _("Visa archive"),
    "lodging.hotel": _("Hotel"),
    "lodging.transportoperator": _("Transport operator"),
    "lodging.station": _("Station"),
    "lodging.stayevent": _("Hotel check-in or check-out"),
    "lodging.hotelstay": _("Hotel stay"),
    "lodging.trip": _("Trip"),
    "lodging.trippassenger": _("Trip passenger"),
    "whereabouts.whereaboutsalert": _("Whereabouts alert"),
}

#: Types of port of entry (open data, border pages).
PORT_TYPE_LABELS: dict[str, Promise] = {
    "air": _("Air"),
    "land": _("Land"),
    "sea": _("Sea"),
}


def action_label(code: str) -> str:
    """What happened, in the page's language; an unknown code reads as words, not a code."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return str(label)
    if code.startswith("application."):
        from masar.applications.labels import TRANSITION_LABELS

        transition = TRANSITION_LABELS.get(code.removeprefix("application."))
        if transition is not None:
            return str(transition)
    return code.replace("_", " ").replace(".", ": ")


def action_choices() -> list[tuple[str, str]]:
    """Every labelled action and the application steps, by label in the page's language
    (the audit trail's filter)."""
    from masar.applications.labels import TRANSITION_LABELS

    codes = [*ACTION_LABELS, *(f"application.{name}" for name in TRANSITION_LABELS)]
    return sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1])


def target_label(target_type: str) -> str:
    """The kind of record, in the page's language."""
    label = TARGET_LABELS.get(target_type)
    if label is not None:
        return str(label)
    if not target_type:
        return ""
    from django.apps import apps

    try:
        return str(apps.get_model(target_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return target_type


def port_type_label(code: str) -> str:
    label = PORT_TYPE_LABELS.get(code)
    return str(label) if label is not None else code
