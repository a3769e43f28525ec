"""Every page each kind of user can reach, in both languages, checked with axe in chromium.

For each role (and anonymous) and each language, a crawl starts at the home page and follows
same-origin links, visiting one URL per Django view (so one asset page stands for all of
them). On every page: no axe violations, exactly one <h1>, one <main>, <html lang> matching
the language, the skip link as the first stop of the Tab key, and no aria-describedby pointing
to nothing, and no violation of the Content Security Policy (an inline script or style the
browser refused). The donation form and the intake screen are also submitted empty once, so
their error states are checked too, and one device is moved a step on, for the message after
it."""

import io
import time
from collections import deque
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from greenit.core.tests.browser import csp_violations, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "greenit-demo"
ROLES = [
    None,
    "admin",
    "li.logistics",
    "wang.tech",
    "chen.pm",
    "zhao.donor",
    "sun.bank",
    "liu.school",
    "zhou.volunteer",
]
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/")
SKIP_VIEWS = {"accounts:logout", "set_language"}

# Views the crawl must reach: a crawl that stops early (a failed login, a broken menu)
# would otherwise pass with nothing checked.
STAFF_VIEWS = {
    "home:home",
    "enquiries:inbox",
    "enquiries:detail",
    "donations:list",
    "donations:detail",
    "assets:list",
    "assets:detail",
    "assets:labels",
    "accounts:tokens",
    "donations:pickups",
    "donations:pickup",
    "donations:day_sheet",
    "collection:list",
    "collection:detail",
    "collection:public",
    "imports:list",
    "imports:new",
    "imports:detail",
    "imports:reconcile",
    "recycling:list",
    "recycling:detail",
    "recycling:recyclers",
    "recycling:downstream",
    "donations:receipts",
}
INTAKE_VIEWS = STAFF_VIEWS | {"donations:create", "assets:intake", "assets:edit"}
SANITIZATION_VIEWS = {
    "evidence:upload",
    "evidence:waiting",
    "evidence:merge",
    "sanitization:queue",
    "sanitization:asset",
    "sanitization:donation",
    "sanitization:certificates",
    "sanitization:verify",
    "sanitization:verify_upload",
}
LOGISTICS_VIEWS = INTAKE_VIEWS | {
    "donations:receipt",
    "donations:pickup_schedule",
    "donations:pickup_collect",
    "collection:empty",
    "collection:new",
    "collection:edit",
}
DONOR_VIEWS = {
    "home:home",
    "donations:list",
    "donations:detail",
    "donations:create",
    "donations:pickups",
    "donations:pickup",
    "imports:list",
    "imports:new",
}
CLASSROOM_PUBLIC_VIEWS = {
    "contact:contact",
    "classrooms:public_list",
    "classrooms:public_detail",
    "classrooms:apply",
}
CLASSROOM_CONTACT_VIEWS = {"classrooms:projects", "classrooms:project"}
CLASSROOM_STAFF_VIEWS = CLASSROOM_CONTACT_VIEWS | {
    "classrooms:applications",
    "classrooms:application",
    "classrooms:public_list",
    "classrooms:public_detail",
}
CLASSROOM_MANAGER_VIEWS = CLASSROOM_STAFF_VIEWS | {
    "classrooms:project_new",
    "classrooms:project_edit",
}
MUST_REACH = {
    None: {"home:home", "accounts:login", "donate:offer"} | CLASSROOM_PUBLIC_VIEWS,
    "admin": STAFF_VIEWS | SANITIZATION_VIEWS,
    "li.logistics": LOGISTICS_VIEWS | CLASSROOM_STAFF_VIEWS,
    "wang.tech": INTAKE_VIEWS | SANITIZATION_VIEWS,
    "chen.pm": STAFF_VIEWS | CLASSROOM_MANAGER_VIEWS,
    # East Auto's asset list and certificates are in the demo.
    "zhao.donor": DONOR_VIEWS
    | {
        "imports:detail",
        "imports:reconcile",
        "sanitization:certificates",
        "sanitization:verify",
        "donations:receipts",
        "donations:receipt",
    },
    "sun.bank": DONOR_VIEWS | CLASSROOM_CONTACT_VIEWS,
    "liu.school": {"home:home", "assets:list", "support:new"} | CLASSROOM_CONTACT_VIEWS,
}

