import pytest

from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.refurbishment.models import CHECKS, SoftwareKit


@pytest.fixture
def kit(db) -> SoftwareKit:
    return SoftwareKit.objects.create(
        name="Green IT offline education kit",
        version="2026.1",
        contents="\n".join(
            ["Scratch 3 offline", "Python 3 + Thonny", "LibreOffice", "NVDA screen reader"]
            + ["Rime 中文输入"]
        ),
    )


@pytest.fixture
def sanitized_laptop(laptop, alice):
    lifecycle.transition(laptop, State.SANITIZED, actor=alice)
    return laptop


def all_pass() -> dict[str, str]:
    return {name: "pass" for name, _label in CHECKS}
