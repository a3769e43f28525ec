"""Browser-test fixtures: Playwright (sync API) driving Debian's chromium against the live server.

Loaded for the whole suite by the root conftest (`pytest_plugins`). A browser test:

    pytestmark = [
        pytest.mark.browser,
        pytest.mark.django_db(transaction=True, serialized_rollback=True),
    ]

    def test_something(page, live_server):
        log_in(page, "wang.tech", "greenit-demo")
        page.goto("/assets/intake/")

`page` is a fresh browser context per test whose base URL is the live server, so relative
URLs work in `page.goto`. `serialized_rollback` matters: the live server needs a transactional
database, whose flush after each test also empties the rows the migrations created (the role
groups); serialized rollback puts them back for the next test.

Playwright's sync API keeps an asyncio loop running in the main thread for as long as the
browser is open, so the tests marked `browser` are moved to the end of the run: the other
tests never see that loop (nor DJANGO_ALLOW_ASYNC_UNSAFE, which the browser fixture sets so
that the test itself may use the ORM while the loop runs)."""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a slow CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last (stable sort: pytest-django's database ordering is kept otherwise)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM}, which is missing. "
            "`make test` installs it when run as root; otherwise: sudo apt-get install chromium",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "Browser tests need Playwright: .venv/bin/pip install -e '.[dev]' (or `make test`)",
            pytrace=False,
        )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Playwright's sync API runs an event loop in the main thread; Django refuses ORM calls
    # from a thread with a running loop unless told this is safe (here it is: the loop only
    # drives the browser).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A page in a new browser context (own cookies) on the live server; closed afterwards.

    JavaScript errors and Content Security Policy violations (an inline script, handler or
    style the browser refused) on the page fail the test (at teardown, with the messages)."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(f"{new_page.url}: {error}"))
    violations = csp_violations(new_page)
    yield new_page
    context.close()
    if errors:
        pytest.fail("JavaScript errors in the page:\n" + "\n".join(errors), pytrace=False)
    if violations:
        pytest.fail(
            "Content Security Policy violations (move the script or style into a static file):\n"
            + "\n".join(violations),
            pytrace=False,
        )


# Each violation of the Content Security Policy, as the page itself sees it: the event names
# the directive and what was blocked. (Chromium's own "Refused to …" lines are browser log
# entries, which Playwright's console event does not carry; the event does, for every kind.)
_REPORT_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` in ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
    + (event.sample ? ` (${event.sample})` : ""));
});"""


def csp_violations(page) -> list[str]:
    """A list that fills with every Content Security Policy violation on `page` from now on,
    one line each, naming the page's path; clear it to start counting again."""
    found: list[str] = []
    page.add_init_script(_REPORT_CSP_VIOLATIONS)

    def on_console(message) -> None:
        text = message.text
        if message.type == "error" and text.startswith("CSP violation:"):
            line = f"{urlsplit(page.url).path}: {text[:400]}"
            if line not in found:
                found.append(line)

    page.on("console", on_console)
    return found


def log_in(page, username: str, password: str) -> None:
    """Log in through the real form at /accounts/login/; fails with the page's message if the
    login is refused."""
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("[name=username]").fill(username)
    form.locator("[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    if "/accounts/login/" in page.url:
        message = page.locator(".form-errors, .errors").all_inner_texts()
        raise AssertionError(f"Login as {username} failed: {' '.join(message) or page.url}")