_axe = Axe()
# axe passes aria-describedby="a b" when "a" exists and "b" does not; a field whose error
# message id is wrong is read without its error, so every id is checked here.
MISSING_ARIA_REFERENCES = """() => {
  const missing = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) missing.push(`${el.id || el.tagName}[${attr}=${id}]`);
      }
    }
  }
  return missing;
}"""
RESET_FOCUS = """() => {
  if (document.activeElement && document.activeElement !== document.body) {
    document.activeElement.blur();
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute("tabindex");
  }
}"""

# Refurbishment (technicians) and support (every member of staff; a school contact sees its
# classroom and tickets).
REFURBISHMENT_VIEWS = {
    "refurbishment:queue",
    "refurbishment:asset",
    "refurbishment:kits",
    "refurbishment:kit_add",
    "refurbishment:kit_edit",
}
SUPPORT_VIEWS = {"support:home", "support:ticket"}
# The offers queue is in the menus of those who decide on offers only.
for _role in ("admin", "li.logistics"):
    MUST_REACH[_role] = MUST_REACH[_role] | {"donations:offers"}
for _role, _views in {
    "admin": REFURBISHMENT_VIEWS | SUPPORT_VIEWS,
    "wang.tech": REFURBISHMENT_VIEWS | SUPPORT_VIEWS,
    "chen.pm": SUPPORT_VIEWS,
    "li.logistics": SUPPORT_VIEWS,
    "liu.school": SUPPORT_VIEWS | {"support:new"},
}.items():
    MUST_REACH[_role] = MUST_REACH[_role] | _views

# Impact: the public dashboard and methodology for everyone; reports for managers,
# administrators and the demo's donor and sponsor contacts (each has an issued report).
IMPACT_PUBLIC_VIEWS = {"impact:dashboard", "impact:methodology"}
IMPACT_REPORT_VIEWS = {"impact:reports", "impact:report", "impact:disclosure"}
IMPACT_STAFF_VIEWS = {"impact:mass_balance", "impact:donor_devices"}
for _role, _views in {
    None: IMPACT_PUBLIC_VIEWS,
    "admin": IMPACT_PUBLIC_VIEWS | IMPACT_REPORT_VIEWS | IMPACT_STAFF_VIEWS | {"impact:factors"},
    "chen.pm": IMPACT_PUBLIC_VIEWS | IMPACT_REPORT_VIEWS | IMPACT_STAFF_VIEWS,
    "zhao.donor": IMPACT_PUBLIC_VIEWS | IMPACT_REPORT_VIEWS | {"impact:donor_devices"},
    "sun.bank": IMPACT_PUBLIC_VIEWS | IMPACT_REPORT_VIEWS,
    "liu.school": IMPACT_PUBLIC_VIEWS,
}.items():
    MUST_REACH[_role] = MUST_REACH[_role] | _views


# Volunteering: the public pages and sign-up form, a volunteer's own page, the staff pages
# (rosters and attendance also for logistics), and a company contact's volunteer hours.
VOLUNTEER_PUBLIC_VIEWS = {
    "volunteers:public_list",
    "volunteers:opportunity",
    "volunteers:signup",
}
VOLUNTEER_STAFF_VIEWS = {
    "volunteers:manage_list",
    "volunteers:manage",
    "volunteers:roster",
    "volunteers:attendance",
    "volunteers:reports",
}
VOLUNTEER_MANAGER_VIEWS = VOLUNTEER_STAFF_VIEWS | {
    "volunteers:opportunity_new",
    "volunteers:opportunity_edit",
}
MUST_REACH["zhou.volunteer"] = {"home:home", "volunteers:me"} | VOLUNTEER_PUBLIC_VIEWS
for _role, _views in {
    None: VOLUNTEER_PUBLIC_VIEWS,
    "admin": VOLUNTEER_MANAGER_VIEWS,
    "chen.pm": VOLUNTEER_MANAGER_VIEWS,
    "li.logistics": VOLUNTEER_STAFF_VIEWS,
    "sun.bank": {"volunteers:company"},
    "zhao.donor": {"volunteers:company"},
}.items():
    MUST_REACH[_role] = MUST_REACH[_role] | _views
