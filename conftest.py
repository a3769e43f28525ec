"""Shared test fixtures: one person per role, two donor organisations and their contacts.

alice is a technician, lena logistics, paul a programme manager, ada an administrator;
bob is a donor contact of East Auto, carol a donor contact of Pujiang Bank. `laptop` is a
received laptop whose drive was already wiped (a passed, verified Clear record), so that it may
move on; `wipe` gives any device such a drive."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from greenit.accounts.models import Organisation, Role, User
from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.donations import services as donation_services

pytest_plugins = ["greenit.core.tests.browser"]


def pytest_configure(config: pytest.Config) -> None:
    """Tests marked xdist_group build costly data once, in one worker. pytest 9.2 keeps a
    node's id where pytest-xdist 3.8 does not set it, so the groups were silently ignored and
    each worker built the data again: refuse that pair rather than run slowly."""
    if config.getoption("dist", "no") != "loadgroup":
        return
    import xdist

    xdist_version = tuple(int(part) for part in xdist.__version__.split(".")[:2])
    if pytest.version_tuple[:2] >= (9, 2) and xdist_version <= (3, 8):
        raise pytest.UsageError(
            f"pytest {pytest.__version__} and pytest-xdist {xdist.__version__} do not group "
            "tests (--dist loadgroup): install the versions pyproject.toml names "
            "(.venv/bin/pip install -e '.[dev]')"
        )


@pytest.fixture(scope="session", autouse=True)
def _flush_may_empty_append_only_tables():
    """Django's flush between transactional tests empties every table, the append-only ones
    too: the only place where their database triggers are lifted (core/append_only.py)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from greenit.core.append_only import lifted

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with lifted(self.connection):
            original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _quick_password_hashing(request, settings):
    """Argon2 spends ~0.3 s on each person made; only tests marked `argon2` pay for it."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _session_signing_key(tmp_path_factory):
    from greenit.sanitization import signing

    path = tmp_path_factory.mktemp("keys") / "signing_key.pem"
    signing.create_key(path)
    return path


@pytest.fixture(scope="session")
def _session_pdf_chain(tmp_path_factory):
    """A self-made CA and PDF signing certificate (PAdES), made once per test process."""
    from greenit.sanitization import signing

    directory = tmp_path_factory.mktemp("pdf-signing")
    signing.create_chain(directory)
    return directory


@pytest.fixture(autouse=True)
def _signing_key(settings, _session_signing_key, _session_pdf_chain, tmp_path_factory):
    """Certificates are signed with a throw-away key, never the one in DATA_DIR. Each test gets
    its own copy of it: a test that replaces or removes the key (a restore, a rotation) must
    not break the tests that run after it in the same process."""
    own = tmp_path_factory.mktemp("key") / "signing_key.pem"
    own.write_bytes(_session_signing_key.read_bytes())
    settings.SIGNING_KEY_FILE = own
    settings.SIGNING_PUBLIC_KEYS_DIR = None
    settings.SIGNING_PDF_DIR = (
        _session_pdf_chain  # read only: a test that replaces it makes its own
    )


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a test that activates Chinese (a
    request with zh-hans, an e-mail in the reader's language) must not leak it into the next
    test that runs in the same process, whatever order pytest-xdist gives them."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _person(username: str, *, role: str | None = None, organisation=None, **extra) -> User:
    user = User.objects.create_user(
        username=username, password=f"{username}-Pa55word!", organisation=organisation, **extra
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def east_auto(db) -> Organisation:
    return Organisation.objects.create(
        name="华东汽车零部件有限公司", name_en="East Auto", is_donor=True, province="上海市"
    )


@pytest.fixture
def pujiang_bank(db) -> Organisation:
    return Organisation.objects.create(name="浦江商业银行", name_en="Pujiang Bank", is_donor=True)


@pytest.fixture
def alice(db) -> User:
    return _person("alice", role=Role.TECHNICIAN)


@pytest.fixture
def lena(db) -> User:
    return _person("lena", role=Role.LOGISTICS)


@pytest.fixture
def paul(db) -> User:
    return _person("paul", role=Role.PROGRAMME_MANAGER)


@pytest.fixture
def ada(db) -> User:
    return _person("ada", role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def bob(east_auto) -> User:
    return _person("bob", organisation=east_auto)


@pytest.fixture
def carol(pujiang_bank) -> User:
    return _person("carol", organisation=pujiang_bank)


@pytest.fixture
def make_donation(lena):
    def make(organisation=None, *, items=None, **fields):
        items = items or [donation_services.ItemInput(category="laptop", quantity=3)]
        fields.setdefault("contact_name", "赵磊")
        if organisation is None:
            fields.setdefault("donor_name", "王先生")
        return donation_services.donation_create(
            actor=lena, items=items, donor_organisation=organisation, **fields
        )

    return make


@pytest.fixture
def donation(make_donation, east_auto):
    return make_donation(east_auto)


@pytest.fixture
def make_asset(lena):
    def make(donation, *, category="laptop", serial="", state=State.RECEIVED, **fields):
        return lifecycle.enter(
            state=state, actor=lena, donation=donation, category=category, serial=serial, **fields
        )

    return make


def _wipe_record(medium, operator, *, result: str = "passed"):
    """One overwrite pass of `medium`, fully verified, ended now (not saved)."""
    from datetime import timedelta

    from django.utils import timezone

    from greenit.sanitization.models import SanitizationRecord

    now = timezone.now()
    return SanitizationRecord(
        medium=medium,
        nist_category="clear",
        technique="overwrite",
        pattern="zeros",
        passes=1,
        tool="greenit-wipe",
        tool_version="1.0",
        started_at=now - timedelta(hours=1),
        ended_at=now,
        bytes_written=256_060_514_304,
        verification="full",
        verification_result="passed" if result == "passed" else "failed",
        result=result,
        operator=operator,
    )


def wipe_drive(asset, operator, *, serial: str = "", result: str = "passed"):
    """A wiped SATA SSD in `asset`: one overwrite pass, fully verified (written directly, so
    the device stays where it is)."""
    from greenit.sanitization.models import StorageMedium

    medium = StorageMedium.objects.create(
        asset=asset,
        media_type="sata_ssd",
        serial=serial or f"SSD-{asset.tag}",
        manufacturer="Samsung",
        model="PM871b",
        capacity_bytes=256_060_514_304,
    )
    _wipe_record(medium, operator, result=result).save()
    return medium


def wiped_devices(donation, operator, count: int, *, prefix: str = "BULK-") -> list:
    """`count` received laptops of `donation`, each with a wiped drive as wipe_drive() makes
    it, written in bulk: for tests that count queries over many devices."""
    from greenit.sanitization.models import SanitizationRecord, StorageMedium

    rows = [
        {"donation_id": donation.pk, "category": "laptop", "serial": f"{prefix}{n:05d}"}
        for n in range(count)
    ]
    lifecycle.enter_many(rows, state=State.RECEIVED, actor=operator)
    assets = list(donation.assets.filter(serial__startswith=prefix).order_by("pk"))
    media = StorageMedium.objects.bulk_create(
        StorageMedium(asset=asset, media_type="sata_ssd", serial=f"SSD-{asset.tag}")
        for asset in assets
    )
    SanitizationRecord.objects.bulk_create(_wipe_record(medium, operator) for medium in media)
    return assets


def refurbish(asset, technician, *, grade: str = "B"):
    """A passing refurbishment record for `asset` (computers get a software kit), so that the
    lifecycle lets it move from tested to ready (written directly; the state is unchanged)."""
    from greenit.refurbishment.models import Refurbishment, SoftwareKit
    from greenit.refurbishment.rules import needs_software_kit

    kit = None
    if needs_software_kit(asset):
        kit, _created = SoftwareKit.objects.get_or_create(
            name="Test kit", version="1", defaults={"contents": "Scratch"}
        )
    return Refurbishment.objects.create(
        asset=asset, grade=grade, software_kit=kit, technician=technician
    )


@pytest.fixture
def wipe(alice):
    def make(asset, *, serial: str = "", result: str = "passed"):
        return wipe_drive(asset, alice, serial=serial, result=result)

    return make


@pytest.fixture
def laptop(make_asset, donation, lena):
    asset = make_asset(donation, serial="PF1ABCDE")
    wipe_drive(asset, lena)
    return asset
