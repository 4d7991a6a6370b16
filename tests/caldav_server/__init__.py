"""A real CalDAV server for the tests: Radicale, started once per test session on 127.0.0.1 with
one user (`mentor`, password `app-password-1`, plain htpasswd), owner-only rights and its own
storage folder; each test starts with that user's collection empty.

Registered for every test directory by `pytest_plugins` in tests/conftest.py. The fixture
`radicale` allows 127.0.0.1 in CALENDAR_ALLOWED_HOSTS for the test and gives a `Radicale`
to make calendars, seed events and read back what is stored.
"""

import base64
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import urllib3
from icalendar import Calendar

USERNAME = "mentor"
PASSWORD = "app-password-1"
START_TIMEOUT = 20.0  # seconds for Radicale to answer after it is started

MKCALENDAR = """<?xml version="1.0" encoding="utf-8"?>
<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop>
<d:displayname>{name}</d:displayname>
<c:supported-calendar-component-set><c:comp name="{component}"/>
</c:supported-calendar-component-set>
</d:prop></d:set></c:mkcalendar>"""


@dataclass
class Radicale:
    base_url: str  # http://127.0.0.1:<port>, no trailing slash
    username: str
    password: str
    storage: Path  # Radicale's filesystem storage folder

    def _request(self, method: str, url: str, body: bytes = b"", **headers: str):
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return urllib3.request(
            method,
            url,
            body=body or None,
            headers={"Authorization": f"Basic {token}", **headers},
            redirect=False,
            retries=False,
            timeout=10,
        )

    def make_calendar(self, name: str, *, component: str = "VEVENT") -> str:
        """A new calendar of the user, shown as `name`; its URL (ending in "/")."""
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "calendar"
        url = f"{self.base_url}/{self.username}/{slug}/"
        body = MKCALENDAR.format(name=name, component=component).encode()
        response = self._request("MKCALENDAR", url, body, **{"Content-Type": "application/xml"})
        assert response.status == 201, (response.status, response.data)
        return url

    def remove_calendar(self, calendar_url: str) -> None:
        """Delete one calendar of the user, with its events."""
        response = self._request("DELETE", calendar_url)
        assert response.status in (200, 204), (response.status, response.data)

    def put(self, calendar_url: str, filename: str, ics: bytes) -> None:
        """Store `ics` (one event and its time zones) as `filename` in the calendar."""
        response = self._request(
            "PUT", calendar_url + filename, ics, **{"Content-Type": "text/calendar"}
        )
        assert response.status in (201, 204), (response.status, response.data)

    def objects(self, calendar_url: str) -> list[Calendar]:
        """What the calendar holds, one calendar object per stored file, by file name."""
        folder = self.storage / "collection-root" / unquote(urlsplit(calendar_url).path.strip("/"))
        return [
            Calendar.from_ical(path.read_bytes())
            for path in sorted(folder.iterdir())
            if path.is_file() and not path.name.startswith(".Radicale")
        ]

    def empty(self) -> None:
        """Remove every calendar of the user; Radicale makes the user's collection again at the
        next request."""
        response = self._request("DELETE", f"{self.base_url}/{self.username}/")
        assert response.status in (200, 204, 404), (response.status, response.data)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_it_answers(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Radicale stopped at start:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"Radicale did not answer within {START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory) -> Iterator[Radicale]:
    """The Radicale process, for the whole test session."""
    root = tmp_path_factory.mktemp("radicale")
    users = root / "users"
    users.write_text(f"{USERNAME}:{PASSWORD}\n")
    storage = root / "storage"
    log = root / "radicale.log"
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "radicale",
        "--config",  # no list: no configuration file of the machine is read
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--auth-type",
        "htpasswd",
        "--auth-htpasswd-filename",
        str(users),
        "--auth-htpasswd-encryption",
        "plain",
        "--auth-delay",
        "0",  # a wrong password is answered at once, not after a pause
        "--rights-type",
        "owner_only",
        "--storage-filesystem-folder",
        str(storage),
        "--logging-level",
        "warning",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_it_answers(process, port, log)
        yield Radicale(
            base_url=f"http://127.0.0.1:{port}",
            username=USERNAME,
            password=PASSWORD,
            storage=storage,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def radicale(radicale_server, settings) -> Iterator[Radicale]:
    """The CalDAV server, reachable by the fetcher (127.0.0.1 allowed), its user with no
    calendar yet."""
    settings.CALENDAR_ALLOWED_HOSTS = ["127.0.0.1"]
    radicale_server.empty()
    yield radicale_server
    radicale_server.empty()
