"""The pages the accessibility crawl does not visit, under the Content Security Policy in
chromium: the API docs (Swagger UI from django-ninja's static files) and Django's admin. The
`page` fixture fails the test on any violation the browser reports."""

import pytest
from playwright.sync_api import expect

from greenit.accounts.models import User
from greenit.core.tests.browser import csp_violations, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_api_docs_render_from_our_static_files_under_the_policy(page, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    violations = csp_violations(page)
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("greenit API")
    # Open one operation: the parameters and responses render too.
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock.is-open .responses-wrapper").first).to_be_visible()
    page.locator(".try-out__btn").first.click()
    expect(page.locator(".opblock.is-open .execute").first).to_be_visible()
    assert violations == []
    foreign = [url for url in requested if not url.startswith(live_server.url)]
    assert not foreign, f"the docs fetched from elsewhere: {foreign}"
    assert any(url.endswith("/static/ninja/swagger-ui-bundle.js") for url in requested)


def test_the_admin_works_under_the_policy(page, live_server):
    root = User.objects.create_superuser("root", "root@example.org", "root-Pa55word!")
    violations = csp_violations(page)
    log_in(page, "root", "root-Pa55word!")
    for path in [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{root.pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/accounts/organisation/add/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("#content h1, #site-name").first).to_be_visible()
    # The admin's own scripts run: the user list's "select all" box ticks every row.
    page.goto("/admin/accounts/user/")
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select").first).to_be_checked()
    assert violations == []


INLINE_PAGE = """<!doctype html><html lang="en"><head><title>t</title>
<style>p { color: red }</style></head><body>
<script>document.title = "ran";</script>
<p style="color: blue">styled</p>
<button onclick="document.title = 'clicked'">x</button>
<img src="https://example.org/pixel.png" alt="">
</body></html>"""


def test_the_violation_watch_sees_each_kind_of_inline_code(browser, live_server):
    """What the crawl and the `page` fixture rely on: served with greenit's own policy, an
    inline script, style element, style attribute, event handler and foreign image are each
    refused and reported (in a context of its own, so the fixture does not fail)."""
    from django.test import Client

    policy = Client().get("/").headers["Content-Security-Policy"]
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        violations = csp_violations(page)
        page.route(
            "**/inline-test/",
            lambda route: route.fulfill(
                body=INLINE_PAGE,
                content_type="text/html",
                headers={"Content-Security-Policy": policy},
            ),
        )
        page.goto("/inline-test/")
        page.locator("button").click()
        page.wait_for_timeout(200)
        assert page.title() == "t", "the inline script or handler ran"
    finally:
        context.close()
    report = "\n".join(violations)
    for directive in ["script-src", "style-src", "img-src"]:
        assert directive in report, report
    assert len({line for line in violations if "CSP violation:" in line}) >= 5, report
