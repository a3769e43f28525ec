"""The impact figures tell one story: every reused device is in a classroom of a province,
every recycled one behind a recycler's record. `greenit impact_check` names each device that
breaks it; the demo has none."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from greenit.accounts.models import Organisation
from greenit.assets.models import State
from greenit.classrooms.models import Allocation, ClassroomProject, OpeningEvent
from greenit.impact import consistency, dashboard
from greenit.recycling.models import RecyclingBatch, RecyclingBatchItem

from .conftest import set_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(db):
    return Organisation.objects.create(name="瑞金小学", is_school=True, province="江西省")


def _project(school, *, opened: bool) -> ClassroomProject:
    project = ClassroomProject.objects.create(
        name="瑞金小学 Classroom", school=school, seats=2, status=ClassroomProject.Status.READY
    )
    if opened:
        OpeningEvent.objects.create(project=project, date=date(2026, 6, 1))
    return project


def _batch(recycler, assets, *, status=RecyclingBatch.Status.CLOSED) -> RecyclingBatch:
    batch = RecyclingBatch.objects.create(recycler=recycler, number=f"RB-{status}", status=status)
    RecyclingBatchItem.objects.bulk_create(RecyclingBatchItem(batch=batch, asset=a) for a in assets)
    return batch


def _kinds(found) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for b in found:
        kinds.setdefault(b.kind, []).append(b.tag)
    return kinds


def test_the_demo_passes_the_check_and_its_province_table_adds_up(client):
    call_command("demo", devices=60, stdout=StringIO())

    assert consistency.breaks() == []
    out = StringIO()
    call_command("impact_check", stdout=out)
    assert "Every device is counted once" in out.getvalue()
    figures = dashboard.compute()
    assert figures["figures"]["devices_reused"] > 0
    assert sum(p["devices"] for p in figures["provinces"]) == figures["figures"]["devices_reused"]
    assert figures["not_in_classroom"] == 0
    assert 'id="not-in-classroom"' not in client.get(reverse("impact:dashboard")).content.decode()


def test_a_device_deployed_without_a_classroom_is_named(make_donation, make_asset):
    asset = make_asset(make_donation())
    set_state([asset], State.DEPLOYED)

    (found,) = consistency.breaks()

    assert found.kind == consistency.NOT_IN_CLASSROOM
    assert found.tag == asset.display_tag
    assert asset.display_tag in found.message and "no classroom project" in found.message


def test_a_device_deployed_in_a_classroom_never_opened_is_named(make_donation, make_asset, school):
    asset = make_asset(make_donation())
    set_state([asset], State.DEPLOYED)
    Allocation.objects.create(project=_project(school, opened=False), asset=asset)

    (found,) = consistency.breaks()

    assert found.kind == consistency.CLASSROOM_NOT_OPENED
    assert "瑞金小学 Classroom" in found.message and "no opening recorded" in found.message


def test_recycled_devices_without_a_closed_batch_or_a_weight_are_named(
    make_donation, make_asset, east_auto
):
    donation = make_donation(east_auto)
    unbatched = make_asset(donation)
    in_open_batch = make_asset(donation)
    unweighable = make_asset(donation, category="thin_client")  # no typical weight
    weighed = make_asset(donation, category="thin_client", weight_kg=1)
    set_state([unbatched, in_open_batch, unweighable, weighed], State.RECYCLED)
    _batch(east_auto, [in_open_batch], status=RecyclingBatch.Status.SHIPPED)
    _batch(east_auto, [unweighable, weighed])

    kinds = _kinds(consistency.breaks())

    assert sorted(kinds[consistency.RECYCLED_WITHOUT_RECORD]) == sorted(
        [unbatched.display_tag, in_open_batch.display_tag]
    )
    assert kinds[consistency.RECYCLED_WITHOUT_WEIGHT] == [unweighable.display_tag]


def test_a_device_counted_both_in_a_classroom_and_as_recycled_is_named(
    make_donation, make_asset, school, east_auto
):
    donation = make_donation(east_auto)
    recycled, deployed = make_asset(donation), make_asset(donation)
    set_state([recycled], State.RECYCLED)
    set_state([deployed], State.DEPLOYED)
    project = _project(school, opened=True)
    Allocation.objects.create(project=project, asset=recycled)
    Allocation.objects.create(project=project, asset=deployed)
    batch = _batch(east_auto, [recycled, deployed])

    found = [b for b in consistency.breaks() if b.kind == consistency.COUNTED_TWICE]

    messages = {b.tag: b.message for b in found}
    assert set(messages) == {recycled.display_tag, deployed.display_tag}
    assert "still allocated to 瑞金小学 Classroom" in messages[recycled.display_tag]
    assert f"recycling batch {batch.number}" in messages[deployed.display_tag]


def test_the_command_fails_and_lists_each_device(make_donation, make_asset):
    assets = [make_asset(make_donation()) for _ in range(2)]
    set_state(assets, State.DEPLOYED)

    with pytest.raises(CommandError) as failed:
        call_command("impact_check", stdout=StringIO())

    text = str(failed.value)
    assert "(2)" in text
    assert all(a.display_tag in text for a in assets)


def test_the_dashboard_shows_reused_devices_in_no_classroom_as_the_difference(
    client, worked_example, school
):
    project = _project(school, opened=True)
    Allocation.objects.create(project=project, asset=worked_example["laptops"][0])

    html = client.get(reverse("impact:dashboard")).content.decode()

    # 12 devices reused: 1 in a Jiangxi classroom, 11 in none.
    assert "Of the 12 devices reused, 11 are recorded in no classroom project" in html
    assert "<td>1</td>" in html