# After delivery: inventory checks and company teams.
for _role, _views in {
    "admin": {"classrooms:checks", "classrooms:check", "volunteers:waivers"},
    "chen.pm": {"classrooms:checks", "classrooms:check", "volunteers:waivers"},
    "li.logistics": {"classrooms:checks", "classrooms:check"},
    "liu.school": {"classrooms:check", "support:check"},
    "sun.bank": {"volunteers:team", "volunteers:team_join", "volunteers:team_new"},
}.items():
    MUST_REACH[_role] = MUST_REACH[_role] | _views

# Personal information: the public notice and request form, the administrators' pages (the
# pages that need a person or a photo: privacy/tests/test_privacy_browser.py).
PRIVACY_PUBLIC_VIEWS = {"privacy:notice", "privacy:ask"}
for _role in MUST_REACH:
    MUST_REACH[_role] = MUST_REACH[_role] | {"privacy:notice"}
MUST_REACH[None] = MUST_REACH[None] | PRIVACY_PUBLIC_VIEWS
MUST_REACH["admin"] = MUST_REACH["admin"] | {
    "privacy:requests",
    "privacy:person",
    "privacy:retention",
}


@pytest.fixture
def demo_data():
    call_command("demo", devices=40, stdout=io.StringIO())


def _axe_report(violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(
            f"  axe {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {', '.join(map(str, node['target']))}: {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more elements")
    return lines


def _check_page(page, *, lang: str, check_tab: bool = True) -> list[str]:
    """Everything wrong with the page as it is now, one line per problem."""
    problems = []
    if check_tab:
        # Start the Tab sequence from the top of the document, whatever a script focused
        # (the intake screen puts the cursor in the serial field): blur() alone would leave
        # chromium's Tab starting point at the blurred field.
        page.evaluate(RESET_FOCUS)
        page.keyboard.press("Tab")
        href = page.evaluate(
            "document.activeElement && document.activeElement.getAttribute('href')"
        )
        if href != "#main":
            focused = page.evaluate("document.activeElement && document.activeElement.outerHTML")
            problems.append(f"  first Tab stop is not the skip link to #main but {focused!r:.200}")
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"  {headings} <h1> elements, not one")
    mains = page.locator("main, [role=main]").count()
    if mains != 1:
        problems.append(f"  {mains} main landmarks, not one")
    html_lang = page.locator("html").get_attribute("lang")
    if html_lang != HTML_LANG[lang]:
        problems.append(f"  <html lang={html_lang!r}>, expected {HTML_LANG[lang]!r}")
    for reference in page.evaluate(MISSING_ARIA_REFERENCES):
        problems.append(f"  {reference} points to no element on the page")
    problems += _axe_report(_axe.run(page).response["violations"])
    return problems


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        url = urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != origin:
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def _submit_donation_form_empty(page) -> bool:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".form-errors").count(), "the empty donation form showed no errors"
    return True


def _submit_guest_signup_empty(page) -> bool:
    """A guest's sign-up form sent empty (someone logged in would really sign up)."""
    if not page.locator("#id_name").count():
        return False
    return _submit_donation_form_empty(page)


def _submit_intake_empty(page) -> bool:
    # Skip the browser's own check of required fields, so that the server's answer shows.
    page.evaluate("document.getElementById('intake-form').noValidate = true")
    page.select_option("#id_donation", "")
    page.locator("#id_serial").fill("")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.locator("#intake-form button[type=submit]").click()
    page.locator("#intake-announcement .scan-result.error").wait_for()
    return True


def _record_next_step(page) -> bool:
    """Moves the device one step on, for the message shown afterwards (if this user may)."""
    form = page.locator("form[action$='/transition/']")
    if not form.count():
        return False
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.locator(".messages").wait_for()
    return True


