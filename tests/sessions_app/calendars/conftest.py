"""A real HTTP server on 127.0.0.1 serving calendars that a test sets, allowed by the setting."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Page:
    status: int = 200
    body: bytes = b""
    etag: str = ""


@dataclass
class CalendarServer:
    base: str
    pages: dict[str, Page] = field(default_factory=dict)
    seen: list[dict[str, str]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def calendar_server(settings) -> Iterator[CalendarServer]:
    settings.CALENDAR_ALLOWED_HOSTS = ["127.0.0.1"]
    served: CalendarServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            served.seen.append({"path": self.path, **self.headers})
            page = served.pages.get(self.path, Page(404, b"not here"))
            if page.etag and self.headers.get("If-None-Match") == page.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(page.status)
            if page.etag:
                self.send_header("ETag", page.etag)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    served = CalendarServer(base=f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield served
    httpd.shutdown()
    httpd.server_close()
