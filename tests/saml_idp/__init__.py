"""A real SAML identity provider for the tests: server.py runs in a virtualenv of its own and
`saml_idp` (below) starts it on a free 127.0.0.1 port and stops it after the tests."""

import json
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
IDP_VENV = ROOT / ".test-deps" / "saml-idp"
IDP_PYTHON = IDP_VENV / "bin" / "python"
PASSWORD = "correct horse battery staple"

# Who can sign in at the test IdP, and how it answers for each (see server.py).
USERS = {
    "alice": {"email": "alice@acme.example", "given_name": "Alice", "surname": "Moreau"},
    "ursula": {"email": "ursula@acme.example", "given_name": "Ursula", "surname": "Unsigned"},
    "edgar": {"email": "edgar@acme.example", "given_name": "Edgar", "surname": "Expired"},
    "roger": {"email": "roger@acme.example", "given_name": "Roger", "surname": "Rogue"},
    "stella": {"email": "stella@acme.example", "given_name": "Stella", "surname": "Stranger"},
    "shirley": {"email": "shirley@acme.example", "given_name": "Shirley", "surname": "Sha"},
}
MODES = {
    "ursula": "unsigned",
    "edgar": "expired",
    "roger": "rogue",
    "stella": "stranger",
    "shirley": "sha1",
}


@dataclass
class SamlIdP:
    url: str
    process: subprocess.Popen
    users: dict = field(default_factory=dict)

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/metadata"

    @property
    def entity_id(self) -> str:
        return self.metadata_url

    def metadata(self) -> str:
        return requests.get(self.metadata_url, timeout=10).text

    def events(self) -> list[dict]:
        return requests.get(f"{self.url}/events", timeout=10).json()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def saml_idp() -> Iterator[SamlIdP]:
    """The test identity provider, running for the whole test session."""
    if shutil.which("xmlsec1") is None:
        pytest.fail(
            "The test SAML identity provider signs with Debian's xmlsec1, which is not "
            "installed: run scripts/ensure-services.sh (or apt-get install xmlsec1)."
        )
    if not (IDP_VENV / ".installed").exists():
        pytest.fail(
            f"The test SAML identity provider's virtualenv is missing ({IDP_VENV}): run "
            "`make .test-deps/saml-idp/.installed` (`make test` does it)."
        )
    port = _free_port()
    users = {
        name: {**person, "password": PASSWORD, "mode": MODES.get(name, "signed")}
        for name, person in USERS.items()
    }
    folder = Path(tempfile.mkdtemp(prefix="saml-idp-config-"))
    config = folder / "config.json"
    config.write_text(json.dumps({"port": port, "users": users}))
    log = (folder / "idp.log").open("w")
    process = subprocess.Popen(
        [str(IDP_PYTHON), str(HERE / "server.py"), str(config)], stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            log.flush()
            pytest.fail(f"The test SAML IdP stopped at start:\n{(folder / 'idp.log').read_text()}")
        try:
            if requests.get(f"{url}/metadata", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(
                f"The test SAML IdP did not answer within 20 s:\n{(folder / 'idp.log').read_text()}"
            )
        time.sleep(0.1)
    yield SamlIdP(url=url, process=process, users=users)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()
    shutil.rmtree(folder, ignore_errors=True)
