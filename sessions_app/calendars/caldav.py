"""The small part of CalDAV (RFC 4791, discovery of RFC 6764) that connected calendars need:
find a person's calendars, tell whether one changed, read its events in a window, and write
or remove the events of their sessions.

Every request goes through `fetch.calendar_request`, so the address checks, limits and
password rules of the ICS fetcher hold here too. Answers are parsed by lxml with no DTD, no
entities and no network. Errors are CalDavError, with a message the person can read.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urljoin, urlsplit

from django.utils.translation import gettext as _
from icalendar import Calendar
from lxml import etree

from sessions_app.calendars.fetch import Answer, CalendarFetchError, calendar_request

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CALSERVER = "http://calendarserver.org/ns/"
XML = {"Content-Type": "application/xml; charset=utf-8"}
# Creating an event is binding a new member into the collection (RFC 3744 §3).
WRITE_PRIVILEGES = {f"{{{DAV}}}all", f"{{{DAV}}}write", f"{{{DAV}}}bind"}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

PRINCIPAL_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>"""

HOME_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><c:calendar-home-set/></d:prop></d:propfind>"""

CALENDARS_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:resourcetype/><d:displayname/><c:supported-calendar-component-set/>
<d:current-user-privilege-set/></d:prop></d:propfind>"""

STATE_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">
<d:prop><cs:getctag/><d:sync-token/></d:prop></d:propfind>"""

EVENTS_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
<c:time-range start="{start}" end="{end}"/>
</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"""


class CalDavError(CalendarFetchError):
    """The CalDAV server could not be used; the message says why, in words, safe to show."""


@dataclass(frozen=True)
class DavCalendar:
    url: str  # absolute URL of the calendar collection, ending in "/"
    name: str  # DAV:displayname, else the last path segment
    writable: bool  # the user may write events there (current-user-privilege-set), True if unknown


@dataclass(frozen=True)
class DavAccount:
    server_url: str  # what the person typed (https://host or https://host/dav/...)
    username: str
    password: str


def _wrong_password() -> CalDavError:
    return CalDavError(
        _(
            "The calendar server refused the user name or password. Check them; many "
            "services want an app password here, not your usual one."
        )
    )


def _not_caldav() -> CalDavError:
    return CalDavError(
        _("No CalDAV calendar server answers at this address. Check the server address.")
    )


def _send(
    account: DavAccount,
    url: str,
    method: str,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> Answer:
    try:
        return calendar_request(
            url,
            method=method,
            headers=headers,
            body=body,
            auth=(account.username, account.password),
        )
    except CalendarFetchError as error:
        raise CalDavError(str(error)) from error


def _multistatus(answer: Answer) -> dict[str, dict[str, etree._Element]]:
    """Each response's absolute URL -> its properties found (status 200), by Clark name."""
    try:
        root = etree.fromstring(answer.body, _PARSER)
    except etree.XMLSyntaxError as error:
        raise _not_caldav() from error
    if root.tag != f"{{{DAV}}}multistatus":
        raise _not_caldav()
    found: dict[str, dict[str, etree._Element]] = {}
    for response in root.iterfind(f"{{{DAV}}}response"):
        href = (response.findtext(f"{{{DAV}}}href") or "").strip()
        if not href:
            continue
        props = found.setdefault(urljoin(answer.url, href), {})
        for propstat in response.iterfind(f"{{{DAV}}}propstat"):
            status = (propstat.findtext(f"{{{DAV}}}status") or "").split()
            if status[1:2] != ["200"]:
                continue
            for prop in propstat.iterfind(f"{{{DAV}}}prop/*"):
                props[prop.tag] = prop
    return found


def _propfind(account: DavAccount, url: str, query: bytes, *, depth: str) -> Answer:
    answer = _send(account, url, "PROPFIND", body=query, headers={**XML, "Depth": depth})
    _check(answer)
    return answer


def _check(answer: Answer) -> None:
    """Refuse an answer that is not a success, saying why in words."""
    if answer.status == 401:
        raise _wrong_password()
    if answer.status == 403:
        raise CalDavError(_("The calendar server does not let this account use this calendar."))
    if answer.status == 404:
        raise CalDavError(
            _("The calendar was not found on its server: it may have been removed there.")
        )
    if not 200 <= answer.status < 300:
        raise CalDavError(
            _("The calendar server answered with error %(status)s.") % {"status": answer.status}
        )


def _href(props: dict[str, etree._Element], name: str, base: str) -> str:
    href = props.get(name)
    text = href.findtext(f"{{{DAV}}}href") if href is not None else None
    return urljoin(base, text.strip()) if text and text.strip() else ""


def _principal(account: DavAccount) -> str:
    """The principal URL of the account: asked at the address typed, then at the host's
    /.well-known/caldav (whose redirects the fetcher follows and checks)."""
    candidates = [account.server_url, urljoin(account.server_url, "/.well-known/caldav")]
    for url in candidates:
        answer = _send(
            account, url, "PROPFIND", body=PRINCIPAL_QUERY, headers={**XML, "Depth": "0"}
        )
        if answer.status == 401:
            raise _wrong_password()
        if answer.status != 207:  # 403 too: another user's folder, the well-known one may do
            continue
        try:
            found = _multistatus(answer)
        except CalDavError:
            continue
        for props in found.values():
            principal = _href(props, f"{{{DAV}}}current-user-principal", answer.url)
            if principal:
                return principal
    raise _not_caldav()


def _calendar(url: str, props: dict[str, etree._Element]) -> DavCalendar | None:
    """The calendar at `url`, or None when it is not a calendar that holds events."""
    kind = props.get(f"{{{DAV}}}resourcetype")
    if kind is None or kind.find(f"{{{CALDAV}}}calendar") is None:
        return None
    components = props.get(f"{{{CALDAV}}}supported-calendar-component-set")
    if components is not None and "VEVENT" not in {
        comp.get("name", "").upper() for comp in components.iterfind(f"{{{CALDAV}}}comp")
    }:
        return None
    privileges = props.get(f"{{{DAV}}}current-user-privilege-set")
    writable = privileges is None or any(
        granted.tag in WRITE_PRIVILEGES for granted in privileges.iterfind(f"{{{DAV}}}privilege/*")
    )
    url = url if url.endswith("/") else url + "/"
    shown = props.get(f"{{{DAV}}}displayname")
    name = (shown.text or "").strip() if shown is not None else ""
    return DavCalendar(
        url=url,
        name=name or unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]),
        writable=writable,
    )


