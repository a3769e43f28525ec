"""The per-device donor report: each device with the donor's own asset number, the certificate
of sanitization that names it, and where it went (a classroom, a recycler's batch)."""

from datetime import UTC, datetime

from greenit.accounts.models import Organisation
from greenit.assets.models import Asset, State
from greenit.classrooms.models import Allocation, ClassroomProject
from greenit.impact import donor_report
from greenit.recycling.models import RecyclingBatch, RecyclingBatchItem
from greenit.sanitization.services import certificate_issue
from greenit.sanitization.tests.conftest import verified_sample

from .conftest import set_state

WHEN = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


def test_each_device_says_what_became_of_it(db, donation, east_auto, alice, ada, wipe):
    laptop, desktop, monitor = [
        Asset.objects.create(
            donation=donation, category=c, tag=t, state=State.RECEIVED, donor_asset_number=n
        )
        for c, t, n in (
            ("laptop", "AAAA1111", "EA-IT-0007"),
            ("desktop", "BBBB2222", "EA-IT-0008"),
            ("monitor_lcd", "CCCC3333", ""),
        )
    ]
    from conftest import wipe_drive

    wipe_drive(laptop, alice)
    wipe_drive(desktop, alice)
    verified_sample(donation, alice, ada)
    certificate = certificate_issue(donation, alice)
    school = Organisation.objects.create(name="禾丰镇中心小学", is_school=True)
    project = ClassroomProject.objects.create(name="Green IT Classroom", school=school, seats=30)
    Allocation.objects.create(project=project, asset=laptop)
    set_state([laptop], State.DEPLOYED, WHEN)
    recycler = Organisation.objects.create(name="上海绿循环", is_recycler=True)
    batch = RecyclingBatch.objects.create(
        number="RB2026-0042", recycler=recycler, status="closed", certificate_number="GC-77"
    )
    RecyclingBatchItem.objects.create(batch=batch, asset=desktop)
    set_state([desktop], State.RECYCLED, WHEN)

    rows = {
        r[0]: dict(zip(donor_report.COLUMNS, r, strict=True))
        for r in donor_report.rows(east_auto.pk)
    }
    first = rows["AAAA-1111"]
    assert (first["donor_asset_number"], first["went_to"], first["classroom"], first["school"]) == (
        "EA-IT-0007",
        "classroom",
        "Green IT Classroom",
        "禾丰镇中心小学",
    )
    assert first["wiped_certificate"] == certificate.number and first["since"] == "2026-04-02"
    second = rows["BBBB-2222"]
    assert (second["went_to"], second["recycler"], second["recycling_batch"]) == (
        "recycler",
        "上海绿循环",
        "RB2026-0042",
    )
    assert second["recycling_certificate"] == "GC-77"
    assert second["wiped_certificate"] == certificate.number
    third = rows["CCCC-3333"]
    assert (third["went_to"], third["wiped_certificate"]) == ("workshop", "")


def test_a_revoked_certificate_is_not_shown(db, donation, east_auto, alice, ada, wipe):
    from conftest import wipe_drive
    from greenit.sanitization.services import certificate_revoke

    laptop = Asset.objects.create(
        donation=donation, category="laptop", tag="DDDD4444", state=State.RECEIVED
    )
    wipe_drive(laptop, alice)
    verified_sample(donation, alice, ada)
    certificate_revoke(certificate_issue(donation, alice), "Wrong serial", alice)
    (row,) = donor_report.rows(east_auto.pk)
    assert row[donor_report.COLUMNS.index("wiped_certificate")] == ""
