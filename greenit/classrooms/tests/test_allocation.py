import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import wiped_devices
from greenit.assets import lifecycle
from greenit.assets.models import Asset, CustodyEvent, State
from greenit.classrooms import services
from greenit.classrooms.models import Allocation, ClassroomProject
from greenit.refurbishment.models import Refurbishment


def test_allocating_by_category_takes_the_oldest_ready_devices_of_the_minimum_grade_or_better(
    project, paul, make_ready
):
    oldest_c, old_a, newer_b, newest_a = (make_ready(grade=g) for g in "CABA")
    made = services.allocate_by_category(
        project=project, actor=paul, category="laptop", count=2, min_grade="B"
    )
    assert [a.asset_id for a in made] == [old_a.pk, newer_b.pk]
    for asset in (old_a, newer_b):
        asset.refresh_from_db()
        assert asset.state == State.ALLOCATED
    oldest_c.refresh_from_db()
    assert oldest_c.state == State.READY
    project.refresh_from_db()
    assert project.status == ClassroomProject.Status.EQUIPPING


def test_too_few_free_devices_allocates_none_and_says_so(project, paul, make_ready):
    make_ready(grade="A")
    make_ready(grade="C")
    with pytest.raises(ValidationError) as error:
        services.allocate_by_category(
            project=project, actor=paul, category="laptop", count=2, min_grade="A"
        )
    assert "only 1 ready device of this category and grade is free" in str(error.value)
    assert not Allocation.objects.exists()


def test_allocating_by_scanning_tags_and_one_bad_tag_allocates_none(
    project, paul, make_ready, laptop
):
    ready = make_ready()
    with pytest.raises(ValidationError) as error:
        services.allocate_by_tags(
            project=project, actor=paul, codes=[ready.display_tag, laptop.tag, "ZZZZ-9999"]
        )
    messages = error.value.message_dict["codes"]
    assert len(messages) == 3 and "Nothing was allocated" in messages[0]
    assert "not ready" in messages[1] and "ZZZZ-9999" in messages[2]
    assert not Allocation.objects.exists()
    made = services.allocate_by_tags(project=project, actor=paul, codes=[ready.display_tag.lower()])
    assert made[0].asset_id == ready.pk


def test_the_database_keeps_a_device_in_at_most_one_project(project, other_project, make_ready):
    asset = make_ready()
    Allocation.objects.create(project=project, asset=asset)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(project=other_project, asset=asset)


def test_a_device_in_one_project_cannot_be_allocated_to_another(
    project, other_project, paul, make_ready
):
    asset = make_ready()
    services.allocate_by_tags(project=project, actor=paul, codes=[asset.tag])
    with pytest.raises(ValidationError):
        services.allocate_by_tags(project=other_project, actor=paul, codes=[asset.tag])
    assert Allocation.objects.active().get().project == project


def test_unallocating_makes_the_device_ready_again_and_keeps_the_history(
    project, other_project, paul, make_ready
):
    asset = make_ready()
    (allocation,) = services.allocate_by_tags(project=project, actor=paul, codes=[asset.tag])
    services.unallocate(allocation=allocation, actor=paul)
    asset.refresh_from_db()
    assert asset.state == State.READY
    assert asset.events.order_by("-pk").first().to_state == State.READY
    services.allocate_by_tags(project=other_project, actor=paul, codes=[asset.tag])
    assert Allocation.objects.filter(asset=asset).count() == 2
    with pytest.raises(ValidationError):
        services.unallocate(allocation=allocation, actor=paul)


def test_only_programme_managers_allocate(project, alice, bob, make_ready):
    asset = make_ready()
    for person in (alice, bob):
        with pytest.raises(PermissionDenied):
            services.allocate_by_tags(project=project, actor=person, codes=[asset.tag])


def test_a_project_is_ready_only_when_every_seat_has_a_device(project, paul, make_ready):
    for _ in range(2):
        make_ready()
    services.allocate_by_category(project=project, actor=paul, category="laptop", count=2)
    with pytest.raises(ValidationError) as error:
        services.project_status(project=project, actor=paul, status="ready")
    assert "2 of 3 seats" in error.value.message_dict["status"][0]
    make_ready()
    services.allocate_by_category(project=project, actor=paul, category="laptop", count=1)
    assert services.project_status(project=project, actor=paul, status="ready").status == "ready"


def test_the_checklist_says_what_is_missing(project, paul, make_ready):
    project.needs_accessibility_kit = True
    project.save()
    checklist = dict((str(text), done) for text, done in services.missing(project))
    assert checklist["Devices allocated: 0 of 3 seats"] is False
    assert checklist["Software kit chosen"] is True
    assert checklist["Accessibility kit complete"] is False
    assert checklist["Devices delivered"] is False


