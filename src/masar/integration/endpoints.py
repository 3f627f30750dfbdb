"""Which webhook endpoints Masar will call.

HTTPS only; plain http only to this machine's loopback (127.0.0.1, localhost, [::1]) when
the settings allow it (development, tests, the demo). In production an endpoint may not
point into a private, loopback or link-local network, so a subscriber cannot make Masar
call the ministry's internal services (server-side request forgery); the address is checked
when the subscription is written and again before each attempt, after DNS resolution.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def address_is_internal(address: str) -> bool:
    ip = _ip(address)
    if ip is None:
        return False
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def endpoint_problems(url: str, *, allow_http_localhost: bool, block_private: bool) -> list[str]:
    """What is wrong with an endpoint URL, as messages for the `url` field (empty: fine)."""
    problems: list[str] = []
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return [_("This is not a valid URL.")]
    if not host:
        return [_("The URL needs a host name.")]
    if parts.username or parts.password:
        problems.append(_("Do not put credentials in the URL; use the signing secret."))
    if parts.fragment:
        problems.append(_("The URL may not have a #fragment."))
    local = host in LOOPBACK_NAMES
    if parts.scheme == "http":
        if not (local and allow_http_localhost):
            problems.append(_("The endpoint must use HTTPS."))
    elif parts.scheme != "https":
        problems.append(_("The endpoint must use HTTPS."))
    if block_private and (local or address_is_internal(host) or host.endswith(".localhost")):
        problems.append(_("The endpoint may not point into a private or loopback network."))
    return problems


def resolved_internal_address(host: str, port: int) -> str | None:
    """The first private/loopback address the host resolves to, or None (DNS failures too)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        return None
    for info in infos:
        address = str(info[4][0])
        if address_is_internal(address):
            return address
    return None
