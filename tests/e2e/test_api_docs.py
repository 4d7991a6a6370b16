"""The API's documentation in a real browser: Swagger UI, from this site's own files, shows the
operations, and the Content-Security-Policy blocks nothing (the new_page fixture fails the
test on any violation)."""

import pytest

pytestmark = pytest.mark.e2e


def test_the_api_docs_show_the_operations_without_a_csp_violation(new_page, live_server):
    page = new_page("Europe/London")
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if request.url.startswith("http") and not request.url.startswith(live_server.url)
            else None
        ),
    )

    page.goto("/api/docs/")

    page.locator(".opblock-summary-path", has_text="/api/v1/me/").wait_for()
    assert page.locator(".opblock").count() >= 1
    assert "Mentoring API" in page.locator(".info .title").inner_text()
    assert not outside, f"the docs reached outside the site: {outside}"
