"""Each role's workspace: its own navigation (only what it may use, grouped, one row) and
the work queue its home opens with. A person with several roles gets the union, in the
order of the groups, each page once."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from masar.accounts.models import User
from masar.accounts.roles import OrganizationKind, Role

WORK, RECORDS, OVERSIGHT, ACCOUNT = "work", "records", "oversight", "account"
GROUP_LABELS: dict[str, Promise] = {
    WORK: _("Work"),
    RECORDS: _("Records"),
    OVERSIGHT: _("Oversight"),
    ACCOUNT: _("My account"),
}


@dataclass(frozen=True)
class NavItem:
    group: str
    label: Promise
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    items: tuple[NavItem, ...]


_APPLICATIONS = NavItem(RECORDS, _("Applications"), "applications:applications")
_GROUPS = NavItem(RECORDS, _("Groups"), "applications:groups")
_VISAS = NavItem(RECORDS, _("Issued visas"), "visas:visas")
_DASHBOARDS = NavItem(OVERSIGHT, _("Dashboards"), "reporting:dashboard")
_AUDIT = NavItem(OVERSIGHT, _("Audit trail"), "web:audit")
_TRAINING = NavItem(RECORDS, _("Training"), "training:catalogue")
_WHEREABOUTS_UNKNOWN = NavItem(RECORDS, _("Whereabouts unknown"), "whereabouts:unknown")
_OCCUPANCY = NavItem(RECORDS, _("Hotel occupancy"), "whereabouts:occupancy")
# Everyone's own tokens; a supervisor's people's second factor (codes, resets).
_TOKENS = NavItem(ACCOUNT, _("API tokens"), "accounts:tokens")
_PEOPLE = NavItem(ACCOUNT, _("Second factor of my people"), "accounts:people")

#: What each role uses, by the kind of its organization (a role name is enough where it
#: exists in one kind only).
_BY_ROLE: dict[str, tuple[NavItem, ...]] = {
    Role.AGENT_STAFF: (
        _GROUPS,
        _APPLICATIONS,
        _VISAS,
        NavItem(RECORDS, _("Whereabouts alerts"), "whereabouts:alerts"),
        _TRAINING,
    ),
    Role.COMPANY_STAFF: (
        NavItem(WORK, _("Applications to approve"), "applications:applications"),
        _GROUPS,
        _VISAS,
        NavItem(WORK, _("Whereabouts alerts"), "whereabouts:alerts"),
        NavItem(WORK, _("Compliance"), "compliance:mine"),
        _TRAINING,
        _DASHBOARDS,
    ),
    Role.VISA_OFFICER: (
        NavItem(WORK, _("Consular decisions"), "visas:queue"),
        _VISAS,
        _APPLICATIONS,
    ),
    Role.SECURITY_ANALYST: (
        NavItem(WORK, _("Referrals"), "screening:queue"),
        NavItem(RECORDS, _("Watchlists"), "screening:watchlists"),
        _APPLICATIONS,
    ),
    Role.BORDER_OFFICER: (
        NavItem(WORK, _("Border check"), "border:officer"),
        NavItem(RECORDS, _("In the country"), "border:in_country"),
        NavItem(RECORDS, _("Due to leave"), "border:due"),
        NavItem(RECORDS, _("Overstayers"), "border:overstays"),
        _WHEREABOUTS_UNKNOWN,
    ),
    Role.INSPECTOR: (
        NavItem(WORK, _("Overstayers"), "border:overstays"),
        NavItem(WORK, _("Appeals"), "compliance:appeals"),
        _WHEREABOUTS_UNKNOWN,
        _OCCUPANCY,
        NavItem(OVERSIGHT, _("League table"), "compliance:league"),
        NavItem(RECORDS, _("Companies"), "web:companies"),
    ),
    Role.TRAINER: (
        NavItem(WORK, _("My sessions"), "training:trainer-sessions"),
        _TRAINING,
        NavItem(OVERSIGHT, _("Training dashboard"), "training:dashboard"),
    ),
    Role.LICENSING_OFFICER: (
        NavItem(RECORDS, _("Companies"), "web:companies"),
        NavItem(RECORDS, _("Agents"), "web:agents"),
        NavItem(RECORDS, _("Hotels"), "lodging:hotels"),
        NavItem(RECORDS, _("Transport operators"), "lodging:operators"),
        NavItem(RECORDS, _("Seasons"), "web:seasons"),
        _AUDIT,
    ),
    Role.HOTEL_STAFF: (
        NavItem(WORK, _("Front desk"), "lodging:desk"),
        NavItem(RECORDS, _("Guests in the house"), "lodging:guests"),
    ),
    Role.TRANSPORT_STAFF: (NavItem(WORK, _("Trips"), "lodging:trips"),),
    Role.ANALYST: (_DASHBOARDS, NavItem(OVERSIGHT, _("League table"), "compliance:league")),
}

_SUPERVISOR_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganizationKind.MOHU: (Role.LICENSING_OFFICER, Role.INSPECTOR, Role.TRAINER, Role.ANALYST),
    OrganizationKind.MOFA: (Role.VISA_OFFICER, Role.ANALYST),
    OrganizationKind.MOI: (Role.SECURITY_ANALYST, Role.BORDER_OFFICER, Role.ANALYST),
    OrganizationKind.COMPANY: (Role.COMPANY_STAFF,),
    OrganizationKind.AGENT: (Role.AGENT_STAFF,),
    OrganizationKind.HOTEL: (Role.HOTEL_STAFF,),
    OrganizationKind.TRANSPORT: (Role.TRANSPORT_STAFF,),
}


def effective_roles(user: User) -> list[str]:
    """The roles whose pages the person uses: its own, and a supervisor's staff's."""
    org = user.organization
    kind = org.kind if org is not None else ""
    roles = [r for r in Role.values if user.has_role(r)]
    # Staff of a company or an agent may carry only "supervisor": it uses what its staff do.
    if Role.SUPERVISOR in roles:
        roles += list(_SUPERVISOR_BY_KIND.get(kind, ()))
    return roles


def navigation(user: User | None) -> list[NavGroup]:
    """The signed-in person's navigation: the groups in order, each item once."""
    if user is None or not user.is_authenticated or not isinstance(user, User):
        return []
    seen: set[str] = set()
    items: list[NavItem] = []
    for role in effective_roles(user):
        for item in _BY_ROLE.get(role, ()):
            if item.url_name not in seen:
                seen.add(item.url_name)
                items.append(item)
    org = user.organization
    extras = [_TOKENS]
    if user.has_role(Role.SUPERVISOR):
        extras.append(_PEOPLE)
        if org is not None and org.is_ministry:
            extras += [_AUDIT, NavItem(OVERSIGHT, _("Integration"), "integration:home")]
    for extra in extras:
        if extra.url_name not in seen:
            seen.add(extra.url_name)
            items.append(extra)
    return [
        NavGroup(key, str(label), tuple(i for i in items if i.group == key))
        for key, label in GROUP_LABELS.items()
        if any(i.group == key for i in items)
    ]
