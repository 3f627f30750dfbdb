"""Organization kinds and roles, and which roles each kind of organization may hold."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    MOHU = "mohu", _("Ministry of Hajj and Umrah")
    MOFA = "mofa", _("Ministry of Foreign Affairs")
    MOI = "moi", _("Ministry of Interior")
    COMPANY = "company", _("Umrah company")
    AGENT = "agent", _("Overseas agent")
    CARRIER = "carrier", _("Carrier")
    HOTEL = "hotel", _("Licensed hotel")
    TRANSPORT = "transport", _("Transport operator")


MINISTRY_KINDS = frozenset({OrganizationKind.MOHU, OrganizationKind.MOFA, OrganizationKind.MOI})


class Role(models.TextChoices):
    LICENSING_OFFICER = "licensing_officer", _("Licensing officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analyst")
    TRAINER = "trainer", _("Trainer")
    INSPECTOR = "inspector", _("Compliance inspector")
    VISA_OFFICER = "visa_officer", _("Visa officer")
    SECURITY_ANALYST = "security_analyst", _("Security analyst")
    BORDER_OFFICER = "border_officer", _("Border officer")
    COMPANY_STAFF = "company_staff", _("Company staff")
    AGENT_STAFF = "agent_staff", _("Agent staff")
    CARRIER_STAFF = "carrier_staff", _("Carrier staff")
    HOTEL_STAFF = "hotel_staff", _("Hotel staff")
    TRANSPORT_STAFF = "transport_staff", _("Transport staff")
    INTEGRATION = "integration", _("System integration (service account)")


ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganizationKind.MOHU: frozenset(
        {
            Role.LICENSING_OFFICER,
            Role.SUPERVISOR,
            Role.ANALYST,
            Role.TRAINER,
            Role.INSPECTOR,
            Role.INTEGRATION,
        }
    ),
    OrganizationKind.MOFA: frozenset(
        {Role.VISA_OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.INTEGRATION}
    ),
    OrganizationKind.MOI: frozenset(
        {
            Role.SECURITY_ANALYST,
            Role.BORDER_OFFICER,
            Role.SUPERVISOR,
            Role.ANALYST,
            Role.INTEGRATION,
        }
    ),
    OrganizationKind.COMPANY: frozenset({Role.COMPANY_STAFF, Role.SUPERVISOR, Role.INTEGRATION}),
    OrganizationKind.AGENT: frozenset({Role.AGENT_STAFF, Role.SUPERVISOR, Role.INTEGRATION}),
    OrganizationKind.CARRIER: frozenset({Role.CARRIER_STAFF, Role.INTEGRATION}),
    OrganizationKind.HOTEL: frozenset({Role.HOTEL_STAFF, Role.SUPERVISOR, Role.INTEGRATION}),
    OrganizationKind.TRANSPORT: frozenset(
        {Role.TRANSPORT_STAFF, Role.SUPERVISOR, Role.INTEGRATION}
    ),
}
