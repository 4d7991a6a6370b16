"""Sentry: initialised only with SENTRY_DSN; an error reaches the DSN's server, with no PII."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
import django, sentry_sdk
django.setup()
client = sentry_sdk.get_client()
print("active" if client.is_active() else "inactive")
print(client.options["send_default_pii"])
if client.is_active():
    try:
        raise ValueError("readyz test error")
    except ValueError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush(timeout=10)
"""


@pytest.fixture
def sentry_server():
    """A local HTTP server standing in for Sentry: it keeps each envelope it is sent."""
    received: list[tuple[str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":  # the SDK's choice whenever brotli is installed
                import brotli  # installed exactly when the SDK used it

                body = brotli.decompress(body)
            received.append((self.path, body))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def run_settings(**variables: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    environment.update(variables, DJANGO_SETTINGS_MODULE="mentoring.settings.test")
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_dsn_sentry_stays_off():
    result = run_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "inactive"


def test_with_a_dsn_an_error_reaches_the_server_without_personal_data(sentry_server):
    port, received = sentry_server
    result = run_settings(
        SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42", SENTRY_ENVIRONMENT="staging"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["active", "False"]
    assert received, "no envelope reached the local Sentry server"
    path, envelope = received[0]
    assert path == "/api/42/envelope/"
    items = [json.loads(line) for line in envelope.splitlines() if line.startswith(b"{")]
    events = [item for item in items if "exception" in item]
    assert len(events) == 1
    event = events[0]
    assert event["exception"]["values"][0]["type"] == "ValueError"
    assert event["environment"] == "staging"
    assert "user" not in event or not event["user"].get("ip_address")
