"""Volunteering: opportunities of every kind with past and future shifts: the opening of the
Hefeng classroom taught by bank volunteers, teaching days, a refurbishing workshop and a
collection drive; corporate volunteers of the demo sponsors and donors with attendance and
hours in the past (for the impact reports), a full shift with a waitlist, and a volunteer with
an account (zhou.volunteer). Made through the services, as people would: past shifts are
signed up for while in the future, then moved back to their date."""

import zlib
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from greenit.accounts.models import User
from greenit.classrooms.models import ClassroomProject
from greenit.volunteers import services as volunteering
from greenit.volunteers.models import Opportunity, Shift, SignUp

from .people import VOLUNTEER_LOGIN, login_make

FAR = 900  # past shifts are made this many days ahead, signed up for, then moved back


def volunteers(orgs, people) -> None:
    pm = people["chen.pm"]
    zhou = login_make(VOLUNTEER_LOGIN, first="Wei", last="Zhou 周")
    zhou.save()
    _opening_day(orgs, pm=pm, zhou=zhou)
    _workshops(orgs, pm=pm, zhou=zhou)
    _teaching_day(orgs)
    _drive_and_draft()


def _opportunity(kind: str, *, en: str, zh: str, place: str, **fields) -> Opportunity:
    """Opportunities are reference data: managers write them in the admin (no service)."""
    return Opportunity.objects.create(
        kind=kind, title_en=en, title_zh=zh, place=place, published=True, **fields
    )


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _shift(opp: Opportunity, *, days: int, hour: int, hours: int, capacity: int) -> Shift:
    """A shift `days` from today (no service makes one); a past one is made FAR days ahead."""
    offset = FAR if days < 0 else 0
    return Shift.objects.create(
        opportunity=opp,
        starts_at=_at(days + offset, hour),
        ends_at=_at(days + offset, hour + hours),
        capacity=capacity,
    )


def _back(s: Shift) -> None:
    # Any shift still more than a year ahead was made here to be moved back. (Comparing
    # with `far - 60` days failed late in the day: a 09:00 shift 840 days ahead is then
    # earlier than now + 840 days, so it stayed in the future and refused attendance.)
    if s.starts_at > timezone.now() + timedelta(days=365):
        Shift.objects.filter(pk=s.pk).update(
            starts_at=s.starts_at - timedelta(days=FAR), ends_at=s.ends_at - timedelta(days=FAR)
        )


def _guest(
    s: Shift, name: str, email: str, *, company=None, language="zh-hans", company_name=""
) -> SignUp:
    """A volunteer without an account signs up on the public page and confirms by e-mail."""
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


def _opening_day(orgs, *, pm, zhou) -> None:
    opened = ClassroomProject.objects.get(school=orgs["school_yudu"])
    opening = _opportunity(
        Opportunity.Kind.CLASSROOM_OPENING,
        en="Opening of the Hefeng Green IT Classroom",
        zh="禾丰镇中心小学绿色IT教室开班仪式",
        place=orgs["school_yudu"].name,
        description_en="Teach the first lessons on the new computers: typing and Scratch.",
        description_zh="在新电脑上为孩子们上第一堂课：打字和 Scratch。",
        province="江西省",
        city="赣州市",
        district="于都县",
        project=opened,
        skills=["coding", "teaching", "chinese"],
    )
    opening_day = _shift(opening, days=-60, hour=9, hours=6, capacity=6)
    bank = [
        ("王芳", "wang.fang@pjbank.example", orgs["bank"]),
        ("Li Lei 李雷", "li.lei@pjbank.example", orgs["bank"]),
        ("陈静", "chen.jing@pjbank.example", orgs["bank"]),
        ("Tom Becker", "tom.becker@lumen.example", orgs["consult"]),
    ]
    past = [_guest(opening_day, name, email, company=company) for name, email, company in bank]
    past.append(volunteering.signup_create(shift=opening_day, user=zhou, language="zh-hans"))
    _back(opening_day)
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


