"""Green IT Classrooms: three school applications (waiting, approved, declined), three
classroom projects (equipping, ready, opened with its story and photos) with the demo's
ready computers, and two classrooms opened earlier that hold the devices the demo's history
walked to *deployed*: every device counted as reused is in a classroom of a province."""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max, Q
from django.utils import timezone
from PIL import Image, ImageDraw

from greenit.assets.models import Asset, State
from greenit.classrooms import services as classrooms
from greenit.classrooms.models import (
    Allocation,
    ClassroomProject,
    ClassroomSponsor,
    Delivery,
    OpeningEvent,
    SchoolApplication,
)
from greenit.privacy import services as privacy

SCHOOL = dict(school_type="primary", electricity="reliable", internet="mobile", has_room=True)

# status, school, sponsors, seats, needs the accessibility kit
PLANS = [
    ("opened", "school_yudu", ["bank", "foundation"], 2, False),
    ("ready", "school_blind", ["foundation"], 2, True),
    ("equipping", "school_yongxin", ["bank"], 30, False),
]
EQUIPPING_SHARE = 2 / 3  # of its seats the equipping project has devices for so far
# school, sponsors: the classrooms opened earlier, oldest first
EARLIER = [("school_ruijin", ["foundation"]), ("school_chongming", ["bank", "consult"])]
LEARNING = dict(
    learning_en="Typing, office skills, Scratch and first steps in Python.",
    learning_zh="打字、办公软件、Scratch 和 Python 入门。",
)


def applications(orgs, people) -> SchoolApplication:
    """The three applications; returns the approved one (Hefeng's)."""
    pm = people["chen.pm"]
    classrooms.application_submit(
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
        **SCHOOL,
    )
    # Written directly: application_approve makes the school an organisation with a new
    # contact account, and the demo's Hefeng school and its contact (liu.school) exist already.
    approved = SchoolApplication.objects.create(
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
        **SCHOOL,
    )
    declined = classrooms.application_submit(
        school_name="Riverside International School",
        province="上海市",
        city="上海市",
        district="闵行区",
        students_total=900,
        teachers=80,
        existing_computers=200,
        contact_name="Anna Smith",
        contact_email="anna@example.org",
        language="en",
        **(SCHOOL | {"internet": "broadband"}),
    )
    classrooms.application_decline(
        application=declined,
        actor=pm,
        reason="Green IT Classrooms go to schools without computers.",
    )
    # Decided a month ago, not when the demo is loaded.
    SchoolApplication.objects.filter(pk=declined.pk).update(
        decided_at=timezone.now() - timedelta(days=30)
    )
    return approved


