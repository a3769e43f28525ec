"""greenit demo: a believable organisation to look around in (run by `make run`).

Donors (a car-parts maker, a bank, an insurer, a consultancy, private people), sponsors,
schools in Jiangxi and Shanghai, a recycler, one login per role, and a few hundred devices
at every stage of their life, each with a chain of custody that went through the lifecycle.
Data-bearing devices past intake have their storage media and passed sanitization records (one
drive failed its wipe and was shredded before a witness); East China Auto Parts has signed
certificates of sanitization (one of them revoked). Running it again changes nothing."""

import random
from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from greenit.accounts.models import Organisation, Role, User
from greenit.assets import lifecycle
from greenit.assets.models import Asset, State
from greenit.collection import services as box_services
from greenit.collection.models import BoxEmptying, CollectionBox
from greenit.donations import services as donation_services
from greenit.donations.models import Donation
from greenit.refurbishment.models import CHECKS, Refurbishment, SoftwareKit
from greenit.refurbishment.rules import needs_software_kit
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
        self.stdout.write(f"  {VOLUNTEER_LOGIN:14} a volunteer (shifts and hours)")

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
        # Offers, pickups and boxes first, so the newest donations are the ones with devices.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._offers_and_pickups(orgs, people)
            self._collection_boxes(orgs, logistics)
        self._kits()
        self._enquiries(people)
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
        self._import_and_recycling(orgs, people)
        self._classrooms(orgs, people)
        self._support(people)  # after the classrooms: tickets of the opened one
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            _volunteers(orgs, people)
        _impact_reports(orgs, people)  # after everything it reports on

    def _import_and_recycling(self, orgs, people) -> None:
        """East Auto's asset list imported (some devices arrived, some not yet), recyclers
        with a valid and an expired licence, a closed batch and an open one."""
        from django.core.files.base import ContentFile

        from greenit.assets.services import intake_scan
        from greenit.imports import services as import_services
        from greenit.recycling import services as recycling_services
        from greenit.recycling.models import RecyclerLicence

        logistics, tech = people["li.logistics"], people["wang.tech"]
        donation = Donation.objects.filter(donor_organisation=orgs["auto"]).order_by("-pk")[0]
        rows = "\n".join(
            f"{i},HD-IT-{i:04d},EA{i:08d},联想,ThinkPad T480,笔记本电脑,1.65" for i in range(1, 7)
        )
        listed = ("序号,资产编号,序列号,品牌,型号,类别,重量\n" + rows + "\n").encode("utf-8-sig")
        import_services.import_file(
            donation=donation, data=listed, filename="华东汽车-退役资产清单.csv", actor=logistics
        )
        intake_scan(donation=donation, serial="EA00000001", category="laptop", actor=logistics)

        today = timezone.localdate()
        lapsed = Organisation.objects.create(
            name="旧城电子废物处理厂", name_en="Old Town E-waste Works", is_recycler=True
        )
        for org, number, expires in (
            (orgs["recycler"], "沪环危证 3101200123", today + timedelta(days=400)),
            (lapsed, "沪环危证 3101000999", today - timedelta(days=30)),
        ):
            RecyclerLicence.objects.create(
                organisation=org,
                kind=RecyclerLicence.Kind.WEEE,
                number=number,
                issuer="上海市生态环境局",
                valid_from=expires - timedelta(days=5 * 365),
                expires_on=expires,
            )
        in_recycling = list(
            Asset.objects.filter(state=State.RECYCLING).order_by("pk").values_list("tag", flat=True)
        )
        pdf = b"%PDF-1.4\n% demo document\n"
        closed = recycling_services.batch_create(recycler=orgs["recycler"], actor=tech)
        for tag in in_recycling[: len(in_recycling) // 2]:
            recycling_services.batch_add_device(batch=closed, code=tag, actor=tech)
        recycling_services.batch_set_loose_weight(
            batch=closed, category="cable", weight_kg=Decimal("38.5"), actor=tech
        )
        recycling_services.batch_ship(
            batch=closed,
            shipped_on=today - timedelta(days=20),
            transporter="顺达物流 Shunda Logistics",
            vehicle="沪A·D1234",
            weight_ticket=ContentFile(pdf, name="weight-ticket.pdf"),
            weight_ticket_kg=Decimal("61.2"),
            actor=tech,
        )
        recycling_services.batch_close(
            batch=closed,
            certificate=ContentFile(pdf, name="certificate.pdf"),
            certificate_number="GC-2026-0118",
            actor=tech,
        )
        open_batch = recycling_services.batch_create(recycler=orgs["recycler"], actor=tech)
        for tag in in_recycling[len(in_recycling) // 2 :]:
            recycling_services.batch_add_device(batch=open_batch, code=tag, actor=tech)
        recycling_services.batch_set_loose_weight(
            batch=open_batch, category="peripheral", weight_kg=Decimal("7.2"), actor=tech
        )

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
                self._refurbish(asset, tech=tech, at=at + timedelta(days=4), grade="B")
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

    def _enquiries(self, people) -> None:
        """A few messages from the contact form: new, answered and closed."""
        from greenit.enquiries.models import Enquiry, EnquiryReply

        now = timezone.now()
        rows = [
            (
                "volunteer",
                "周婷",
                "zhou.ting@example.com",
                "浦江银行",
                "zh-hans",
                "我们公司有二十名员工想参加下个月的教室开班活动，请问如何报名？",
                "new",
            ),
            (
                "donate",
                "Mark Evans",
                "mark.evans@example.com",
                "Evans & Partners",
                "en",
                "We are replacing 60 laptops in March. Do you collect from Pudong?",
                "answered",
            ),
            (
                "press",
                "李记者",
                "li.reporter@example.com",
                "新民晚报",
                "zh-hans",
                "想采访江西的绿色 IT 教室项目。",
                "new",
            ),
            ("other", "Spam Bot", "bot@example.net", "", "en", "Cheap watches!!!", "closed"),
        ]
        for n, (topic, name, email, org, language, message, status) in enumerate(rows):
            enquiry = Enquiry.objects.create(
                topic=topic,
                name=name,
                email=email,
                organisation_name=org,
                language=language,
                message=message,
                status=status,
                created_at=now - timedelta(days=6 - n, hours=n),
                handled_by=people["chen.pm"] if status != "new" else None,
                closed_at=now if status == "closed" else None,
                close_reason="Spam" if status == "closed" else "",
            )
            if status == "answered":
                EnquiryReply.objects.create(
                    enquiry=enquiry,
                    body="Yes, we collect anywhere in Shanghai. Li from logistics will call you.",
                    sent_by=people["chen.pm"],
                    delivered=True,
                )

    def _kits(self) -> None:
        """The software kits refurbished computers get: the current one and a retired one."""
        contents = [
            "Scratch 3 offline",
            "Python 3 + Thonny",
            "LibreOffice",
            "NVDA screen reader (Chinese voice)",
            "Rime Chinese input (pinyin)",
        ]
        SoftwareKit.objects.create(
            name="Green IT offline education kit",
            version="2025.2",
            contents="\n".join(contents[:3]),
            is_active=False,
        )
        self.kit = SoftwareKit.objects.create(
            name="Green IT offline education kit", version="2026.1", contents="\n".join(contents)
        )

    def _refurbish(self, asset, *, tech, at, grade: str) -> None:
        """The refurbishment record of a device tested at `at` (written directly, with its
        date; the device moves on through the lifecycle as usual)."""
        computer = needs_software_kit(asset)
        failed = grade == "fail"
        Refurbishment.objects.create(
            asset=asset,
            powers_on="fail" if failed else "pass",
            powers_on_note="No POST, mainboard fault" if failed else "",
            display="pass",
            keyboard="pass" if computer else "na",
            touchpad="pass" if asset.category == "laptop" else "na",
            battery="pass" if asset.category == "laptop" else "na",
            battery_health_percent=(62 + asset.pk % 35) if asset.category == "laptop" else None,
            ram="pass" if computer else "na",
            ram_gb=Decimal(4 + 4 * (asset.pk % 2)) if computer else None,
            storage="pass" if computer else "na",
            ports="pass",
            wifi="pass" if asset.category == "laptop" else "na",
            software_kit=self.kit if computer and not failed else None,
            grade=grade,
            technician=tech,
            tested_at=at,
        )

    def _support(self, people) -> None:
        """Two support tickets of the opened classroom: one open, one resolved by a swap (the
        broken laptop came back to the workshop, a ready one of the same kind went out)."""
        from greenit.classrooms.models import Allocation
        from greenit.support import services as support

        school_contact, admin = people["liu.school"], people["admin"]
        deployed = [
            a.asset
            for a in Allocation.objects.active()
            .filter(project__school=school_contact.organisation, asset__state=State.DEPLOYED)
            .select_related("asset")
            .order_by("pk")
        ]
        if not deployed:
            return
        broken_one = deployed[-1]
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            broken = support.ticket_file(
                actor=school_contact,
                asset=broken_one,
                symptom="Does not charge any more; the battery light blinks orange.",
            )
            spare = self._spare(broken_one, actor=admin)
            if spare is not None:
                support.ticket_resolve(
                    ticket=broken,
                    actor=admin,
                    resolution="swap",
                    replacement_code=spare.tag,
                    answer="A volunteer brought a replacement on Friday and took the old one.",
                )
                deployed[-1] = spare
            else:
                support.ticket_resolve(
                    ticket=broken,
                    actor=admin,
                    resolution="repair",
                    answer="Replaced the charging port.",
                    parts="DC jack",
                )
            support.ticket_file(
                actor=school_contact,
                asset=deployed[0],
                symptom="开机后屏幕一直黑屏，电源灯亮。The screen stays black after switching on.",
            )

    def _spare(self, broken, *, actor):
        """A ready device to replace `broken` (in a small demo, a tested or sanitized one of
        the same kind is made ready for the swap)."""
        from greenit.refurbishment import services as refurbishment
        from greenit.refurbishment.rules import COMPUTER_CATEGORIES

        kinds = COMPUTER_CATEGORIES if broken.category in COMPUTER_CATEGORIES else {broken.category}
        same_kind = Asset.objects.filter(category__in=kinds).order_by("pk")
        spare = same_kind.filter(state=State.READY).first()
        if spare is None:
            spare = same_kind.filter(
                state=State.TESTED,
                refurbishment__grade__in=["A", "B", "C"],
                refurbishment__software_kit__isnull=False,
            ).first()
            if spare is None:
                spare = same_kind.filter(state=State.SANITIZED).first()
                if spare is not None:
                    refurbishment.refurbishment_record(
                        asset=spare,
                        actor=actor,
                        checks={name: "pass" for name, _label in CHECKS},
                        grade="B",
                        software_kit=self.kit,
                        notes="Refurbished as a replacement under a support ticket.",
                    )
            if spare is not None:
                refurbishment.refurbishment_mark_ready(asset=spare, actor=actor)
        return spare

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
        if State.TESTED in path:
            grade = "fail" if State.RECYCLING in path else "ABBC"[asset.pk % 4]
            tested_at = at + timedelta(days=3 * path.index(State.TESTED))
            self._refurbish(asset, tech=actors["tech"], at=tested_at, grade=grade)
        for step, target in enumerate(path[1:], start=1):
            lifecycle.transition(
                asset,
                target,
                actor=actors[who.get(target, "tech")],
                at=at + timedelta(days=3 * step),
                note=NOTES.get(target, ""),
            )

    def _offers_and_pickups(self, orgs, people) -> None:
        """Public offers waiting for a decision, accepted ones with pickups scheduled, and one
        pickup collected with fewer laptops than offered and a printer nobody mentioned."""
        logistics = people["li.logistics"]
        item = donation_services.ItemInput
        public = [
            ("Ms. Emily Carter", "emily.carter@example.org", [item("laptop", 2)]),
            (
                "徐汇区某设计工作室",
                "studio@example.org",
                [item("desktop", 6), item("monitor_lcd", 6)],
            ),
            ("周女士", "", [item("phone", 3), item("tablet", 1)]),
        ]
        today = timezone.localdate()
        for name, email, items in public:
            donation_services.donation_create(
                actor=AnonymousUser(),
                items=items,
                source=Donation.Source.PUBLIC,
                consent=True,
                donor_name=name,
                contact_name=name,
                contact_email=email,
                contact_phone="13912345678",
                province="上海市",
                city="上海市",
                district="徐汇区",
                street="漕溪北路 201 弄 5 号",
                preferred_from=today + timedelta(days=7),
                preferred_to=today + timedelta(days=14),
            )
        plans = [
            (people["zhao.donor"], [item("laptop", 12), item("monitor_lcd", 4)], 0, time(9)),
            (people["sun.bank"], [item("desktop", 8), item("network", 2)], 0, time(14)),
            (people["zhao.donor"], [item("laptop", 10), item("cable", 20)], -3, time(10)),
        ]
        for contact, items, days, start in plans:
            offer = donation_services.donation_create(
                actor=contact,
                items=items,
                contact_name=contact.get_full_name(),
                contact_phone="13800001111",
                **{k: getattr(contact.organisation, k) for k in ("province", "city", "district")},
                street=contact.organisation.street,
            )
            donation_services.donation_accept(donation=offer, actor=logistics)
            pickup = donation_services.pickup_schedule(
                donation=offer,
                actor=logistics,
                date=today + timedelta(days=days),
                window_start=start,
                window_end=time(start.hour + 2),
                driver=logistics,
                vehicle="沪A·D2618",
            )
            if days < 0:
                donation_services.pickup_record_collection(
                    pickup=pickup,
                    actor=logistics,
                    collected={"laptop": 9, "cable": 20, "printer": 1},
                    handed_over_by="赵磊",
                    weight_kg=Decimal("31.5"),
                    notes="One laptop kept back by the donor; a printer added on the spot.",
                )

        # Accepted on the phone, pickup not yet arranged: the newest donation.
        donation_services.donation_create(
            actor=logistics,
            items=[item("laptop", 5), item("printer", 1)],
            donor_organisation=orgs["insurer"],
            contact_name="钱芳",
            contact_phone="13700002222",
            status=Donation.Status.ACCEPTED,
            preferred_from=today + timedelta(days=3),
            **{k: getattr(orgs["insurer"], k) for k in ("province", "city", "district", "street")},
        )

    def _collection_boxes(self, orgs, logistics) -> None:
        """Six 3R boxes at host sites, one full and one damaged, each emptied a few times."""
        sites = [
            ("SH-001", "auto", "嘉定工厂食堂 Canteen, Jiading plant"),
            ("SH-002", "bank", "陆家嘴总部大堂 Head-office lobby"),
            ("SH-003", "insurer", "黄浦区客服中心 Service centre"),
            ("SH-004", "consult", "南京西路办公室茶水间 Pantry"),
            ("SH-005", "school_blind", "浦东启明学校图书馆 Library"),
            ("SH-006", "bank", "徐汇支行 Xuhui branch"),
        ]
        now = timezone.now()
        for n, (code, host, site) in enumerate(sites):
            org = orgs[host]
            box = CollectionBox.objects.create(
                code=code,
                host=org,
                site=site,
                placed_on=timezone.localdate() - timedelta(days=300),
                **{k: getattr(org, k) for k in ("province", "city", "district", "street")},
            )
            for months in (3, 2, 1):
                box_services.emptying_record(
                    box=box,
                    actor=logistics,
                    done_at=now - timedelta(days=30 * months + 5 * n),
                    weights=[
                        box_services.WeightInput("phone", Decimal("1.2") + n),
                        box_services.WeightInput("cable", Decimal("3.5") + months),
                        box_services.WeightInput("peripheral", Decimal("0.8") * months),
                    ],
                )
        box_services.box_report(box=CollectionBox.objects.get(code="SH-002"), kind="full")
        box_services.box_report(
            box=CollectionBox.objects.get(code="SH-004"), kind="damaged", note="盖子坏了 Lid broken"
        )
        BoxEmptying.objects.create(
            box=CollectionBox.objects.get(code="SH-002"),
            scheduled_for=timezone.localdate() + timedelta(days=1),
            assigned_to=logistics,
        )

    def _classrooms(self, orgs, people) -> None:
        """Three school applications (waiting, approved, declined) and three classroom projects
        (equipping, ready, opened with its story and photos) with the demo's ready computers."""
        from greenit.classrooms import services as classrooms
        from greenit.classrooms.models import (
            ClassroomProject,
            ClassroomSponsor,
            OpeningEvent,
            SchoolApplication,
        )

        pm, logistics = people["chen.pm"], people["li.logistics"]
        today = timezone.localdate()
        school = dict(
            school_type="primary", electricity="reliable", internet="mobile", has_room=True
        )
        SchoolApplication.objects.create(
            school_name="遂川县草林镇小学",
            province="江西省",
            city="吉安市",
            district="遂川县",
            street="草林镇圩镇 6 号",
            students_total=280,
            students_by_grade="一年级: 52\n二年级: 47\n三年级: 45\n四年级: 46\n五、六年级: 90",
            teachers=16,
            visually_impaired_students=2,
            existing_computers=1,
            contact_name="Hu Min 胡敏",
            contact_email="humin@example.org",
            language="zh-hans",
            **school,
        )
        yudu_application = SchoolApplication.objects.create(
            school_name=orgs["school_yudu"].name,
            province="江西省",
            city="赣州市",
            district="于都县",
            students_total=410,
            teachers=22,
            existing_computers=3,
            contact_name="Liu Qiang 刘强",
            contact_email="liu.school@example.org",
            status=SchoolApplication.Status.APPROVED,
            review_notes="Visited the room: dry, lockable, two sockets per table.",
            decided_at=timezone.now() - timedelta(days=120),
            decided_by=pm,
            organisation=orgs["school_yudu"],
            **school,
        )
        SchoolApplication.objects.create(
            school_name="Riverside International School",
            province="上海市",
            city="上海市",
            district="闵行区",
            students_total=900,
            teachers=80,
            existing_computers=200,
            contact_name="Anna Smith",
            contact_email="anna@example.org",
            status=SchoolApplication.Status.DECLINED,
            decision_message="Green IT Classrooms go to schools without computers.",
            decided_at=timezone.now() - timedelta(days=30),
            decided_by=pm,
            **(school | {"internet": "broadband"}),
        )
        ready = list(
            Asset.objects.filter(state=State.READY, category__in=["laptop", "desktop"]).order_by(
                "state_changed_at", "pk"
            )
        )
        plans = [
            ("opened", "school_yudu", ["bank", "foundation"], 2, False),
            ("ready", "school_blind", ["foundation"], 2, True),
            ("equipping", "school_yongxin", ["bank"], 30, False),
        ]
        for status, key, sponsors, seats, blind in plans:
            project = ClassroomProject.objects.create(
                name=f"{orgs[key].name} 绿色IT教室",
                school=orgs[key],
                # The approved application carries the school's size (students reached).
                application=yudu_application if key == "school_yudu" else None,
                seats=seats,
                target_opening=today + timedelta(days={"opened": -60}.get(status, 45)),
                software_kit=self.kit,
                needs_accessibility_kit=blind,
                kit_screen_reader=blind,
                kit_large_keys=blind,
                kit_headphones=blind,
                learning_en="Typing, office skills, Scratch and first steps in Python.",
                learning_zh="打字、办公软件、Scratch 和 Python 入门。",
            )
            for n, sponsor in enumerate(sponsors):
                ClassroomSponsor.objects.create(
                    project=project, organisation=orgs[sponsor], amount=Decimal(120000 - n * 40000)
                )
            take, ready = ready[: min(seats, 2)], ready[min(seats, 2) :]
            if take:
                classrooms.allocate_by_tags(project=project, actor=pm, codes=[a.tag for a in take])
            if status == "opened":
                if take:
                    classrooms.deliver(
                        project=project,
                        actor=logistics,
                        on=today - timedelta(days=65),
                        received_by="刘强",
                    )
                OpeningEvent.objects.create(
                    project=project,
                    date=today - timedelta(days=60),
                    guests="Principal Liu Qiang; county education bureau",
                    sponsor_representatives="Pujiang Commercial Bank CSR team (4)",
                    volunteers="Six volunteers from the bank taught the first lessons.",
                )
                project.story_en = (
                    "Until this autumn the 410 children of Hefeng shared three old computers. "
                    "Now every class has two computer lessons a week: typing, Scratch games "
                    "and, for the oldest, their first Python programs."
                )
                project.story_zh = (
                    "今年秋天以前，禾丰镇中心小学的 410 名学生只有三台旧电脑。如今每个班每周有两节"
                    "电脑课：打字、Scratch 游戏，高年级学生还写出了第一个 Python 程序。"
                )
                project.save(update_fields=["story_en", "story_zh"])
                for caption, colour, consent in (
                    ("Opening day: the first lesson", "#2e7d32", True),
                    ("Children at the new computers", "#1565c0", False),
                ):
                    classrooms.photo_add(
                        project=project,
                        actor=pm,
                        upload=_demo_photo(caption, colour),
                        caption=caption,
                        consent=consent,
                    )
            ClassroomProject.objects.filter(pk=project.pk).update(status=status)


# Impact (issue 7) ---------------------------------------------------------------------------


def _impact_reports(orgs, people) -> None:
    """An issued CSR report for East Auto (donor, English) and Pujiang Bank (sponsor, Chinese),
    so that their portal pages have a report to show."""
    from greenit.impact import reports

    pm = people["chen.pm"]
    for org, kind, language in (
        (orgs["auto"], "donor", "en"),
        (orgs["bank"], "sponsor", "zh-hans"),
    ):
        report = reports.report_request(actor=pm, organisation=org, kind=kind, language=language)
        reports.generate_report(report=report)


def _demo_photo(text: str, colour: str):
    """A small picture drawn with Pillow (the demo has no real photos of children)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), colour)
    ImageDraw.Draw(image).text((24, 24), text, fill="white")
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return SimpleUploadedFile("demo.jpg", out.getvalue(), content_type="image/jpeg")


# Volunteers ------------------------------------------------------------------------------

VOLUNTEER_LOGIN = "zhou.volunteer"


def _volunteers(orgs, people) -> None:
    """Opportunities of every kind with past and future shifts: the opening of the Hefeng
    classroom taught by bank volunteers, teaching days, a refurbishing workshop and a
    collection drive; corporate volunteers of the demo sponsors and donors with attendance
    and hours in the past (for the impact reports), a full shift with a waitlist, and a
    volunteer with an account (zhou.volunteer). Made through the services, as people would:
    past shifts are signed up for while in the future, then moved back to their date."""
    import zlib
    from datetime import datetime

    from greenit.classrooms.models import ClassroomProject
    from greenit.volunteers import services as volunteering
    from greenit.volunteers.models import Opportunity, Shift

    pm = people["chen.pm"]
    zhou = User(
        username=VOLUNTEER_LOGIN,
        first_name="Wei",
        last_name="Zhou 周",
        email="zhou.volunteer@example.org",
    )
    zhou.set_password(PASSWORD)
    zhou.save()
    today = timezone.localdate()
    opened = ClassroomProject.objects.get(school=orgs["school_yudu"])
    upcoming = ClassroomProject.objects.get(school=orgs["school_blind"])

    def opportunity(kind, en, zh, place, **fields):
        return Opportunity.objects.create(
            kind=kind, title_en=en, title_zh=zh, place=place, published=True, **fields
        )

    def at(days: int, hour: int):
        day = today + timedelta(days=days)
        return timezone.make_aware(datetime.combine(day, time(hour)))

    far = 900  # past shifts are made this many days ahead, signed up for, then moved back

    def shift(opp, days: int, hour: int, hours: int, capacity: int):
        offset = far if days < 0 else 0
        return Shift.objects.create(
            opportunity=opp,
            starts_at=at(days + offset, hour),
            ends_at=at(days + offset, hour + hours),
            capacity=capacity,
        )

    def back(s):
        # Any shift still more than a year ahead was made here to be moved back. (Comparing
        # with `far - 60` days failed late in the day: a 09:00 shift 840 days ahead is then
        # earlier than now + 840 days, so it stayed in the future and refused attendance.)
        if s.starts_at > timezone.now() + timedelta(days=365):
            Shift.objects.filter(pk=s.pk).update(
                starts_at=s.starts_at - timedelta(days=far), ends_at=s.ends_at - timedelta(days=far)
            )

    def guest(s, name, email, company=None, language="zh-hans", company_name=""):
        signup = volunteering.signup_create(
            shift=s,
            name=name,
            email=email,
            language=language,
            company=company,
            company_name=company_name,
            phone=f"139{zlib.crc32(email.encode()) % 10**8:08d}",
        )
        return volunteering.signup_confirm(token=volunteering.confirm_token(signup))

    opening = opportunity(
        Opportunity.Kind.CLASSROOM_OPENING,
        "Opening of the Hefeng Green IT Classroom",
        "禾丰镇中心小学绿色IT教室开班仪式",
        orgs["school_yudu"].name,
        description_en="Teach the first lessons on the new computers: typing and Scratch.",
        description_zh="在新电脑上为孩子们上第一堂课：打字和 Scratch。",
        province="江西省",
        city="赣州市",
        district="于都县",
        project=opened,
        skills=["coding", "teaching", "chinese"],
    )
    opening_day = shift(opening, -60, 9, 6, 6)
    bank = [
        ("王芳", "wang.fang@pjbank.example", orgs["bank"]),
        ("Li Lei 李雷", "li.lei@pjbank.example", orgs["bank"]),
        ("陈静", "chen.jing@pjbank.example", orgs["bank"]),
        ("Tom Becker", "tom.becker@lumen.example", orgs["consult"]),
    ]
    past = [guest(opening_day, name, email, company) for name, email, company in bank]
    past.append(volunteering.signup_create(shift=opening_day, user=zhou, language="zh-hans"))
    back(opening_day)
    for signup, mark in zip(past, ["present", "present", "late", "absent", "present"], strict=True):
        volunteering.attendance_record(
            signup=signup,
            actor=pm,
            attendance=mark,
            hours=Decimal("4") if mark == "late" else None,
        )
    volunteering.hours_adjust(
        signup=past[0],
        actor=pm,
        hours=Decimal("7.5"),
        reason="Stayed after the ceremony to set up the screen reader",
    )

    workshop = opportunity(
        Opportunity.Kind.WORKSHOP,
        "Refurbishing workshop at the Shanghai warehouse",
        "上海仓库电脑翻新工作坊",
        "上海仓库 A 区",
        description_en="Clean, test and image donated laptops with our technicians.",
        description_zh="与技术员一起清洁、测试捐赠的笔记本电脑并安装系统。",
        province="上海市",
        city="上海市",
        skills=["repair", "lifting"],
    )
    old_workshop = shift(workshop, -20, 13, 4, 8)
    done = [
        guest(old_workshop, "赵磊", "zhao.lei@eastauto.example", orgs["auto"]),
        guest(old_workshop, "Sara Lin", "sara.lin@eastauto.example", orgs["auto"], "en"),
        guest(old_workshop, "孙燕", "sun.yan@pjbank.example", orgs["bank"]),
        guest(old_workshop, "Mia Wong", "mia@example.org", None, "en", "Little Lamp Studio"),
    ]
    back(old_workshop)
    for signup in done:
        volunteering.attendance_record(signup=signup, actor=pm, attendance="present")
    next_workshop = shift(workshop, 9, 13, 4, 8)
    guest(next_workshop, "赵磊", "zhao.lei@eastauto.example", orgs["auto"])
    volunteering.signup_create(shift=next_workshop, user=zhou, language="zh-hans")

    teaching = opportunity(
        Opportunity.Kind.TEACHING_DAY,
        "Teaching day: Scratch for grade 5",
        "教学日：五年级 Scratch 编程",
        orgs["school_blind"].name,
        description_en="Help the teachers with a Scratch lesson; the school has screen readers.",
        description_zh="协助老师上一堂 Scratch 课；学校配有读屏软件。",
        province=orgs["school_blind"].province,
        city=orgs["school_blind"].city,
        project=upcoming,
        skills=["coding", "english", "teaching"],
    )
    full = shift(teaching, 12, 9, 3, 2)
    guest(full, "王芳", "wang.fang@pjbank.example", orgs["bank"])
    guest(full, "Tom Becker", "tom.becker@lumen.example", orgs["consult"], "en")
    guest(full, "陈静", "chen.jing@pjbank.example", orgs["bank"])  # on the waitlist
    shift(teaching, 12, 14, 3, 4)

    drive = opportunity(
        Opportunity.Kind.COLLECTION_DRIVE,
        "E-waste collection drive in Lujiazui",
        "陆家嘴电子垃圾回收日",
        "陆家嘴环路 1000 号大堂",
        description_en="Welcome colleagues bringing old phones and laptops; weigh and sort.",
        description_zh="接待带来旧手机和笔记本电脑的同事，称重并分类。",
        province="上海市",
        city="上海市",
        skills=["lifting", "english"],
    )
    shift(drive, 5, 10, 5, 6)
    draft = Opportunity.objects.create(
        kind=Opportunity.Kind.OTHER,
        title_en="Photographer for the classroom stories",
        title_zh="教室故事摄影志愿者",
        place="江西省",
        skills=["photography"],
        published=False,
    )
    shift(draft, 30, 9, 8, 1)
