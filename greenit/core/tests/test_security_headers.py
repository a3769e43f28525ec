"""The boundary's headers: every answer carries a Content Security Policy that runs no inline
script, with nosniff, a Referrer-Policy, no framing and a Cross-Origin-Opener-Policy; HSTS
only over HTTPS; the templates keep to the policy; and the production environment documented
in docs/settings.md passes `check --deploy` without a warning and redirects plain HTTP."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(django_settings.BASE_DIR).parent
SETTINGS_DOC = ROOT / "docs" / "settings.md"


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} answered without a Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# Anonymous pages, the API's docs and schema, the admin's login, an error page, a redirect.
PUBLIC_PATHS = [
    "/",
    "/accounts/login/",
    "/impact/",
    "/donate/",
    "/contact/",
    "/api/docs",
    "/api/openapi.json",
    "/admin/login/",
    "/no-such-page/",
    "/donations/",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_every_answer_carries_a_policy_without_inline_script_and_the_other_headers(
    client, db, path
):
    response = client.get(path)
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"], "scripts only from our own files"
    assert policy["style-src"] == ["'self'"], "styles only from our own files"
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} & {
        value for values in policy.values() for value in values
    }
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    # Development and the tests are plain HTTP: no HSTS there.
    assert "Strict-Transport-Security" not in response.headers


def test_pages_of_a_logged_in_user_carry_the_policy_too(client, ada):
    client.force_login(ada)
    for path in ["/", "/assets/", "/assets/intake/", "/admin/", "/accounts/tokens/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _policy(response)["script-src"] == ["'self'"], path


def test_the_api_docs_load_swagger_ui_from_our_own_static_files(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources), sources
    assert any(s.endswith("swagger-ui.css") for s in sources), sources
    foreign = [s for s in sources if not s.startswith("/static/")]
    assert not foreign, f"the docs load from elsewhere than our static files: {foreign}"
    # The swagger settings are data (application/json), read by ninja's swagger-ui-init.js.
    assert re.search(r"<script\b(?![^>]*\b(?:src|type=\"application/json\"))", html) is None


# ---- the templates keep to the policy -----------------------------------------------------

TEMPLATE_ROOT = Path(django_settings.BASE_DIR)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
_RULES = [
    (
        re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/json)", re.I),
        "inline <script>",
    ),
    (re.compile(r"<style\b", re.I), "inline <style> (use a stylesheet)"),
    (re.compile(r"javascript:", re.I), "javascript: address"),
]
_ATTRIBUTE_RULES = [
    (re.compile(r"\son[a-z]+\s*=", re.I), "on… event attribute (use greenit.js)"),
    (re.compile(r"\shx-on\b", re.I), "hx-on (htmx evaluates it as script)"),
    (re.compile(r"\shx-vars\s*=|\shx-vals\s*=\s*[\"']\s*js:", re.I), "htmx js: value"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute (use a class)"),
]


_COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


def policy_breaches(source: str) -> list[str]:
    """What in a template the Content Security Policy would refuse, one line each (template
    comments aside)."""
    source = _COMMENTS.sub("", source)
    found = [what for rule, what in _RULES if rule.search(source)]
    for tag in _TAG.findall(source):
        found += [f"{what}: {tag[:80]}" for rule, what in _ATTRIBUTE_RULES if rule.search(tag)]
    return found


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<SCRIPT type="module">import("x")</SCRIPT>',
        '<button onclick="window.print()">Print</button>',
        '<img src="x" ONERROR = "alert(1)">',
        "<body onload='go()'>",
        '<form hx-post="/x" hx-on::after-request="reset()">',
        "<div hx-vals='js:{a: 1}'>",
        '<a href="javascript:void(0)">x</a>',
        '<p style="color: red">x</p>',
        '<div class="label"\n     style="left: {{ x }}mm">',
        "<style>p { color: red }</style>",
    ],
)
def test_the_template_check_finds_each_kind_of_inline_code(snippet):
    assert policy_breaches(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/greenit/greenit.js" defer></script>',
        '<script type="application/json" id="data">{"a": 1}</script>',
        '<button type="button" data-print>Print</button>',
        '<div hx-get="/x" hx-trigger="every 2s" hx-swap="outerHTML">',
        '<a href="/donations/" data-onclick="no">Donations</a>',
        "<p>Press Enter once the serial is in; style is ours.</p>",
        "{# no <script> here, no style= either #}",
        "{% comment %}<script>alert(1)</script>{% endcomment %}",
    ],
)
def test_the_template_check_lets_pass_what_the_policy_allows(snippet):
    assert policy_breaches(snippet) == []


def _page_templates() -> list[Path]:
    """Every template a browser may be sent; the *.pdf.html ones only go through WeasyPrint
    into a PDF (no browser, no policy: their positions and QR codes stay inline)."""
    return sorted(
        path
        for path in TEMPLATE_ROOT.rglob("templates/**/*.html")
        if not path.name.endswith(".pdf.html")
    )


def test_the_template_finder_sees_the_base_and_the_intake_screen():
    names = {path.relative_to(TEMPLATE_ROOT).as_posix() for path in _page_templates()}
    assert {"templates/base.html", "templates/assets/intake.html"} <= names


def test_no_template_holds_inline_script_handlers_or_styles():
    breaches = [
        f"{path.relative_to(ROOT)}: {breach}"
        for path in _page_templates()
        for breach in policy_breaches(path.read_text(encoding="utf-8"))
    ]
    assert not breaches, "the Content Security Policy would refuse:\n" + "\n".join(breaches)


# ---- the documented production environment ------------------------------------------------


def documented_production_environment() -> dict[str, str]:
    """The ```sh block of docs/settings.md's "Production" section, as variables; the secret
    key is generated, as the comment there says."""
    doc = SETTINGS_DOC.read_text(encoding="utf-8")
    section = doc.split("\n## Production", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    env = {}
    for line in block.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    assert env["SECRET_KEY"].startswith("<"), "the documented key is a placeholder"
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def _run(tmp_path, code: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    clean = {k: v for k, v in clean.items() if k not in documented_production_environment()}
    clean |= env | {"GREENIT_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "greenit.settings"}
    return subprocess.run(code, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def _check_deploy(tmp_path, env):
    return _run(
        tmp_path,
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env,
    )


def test_the_documented_production_environment_passes_check_deploy_without_a_warning(tmp_path):
    env = documented_production_environment()
    assert env["DEBUG"] == "false" and env["HTTPS"] == "true"
    checked = _check_deploy(tmp_path, env)
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, output
    assert "WARNING" not in output and "no issues" in output, output


@pytest.mark.parametrize(
    ("change", "warnings"),
    [
        ({"HTTPS": "false"}, {"security.W004", "security.W008", "security.W012", "security.W016"}),
        ({"HSTS_PRELOAD": "false"}, {"security.W021"}),
        ({"SECRET_KEY": "short"}, {"security.W009"}),
    ],
)
def test_check_deploy_warns_when_the_production_environment_is_weakened(tmp_path, change, warnings):
    checked = _check_deploy(tmp_path, documented_production_environment() | change)
    output = checked.stdout + checked.stderr
    assert checked.returncode != 0, output
    assert all(code in output for code in warnings), output


_REQUESTS = """
import json, django
django.setup()
from django.test import Client
client = Client()
answers = {}
for name, extra in {
    "http": {},
    "https": {"HTTP_X_FORWARDED_PROTO": "https"},
}.items():
    r = client.get("/no-such-page/", headers={"host": "greenit.example.org"}, **extra)
    answers[name] = {"status": r.status_code, "location": r.get("Location"),
                     "headers": {k: v for k, v in r.headers.items()}}
print(json.dumps(answers))
"""


def test_in_production_plain_http_is_redirected_and_https_carries_hsts(tmp_path):
    env = documented_production_environment()
    # No database is needed for these answers; SQLite in the temporary data folder stands
    # in for the documented PostgreSQL, the local cache for Redis.
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "REDIS_URL": ""}
    run = _run(tmp_path, [sys.executable, "-c", _REQUESTS], env)
    assert run.returncode == 0, run.stderr
    answers = json.loads(run.stdout.strip().splitlines()[-1])

    http = answers["http"]
    assert http["status"] == 301
    assert http["location"] == "https://greenit.example.org/no-such-page/"
    assert "Strict-Transport-Security" not in http["headers"]

    https = answers["https"]
    assert https["status"] == 404
    assert (
        https["headers"]["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )
    assert "script-src 'self'" in https["headers"]["Content-Security-Policy"]
    assert https["headers"]["X-Content-Type-Options"] == "nosniff"
    assert https["headers"]["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ["'self'", "data:"]),
        ({"S3_BUCKET": "photos"}, ["'self'", "data:", "https://*.amazonaws.com"]),
        (
            {"S3_BUCKET": "photos", "S3_ENDPOINT_URL": "https://oss.example.cn:9000/"},
            ["'self'", "data:", "https://oss.example.cn:9000", "https://*.oss.example.cn:9000"],
        ),
    ],
)
def test_photos_in_s3_storage_may_be_shown_and_nothing_else_from_elsewhere(tmp_path, env, expected):
    """Photos are shown through a redirect to the bucket's signed address: only that origin is
    added to img-src."""
    code = (
        "import json, greenit.settings as s; "
        "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    base = {"DEBUG": "true", "S3_BUCKET": "", "S3_ENDPOINT_URL": ""}
    run = _run(tmp_path, [sys.executable, "-c", code], base | env)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == expected
