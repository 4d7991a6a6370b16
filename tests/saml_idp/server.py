"""A small SAML 2.0 identity provider for the tests, built on pysaml2 (signing by xmlsec1).

Run by tests/saml_idp/fixture.py in its own virtualenv (.test-deps/saml-idp) as
`python server.py CONFIG.json`; it imports nothing of the project. CONFIG holds the port and
the people who can sign in: {"port": 8123, "users": {"alice": {"password": "…",
"email": "…", "given_name": "…", "surname": "…", "mode": "signed"}}}.

It makes its own signing key and certificate at start (and a second, "rogue" pair that is not
in its metadata), then serves:
- GET /metadata: its metadata (entity ID = this URL, sign-in and logout URLs, certificate);
- GET /sso/redirect: an AuthnRequest (HTTP-Redirect binding) shows the login form;
- POST /login: user and password; the answer is a Response POSTed to the service provider's
  assertion consumer service (HTTP-POST), its assertion signed unless the user's mode says:
  "signed" (normal, RSA-SHA256), "unsigned", "expired" (NotOnOrAfter two hours ago), "rogue"
  (signed by a key the metadata does not name), "stranger" (audience: another service),
  "sha1" (signed with the deprecated RSA-SHA1);
- GET /sso/initiate?user=NAME&sp=ENTITY_ID: an IdP-initiated sign-in (a Response that answers
  no AuthnRequest) POSTed to that service provider;
- GET /slo/redirect: a LogoutRequest from the service provider ends this IdP's session and
  answers a LogoutResponse; a LogoutResponse (to a logout this IdP started) is recorded;
- GET /slo/start?user=NAME: IdP-initiated logout: a LogoutRequest to the service provider;
- GET /events: what happened, as JSON, for the tests to check.

The service provider is known by its metadata, fetched from the AuthnRequest's Issuer (our
service providers' entity ID is their metadata URL), on 127.0.0.1 or localhost only.
"""

import datetime
import html
import json
import secrets
import sys
import tempfile
import threading
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORD
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.samlp import LogoutRequest, LogoutResponse
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256

ANOTHER_AUDIENCE = "https://another-service.example/saml/metadata/"
SESSION_COOKIE = "idp_session"


def key_and_certificate(folder: Path, name: str) -> tuple[str, str]:
    """A fresh RSA key and self-signed certificate, written as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Test IdP {name}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def idp_server(base: str, key_file: str, cert_file: str, lifetime: dict) -> Server:
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base}/metadata",
            "service": {
                "idp": {
                    "name": "Test identity provider",
                    "endpoints": {
                        "single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{base}/slo/redirect", BINDING_HTTP_REDIRECT)],
                    },
                    "policy": {
                        "default": {
                            "lifetime": lifetime,
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    "want_authn_requests_signed": False,
                }
            },
            "key_file": key_file,
            "cert_file": cert_file,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "metadata": {},
        }
    )
    return Server(config=config)


class IdentityProvider:
    def __init__(self, config: dict) -> None:
        self.users = config["users"]
        self.base = f"http://127.0.0.1:{config['port']}"
        folder = Path(tempfile.mkdtemp(prefix="saml-idp-"))
        key, cert = key_and_certificate(folder, "signing")
        rogue_key, rogue_cert = key_and_certificate(folder, "rogue")
        self.server = idp_server(self.base, key, cert, {"minutes": 15})
        # Same entity, same endpoints, but a key the metadata does not name, or a lifetime
        # that ended before the assertion was made.
        self.rogue = idp_server(self.base, rogue_key, rogue_cert, {"minutes": 15})
        self.expired = idp_server(self.base, key, cert, {"hours": -2})
        self.metadata = create_metadata_string(None, config=self.server.config, valid=24)
        self.known_sps: set[str] = set()
        self.pending: dict[str, tuple] = {}  # login form key -> (AuthnRequest, relay state)
        self.sessions: dict[str, str] = {}  # session cookie -> user name
        self.sp_of_user: dict[str, str] = {}  # user name -> the SP entity it last signed in to
        self.events: list[dict] = []
        self.lock = threading.Lock()

    # WSGI
    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            if path == "/metadata":
                return self.reply(start_response, self.metadata, "application/samlmetadata+xml")
            if path == "/events":
                return self.reply(start_response, json.dumps(self.events), "application/json")
            if path == "/sso/redirect":
                return self.sso(start_response, query)
            if path == "/sso/initiate":
                return self.sso_initiate(start_response, query["user"], query["sp"])
            if path == "/login" and environ["REQUEST_METHOD"] == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                return self.login(start_response, form)
            if path == "/slo/redirect":
                return self.slo(start_response, query, self.cookie(environ))
            if path == "/slo/start":
                return self.slo_start(start_response, query["user"])
            return self.reply(start_response, "not found", status="404 Not Found")
        except Exception as error:  # a test IdP says what went wrong, in the page
            self.events.append({"error": repr(error)})
            return self.reply(start_response, f"IdP error: {error!r}", status="400 Bad Request")

    @staticmethod
    def reply(start_response, body, content_type="text/plain", status="200 OK", headers=()):
        data = body.encode() if isinstance(body, str) else body
        start_response(status, [("Content-Type", content_type), *headers])
        return [data]

    @staticmethod
    def cookie(environ) -> str:
        jar = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        return jar[SESSION_COOKIE].value if SESSION_COOKIE in jar else ""

    def know_sp(self, entity_id: str) -> None:
        """Load a service provider's metadata from its entity ID (a local URL)."""
        if entity_id in self.known_sps:
            return
        if urlsplit(entity_id).hostname not in ("127.0.0.1", "localhost"):
            raise ValueError(f"unknown service provider {entity_id}")
        with urllib.request.urlopen(entity_id, timeout=10) as answer:  # noqa: S310
            xml = answer.read().decode()
        for server in (self.server, self.rogue, self.expired):
            server.metadata.load("inline", xml)
        self.known_sps.add(entity_id)

    def sso(self, start_response, query):
        parsed = self.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        request = parsed.message
        self.know_sp(request.issuer.text.strip())
        key = secrets.token_urlsafe(16)
        self.pending[key] = (request, query.get("RelayState", ""))
        self.events.append({"authn_request": request.id, "sp": request.issuer.text.strip()})
        return self.login_form(start_response, key)

    def login_form(self, start_response, key, error=""):
        message = f'<p role="alert">{html.escape(error)}</p>' if error else ""
        page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test IdP: sign in</title></head>
