"""The portal in a real browser: log in, see parcels on the map, search an
owner, open the parcel and its vertex table.

Drives Debian's Chromium through Playwright (never `playwright install`);
screenshots for people go to `test-results/`.
"""

from pathlib import Path

import pytest

from lis.portal.tests.fixtures.cadastre import small_town

CHROMIUM = Path("/usr/bin/chromium")
RESULTS = Path(__file__).resolve().parents[3] / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 30_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at /usr/bin/chromium "
        "(`make test` installs it)",
    ),
]


@pytest.fixture
def town(live_server, officer):
    # Data first: Django refuses database calls while Playwright's event
    # loop runs in this thread.
    return small_town()


@pytest.fixture
def browser_page(town):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.set_default_timeout(WAIT_MS)
        yield page, errors
        browser.close()


def test_officer_finds_owner_on_map_and_reads_vertex_table(
    live_server, town, browser_page
):
    first = town["first"]
    page, errors = browser_page
    RESULTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "canbo")
    page.fill("#id_password", "Mat-khau-thu-1")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_selector('#map[data-ready="true"]')

    assert int(page.get_attribute("#map", "data-parcel-features")) >= 3
    assert page.evaluate("window.lisMap.view.getZoom()") >= 14
    assert page.is_hidden("#zoom-hint")

    page.fill("#map-search-q", "nguyen van")
    page.press("#map-search-q", "Enter")
    result = page.wait_for_selector(f'button.result[data-parcel-id="{first.pk}"]')
    assert "25198/1/1" in result.inner_text()
    assert "Nguyễn Văn An" in result.inner_text()

    result.click()
    page.wait_for_selector(f'#parcel-card[data-parcel-id="{first.pk}"]:not([hidden])')
    assert page.inner_text("#parcel-card h2") == "25198/1/1"
    assert page.evaluate("window.lisMap.state.selectedId") == first.pk
    page.wait_for_timeout(500)
    page.screenshot(path=str(RESULTS / "portal-map.png"))

    page.click("#parcel-card a.button-primary")
    page.wait_for_url(f"{live_server.url}/parcels/{first.pk}")
    page.wait_for_selector("table.vertex-table tbody tr")
    rows = page.locator("table.vertex-table tbody tr")
    assert rows.count() == 4
    assert rows.nth(0).locator("td").nth(1).inner_text() == "1275725,000"
    assert rows.nth(0).locator("td").nth(2).inner_text() == "568900,000"
    page.wait_for_selector('#parcel-map[data-ready="true"]')
    page.screenshot(path=str(RESULTS / "portal-parcel.png"), full_page=True)

    assert errors == []
