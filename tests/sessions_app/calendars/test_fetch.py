"""Fetching calendar addresses from a real HTTP server on 127.0.0.1: private addresses refused
after resolution, redirects checked again, size and time limits, conditional requests."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sessions_app.calendars import fetch
from sessions_app.calendars.fetch import CalendarFetchError, fetch_calendar

ICS = (Path(__file__).parent / "cancelled.ics").read_bytes()
ETAG = '"v1"'
MODIFIED = "Sun, 01 Mar 2026 00:00:00 GMT"


class Handler(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def log_message(self, *args):  # keep the test output quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        Handler.seen.append({"path": self.path, **self.headers})
        if self.path == "/cal.ics":
            if self.headers.get("If-None-Match") == ETAG:
                return self._send(304)
            return self._send(
                200, ICS, {"Content-Type": "text/calendar", "ETag": ETAG, "Last-Modified": MODIFIED}
            )
        if self.path.startswith("/hop/"):
            left = int(self.path.rsplit("/", 1)[1])
            target = "/cal.ics" if left == 0 else f"/hop/{left - 1}"
            return self._send(302, headers={"Location": target})
        if self.path == "/to-metadata":
            return self._send(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        if self.path == "/big":
            self.send_response(200)
            self.end_headers()  # no length: the reader must stop by itself
            piece = b"X" * 65536
            try:
                for _ in range(6 * 16 + 1):
                    self.wfile.write(piece)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if self.path == "/slow":
            time.sleep(2)
            return self._send(200, ICS)
        return self._send(404, b"not here")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that hung up on purpose
        pass


@pytest.fixture
def server():
    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allowed(settings):
    settings.CALENDAR_ALLOWED_HOSTS = ["127.0.0.1"]


def test_loopback_is_refused_without_being_allowed(server, settings):
    settings.CALENDAR_ALLOWED_HOSTS = []
    with pytest.raises(CalendarFetchError, match="private network"):
        fetch_calendar(f"{server}/cal.ics")
    assert Handler.seen == []  # refused before connecting


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/cal.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/cal.ics",
        "http://192.168.0.1/cal.ics",
        "http://[::1]/cal.ics",
        "http://[::ffff:127.0.0.1]/cal.ics",
        "http://224.0.0.1/cal.ics",
        "http://0.0.0.0/cal.ics",
        "http://100.100.100.200/latest/meta-data/",
    ],
)
def test_private_and_metadata_addresses_are_refused(url, settings):
    settings.CALENDAR_ALLOWED_HOSTS = []
    with pytest.raises(CalendarFetchError, match="private network"):
        fetch_calendar(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/cal.ics", "cal.ics"])
def test_only_web_addresses_are_fetched(url):
    with pytest.raises(CalendarFetchError, match="must start with https://"):
        fetch_calendar(url)


def test_an_allowed_host_is_fetched_with_its_validators(server, allowed):
    fetched = fetch_calendar(f"{server}/cal.ics")
    assert fetched.changed
    assert fetched.body == ICS
    assert (fetched.etag, fetched.last_modified) == (ETAG, MODIFIED)


def test_the_validators_are_sent_back_and_304_means_unchanged(server, allowed):
    fetched = fetch_calendar(f"{server}/cal.ics", etag=ETAG, last_modified=MODIFIED)
    assert not fetched.changed
    assert fetched.body == b""
    assert Handler.seen[-1]["If-None-Match"] == ETAG
    assert Handler.seen[-1]["If-Modified-Since"] == MODIFIED


def test_up_to_three_redirects_are_followed(server, allowed):
    assert fetch_calendar(f"{server}/hop/2").body == ICS
    assert [request["path"] for request in Handler.seen] == [
        "/hop/2",
        "/hop/1",
        "/hop/0",
        "/cal.ics",
    ]


def test_a_fourth_redirect_is_refused(server, allowed):
    with pytest.raises(CalendarFetchError, match="redirects too many times"):
        fetch_calendar(f"{server}/hop/3")


def test_a_redirect_to_the_metadata_address_is_refused(server, allowed):
    with pytest.raises(CalendarFetchError, match="private network"):
        fetch_calendar(f"{server}/to-metadata")


def test_a_calendar_over_the_size_limit_is_refused(server, allowed):
    with pytest.raises(CalendarFetchError, match="larger than 5 MB"):
        fetch_calendar(f"{server}/big")


def test_a_slow_server_is_given_up_on(server, allowed, monkeypatch):
    monkeypatch.setattr(fetch, "TIMEOUT", 0.5)
    started = time.monotonic()
    with pytest.raises(CalendarFetchError, match="took too long"):
        fetch_calendar(f"{server}/slow")
    assert time.monotonic() - started < 1.5


def test_an_error_answer_is_told_in_words(server, allowed):
    with pytest.raises(CalendarFetchError, match="error 404"):
        fetch_calendar(f"{server}/missing.ics")
