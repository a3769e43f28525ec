"""greenit demo: a believable organisation to look around in (run by `make run`).

Donors (a car-parts maker, a bank, an insurer, a consultancy, private people), sponsors,
schools in Jiangxi and Shanghai, a recycler, one login per role, and a few hundred devices
at every stage of their life, each with a chain of custody that went through the lifecycle.
Data-bearing devices past intake have their storage media and passed sanitization records (one
drive failed its wipe and was shredded before a witness); East China Auto Parts has signed
certificates of sanitization (one of them revoked). Running it again changes nothing."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from greenit.accounts.models import Organisation, Role, User
from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.donations import services as donation_services
from greenit.donations.models import Donation
from greenit.sanitization import services as sanitization
from greenit.sanitization import signing

PASSWORD = "greenit-demo"  # noqa: S105 -- demo logins only, printed on purpose

PEOPLE = [
    # username, first, last, role or None, organisation key or None
    ("admin", "Hui", "Zhang 张", Role.ADMINISTRATOR, None),
    ("li.logistics", "Ming", "Li 李", Role.LOGISTICS, None),
    ("wang.tech", "Fang", "Wang 王", Role.TECHNICIAN, None),
    ("chen.pm", "Jing", "Chen 陈", Role.PROGRAMME_MANAGER, None),
    ("zhao.donor", "Lei", "Zhao 赵", None, "auto"),
    ("sun.bank", "Yan", "Sun 孙", None, "bank"),
    ("liu.school", "Qiang", "Liu 刘", None, "school_yudu"),
]

ORGANISATIONS = {
    "auto": dict(
        name="华东汽车零部件有限公司",
        name_en="East China Auto Parts Co., Ltd.",
        is_donor=True,
        province="上海市",
        city="上海市",
        district="嘉定区",
        street="安亭镇墨玉南路 888 号",
    ),
    "bank": dict(
        name="浦江商业银行",
        name_en="Pujiang Commercial Bank",
        is_donor=True,
        is_sponsor=True,
        province="上海市",
        city="上海市",
        district="浦东新区",
        street="陆家嘴环路 1000 号",
    ),
    "insurer": dict(
        name="申城人寿保险",
        name_en="Shencheng Life Insurance",
        is_donor=True,
        province="上海市",
        city="上海市",
        district="黄浦区",
        street="中山东一路 12 号",
    ),
    "consult": dict(
        name="明澈咨询（上海）",
        name_en="Lumen Consulting (Shanghai)",
        is_donor=True,
        is_sponsor=True,
        province="上海市",
        city="上海市",
        district="静安区",
        street="南京西路 1266 号",
    ),
    "foundation": dict(
        name="星桥科技公益基金会",
        name_en="Xingqiao Technology Foundation",
        is_sponsor=True,
        province="北京市",
        city="北京市",
        district="海淀区",
        street="中关村大街 27 号",
    ),
    "school_yudu": dict(
        name="于都县禾丰镇中心小学",
        name_en="Hefeng Town Central Primary School",
        is_school=True,
        province="江西省",
        city="赣州市",
        district="于都县",
        street="禾丰镇新街 18 号",
    ),
    "school_yongxin": dict(
        name="永新县龙源口镇中学",
        name_en="Longyuankou Town Middle School",
        is_school=True,
        province="江西省",
        city="吉安市",
        district="永新县",
        street="龙源口镇学府路 2 号",
    ),
    "school_blind": dict(
        name="浦东启明特殊教育学校",
        name_en="Pudong Qiming Special School",
        is_school=True,
        province="上海市",
        city="上海市",
        district="浦东新区",
        street="锦绣路 3300 号",
    ),
    "recycler": dict(
        name="上海绿循环再生资源有限公司",
        name_en="Shanghai Green Cycle Resources Co.",
        is_recycler=True,
        province="上海市",
        city="上海市",
        district="奉贤区",
        street="金汇镇工业路 66 号",
    ),
}

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

# Each path is a legal walk through the lifecycle; a device stops at a chosen stage.
REUSE_PATH = [
    State.RECEIVED,
    State.SANITIZED,
    State.TESTED,
    State.READY,
    State.ALLOCATED,
    State.DEPLOYED,
]
NO_DATA_PATH = [State.RECEIVED, State.TESTED, State.READY, State.ALLOCATED, State.DEPLOYED]
RECYCLE_FROM = {State.RECEIVED, State.SANITIZED, State.TESTED}

NOTES = {
    State.SANITIZED: "nwipe 1 pass zeros, verified",
    State.TESTED: "Checklist passed; grade B",
    State.READY: "Imaged with the offline education kit",
    State.ALLOCATED: "For 禾丰镇中心小学 Green IT Classroom",
    State.DEPLOYED: "Delivered and signed for by 刘强",
    State.RECYCLING: "Too old to refurbish",
    State.RECYCLED: "Batch to 上海绿循环, weight ticket 2026-118",
}


class Command(BaseCommand):
    help = "Load demo data: organisations, one login per role, devices at every stage."

    def add_arguments(self, parser):
        parser.add_argument(
            "--devices", type=int, default=360, help="how many devices (default 360)"
        )

    def handle(self, *args, devices: int, **options):
        if Organisation.objects.filter(name=ORGANISATIONS["auto"]["name"]).exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            with transaction.atomic():
                self._load(devices)
            self.stdout.write(self.style.SUCCESS(f"Loaded demo data with {devices} devices."))
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        for username, _first, _last, role, org in PEOPLE:
            who = role.label if role else f"contact of {ORGANISATIONS[org]['name_en']}"
            self.stdout.write(f"  {username:14} {who}")

    def _load(self, device_count: int) -> None:
        rng = random.Random(2026)
        orgs = {key: Organisation.objects.create(**fields) for key, fields in ORGANISATIONS.items()}
        people = {}
        for username, first, last, role, org in PEOPLE:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                organisation=orgs[org] if org else None,
            )
            user.set_password(PASSWORD)
            if role == Role.ADMINISTRATOR:
                user.is_staff = user.is_superuser = True
            user.save()
            if role:
                user.groups.add(Group.objects.get_or_create(name=role)[0])
            people[username] = user
        logistics, tech, pm = people["li.logistics"], people["wang.tech"], people["chen.pm"]
        donors = [orgs["auto"], orgs["bank"], orgs["insurer"], orgs["consult"], None]
        now = timezone.now()
        # 8 of the devices go to the two donations with certificates (_certificates).
        device_count = device_count - 8 if device_count >= 40 else device_count
        donation_count = max(3, device_count // 30)
        per_donation = device_count // donation_count
        stages = [
            State.EXPECTED,
            State.RECEIVED,
            State.SANITIZED,
            State.TESTED,
            State.READY,
            State.ALLOCATED,
            State.DEPLOYED,
            State.RECYCLING,
            State.RECYCLED,
        ]
        serial_no = 0
        for d in range(donation_count):
            donor = donors[d % len(donors)]
            started = now - timedelta(days=700 - d * (650 // donation_count))
            mix = rng.sample(list(MODELS), k=3) if d % 3 else ["laptop", "desktop", "monitor_lcd"]
            donation = donation_services.donation_create(
                actor=logistics,
                items=[
                    donation_services.ItemInput(category=c, quantity=per_donation // 3 + 1)
                    for c in mix
                ],
                donor_organisation=donor,
                donor_name="" if donor else rng.choice(["王先生", "Ms. Emily Carter", "周女士"]),
                contact_name=rng.choice(["赵磊", "孙燕", "Peter Huang", "吴敏"]),
                contact_phone=f"138{rng.randrange(10**7, 10**8)}",
                province=donor.province if donor else "上海市",
                city=donor.city if donor else "上海市",
                district=donor.district if donor else "徐汇区",
                street=donor.street if donor else "漕溪北路 201 弄 5 号",
            )
            Donation.objects.filter(pk=donation.pk).update(
                created_at=started, status=Donation.Status.RECEIVED
            )
            for i in range(per_donation):
                category = mix[i % len(mix)]
                make, model = rng.choice(MODELS[category])
                serial_no += 1
                stage = stages[(d * per_donation + i) % len(stages)]
                at = started + timedelta(days=1, minutes=i)
                asset = lifecycle.enter(
                    state=State.EXPECTED if stage == State.EXPECTED else State.RECEIVED,
                    actor=logistics,
                    at=at,
                    location="上海仓库 A 区",
                    note="Scanned in at intake",
                    donation=donation,
                    category=category,
                    make=make,
                    model=model,
                    serial=f"{make[:2].upper()}{serial_no:07d}",
                    weight_kg=Decimal(WEIGHTS[category]),
                )
                self._walk(
                    asset,
                    stage,
                    at=at,
                    actors={
                        "tech": tech,
                        "pm": pm,
                        "logistics": logistics,
                        "admin": people["admin"],
                    },
                )

        self._certificates(orgs["auto"], people, now=now, rng=rng)

    # Storage media by category: (media type, interface, manufacturer, model, capacity, how).
    MEDIA = {
        "laptop": [
            ("nvme", "PCIe NVMe", "Samsung", "PM981a", 256_060_514_304, "nvme"),
            ("sata_ssd", "SATA", "SK hynix", "SC311", 256_060_514_304, "overwrite"),
        ],
        "desktop": [
            ("hdd", "SATA", "Seagate", "ST500DM009", 500_107_862_016, "overwrite"),
            ("sata_ssd", "SATA", "Samsung", "PM871b", 128_035_676_160, "overwrite"),
        ],
        "printer": [("hdd", "SATA", "Toshiba", "MQ01ABF032", 320_072_933_376, "overwrite")],
        "phone": [("phone_storage", "UFS", "", "", 64_000_000_000, "reset")],
        "tablet": [("emmc", "eMMC", "", "", 32_000_000_000, "reset")],
        "network": [("emmc", "eMMC", "", "", 4_000_000_000, "reset")],
        "storage_drive": [("hdd", "SATA", "WDC", "WD10EZEX", 1_000_204_886_016, "overwrite")],
        "all_in_one": [("sata_ssd", "SATA", "Kingston", "SA400", 240_057_409_536, "overwrite")],
        "server": [("hdd", "SAS", "Seagate", "ST600MM0208", 600_127_266_816, "overwrite")],
        "thin_client": [("emmc", "eMMC", "", "", 16_000_000_000, "overwrite")],
    }
    HOW = {
        "overwrite": dict(
            nist_category="clear",
            technique="overwrite",
            pattern="zeros",
            passes=1,
            tool="nwipe",
            tool_version="0.36",
            verification="full",
        ),
        "nvme": dict(
            nist_category="purge",
            technique="nvme_sanitize",
            tool="nvme-cli",
            tool_version="2.8",
            verification="sampled",
        ),
        "reset": dict(
            nist_category="clear",
            technique="factory_reset",
            tool="Settings: Erase all content",
            verification="sampled",
        ),
    }

    def _sanitize(self, asset, *, at, tech, verifier, fail_first: bool = False) -> None:
        """Register the device's media and wipe each (backdated to `at`), without moving it."""
        choice = self.MEDIA.get(asset.category, self.MEDIA["storage_drive"])
        media_type, interface, maker, model, capacity, how = choice[asset.pk % len(choice)]
        medium, _created = sanitization.medium_register(
            asset=asset,
            actor=tech,
            media_type=media_type,
            interface=interface,
            manufacturer=maker,
            model=model,
            serial=f"{media_type[:2].upper()}-{asset.serial}",
            capacity_bytes=capacity,
        )
        fields = dict(self.HOW[how])
        if media_type in ("usb_flash", "memory_card") and how == "overwrite":
            fields["passes"] = 2
        common = dict(station="wipe-01", location="上海仓库 A 区 · 擦除工位 1")
        started = at - timedelta(hours=2)
        if fail_first:
            sanitization.record_sanitization(
                medium=medium,
                actor=tech,
                advance=False,
                started_at=started - timedelta(hours=3),
                ended_at=started - timedelta(hours=2),
                bytes_written=capacity,
                verification_result="failed",
                result="failed",
                errors="Verification: 12 sectors still hold data (reallocated sectors)",
                **fields,
                **common,
            )
            sanitization.record_sanitization(
                medium=medium,
                actor=tech,
                verifier=verifier,
                advance=False,
                nist_category="destroy",
                technique="shred",
                verification="none",
                verification_result="not_verified",
                result="passed",
                witness="Ming Li 李明",
                started_at=started,
                ended_at=started + timedelta(minutes=10),
                notes="Shredded to 10 mm particles after the failed wipe",
                **common,
            )
            return
        sanitization.record_sanitization(
            medium=medium,
            actor=tech,
            verifier=verifier if asset.pk % 2 else None,
            advance=False,
            started_at=started,
            ended_at=started + timedelta(minutes=50),
            bytes_written=capacity if how != "reset" else None,
            verification_result="passed",
            result="passed",
            hpa_dco="no HPA, no DCO" if media_type == "hdd" else "",
            **fields,
            **common,
        )

    def _certificates(self, auto, people, *, now, rng) -> None:
        """Two small, fully sanitized donations of East China Auto Parts with certificates:
        one valid (with a drive that failed and was destroyed), one revoked and issued again."""
        if not signing.key_file().exists():
            signing.create_key()
            self.stdout.write(f"Made a signing key for certificates at {signing.key_file()}")
        tech, admin, logistics = people["wang.tech"], people["admin"], people["li.logistics"]
        for n, (count, revoke) in enumerate(((5, False), (3, True))):
            started = now - timedelta(days=60 - 20 * n)
            donation = donation_services.donation_create(
                actor=logistics,
                items=[donation_services.ItemInput(category="laptop", quantity=count)],
                donor_organisation=auto,
                contact_name="赵磊",
                province=auto.province,
                city=auto.city,
                district=auto.district,
                street=auto.street,
            )
            Donation.objects.filter(pk=donation.pk).update(
                created_at=started, status=Donation.Status.RECEIVED
            )
            for i in range(count):
                make, model = rng.choice(MODELS["laptop"])
                at = started + timedelta(days=1, minutes=i)
                asset = lifecycle.enter(
                    state=State.RECEIVED,
                    actor=logistics,
                    at=at,
                    location="上海仓库 A 区",
                    note="Scanned in at intake",
                    donation=donation,
                    category="laptop",
                    make=make,
                    model=model,
                    serial=f"EC{n}{i:05d}",
                    weight_kg=Decimal(WEIGHTS["laptop"]),
                )
                self._sanitize(
                    asset,
                    at=at + timedelta(days=2),
                    tech=tech,
                    verifier=admin,
                    fail_first=(n == 0 and i == 1),
                )
                for step, target in enumerate((State.SANITIZED, State.TESTED), start=1):
                    lifecycle.transition(
                        asset, target, actor=tech, at=at + timedelta(days=2 + step)
                    )
            certificate = sanitization.certificate_issue(donation, admin)
            if revoke:
                sanitization.certificate_revoke(
                    certificate, "A drive serial was mistyped on intake; reissued.", admin
                )
                sanitization.certificate_issue(donation, admin)

    def _walk(self, asset, stage: State, *, at, actors) -> None:
        if stage in (State.EXPECTED, State.RECEIVED):
            return
        path = REUSE_PATH if asset.holds_data else NO_DATA_PATH
        if stage in (State.RECYCLING, State.RECYCLED):
            path = [s for s in path if s in RECYCLE_FROM] + [State.RECYCLING]
            if stage == State.RECYCLED:
                path.append(State.RECYCLED)
        else:
            path = path[: path.index(stage) + 1] if stage in path else path[:1]
        who = {State.ALLOCATED: "pm", State.DEPLOYED: "pm"}
        if State.SANITIZED in path:
            self._sanitize(
                asset,
                at=at + timedelta(days=3),
                tech=actors["tech"],
                verifier=actors.get("admin"),
                fail_first=asset.pk % 37 == 5,
            )
        for step, target in enumerate(path[1:], start=1):
            lifecycle.transition(
                asset,
                target,
                actor=actors[who.get(target, "tech")],
                at=at + timedelta(days=3 * step),
                note=NOTES.get(target, ""),
            )