# A second state of some pages, checked after the page itself: (what, action, check Tab).
SECOND_STATES = {
    "donations:create": ("empty form sent", _submit_donation_form_empty, True),
    "donate:offer": ("empty form sent", _submit_donation_form_empty, True),
    "donations:pickup_collect": ("empty form sent", _submit_donation_form_empty, True),
    "collection:empty": ("empty form sent", _submit_donation_form_empty, True),
    "imports:new": ("empty form sent", _submit_donation_form_empty, True),
    "volunteers:signup": ("empty form sent", _submit_guest_signup_empty, True),
    "volunteers:opportunity_new": ("empty form sent", _submit_donation_form_empty, True),
    "contact:contact": ("empty form sent", _submit_donation_form_empty, True),
    "classrooms:apply": ("empty form sent", _submit_donation_form_empty, True),
    # The focus stays in the serial field after a scan, so the Tab check does not apply.
    "assets:intake": ("empty form sent", _submit_intake_empty, False),
    "assets:detail": ("after moving the device", _record_next_step, True),
}


def _crawl(page, *, origin: str, lang: str) -> tuple[set[str], list[str], list[str]]:
    """Visits one URL per view reachable from "/"; returns the views, problems and notes."""
    violations = csp_violations(page)
    queue = deque(["/"])
    seen_paths: set[str] = set()
    seen_views: set[str] = set()
    problems: list[str] = []
    notes: list[str] = []
    while queue:
        path = queue.popleft()
        if path in seen_paths:
            continue
        seen_paths.add(path)
        bare_path, _, query = path.partition("?")
        if bare_path.startswith(SKIP_PREFIXES) or bare_path.lower().endswith((".pdf", ".csv")):
            continue
        try:
            view = resolve(bare_path).view_name
        except Resolver404:
            problems.append(f"{path}: linked, but no URL pattern matches it")
            continue
        if view in SKIP_VIEWS or view in seen_views:
            continue
        if view == "assets:labels" and query:
            continue  # the PDF itself; the form without a query string is checked
        seen_views.add(view)
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            # Files other than re-encoded images are sent as attachments (core.files.serve):
            # the browser downloads them instead of showing a page.
            if "Download is starting" not in str(error):
                raise
            notes.append(f"{path} ({view}): a download (attachment), not checked")
            continue
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith("text/html"):
            notes.append(f"{path} ({view}): not HTML ({content_type}), not checked")
            continue
        if response.status >= 500:
            problems.append(f"{path} ({view}): HTTP {response.status}")
            continue
        if response.status != 200:
            notes.append(f"{path} ({view}): HTTP {response.status} for a link on a page")
        links = _links(page, origin)
        page_problems = _check_page(page, lang=lang)
        if response.status == 200 and view in SECOND_STATES:
            what, action, check_tab = SECOND_STATES[view]
            if action(page):
                page_problems += [
                    f"  ({what}) {problem.strip()}"
                    for problem in _check_page(page, lang=lang, check_tab=check_tab)
                ]
        # After the second state too: what htmx swapped in is held to the same policy.
        page_problems += [f"  CSP: {violation}" for violation in violations]
        violations.clear()
        if page_problems:
            problems.append(f"{path} ({view}):")
            problems += page_problems
        queue.extend(link for link in links if link not in seen_paths)
    return seen_views, problems, notes


def _switch_language(page, lang: str) -> None:
    """Through the language form in the page header, as a person would."""
    page.goto("/")
    if page.locator("html").get_attribute("lang") == HTML_LANG[lang]:
        return
    page.select_option("#language-select", lang)
    with page.expect_navigation():
        page.locator("form.language button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == HTML_LANG[lang]


# One test per role crawls in both languages: loading the demo is most of a test's time.
@pytest.mark.parametrize("username", ROLES, ids=lambda name: name or "anonymous")
def test_every_reachable_page_is_accessible(page, live_server, demo_data, username):
    if username:
        log_in(page, username, PASSWORD)
    failures = []
    for lang in HTML_LANG:
        started = time.monotonic()
        _switch_language(page, lang)
        views, problems, notes = _crawl(page, origin=live_server.url, lang=lang)
        print(
            f"{username or 'anonymous'} [{lang}]: {len(views)} pages in "
            f"{time.monotonic() - started:.1f}s: {', '.join(sorted(views))}"
        )
        for note in notes:
            print("  note:", note)
        if problems:
            failures.append(f"{username or 'anonymous'} [{lang}]:\n" + "\n".join(problems))
        missing = MUST_REACH[username] - views
        if missing:
            failures.append(
                f"[{lang}] the crawl never reached {sorted(missing)}; it saw {sorted(views)}"
            )
    assert not failures, "\n\n".join(failures)
