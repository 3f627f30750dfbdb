"""Which webhook endpoints Masar will call, and at which address.

HTTPS only; plain http only to this machine's loopback (127.0.0.1, localhost, [::1]) when
the settings allow it (development, tests, the demo). In production an endpoint must be a
globally routable address (`ipaddress`'s `is_global`): not private, loopback, link-local,
shared (100.64.0.0/10, carrier-grade NAT and some clouds' metadata services), reserved,
documentation or multicast space, so a subscriber cannot make Masar call the ministry's
internal services (server-side request forgery).

The address is checked when the subscription is written (an IP literal) and again before
each attempt, after DNS resolution. The attempt then connects to the very address that was
checked (the host name stays in the `Host` header and the TLS server name, so the
certificate is still verified against it): a name that resolves to a public address for
the check and to an internal one for the connection (DNS rebinding) gains nothing. A DNS
failure refuses the attempt (fail closed); it is retried like any failed attempt.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.utils.translation import gettext as _

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _ip(host: str) -> IPAddress | None:
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        # ::ffff:10.0.0.1 reaches 10.0.0.1: judge the IPv4 address it carries.
        return ip.ipv4_mapped
    return ip


def address_is_public(address: str) -> bool:
    """Is this a globally routable unicast IP address (the only kind production calls)?"""
    ip = _ip(address)
    return ip is not None and ip.is_global and not ip.is_multicast


def address_is_internal(address: str) -> bool:
    """Is this an IP address outside the public internet? (A host name is not an address.)"""
    return _ip(address) is not None and not address_is_public(address)


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


@dataclass(frozen=True)
class Resolution:
    """Where one attempt connects: `address` (checked), or why it may not (`refusal`)."""

    address: str = ""
    refusal: str = ""


def endpoint_resolve(host: str, port: int) -> Resolution:
    """Resolve the host once and check every address it gives; connect to the first.

    All of them must be public: a name with one internal address among public ones is
    refused as a whole, so the choice of address cannot be steered. A DNS error, or no
    address at all, refuses the attempt.
    """
    if _ip(host) is not None:
        addresses = [host.strip("[]")]
    else:
        try:
            infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return Resolution(refusal="refused: the host name did not resolve")
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            return Resolution(refusal="refused: the host name did not resolve")
    for address in addresses:
        if not address_is_public(address):
            return Resolution(refusal=f"refused: resolves to internal {address}")
    return Resolution(address=addresses[0])


def pinned_url(parts: SplitResult, address: str) -> str:
    """The URL with its host replaced by the checked address (the port and path kept)."""
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


def host_header(parts: SplitResult) -> str:
    """The `Host` header the endpoint expects: its name, and its port when not the default."""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    return f"{host}:{parts.port}" if parts.port and parts.port != default else host
