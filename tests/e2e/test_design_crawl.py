"""Every page of the demo, as each persona (a mentee, her mentor, the programme admin), at a
phone's 390 px (light mode) and a laptop's 1280 px (dark mode): nothing scrolls sideways, nothing
answers with a server error, and axe-core finds no serious or critical accessibility problem.

The crawl follows the same-origin links each page shows (GET only), skipping sign-out, downloads,
exports and the Django admin (not our look). Pages that differ only in ids or query values count
once, so the sorted and filtered variants of one table are not all visited."""

import re
from collections import deque
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from accounts.models import User
from pairings.models import Pairing
from tests.factories import second_factor_add

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / ".test-deps/node_modules/axe-core/axe.min.js"
WIDTHS = {"phone": 390, "desktop": 1280}
MAX_PAGES = 70  # per persona: the demo has fewer distinct pages than this
SKIP = re.compile(
    r"/accounts/logout|/admin/|/export|/download|\.csv|\.ics|/feed|/calendar\.|/branding|"
    r"/healthz|/2fa/.*/(deactivate|regenerate)|/delete|"
    r"/api/(docs|schema)/"  # Swagger UI, not our look: tests/api/test_schema.py checks it
)


# Pages a persona's crawl must reach from the links it follows.
MUST_REACH = {
    "admin": {
        "/organisations/",
        "/organisations/northwind/",
        "/organisations/northwind/sign-in/",
        "/organisations/northwind/provisioning/",
        "/api/organisations/northwind/tokens/",
        "/programmes/cohorts/N/chat/",  # pages with ids are known by their shape (_shape)
        "/organisations/northwind/webhooks/",
    },
    "mentee": {"/api/tokens/"},
}


def _shape(url: str) -> str:
    """One key for pages of the same kind: ids become N, query values are dropped."""
    parts = urlsplit(url)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def _links(page: Page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _check(page: Page, path: str, problems: list[str]) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    if widths["scroll"] > widths["inner"]:
        problems.append(f"{path} at {widths['inner']} px is {widths['scroll']} px wide")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: no CSP exception needed
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.id} (${v.impact}): ` +
                 v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))"""
    )
    problems.extend(f"{path} at {widths['inner']} px: {v}" for v in violations)


def _crawl(new_page: Callable[..., Page], log_in, live_server, who: str, user: User) -> list[str]:
    pages = {}
    for device, width in WIDTHS.items():
        page = new_page(user.timezone, device="desktop", who=f"{who}-{device}")
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, user)
        # The laptop in dark mode, the phone in light: both palettes meet axe's contrast rules.
        page.emulate_media(color_scheme="dark" if device == "desktop" else "light")
        pages[device] = page
    problems: list[str] = []
    queue = deque(["/dashboard/"])
    seen = {_shape("/dashboard/")}
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        visited += 1
        for device, page in pages.items():
            response = page.goto(path)
            if response is not None and response.status >= 500:
                problems.append(f"{path}: {response.status}")
                continue
            _check(page, path, problems)
            if device == "desktop":
                for link in _links(page, live_server.url):
                    if _shape(link) not in seen:
                        seen.add(_shape(link))
                        queue.append(link)
    assert visited >= 10, f"{who}: only {visited} pages reached"
    unreached = MUST_REACH.get(who, set()) - seen
    assert not unreached, f"{who} never reached {sorted(unreached)}"
    print(f"{who}: {visited} pages crawled at {', '.join(map(str, WIDTHS.values()))} px")
    return problems


@pytest.fixture
def demo(transactional_db) -> dict[str, User]:
    call_command("seed_demo", force=True)
    pairing = Pairing.objects.filter(status=Pairing.Status.ACTIVE).order_by("pk").first()
    admin = User.objects.get(email="admin@demo.mentoring.example")
    second_factor_add(admin)
    return {"mentee": pairing.mentee, "mentor": pairing.mentor, "admin": admin}


def test_every_demo_page_fits_a_phone_and_a_laptop_and_passes_axe(
    new_page, log_in, live_server, demo
) -> None:
    assert AXE.exists(), "axe-core is missing: `make test` installs it (npm, into .test-deps/)"
    problems = []
    for who, user in demo.items():
        problems += _crawl(new_page, log_in, live_server, who, user)
    assert not problems, "\n".join(problems)
