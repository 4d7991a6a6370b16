"""A right-to-left language lays the pages out from the right. Arabic is switched on here for
the layout only (as PREVIEW_LANGUAGES=ar does): there is no Arabic catalogue, so the words stay
English while the direction, the header and the navigation flip."""

from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Page

from accounts.models import User
from tests.e2e.conftest import ARTIFACTS_DIR
from tests.factories import ProfileFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def arabic_offered(settings) -> None:
    settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "العربية")]


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not on the page"
    return found


def assert_laid_out_right_to_left(page: Page, screenshot: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand, links = (
        box(page, ".site-header .brand"),
        box(page, ".site-header .bar > .site-nav .nav-account"),
    )
    # The brand starts the header: on the right, with the links to its left.
    assert brand["x"] >= links["x"] + links["width"] - 1
    width = page.viewport_size["width"]
    assert brand["x"] + brand["width"] > width / 2
    main = box(page, "main h1")
    assert main["x"] + main["width"] > width / 2  # headings start at the right edge too
    # Nothing pushed off the left edge (a skip link at left: -999px did that).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    folder = django_settings.BASE_DIR / ARTIFACTS_DIR
    folder.mkdir(exist_ok=True)
    page.screenshot(path=folder / screenshot, full_page=True)


def test_a_visitor_choosing_arabic_sees_the_page_right_to_left(
    arabic_offered, new_page: Callable[..., Page], live_server
):
    page = new_page("Europe/London")
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url}]
    )
    page.goto("/")

    assert_laid_out_right_to_left(page, "rtl-home.png")


def test_a_person_whose_language_is_arabic_sees_their_pages_right_to_left(
    arabic_offered, open_page: Callable[[str, User], Page]
):
    person = ProfileFactory(
        mentee=True,
        user__email="layla@example.org",
        user__display_name="Layla",
        user__language="ar",
    ).user
    page = open_page("layla", person)
    page.goto("/dashboard/")

    assert_laid_out_right_to_left(page, "rtl-dashboard.png")