def discover(account: DavAccount) -> list[DavCalendar]:
    """The account's calendars that hold events (VEVENT). Tries the given URL, then
    /.well-known/caldav (redirects re-checked), current-user-principal -> calendar-home-set ->
    PROPFIND Depth 1. Raises CalDavError: wrong user/password (401/403), not a CalDAV server,
    no calendar with events."""
    principal = _principal(account)
    answer = _propfind(account, principal, HOME_QUERY, depth="0")
    homes = [
        home
        for props in _multistatus(answer).values()
        if (home := _href(props, f"{{{CALDAV}}}calendar-home-set", answer.url))
    ]
    if not homes:
        raise _not_caldav()
    calendars: list[DavCalendar] = []
    for home in dict.fromkeys(homes):
        answer = _propfind(account, home, CALENDARS_QUERY, depth="1")
        for url, props in _multistatus(answer).items():
            calendar = _calendar(url, props)
            if calendar and calendar.url not in {known.url for known in calendars}:
                calendars.append(calendar)
    if not calendars:
        raise CalDavError(_("This account has no calendar that can hold events."))
    return sorted(calendars, key=lambda calendar: calendar.name.lower())


def calendar_state(account: DavAccount, calendar_url: str) -> str:
    """The collection's change marker (CS:getctag, else DAV:sync-token, else ""): unchanged
    marker = unchanged events, so the reader can skip the REPORT."""
    answer = _propfind(account, calendar_url, STATE_QUERY, depth="0")
    found = _multistatus(answer)
    props = found.get(calendar_url) or next(iter(found.values()), {})
    for name in (f"{{{CALSERVER}}}getctag", f"{{{DAV}}}sync-token"):
        if name in props and (props[name].text or "").strip():
            return props[name].text.strip()
    return ""


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def events_between(
    account: DavAccount, calendar_url: str, *, start: datetime, end: datetime
) -> bytes:
    """One VCALENDAR holding every VEVENT (with its VTIMEZONEs, de-duplicated by TZID) that
    REPORT calendar-query with a time-range filter returns for [start, end); feed it to
    sessions_app.calendars.busy.busy_intervals."""
    query = EVENTS_QUERY.format(start=_utc(start), end=_utc(end)).encode()
    answer = _send(account, calendar_url, "REPORT", body=query, headers={**XML, "Depth": "1"})
    _check(answer)
    merged = Calendar()
    merged.add("prodid", "-//Mentoring//Connected calendar//EN")
    merged.add("version", "2.0")
    zones: set[str] = set()
    events = []
    for props in _multistatus(answer).values():
        data = props.get(f"{{{CALDAV}}}calendar-data")
        if data is None or not (data.text or "").strip():
            continue
        try:
            calendar = Calendar.from_ical(data.text)
        except ValueError:
            continue  # one object the server holds broken must not hide the others' busy times
        for zone in calendar.walk("VTIMEZONE"):
            tzid = str(zone.get("TZID", ""))
            if tzid not in zones:
                zones.add(tzid)
                merged.add_component(zone)
        events.extend(calendar.walk("VEVENT"))
    for event in events:
        merged.add_component(event)
    return merged.to_ical()


def event_put(
    account: DavAccount, calendar_url: str, *, uid: str, ics: bytes, href: str = ""
) -> str:
    """Create or replace the event `uid` (href defaults to calendar_url + quoted uid + ".ics");
    returns the href used. Raises CalDavError in words."""
    href = urljoin(calendar_url, href) if href else calendar_url + quote(uid, safe="") + ".ics"
    answer = _send(
        account,
        href,
        "PUT",
        body=ics,
        headers={"Content-Type": "text/calendar; charset=utf-8"},
    )
    if b"no-uid-conflict" in answer.body:  # RFC 4791 §5.3.2.1 precondition, 403 or 409
        raise CalDavError(_("This calendar already holds the session under another address."))
    if answer.status in (401, 403):
        raise CalDavError(
            _(
                "The calendar server did not let us write the session into this calendar. "
                "Choose a calendar you may change, or check the password."
            )
        )
    if answer.status in (404, 409):  # 409: the collection to put it in does not exist
        raise CalDavError(
            _("The calendar was not found on its server: it may have been removed there.")
        )
    if not 200 <= answer.status < 300:
        raise CalDavError(
            _("The calendar server did not accept the session (error %(status)s).")
            % {"status": answer.status}
        )
    return href


def event_delete(account: DavAccount, href: str) -> None:
    """Remove an event we wrote (404 counts as done)."""
    answer = _send(account, href, "DELETE")
    if answer.status in (404, 410):
        return
    _check(answer)
