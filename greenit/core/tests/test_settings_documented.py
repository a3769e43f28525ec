"""Nothing an operator can set or run is a secret: every environment variable, management
command and API endpoint is documented."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(django_settings.BASE_DIR).parent
SETTINGS_FILE = Path(django_settings.BASE_DIR) / "settings.py"
SETTINGS_DOC = ROOT / "docs" / "settings.md"

_ENV_READS = [
    r'os\.environ\.get\(\s*"([A-Za-z0-9_]+)"',
    r'os\.environ\[\s*"([A-Za-z0-9_]+)"\s*\]',
    r'os\.getenv\(\s*"([A-Za-z0-9_]+)"',
    r'env_(?:bool|int|float|list|required)\(\s*"([A-Za-z0-9_]+)"',
]


def _variables_read_by_settings() -> set[str]:
    source = SETTINGS_FILE.read_text(encoding="utf-8")
    return {name for pattern in _ENV_READS for name in re.findall(pattern, source)}


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def test_the_settings_parser_finds_the_variables_it_should():
    found = _variables_read_by_settings()
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "LOGIN_RATE"} <= found


def test_every_environment_variable_is_documented():
    assert SETTINGS_DOC.exists(), f"{SETTINGS_DOC.relative_to(ROOT)} is missing"
    doc = SETTINGS_DOC.read_text(encoding="utf-8")
    missing = sorted(name for name in _variables_read_by_settings() if not _mentions(doc, name))
    assert not missing, f"not in docs/settings.md: {', '.join(missing)}"


def _commands() -> list[str]:
    return sorted(
        path.stem
        for path in Path(django_settings.BASE_DIR).glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    )


def _documentation() -> str:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return "\n".join(f.read_text(encoding="utf-8") for f in files if f.exists())


def test_the_command_finder_finds_the_demo_command():
    assert "demo" in _commands()


@pytest.mark.parametrize("command", _commands())
def test_every_management_command_is_documented(command):
    doc = _documentation()
    # As a command, not as a word: `demo`, `greenit demo`, `manage.py demo`.
    shown = rf"(?:manage\.py|\bgreenit)\s+{command}\b|`{command}\b"
    assert re.search(shown, doc), f"`{command}` is not documented in README.md or docs/"


def _operations(client) -> list[tuple[str, str, dict]]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    return [
        (path, method, operation)
        for path, methods in paths.items()
        for method, operation in methods.items()
    ]


def _auto_summary(operation: dict) -> bool:
    """django-ninja makes a summary from the function name when none is given."""
    summary = operation.get("summary", "")
    return operation["operationId"].lower().endswith("_" + summary.lower().replace(" ", "_"))


def test_the_schema_lists_the_donation_and_asset_endpoints(client, db):
    paths = {path for path, _method, _op in _operations(client)}
    assert {"/api/donations", "/api/assets/intake", "/api/assets/{tag}/transitions"} <= paths


def test_every_api_endpoint_is_documented(client, db):
    undocumented = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(client)
        if not operation.get("description", "").strip()
        and (not operation.get("summary", "").strip() or _auto_summary(operation))
    ]
    assert not undocumented, "give these a docstring or a summary: " + ", ".join(undocumented)
