"""Fetching a calendar address a person gave us, without letting it reach our own network.

The address's host is resolved once, every address it resolves to is checked (no loopback,
private, link-local (cloud metadata), multicast, reserved or unspecified address, unless the
host is in CALENDAR_ALLOWED_HOSTS), and the connection goes to that checked address, so a
second DNS answer cannot slip another one in. Each redirect is checked the same way (at most
MAX_REDIRECTS); the body is read in pieces up to MAX_BYTES, within TIMEOUT seconds in all.
The last ETag and Last-Modified are sent back, and 304 means the calendar has not changed.

CalDAV (sessions_app.calendars.caldav) sends its requests through `calendar_request` with the
same guarantees; its password goes only over https (or plain http to an allowed host) and
never to a redirect target on another host, and only reads and discovery follow redirects.
"""

import base64
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from mentoring.outbound import HostNotFound, PrivateAddress, checked_address

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
TIMEOUT = 15.0  # seconds for the whole fetch, redirects included
CHUNK = 64 * 1024
REDIRECTS = (301, 302, 303, 307, 308)
FOLLOWED_METHODS = ("GET", "PROPFIND")  # reading and discovery; a write is never redirected


class CalendarFetchError(Exception):
    """The calendar could not be fetched; the message says why, in words."""


@dataclass(frozen=True)
class Fetched:
    changed: bool  # False: 304, the calendar is as it was
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: Mapping[str, str]  # names in any case
    url: str  # the address that answered, after the redirects followed


def _allowed(host: str) -> bool:
    return host.lower() in {name.lower() for name in settings.CALENDAR_ALLOWED_HOSTS}


def _resolve(host: str, port: int) -> str:
    """The first address `host` resolves to, after checking all of them (mentoring.outbound)."""
    try:
        return checked_address(host, port, allowed_hosts=settings.CALENDAR_ALLOWED_HOSTS)
    except HostNotFound as error:
        raise CalendarFetchError(_("The calendar's server name could not be found.")) from error
    except PrivateAddress as error:
        raise CalendarFetchError(
            _("The calendar's address points to a private network, which is not allowed.")
        ) from error


def _pool(scheme: str, host: str, port: int, address: str, timeout: urllib3.Timeout):
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _basic(auth: tuple[str, str]) -> str:
    user, password = auth
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def calendar_request(
    url: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
    auth: tuple[str, str] | None = None,
) -> Answer:
    """Send `method` to `url` (http or https) with `headers`, `body` and, when `auth`
    (user, password) is given, Basic authentication, and return whatever the server answered.

    Redirects are followed (each target checked like the first address) for GET and PROPFIND
    (calendar discovery) only; any other method gets its redirect back as the answer. The
    password goes only over https, or over http to a host in CALENDAR_ALLOWED_HOSTS, and never
    to a redirect target on another host. Raises CalendarFetchError with the reason in words."""
    deadline = time.monotonic() + TIMEOUT
    first = urlsplit(url)
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CalendarFetchError(
                _("The calendar's address must start with https:// or http://.")
            )
        if parts.username or parts.password:
            raise CalendarFetchError(_("The calendar's address must not contain a password."))
        host = parts.hostname
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise CalendarFetchError(_("The calendar's address is not valid.")) from error
        address = _resolve(host, port)
        # Only the address the person typed, or that same host moving to https, gets the password.
        same_host = _origin(parts) == _origin(first) or (
            parts.scheme == "https" and (parts.hostname or "").lower() == _origin(first)[1]
        )
        send_auth = auth if same_host else None
        if send_auth and parts.scheme != "https" and not _allowed(host):
            raise CalendarFetchError(
                _(
                    "The calendar server's address must start with https://: "
                    "a password is never sent without encryption."
                )
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise CalendarFetchError(_("The calendar's server took too long to answer."))
        sent = {"User-Agent": "Mentoring calendar reader", **(headers or {})}
        sent["Host"] = parts.netloc
        if send_auth:
            sent["Authorization"] = _basic(send_auth)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        pool = _pool(parts.scheme, host, port, address, urllib3.Timeout(total=remaining))
        try:
            response = pool.urlopen(
                method,
                path,
                body=body or None,
                headers=sent,
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                if method in FOLLOWED_METHODS and response.status in REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise CalendarFetchError(
                            _("The calendar's server answered a redirect without an address.")
                        )
                    url = urljoin(url, location)
                    continue
                answer = bytearray()
                for chunk in response.stream(CHUNK):
                    answer += chunk
                    if len(answer) > MAX_BYTES:
                        raise CalendarFetchError(
                            _("The calendar is larger than %(megabytes)s MB.")
                            % {"megabytes": MAX_BYTES // (1024 * 1024)}
                        )
                    if time.monotonic() > deadline:
                        raise CalendarFetchError(
                            _("The calendar's server took too long to answer.")
                        )
                return Answer(
                    status=response.status,
                    body=bytes(answer),
                    headers=response.headers,
                    url=url,
                )
            finally:
                response.release_conn()
        except urllib3.exceptions.NewConnectionError as error:  # a TimeoutError subclass
            raise CalendarFetchError(_("The calendar's server could not be reached.")) from error
        except urllib3.exceptions.TimeoutError as error:
            raise CalendarFetchError(_("The calendar's server took too long to answer.")) from error
        except urllib3.exceptions.SSLError as error:
            raise CalendarFetchError(
                _("The calendar's server did not prove it is who it claims to be (TLS).")
            ) from error
        except urllib3.exceptions.HTTPError as error:
            raise CalendarFetchError(_("The calendar's server could not be reached.")) from error
        finally:
            pool.close()
    raise CalendarFetchError(_("The calendar's address redirects too many times."))


def fetch_calendar(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    """GET the calendar at `url` (http or https), conditionally when `etag` or
    `last_modified` is given. Raises CalendarFetchError with the reason in words."""
    headers = {"Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    answer = calendar_request(url, headers=headers)
    if answer.status == 304:
        return Fetched(changed=False, etag=etag, last_modified=last_modified)
    if answer.status != 200:
        raise CalendarFetchError(
            _("The calendar's server answered with error %(status)s.") % {"status": answer.status}
        )
    return Fetched(
        changed=True,
        body=answer.body,
        etag=answer.headers.get("ETag", ""),
        last_modified=answer.headers.get("Last-Modified", ""),
    )