def test_the_project_page_allocates_and_unallocates(project, paul, make_ready, client):
    make_ready()
    client.force_login(paul)
    url = reverse("classrooms:allocate_category", args=[project.pk])
    response = client.post(
        url, {"cat-category": "laptop", "cat-count": "1", "cat-min_grade": "C"}, follow=True
    )
    assert "1 device allocated: " in response.content.decode()
    allocation = Allocation.objects.get()
    response = client.post(
        reverse("classrooms:unallocate", args=[project.pk, allocation.pk]), follow=True
    )
    assert "ready again" in response.content.decode()
    response = client.post(
        url, {"cat-category": "laptop", "cat-count": "5", "cat-min_grade": "C"}, follow=True
    )
    assert "only 1 ready device of this category" in response.content.decode()


@pytest.fixture
def make_many_ready(alice, kit):
    """`count` ready laptops of `donation`, made in bulk (wiped, graded B, with the kit)."""

    def make(donation, count: int, *, prefix: str) -> list:
        assets = wiped_devices(donation, alice, count, prefix=prefix)
        lifecycle.transition_many(assets, State.SANITIZED, actor=alice)
        Refurbishment.objects.bulk_create(
            Refurbishment(asset=asset, grade="B", software_kit=kit, technician=alice)
            for asset in assets
        )
        lifecycle.transition_many(assets, State.TESTED, actor=alice)
        lifecycle.transition_many(assets, State.READY, actor=alice)
        return assets

    return make


def _warm_up(project, paul) -> None:
    """The first check reads paul's roles; every later one reuses them."""
    with pytest.raises(ValidationError):
        services.allocate_by_category(project=project, actor=paul, category="laptop", count=0)


def _queries(allocate) -> tuple[list[Allocation], int]:
    with CaptureQueriesContext(connection) as context:
        made = allocate()
    return made, len(context.captured_queries)


def test_allocating_fifty_devices_by_category_takes_as_many_queries_as_five(
    project, other_project, paul, donation, make_many_ready
):
    make_many_ready(donation, 55, prefix="CAT-")
    _warm_up(project, paul)
    made = []
    for allocated_to, count in ((project, 5), (other_project, 50)):
        made.append(
            _queries(
                lambda p=allocated_to, n=count: services.allocate_by_category(
                    project=p, actor=paul, category="laptop", count=n
                )
            )
        )
    (five, five_queries), (fifty, fifty_queries) = made
    assert (len(five), len(fifty)) == (5, 50)
    assert five_queries == fifty_queries
    assert Asset.objects.filter(state=State.ALLOCATED).count() == 55


def test_allocating_fifty_scanned_devices_takes_as_many_queries_as_five(
    project, other_project, paul, donation, make_many_ready
):
    few = make_many_ready(donation, 5, prefix="FEW-")
    many = make_many_ready(donation, 50, prefix="MANY-")
    _warm_up(project, paul)
    five, five_queries = _queries(
        lambda: services.allocate_by_tags(project=project, actor=paul, codes=[a.tag for a in few])
    )
    fifty, fifty_queries = _queries(
        lambda: services.allocate_by_tags(
            project=other_project, actor=paul, codes=[a.serial for a in many]
        )
    )
    assert (len(five), len(fifty)) == (5, 50)
    assert five_queries == fifty_queries
    assert {e.note for e in CustodyEvent.objects.filter(to_state=State.ALLOCATED)} == {
        f"Allocated to {project}",
        f"Allocated to {other_project}",
    }


def test_one_bad_scanned_tag_allocates_nothing_and_says_which(project, paul, make_ready, client):
    good = make_ready()
    client.force_login(paul)
    response = client.post(
        reverse("classrooms:allocate_tags", args=[project.pk]),
        {"tags-codes": f"{good.tag}\nNOSUCHTAG"},
        follow=True,
    )
    page = response.content.decode()
    assert "allocated." not in page
    assert "Nothing was allocated" in page
    assert "NOSUCHTAG: no single device has this tag." in page
    assert not Allocation.objects.exists()


def test_scanned_tags_say_how_many_and_which_were_allocated(project, paul, make_ready, client):
    first, second = make_ready(), make_ready()
    client.force_login(paul)
    response = client.post(
        reverse("classrooms:allocate_tags", args=[project.pk]),
        {"tags-codes": f"{first.tag}\n{second.tag}"},
        follow=True,
    )
    page = response.content.decode()
    assert f"2 devices allocated: {first.display_tag}, {second.display_tag}." in page
