"""The demo's people: organisations (donors, sponsors, schools, a recycler) and one login per
role, all with the same printed password."""

from django.contrib.auth.models import Group

from greenit.accounts.models import Organisation, Role, User

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
    # Two schools whose classrooms opened earlier (classrooms.earlier_classrooms).
    "school_ruijin": dict(
        name="瑞金市叶坪乡中心小学",
        name_en="Yeping Township Central Primary School",
        is_school=True,
        province="江西省",
        city="赣州市",
        district="瑞金市",
        street="叶坪乡红都大道 9 号",
    ),
    "school_chongming": dict(
        name="崇明区港西镇中学",
        name_en="Gangxi Town Middle School",
        is_school=True,
        province="上海市",
        city="上海市",
        district="崇明区",
        street="港西镇北双公路 1288 号",
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

VOLUNTEER_LOGIN = "zhou.volunteer"


def organisations_make() -> dict[str, Organisation]:
    """Reference data: organisations have no service of their own (staff add them in the admin)."""
    return {key: Organisation.objects.create(**fields) for key, fields in ORGANISATIONS.items()}


def login_make(username: str, *, first: str, last: str, organisation=None) -> User:
    """A login with the demo password (accounts are made in the admin: there is no service)."""
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@example.org",
        organisation=organisation,
    )
    user.set_password(PASSWORD)
    return user


def people_make(orgs: dict[str, Organisation]) -> dict[str, User]:
    people = {}
    for username, first, last, role, org in PEOPLE:
        user = login_make(username, first=first, last=last, organisation=orgs[org] if org else None)
        if role == Role.ADMINISTRATOR:
            user.is_staff = user.is_superuser = True
        user.save()
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        people[username] = user
    return people