def projects(orgs, people, *, approved: SchoolApplication, kit) -> None:
    """Projects are set up in the admin (no service makes one); devices are allocated and
    delivered, the opening recorded and photos added through the classroom services."""
    pm, logistics = people["chen.pm"], people["li.logistics"]
    today = timezone.localdate()
    # Computers first; a small demo (--devices 60) has few, and its classrooms then get the
    # ready monitors and peripherals, so that it too has allocated devices.
    ready = sorted(
        Asset.objects.filter(state=State.READY).order_by("state_changed_at", "pk"),
        key=lambda a: a.category not in ("laptop", "desktop"),
    )
    computers = [a for a in ready if a.category in ("laptop", "desktop")]
    if len(computers) > 1:  # one stays in the workshop: support.tickets swaps a broken laptop
        ready.remove(computers[-1])
    for status, key, sponsors, seats, blind in PLANS:
        project = ClassroomProject.objects.create(
            name=f"{orgs[key].name} 绿色IT教室",
            school=orgs[key],
            # The approved application carries the school's size (students reached).
            application=approved if key == "school_yudu" else None,
            seats=seats,
            target_opening=today + timedelta(days={"opened": -60}.get(status, 45)),
            software_kit=kit,
            needs_accessibility_kit=blind,
            kit_screen_reader=blind,
            kit_large_keys=blind,
            kit_headphones=blind,
            **LEARNING,
        )
        _sponsors(project, [orgs[key] for key in sponsors])
        wanted = seats
        if status == "equipping":  # some seats, and some ready devices left in the workshop
            wanted = min(int(seats * EQUIPPING_SHARE), len(ready) // 2)
        take, ready = ready[:wanted], ready[wanted:]
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
            _opening(project, pm=pm, today=today)
        # Set directly, not through project_status: a small demo (--devices 40) may not have
        # the ready computers that the ready and opened statuses ask for.
        ClassroomProject.objects.filter(pk=project.pk).update(status=status)


def _sponsors(project: ClassroomProject, organisations) -> None:
    for n, sponsor in enumerate(organisations):
        ClassroomSponsor.objects.create(
            project=project, organisation=sponsor, amount=Decimal(120000 - n * 40000)
        )


def earlier_classrooms(orgs, people, *, kit) -> None:
    """The devices the demo's history walked to *deployed* (two since lost or stolen) went to
    the EARLIER classrooms, oldest deliveries first. Recorded after the fact, as an import of
    old paperwork would: deliver() and opening_record() date everything today, and these
    classrooms opened months ago."""
    pm, logistics = people["chen.pm"], people["li.logistics"]
    delivered = list(
        Asset.objects.filter(
            state__in=[State.DEPLOYED, State.LOST, State.STOLEN], allocations__isnull=True
        )
        .annotate(deployed_at=Max("events__at", filter=Q(events__to_state=State.DEPLOYED)))
        .order_by("deployed_at", "pk")
    )
    size = -(-len(delivered) // len(EARLIER))  # ceiling: every device gets a classroom
    for n, (key, sponsors) in enumerate(EARLIER):
        devices = delivered[n * size : (n + 1) * size]
        if devices:
            _earlier_classroom(
                orgs[key],
                devices,
                sponsors=[orgs[s] for s in sponsors],
                kit=kit,
                pm=pm,
                logistics=logistics,
            )


def _earlier_classroom(school, devices: list[Asset], *, sponsors, kit, pm, logistics) -> None:
    delivered_at = devices[-1].deployed_at
    opened_on = timezone.localdate(delivered_at) + timedelta(days=5)
    project = ClassroomProject.objects.create(
        name=f"{school.name} 绿色IT教室",
        school=school,
        seats=len(devices),
        target_opening=opened_on,
        software_kit=kit,
        status=ClassroomProject.Status.OPENED,
        created_at=devices[0].deployed_at - timedelta(days=30),
        **LEARNING,
    )
    _sponsors(project, sponsors)
    Allocation.objects.bulk_create(
        Allocation(
            project=project,
            asset=asset,
            allocated_at=asset.deployed_at - timedelta(days=3),  # the walk's step before
            allocated_by=pm,
        )
        for asset in devices
    )
    Delivery.objects.create(
        project=project,
        date=timezone.localdate(delivered_at),
        received_by="校长 the headteacher",
        recorded_by=logistics,
        recorded_at=delivered_at,
    )
    OpeningEvent.objects.create(
        project=project,
        date=opened_on,
        guests="The headteacher; the township education office",
        sponsor_representatives=", ".join(s.name_en or s.name for s in sponsors),
    )


def _opening(project: ClassroomProject, *, pm, today) -> None:
    classrooms.opening_record(
        project=project,
        actor=pm,
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
    for caption, colour, guardians_agreed in (
        ("Opening day: the first lesson", "#2e7d32", True),
        ("Children at the new computers", "#1565c0", False),
    ):
        photo = classrooms.photo_add(
            project=project, actor=pm, upload=_photo(caption, colour), caption=caption
        )
        if guardians_agreed:  # the other one stays internal: no consent was given
            privacy.photo_consent_record(
                photo=photo, actor=pm, children_recognisable=True, by_guardian=True
            )


def _photo(text: str, colour: str) -> SimpleUploadedFile:
    """A small picture drawn with Pillow (the demo has no real photos of children)."""
    image = Image.new("RGB", (640, 400), colour)
    ImageDraw.Draw(image).text((24, 24), text, fill="white")
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return SimpleUploadedFile("demo.jpg", out.getvalue(), content_type="image/jpeg")
