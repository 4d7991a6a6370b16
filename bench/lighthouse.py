"""Lighthouse 12 on the pages a newcomer meets first: accessibility and best-practices scores.

Run: `python -m bench.lighthouse` (about two minutes). It loads the demo into the benchmark
database, starts the app on 127.0.0.1 (DEBUG off, static files collected, as in production),
signs in the demo's people by session cookie, and runs Lighthouse (npm `lighthouse@12.2.3`,
fetched by npx on first use) with Debian's Chromium on: home and sign-in (a visitor), the
dashboard, the booking page and the message thread (a mentee), the cohort page (the programme
admin). It prints each page's two scores and one JSON line; the target is at least 95 for both.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import ROOT, database_url, report, setup_django

LIGHTHOUSE = "lighthouse@12.2.3"
# One key for this process (which makes the sessions) and the server (which reads them).
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"  # noqa: S105
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("accessibility", "best-practices")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _pages() -> list[tuple[str, str, str | None]]:
    """(name, path, session cookie or None) of each page measured."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.management import call_command
    from django.urls import reverse

    from accounts.mfa import user_has_second_factor
    from accounts.models import User
    from home.demo.programmes import DEMO_COHORT
    from pairings.models import Pairing
    from programmes.models import Cohort

    call_command("seed_demo", force=True, verbosity=0)
    cohort = Cohort.objects.get(name=DEMO_COHORT)
    admin = cohort.admins.first()
    if not user_has_second_factor(user=admin):
        TOTP.activate(admin, generate_totp_secret())
    pairing = Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).first()
    mentee = User.objects.get(pk=pairing.mentee_id)
    as_mentee, as_admin = _session_cookie(mentee), _session_cookie(admin)
    return [
        ("home", reverse("home"), None),
        ("sign-in", reverse("account_login"), None),
        ("dashboard", reverse("home:dashboard"), as_mentee),
        ("booking", reverse("sessions_app:book", args=[pairing.pk]), as_mentee),
        ("thread", reverse("exchange:thread", args=[pairing.pk]), as_mentee),
        ("cohort page", reverse("oversight:cohort_detail", args=[cohort.pk]), as_admin),
    ]


def _lighthouse(url: str, cookie: str | None, out: Path) -> dict:
    """The page's score in each category, and the weighted audits it does not pass."""
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": f"sessionid={cookie}"}))
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    result = json.loads(out.read_text())
    if result["finalDisplayedUrl"] != url:  # sent to sign in, say: not the page we meant
        raise RuntimeError(f"{url} ended on {result['finalDisplayedUrl']}")
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    failing = sorted(
        ref["id"]
        for name in CATEGORIES
        for ref in result["categories"][name]["auditRefs"]
        if ref["weight"] and result["audits"][ref["id"]]["score"] not in (None, 1)
    )
    return {**scores, "failing": failing}


def main() -> None:
    os.environ["SECRET_KEY"] = SECRET_KEY
    setup_django(fresh=True)
    pages = _pages()
    port = _free_port()
    static_root = tempfile.mkdtemp(prefix="lighthouse-static-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "mentoring.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": static_root,
        # Plain http on loopback: no redirect to https, and no cookie marked https-only.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_HSTS_PRELOAD": "0",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        scores: dict[str, dict] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for name, path, cookie in pages:
                out = Path(tmp) / "report.json"
                scores[name] = _lighthouse(f"http://127.0.0.1:{port}{path}", cookie, out)
    finally:
        server.terminate()
        server.wait()
    rows = [
        (
            name,
            " · ".join(f"{category} {page[category]}" for category in CATEGORIES)
            + (f" (failing: {', '.join(page['failing'])})" if page["failing"] else ""),
        )
        for name, page in scores.items()
    ]
    lowest = {c: min(page[c] for page in scores.values()) for c in CATEGORIES}
    report(
        "lighthouse",
        rows,
        {
            "pages": scores,
            "lowest": lowest,
            "target_met": all(score >= 95 for score in lowest.values()),
        },
    )


if __name__ == "__main__":
    main()