def _workshops(orgs, *, pm, zhou) -> None:
    workshop = _opportunity(
        Opportunity.Kind.WORKSHOP,
        en="Refurbishing workshop at the Shanghai warehouse",
        zh="上海仓库电脑翻新工作坊",
        place="上海仓库 A 区",
        description_en="Clean, test and image donated laptops with our technicians.",
        description_zh="与技术员一起清洁、测试捐赠的笔记本电脑并安装系统。",
        province="上海市",
        city="上海市",
        skills=["repair", "lifting"],
    )
    old_workshop = _shift(workshop, days=-20, hour=13, hours=4, capacity=8)
    done = [
        _guest(old_workshop, "赵磊", "zhao.lei@eastauto.example", company=orgs["auto"]),
        _guest(
            old_workshop,
            "Sara Lin",
            "sara.lin@eastauto.example",
            company=orgs["auto"],
            language="en",
        ),
        _guest(old_workshop, "孙燕", "sun.yan@pjbank.example", company=orgs["bank"]),
        _guest(
            old_workshop,
            "Mia Wong",
            "mia@example.org",
            language="en",
            company_name="Little Lamp Studio",
        ),
    ]
    _back(old_workshop)
    for signup in done:
        volunteering.attendance_record(signup=signup, actor=pm, attendance="present")
    next_workshop = _shift(workshop, days=9, hour=13, hours=4, capacity=8)
    _guest(next_workshop, "赵磊", "zhao.lei@eastauto.example", company=orgs["auto"])
    volunteering.signup_create(shift=next_workshop, user=zhou, language="zh-hans")


def _teaching_day(orgs) -> None:
    upcoming = ClassroomProject.objects.get(school=orgs["school_blind"])
    teaching = _opportunity(
        Opportunity.Kind.TEACHING_DAY,
        en="Teaching day: Scratch for grade 5",
        zh="教学日：五年级 Scratch 编程",
        place=orgs["school_blind"].name,
        description_en="Help the teachers with a Scratch lesson; the school has screen readers.",
        description_zh="协助老师上一堂 Scratch 课；学校配有读屏软件。",
        province=orgs["school_blind"].province,
        city=orgs["school_blind"].city,
        project=upcoming,
        skills=["coding", "english", "teaching"],
    )
    full = _shift(teaching, days=12, hour=9, hours=3, capacity=2)
    _guest(full, "王芳", "wang.fang@pjbank.example", company=orgs["bank"])
    _guest(full, "Tom Becker", "tom.becker@lumen.example", company=orgs["consult"], language="en")
    _guest(full, "陈静", "chen.jing@pjbank.example", company=orgs["bank"])  # on the waitlist
    afternoon = _shift(teaching, days=12, hour=14, hours=3, capacity=4)
    _bank_team(afternoon, orgs)


def _bank_team(shift: Shift, orgs) -> None:
    """The bank's coordinator takes 3 places for a team; two colleagues have filled theirs,
    each accepting our code of conduct (the bank has none of its own)."""
    pm = User.objects.get(username="chen.pm")
    volunteering.waiver_publish(
        actor=pm,
        company=None,
        text_en=(
            "Volunteers are never alone with a child; no photos of children without the "
            "school's consent; no personal contact details exchanged with pupils."
        ),
        text_zh="志愿者不与儿童单独相处；未经学校同意不拍摄儿童照片；不与学生交换个人联系方式。",
    )
    team = volunteering.team_signup(
        shift=shift, actor=User.objects.get(username="sun.bank"), places=3
    )
    for name, email in (("赵磊", "zhao.lei@pjbank.example"), ("钱敏", "qian.min@pjbank.example")):
        volunteering.team_join(team=team, name=name, email=email, accepted=True)


def _drive_and_draft() -> None:
    drive = _opportunity(
        Opportunity.Kind.COLLECTION_DRIVE,
        en="E-waste collection drive in Lujiazui",
        zh="陆家嘴电子垃圾回收日",
        place="陆家嘴环路 1000 号大堂",
        description_en="Welcome colleagues bringing old phones and laptops; weigh and sort.",
        description_zh="接待带来旧手机和笔记本电脑的同事，称重并分类。",
        province="上海市",
        city="上海市",
        skills=["lifting", "english"],
    )
    _shift(drive, days=5, hour=10, hours=5, capacity=6)
    draft = Opportunity.objects.create(
        kind=Opportunity.Kind.OTHER,
        title_en="Photographer for the classroom stories",
        title_zh="教室故事摄影志愿者",
        place="江西省",
        skills=["photography"],
        published=False,
    )
    _shift(draft, days=30, hour=9, hours=8, capacity=1)
