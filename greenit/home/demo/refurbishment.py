"""Refurbishment: the software kits, the test record of each tested device, and a spare made
ready when a school's laptop breaks."""

from decimal import Decimal

from greenit.assets.models import Asset, State
from greenit.refurbishment import services as refurbishment
from greenit.refurbishment.models import CHECKS, Refurbishment, SoftwareKit
from greenit.refurbishment.rules import COMPUTER_CATEGORIES, needs_software_kit

KIT_CONTENTS = [
    "Scratch 3 offline",
    "Python 3 + Thonny",
    "LibreOffice",
    "NVDA screen reader (Chinese voice)",
    "Rime Chinese input (pinyin)",
]
KIT_CONTENTS_ZH = [
    "Scratch 3 离线版",
    "Python 3 + Thonny",
    "LibreOffice",
    "NVDA 读屏软件（中文语音）",
    "Rime 中文输入法（拼音）",
]


def kits() -> SoftwareKit:
    """The software kits refurbished computers get: a retired one and the current one, which
    is returned. Reference data: kits are kept in the admin, there is no service."""
    SoftwareKit.objects.create(
        name="Green IT offline education kit",
        name_zh="绿色 IT 离线教育套件",
        version="2025.2",
        contents="\n".join(KIT_CONTENTS[:3]),
        contents_zh="\n".join(KIT_CONTENTS_ZH[:3]),
        is_active=False,
    )
    return SoftwareKit.objects.create(
        name="Green IT offline education kit",
        name_zh="绿色 IT 离线教育套件",
        version="2026.1",
        contents="\n".join(KIT_CONTENTS),
        contents_zh="\n".join(KIT_CONTENTS_ZH),
    )


def refurbish(asset: Asset, *, tech, at, grade: str, kit: SoftwareKit) -> None:
    """The refurbishment record of a device tested at `at`. Written directly, not through
    refurbishment_record: the service records the test now and moves the device at once,
    while the demo's history is dated months back (the device then moves on through
    lifecycle.transition with its dates, like every other device of the demo)."""
    computer = needs_software_kit(asset)
    failed = grade == "fail"
    laptop = asset.category == "laptop"
    Refurbishment.objects.create(
        asset=asset,
        powers_on="fail" if failed else "pass",
        powers_on_note="No POST, mainboard fault" if failed else "",
        display="pass",
        keyboard="pass" if computer else "na",
        touchpad="pass" if laptop else "na",
        battery="pass" if laptop else "na",
        battery_health_percent=(62 + asset.pk % 35) if laptop else None,
        ram="pass" if computer else "na",
        ram_gb=Decimal(4 + 4 * (asset.pk % 2)) if computer else None,
        storage="pass" if computer else "na",
        ports="pass",
        wifi="pass" if laptop else "na",
        software_kit=kit if computer and not failed else None,
        grade=grade,
        technician=tech,
        tested_at=at,
    )


def spare_for(broken: Asset, *, actor, kit: SoftwareKit) -> Asset | None:
    """A ready device to replace `broken` (in a small demo, a tested or sanitized one of
    the same kind is made ready for the swap)."""
    kinds = COMPUTER_CATEGORIES if broken.category in COMPUTER_CATEGORIES else {broken.category}
    same_kind = Asset.objects.filter(category__in=kinds).order_by("pk")
    spare = same_kind.filter(state=State.READY).first()
    if spare is not None:
        return spare
    spare = same_kind.filter(
        state=State.TESTED,
        refurbishment__grade__in=["A", "B", "C"],
        refurbishment__software_kit__isnull=False,
    ).first()
    if spare is None:
        spare = same_kind.filter(state=State.SANITIZED).first()
        if spare is None:
            return None
        refurbishment.refurbishment_record(
            asset=spare,
            actor=actor,
            checks={name: "pass" for name, _label in CHECKS},
            grade="B",
            software_kit=kit,
            notes="Refurbished as a replacement under a support ticket.",
        )
    refurbishment.refurbishment_mark_ready(asset=spare, actor=actor)
    return spare
