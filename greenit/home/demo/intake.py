"""Assets and intake: the makes and models the demo's devices are, how a device is scanned in
(lifecycle.enter), and East China Auto Parts' asset list imported and partly scanned."""

from decimal import Decimal

from django.utils.translation import gettext_noop

from greenit.assets import lifecycle
from greenit.assets.models import Asset
from greenit.assets.notes import SystemNote
from greenit.assets.services import intake_scan
from greenit.donations.models import Donation
from greenit.imports import services as import_services

MODELS = {
    "laptop": [
        ("Lenovo", "ThinkPad T480"),
        ("Dell", "Latitude 5490"),
        ("HP", "EliteBook 840 G5"),
        ("Lenovo", "ThinkPad X1 Carbon 6th"),
        ("Huawei", "MateBook 14"),
    ],
    "desktop": [
        ("Lenovo", "ThinkCentre M720q"),
        ("Dell", "OptiPlex 7060"),
        ("HP", "ProDesk 600 G4"),
    ],
    "monitor_lcd": [("Dell", "P2419H"), ("AOC", "24B2XH"), ("Philips", "243V7Q")],
    "monitor_crt": [("Samsung", "SyncMaster 753DFX")],
    "printer": [("HP", "LaserJet Pro M404dn"), ("Brother", "HL-L2375DW")],
    "phone": [("Huawei", "P30"), ("Xiaomi", "Mi 9"), ("Apple", "iPhone 8")],
    "tablet": [("Apple", "iPad 6th gen"), ("Huawei", "MatePad 10.4")],
    "network": [("H3C", "S5130"), ("TP-Link", "TL-SG1024")],
    "peripheral": [("Logitech", "K120 keyboard"), ("Lenovo", "M-U0025 mouse")],
    "cable": [("", "Power cables")],
}
WEIGHTS = {
    "laptop": "1.65",
    "desktop": "8.77",
    "monitor_lcd": "5.5",
    "monitor_crt": "22.0",
    "printer": "10.32",
    "phone": "0.171",
    "tablet": "0.731",
    "network": "2.1",
    "peripheral": "0.40",
    "cable": "0.25",
}

WAREHOUSE = "上海仓库 A 区"


def device_scanned_in(
    *, donation: Donation, category: str, make: str, model: str, serial: str, at, actor, state
) -> Asset:
    """A device of `donation` entering the lifecycle at intake (received, or expected when it
    is listed but has not arrived), dated `at`."""
    return lifecycle.enter(
        state=state,
        actor=actor,
        at=at,
        location=WAREHOUSE,
        note=SystemNote.of(gettext_noop("Scanned in at intake")),
        donation=donation,
        category=category,
        make=make,
        model=model,
        serial=serial,
        weight_kg=Decimal(WEIGHTS[category]),
    )


def asset_list(orgs, people) -> None:
    """East Auto's asset list imported into its newest donation: six laptops listed, one of
    them scanned in since, the others not yet arrived."""
    logistics = people["li.logistics"]
    donation = Donation.objects.filter(donor_organisation=orgs["auto"]).order_by("-pk")[0]
    rows = "\n".join(
        f"{i},HD-IT-{i:04d},EA{i:08d},联想,ThinkPad T480,笔记本电脑,1.65" for i in range(1, 7)
    )
    listed = ("序号,资产编号,序列号,品牌,型号,类别,重量\n" + rows + "\n").encode("utf-8-sig")
    import_services.import_file(
        donation=donation, data=listed, filename="华东汽车-退役资产清单.csv", actor=logistics
    )
    intake_scan(donation=donation, serial="EA00000001", category="laptop", actor=logistics)