<body><h1>Test identity provider</h1>{message}
<form method="post" action="/login">
<input type="hidden" name="key" value="{html.escape(key)}">
<label for="username">Username</label> <input id="username" name="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button type="submit">Sign in at the identity provider</button>
</form></body></html>"""
        return self.reply(start_response, page, "text/html; charset=utf-8")

    def login(self, start_response, form):
        key = form.get("key", "")
        if key not in self.pending:
            return self.reply(start_response, "No sign-in request", status="400 Bad Request")
        name = form.get("username", "")
        user = self.users.get(name)
        if user is None or not secrets.compare_digest(user["password"], form.get("password", "")):
            return self.login_form(start_response, key, "Wrong username or password.")
        request, relay_state = self.pending.pop(key)
        args = self.server.response_args(request, [BINDING_HTTP_POST])
        return self.answer(start_response, name, request.issuer.text.strip(), args, relay_state)

    def sso_initiate(self, start_response, name, sp_entity_id):
        self.know_sp(sp_entity_id)
        acs = self.server.metadata.assertion_consumer_service(sp_entity_id, BINDING_HTTP_POST)
        args = {
            "in_response_to": None,
            "sp_entity_id": sp_entity_id,
            "name_id_policy": None,
            "binding": BINDING_HTTP_POST,
            "destination": acs[0]["location"],
        }
        return self.answer(start_response, name, sp_entity_id, args, "")

    def answer(self, start_response, name, sp_entity_id, args, relay_state):
        """The user's Response, in the way their mode says, in an auto-posting form."""
        user = self.users[name]
        mode = user.get("mode", "signed")
        server = {"rogue": self.rogue, "expired": self.expired}.get(mode, self.server)
        if mode == "stranger":
            args["sp_entity_id"] = ANOTHER_AUDIENCE
        response = server.create_authn_response(
            identity={
                "mail": [user["email"]],
                "givenName": [user["given_name"]],
                "sn": [user["surname"]],
            },
            userid=user["email"],
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=user["email"]),
            authn={"class_ref": PASSWORD, "authn_auth": self.base},
            sign_assertion=mode != "unsigned",
            sign_response=False,
            sign_alg=SIG_RSA_SHA1 if mode == "sha1" else SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA1 if mode == "sha1" else DIGEST_SHA256,
            **args,
        )
        session = secrets.token_urlsafe(16)
        with self.lock:
            self.sessions[session] = name
            self.sp_of_user[name] = sp_entity_id
        self.events.append({"authn_response": args["in_response_to"], "user": name, "mode": mode})
        http = server.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], relay_state, response=True
        )
        cookie = f"{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax"
        return self.reply(
            start_response,
            http["data"],
            "text/html; charset=utf-8",
            headers=[("Set-Cookie", cookie)],
        )

    def slo(self, start_response, query, session):
        if "SAMLResponse" in query:
            parsed = self.server.parse_logout_request_response(
                query["SAMLResponse"], BINDING_HTTP_REDIRECT
            )
            status = parsed.response.status.status_code.value
            self.events.append(
                {"logout_response": parsed.response.in_response_to, "status": status}
            )
            return self.reply(start_response, "Signed out at the identity provider.")
        parsed = self.server.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        request: LogoutRequest = parsed.message
        with self.lock:
            user = self.sessions.pop(session, None)
        self.events.append(
            {
                "logout_request": request.id,
                "name_id": request.name_id.text if request.name_id else None,
                "sp": request.issuer.text.strip(),
                "ended_session_of": user,
            }
        )
        response: LogoutResponse = self.server.create_logout_response(
            request, [BINDING_HTTP_REDIRECT], sign=False
        )
        destination = self.server.response_args(request, [BINDING_HTTP_REDIRECT])["destination"]
        http = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            destination,
            query.get("RelayState", ""),
            response=True,
            sign=False,
        )
        return self.redirect(start_response, http)

    def slo_start(self, start_response, name):
        user = self.users[name]
        sp = self.sp_of_user[name]
        destination = self.server.metadata.single_logout_service(
            sp, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        request_id, request = self.server.create_logout_request(
            destination,
            sp,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=user["email"]),
            sign=False,
        )
        self.events.append({"logout_request_sent": request_id, "user": name})
        http = self.server.apply_binding(
            BINDING_HTTP_REDIRECT, str(request), destination, "", sign=False
        )
        return self.redirect(start_response, http)

    def redirect(self, start_response, http):
        location = dict(http["headers"])["Location"]
        start_response("303 See Other", [("Location", location)])
        return [b""]


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    app = IdentityProvider(config)
    httpd = make_server(
        "127.0.0.1", config["port"], app, ThreadingWSGIServer, handler_class=QuietHandler
    )
    print(f"listening on {app.base}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
