"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1, in a thread, that checks
every delivery with the standardwebhooks library, as an integrator's system would."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int
    verified: dict | None = None  # the body the library parsed, when the signature held
    refusal: str = ""  # why the library refused it


@dataclass
class Receiver:
    """Answers each POST with the next code of `answers` (the last one repeats), after
    verifying it with `secret` (401 when the library refuses it)."""

    answers: list[int] = field(default_factory=lambda: [200])
    secret: str = ""
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def accepted(self) -> list[Received]:
        """The deliveries this receiver took in: verified and answered 2xx."""
        with self.lock:
            return [r for r in self.requests if r.verified is not None and r.answered < 300]

    def all(self) -> list[Received]:
        with self.lock:
            return list(self.requests)

    def _answer(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            planned = self.answers[min(len(self.requests), len(self.answers) - 1)]
            received = Received(headers=headers, body=body, answered=planned)
            self.requests.append(received)
        if self.secret:
            try:
                received.verified = Webhook(self.secret).verify(body, headers)
            except WebhookVerificationError as refusal:
                received.refusal = str(refusal)
                received.answered = 401
        return received.answered


def serve(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = receiver._answer(dict(self.headers.items()), body)
            self.send_response(status)
            if status in (301, 302, 307, 308):
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            payload = b'{"ok": %s}' % (b"true" if status < 300 else b"false")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
