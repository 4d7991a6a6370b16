"""Requests to addresses that people typed, which must never reach the server's own network.

An organisation's owner types their identity provider's address; a person types their
calendar's; later, webhook endpoints. Each connection is checked when it is made, not before:
the host is resolved once, every address it resolves to is checked (no loopback, private,
link-local (cloud metadata), multicast, reserved or unspecified address, unless the host is in
the allow-list the caller passes), and the socket goes to that checked address. A second DNS
answer cannot slip another address in, and a redirect is a new connection, checked again. TLS
still verifies the certificate against the host name.

`guarded_session(allowed_hosts=...)` is a `requests.Session` with these connections and no
proxies from the environment. A refused connection raises `requests.ConnectionError` (a
`RequestException`), whose cause is an `AddressRefused` saying why in words.
"""

import ipaddress
import socket
from collections.abc import Iterable

import requests
from django.utils.translation import gettext as _
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError


class AddressRefused(Exception):
    """The host may not be reached from here; the message says why, in words."""


class HostNotFound(AddressRefused):
    """The name does not resolve (now): it may be a passing failure."""


class PrivateAddress(AddressRefused):
    """The name resolves to an address of a private network, which is never reached."""


def address_refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for every address that is not a public one on the internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def checked_address(host: str, port: int, *, allowed_hosts: Iterable[str]) -> str:
    """The first address `host` resolves to, after checking all of them. Raises AddressRefused."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise HostNotFound(
            _("The server name %(host)s could not be found.") % {"host": host}
        ) from error
    addresses = [ipaddress.ip_address(answer[4][0].split("%", 1)[0]) for answer in answers]
    if not addresses:
        raise HostNotFound(_("The server name %(host)s could not be found.") % {"host": host})
    allowed = host.rstrip(".").lower() in {name.lower() for name in allowed_hosts}
    if not allowed and any(address_refused(address) for address in addresses):
        raise PrivateAddress(
            _("%(host)s is on a private network, which may not be reached from here.")
            % {"host": host}
        )
    return str(addresses[0])


class _Refused(NewConnectionError):
    """A connection refused by the check (requests turns it into a ConnectionError)."""


def _guarded(connection_class: type[HTTPConnection], allowed_hosts: frozenset[str]) -> type:
    class GuardedConnection(connection_class):
        def _new_conn(self):
            try:
                address = checked_address(self._dns_host, self.port, allowed_hosts=allowed_hosts)
            except AddressRefused as error:
                raise _Refused(self, str(error)) from error
            named, self._dns_host = self._dns_host, address
            try:
                return super()._new_conn()
            finally:
                self._dns_host = named  # TLS checks the certificate against the name

    return GuardedConnection


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """A transport adapter whose every connection is checked (see the module's docstring)."""

    def __init__(self, *, allowed_hosts: Iterable[str] = (), **kwargs: object) -> None:
        self.allowed_hosts = frozenset(name.lower() for name in allowed_hosts)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)
        allowed = self.allowed_hosts

        class Pool(HTTPConnectionPool):
            ConnectionCls = _guarded(HTTPConnection, allowed)

        class TlsPool(HTTPSConnectionPool):
            ConnectionCls = _guarded(HTTPSConnection, allowed)

        self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": TlsPool}


def guarded_session(*, allowed_hosts: Iterable[str] = ()) -> requests.Session:
    """A requests session that reaches only public addresses, and the hosts allowed by name."""
    session = requests.Session()
    session.trust_env = False  # a proxy from the environment would connect unchecked
    adapter = GuardedAdapter(allowed_hosts=allowed_hosts)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def refusal_of(error: BaseException) -> AddressRefused | None:
    """The AddressRefused behind a requests or urllib3 error, if the check refused it."""
    seen = error
    while seen is not None:
        if isinstance(seen, AddressRefused):
            return seen
        reason = getattr(seen, "reason", None)  # urllib3's MaxRetryError keeps its cause here
        seen = reason if isinstance(reason, BaseException) else (seen.__cause__ or seen.__context__)
    return None
