"""Fetching calendar addresses from a real HTTP server on 127.0.0.1: private addresses refused
after resolution, redirects checked again, size and time limits, conditional requests, the
password rules of CalDAV requests, and certificates checked over https (a throw-away CA)."""

import base64
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme

from sessions_app.calendars import fetch
from sessions_app.calendars.fetch import CalendarFetchError, calendar_request, fetch_calendar

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
        if self.path.startswith("/elsewhere/"):  # the same server under another host name
            port = self.server.server_address[1]
            return self._send(302, headers={"Location": f"http://localhost:{port}/cal.ics"})
        return self._send(404, b"not here")

    def _write(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        Handler.seen.append(
            {"path": self.path, "method": self.command, "body": body, **self.headers}
        )
        if self.path.startswith("/hop/"):
            return self._send(301, headers={"Location": "/dav/"})
        return self._send(201 if self.command == "PUT" else 207, b"<done/>")

    do_PROPFIND = do_PUT = do_DELETE = do_REPORT = _write


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


PASSWORD = ("mentor", "app-pässword")


def test_a_password_goes_only_over_https_unless_the_host_is_allowed(settings):
    settings.CALENDAR_ALLOWED_HOSTS = []
    started = time.monotonic()
    with pytest.raises(CalendarFetchError, match="never sent without encryption"):
        calendar_request("http://93.184.215.14/dav/", method="PROPFIND", auth=PASSWORD)
    assert time.monotonic() - started < 0.5  # refused before connecting


def test_a_request_carries_its_method_body_headers_and_password(server, allowed):
    answer = calendar_request(
        f"{server}/dav/",
        method="REPORT",
        headers={"Depth": "1", "Content-Type": "application/xml"},
        body=b"<query/>",
        auth=PASSWORD,
    )
    assert (answer.status, answer.body) == (207, b"<done/>")
    request = Handler.seen[-1]
    assert (request["method"], request["body"], request["Depth"]) == ("REPORT", "<query/>", "1")
    user, password = base64.b64decode(request["Authorization"].split()[1]).decode().split(":")
    assert (user, password) == PASSWORD


def test_discovery_follows_a_redirect_with_its_method_and_body(server, allowed):
    answer = calendar_request(
        f"{server}/hop/0", method="PROPFIND", body=b"<propfind/>", auth=PASSWORD
    )
    assert answer.status == 207
    assert answer.url == f"{server}/dav/"
    assert [(r["method"], r["path"], r["body"]) for r in Handler.seen] == [
        ("PROPFIND", "/hop/0", "<propfind/>"),
        ("PROPFIND", "/dav/", "<propfind/>"),
    ]
    assert all("Authorization" in request for request in Handler.seen)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "REPORT"])
def test_a_write_or_a_report_is_never_redirected(server, allowed, method):
    answer = calendar_request(f"{server}/hop/0", method=method, body=b"x", auth=PASSWORD)
    assert answer.status == 301
    assert [request["path"] for request in Handler.seen] == ["/hop/0"]


def test_the_password_is_not_sent_to_a_redirect_target_on_another_host(server, settings):
    settings.CALENDAR_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    answer = calendar_request(f"{server}/elsewhere/", auth=PASSWORD)
    assert answer.body == ICS
    first, second = Handler.seen
    assert first["Authorization"].startswith("Basic ")
    assert second["Host"].startswith("localhost:")
    assert "Authorization" not in second


@pytest.fixture
def https_server(allowed):
    """Serves Handler over https with a certificate from a fresh CA, for the host names given."""
    servers = []

    def serve(*names: str) -> tuple[str, trustme.CA]:
        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(*names).configure_cert(context)
        httpd = Server(("127.0.0.1", 0), Handler)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"https://127.0.0.1:{httpd.server_address[1]}", ca

    Handler.seen = []
    yield serve
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def trust(ca: trustme.CA, tmp_path, monkeypatch) -> None:
    """Trust `ca` alone, as a machine whose certificate store holds it would (OpenSSL reads
    SSL_CERT_FILE each time a connection loads the default certificates)."""
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))


def test_a_server_whose_certificate_authority_is_not_trusted_is_refused(https_server):
    base, _ca = https_server("127.0.0.1", "localhost")
    with pytest.raises(
        CalendarFetchError, match=r"did not prove it is who it claims to be \(TLS\)"
    ):
        fetch_calendar(f"{base}/cal.ics")
    assert Handler.seen == []  # nothing was asked of it


def test_a_server_with_a_trusted_certificate_is_fetched(https_server, tmp_path, monkeypatch):
    base, ca = https_server("127.0.0.1", "localhost")
    trust(ca, tmp_path, monkeypatch)
    assert fetch_calendar(f"{base}/cal.ics").body == ICS


def test_a_trusted_certificate_for_another_host_name_is_refused(
    https_server, tmp_path, monkeypatch
):
    base, ca = https_server("calendar.example.org")
    trust(ca, tmp_path, monkeypatch)
    with pytest.raises(CalendarFetchError, match="TLS"):
        fetch_calendar(f"{base}/cal.ics")
    assert Handler.seen == []
