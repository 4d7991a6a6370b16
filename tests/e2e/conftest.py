"""A real Chromium (Debian's, through Playwright) against pytest-django's live server."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

from accounts.models import User
from pairings.models import Pairing
from tests.factories import CohortFactory, EnrolmentFactory, PairingFactory, ProfileFactory

CHROMIUM = "/usr/bin/chromium"
# Browser downloads are impossible here; these flags also keep Chromium from phoning home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    # is_mobile makes Chromium honour the viewport meta tag, as a phone does.
    "phone": {
        "viewport": {"width": 375, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}
ARTIFACTS_DIR = "test-artifacts"  # at the project root, ignored by git
CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    """Keep the test's own outcome on the item, so the page fixture knows it failed."""
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for all of tests/e2e, closed when they are done.

    Playwright's sync API keeps an asyncio loop running in the test thread while it lives, and
    Django then refuses ORM calls (tests' and fixtures' own) from that thread. So Django's check
    is off for exactly that long: set for the whole process, the variable reached the
    subprocesses of other tests (`check --deploy` fails on it), and a loop left running broke
    asyncio.run() and async_to_sync() in the tests after these.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        playwright.stop()


@pytest.fixture
def device(request: pytest.FixtureRequest) -> str:
    """Desktop unless a test asks otherwise: parametrize("device", ["phone"], indirect=True)."""
    return getattr(request, "param", "desktop")


@pytest.fixture
def browser_timezone() -> str:
    """The zone the browser reports: far from the server's UTC, so a zone taken from the
    server, not the browser, shows."""
    return "Asia/Tokyo"


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Browser, live_server, transactional_db
) -> Iterator[Callable[..., Page]]:
    """Opens a page in a browser context of its own (own cookies) on the live server, in a time
    zone and on a device; what each showed is saved under test-artifacts/ when the test fails
    (named after the test, and `who` when given), and each is closed after the test."""
    opened: list[tuple[str, Page]] = []
    refused: list[str] = []  # what the Content-Security-Policy blocked, on any page

    def new_page(timezone_id: str, *, device: str = "desktop", who: str = "") -> Page:
        context = browser.new_context(
            base_url=live_server.url, timezone_id=timezone_id, locale="en-GB", **DEVICES[device]
        )
        # A hung page should fail a test in seconds, not in Playwright's default 30.
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        opened.append((who, page))
        return page

    yield new_page
    report = request.node.stash.get(CALL_REPORT, None)
    for who, page in opened:
        if report is not None and report.failed:
            name = f"{request.node.nodeid}-{who}" if who else request.node.nodeid
            _save_artifacts(page, request.config.rootpath / ARTIFACTS_DIR, name)
        page.context.close()
    # Every journey is also a check of the policy: a blocked script or style is a broken page.
    if refused:
        pytest.fail("The Content-Security-Policy blocked:\n" + "\n".join(refused))


@pytest.fixture
def page(new_page: Callable[..., Page], device: str, browser_timezone: str) -> Page:
    return new_page(browser_timezone, device=device)


def _save_artifacts(page: Page, folder: Path, nodeid: str) -> None:
    """What the browser showed when the test failed: a screenshot and the HTML."""
    folder.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", nodeid).strip("_")
    page.screenshot(path=folder / f"{name}.png", full_page=True)
    (folder / f"{name}.html").write_text(page.content(), encoding="utf-8")


@pytest.fixture
def log_in(live_server) -> Callable[[Page, User], None]:
    """Give the browser a logged-in session, for journeys that don't test logging in."""

    def log_in(page: Page, user: User) -> None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )

    return log_in


@pytest.fixture
def open_page(
    new_page: Callable[..., Page], log_in: Callable[[Page, User], None]
) -> Callable[[str, User], Page]:
    """A logged-in browser of its own for each person (own cookies, the person's own time zone);
    what each showed is saved under test-artifacts/ when the test fails."""

    def open_page(who: str, user: User) -> Page:
        page = new_page(user.timezone, who=who)
        log_in(page, user)
        return page

    return open_page


@pytest.fixture
def bob_and_alice(transactional_db) -> Pairing:
    """Bob Okafor (London) mentors Alice Moreau (New York) in an active pairing of the
    "Spring mentoring" cohort, both enrolled; no contact agreement yet."""
    mentor = ProfileFactory(
        mentor=True,
        user__email="bob@example.org",
        user__display_name="Bob Okafor",
        user__timezone="Europe/London",
        headline="Engineering manager, backend teams",
    ).user
    mentee = ProfileFactory(
        mentee=True,
        user__email="alice@example.org",
        user__display_name="Alice Moreau",
        user__timezone="America/New_York",
        city="New York",
    ).user
    cohort = CohortFactory(name="Spring mentoring")
    EnrolmentFactory(cohort=cohort, user=mentor, role="mentor", capacity=2)
    EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    return PairingFactory(cohort=cohort, mentor=mentor, mentee=mentee)
