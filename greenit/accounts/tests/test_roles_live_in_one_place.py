"""The structure the architecture map promises, read from the source: views and API endpoints
are thin faces, and roles are named in the permissions table only."""

import re
from pathlib import Path

import pytest

GREENIT = Path(__file__).resolve().parents[2]
FACES = sorted(
    path for pattern in ("*/views.py", "*/api.py", "api.py") for path in GREENIT.glob(pattern)
)
CODE = sorted(
    path
    for path in GREENIT.rglob("*.py")
    if "tests" not in path.parts and "migrations" not in path.parts
)
# A face that checks roles, opens a transaction or refuses by itself holds a rule that the other
# face lacks; these belong in the app's services.
FORBIDDEN_IN_FACES = ("PermissionDenied", "transaction.atomic", "has_role", "select_for_update")


def _code(path: Path) -> str:
    """The source without comments and docstrings' prose mattering: comments are dropped."""
    return "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())


def test_there_are_faces_to_check():
    assert len(FACES) >= 20


@pytest.mark.parametrize("path", FACES, ids=lambda p: str(p.relative_to(GREENIT)))
def test_a_face_decides_no_rule(path):
    code = _code(path)
    found = [word for word in FORBIDDEN_IN_FACES if word in code]
    assert not found, f"{path.relative_to(GREENIT)} uses {found}: move the rule into services.py"


# The demo gives its staff logins their roles: that says who holds a role (as the admin's
# people form does), not what a role may do.
HOLDERS_OF_ROLES = {"home/demo/people.py"}


def test_roles_are_named_only_in_the_accounts_app():
    outside = [
        str(path.relative_to(GREENIT))
        for path in CODE
        if path.parts[len(GREENIT.parts)] != "accounts"
        and str(path.relative_to(GREENIT)) not in HOLDERS_OF_ROLES
        and re.search(r"\bRole\.|\bhas_role\(|_ROLES\b", _code(path))
    ]
    assert outside == [], f"roles named outside accounts/permissions.py: {outside}"
