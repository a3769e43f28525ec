import pytest
from django.urls import reverse

from greenit.classrooms.models import ClassroomProject


def test_a_sponsor_contact_sees_the_projects_it_funds_and_nothing_else(
    project, other_project, stella, client
):
    assert list(ClassroomProject.objects.visible_to(stella)) == [project]
    client.force_login(stella)
    listing = client.get(reverse("classrooms:projects")).content.decode()
    assert project.name in listing and other_project.name not in listing
    assert client.get(reverse("classrooms:project", args=[project.pk])).status_code == 200
    assert client.get(reverse("classrooms:project", args=[other_project.pk])).status_code == 404


def test_a_school_contact_sees_its_own_classroom_only(project, other_project, sam, client):
    client.force_login(sam)
    assert client.get(reverse("classrooms:project", args=[project.pk])).status_code == 200
    assert client.get(reverse("classrooms:project", args=[other_project.pk])).status_code == 404


def test_contacts_do_not_see_sponsorship_amounts_or_manager_forms(project, sam, client):
    client.force_login(sam)
    page = client.get(reverse("classrooms:project", args=[project.pk])).content.decode()
    assert "50000" not in page
    assert reverse("classrooms:allocate_category", args=[project.pk]) not in page


def test_a_donor_contact_sees_no_project(project, bob, client):
    assert not ClassroomProject.objects.visible_to(bob).exists()
    client.force_login(bob)
    assert client.get(reverse("classrooms:project", args=[project.pk])).status_code == 404


def test_contacts_cannot_change_a_project(project, sam, stella, client):
    for person in (sam, stella):
        client.force_login(person)
        response = client.post(
            reverse("classrooms:status", args=[project.pk]), {"status": "closed"}
        )
        assert response.status_code == 403
    project.refresh_from_db()
    assert project.status == "planned"


@pytest.mark.django_db
def test_the_public_pages_show_opened_classrooms_only(project, other_project, client):
    ClassroomProject.objects.filter(pk=project.pk).update(
        status="opened", story_en="Forty children code in Scratch.", story_zh="四十个孩子学编程。"
    )
    listing = client.get(reverse("classrooms:public_list")).content.decode()
    assert project.name in listing and other_project.name not in listing
    page = client.get(reverse("classrooms:public_detail", args=[project.pk])).content.decode()
    assert "Forty children" in page and "Green Sprout" in page and "Scratch" in page
    assert (
        client.get(reverse("classrooms:public_detail", args=[other_project.pk])).status_code == 404
    )
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("classrooms:public_detail", args=[project.pk])).content.decode()
    assert "四十个孩子" in page


def test_a_programme_manager_creates_a_project(paul, school, kit, client):
    client.force_login(paul)
    response = client.post(
        reverse("classrooms:project_new"),
        {"name": "New room", "school": school.pk, "seats": "0", "software_kit": kit.pk},
    )
    assert response.status_code == 200 and "seats" in response.context["form"].errors
    response = client.post(
        reverse("classrooms:project_new"),
        {"name": "New room", "school": school.pk, "seats": "20", "software_kit": kit.pk},
    )
    assert response.status_code == 302
    assert ClassroomProject.objects.get(name="New room").seats == 20


def test_a_sponsor_is_added_once_with_a_clear_message_the_second_time(
    project, foundation, paul, client
):
    client.force_login(paul)
    url = reverse("classrooms:sponsor_add", args=[project.pk])
    data = {
        "sponsor-organisation": foundation.pk,
        "sponsor-amount": "1000",
        "sponsor-currency": "CNY",
    }
    response = client.post(url, data, follow=True)
    assert "already funds this project" in response.content.decode()
    assert project.sponsorships.count() == 1


def test_a_contacts_home_page_lists_its_classrooms(project, other_project, stella, sam, client):
    for person in (stella, sam):
        client.force_login(person)
        page = client.get(reverse("home:home")).content.decode()
        assert project.name in page and other_project.name not in page


@pytest.mark.django_db
def test_the_welcome_page_invites_schools_to_apply(client):
    assert reverse("classrooms:apply") in client.get(reverse("home:home")).content.decode()


def test_the_project_list_filters_by_status(project, other_project, paul, client):
    ClassroomProject.objects.filter(pk=other_project.pk).update(status="ready")
    client.force_login(paul)
    page = client.get(reverse("classrooms:projects") + "?status=ready").content.decode()
    assert other_project.name in page and project.name not in page
