"""Recording donations: staff for anyone, a donor contact for their own organisation only;
fluorescent tubes refused everywhere; bad input names the field and writes nothing."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from greenit.accounts.models import ApiToken, Organisation, User
from greenit.donations import services
from greenit.donations.models import Donation, DonationItem


def _form(items: list[dict], *, total: int | None = None, **fields) -> dict:
    data = {
        "contact_name": "赵磊",
        "contact_phone": "13800000000",
        "province": "上海市",
        "city": "上海市",
        "district": "嘉定区",
        "street": "墨玉南路 888 号",
        **fields,
    }
    total = len(items) if total is None else total
    data.update(
        {
            "items-TOTAL_FORMS": str(total),
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "50",
        }
    )
    for n, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{n}-{key}"] = value
    return data


def _api_payload(**overrides) -> dict:
    payload = {
        "contact_name": "赵磊",
        "province": "上海市",
        "items": [{"category": "laptop", "quantity": 4, "serials": ["PF1", "PF2"]}],
    }
    payload.update(overrides)
    return payload


def _post_api(client, user, payload):
    _token, key = ApiToken.issue(user=user, name="test")
    return client.post(
        "/api/donations",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def _nothing_written():
    assert Donation.objects.count() == 0
    assert DonationItem.objects.count() == 0


# Staff recording a donation


def test_staff_record_a_donation_with_its_items_through_the_form(client, lena, east_auto):
    client.force_login(lena)
    data = _form(
        [
            {"category": "laptop", "quantity": "5", "serials": "PF1AAA\nPF1BBB\n"},
            {"category": "monitor_lcd", "quantity": "2", "description": "Dell P2419H"},
            {},
            {},
        ],
        donor_organisation=str(east_auto.pk),
    )
    response = client.post(reverse("donations:create"), data)
    donation = Donation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("donations:detail", args=[donation.pk])
    assert donation.donor_organisation == east_auto
    assert donation.created_by == lena
    assert donation.contact_name == "赵磊"
    assert re.fullmatch(r"D\d{4}-\d{5}", donation.reference)
    items = {i.category: i for i in donation.items.all()}
    assert set(items) == {"laptop", "monitor_lcd"}
    assert items["laptop"].quantity == 5
    assert items["laptop"].serial_list == ["PF1AAA", "PF1BBB"]
    assert items["monitor_lcd"].description == "Dell P2419H"


def test_staff_record_a_donation_from_a_private_person(client, lena):
    client.force_login(lena)
    data = _form([{"category": "tablet", "quantity": "1"}], donor_name="王先生")
    assert client.post(reverse("donations:create"), data).status_code == 302
    donation = Donation.objects.get()
    assert donation.donor_organisation is None
    assert donation.donor == "王先生"


def test_a_donation_needs_a_donor(client, lena):
    client.force_login(lena)
    response = client.post(
        reverse("donations:create"), _form([{"category": "laptop", "quantity": "1"}])
    )
    assert response.status_code == 200
    assert "donor_name" in response.context["form"].errors
    _nothing_written()


def test_a_donation_needs_at_least_one_item(client, lena, east_auto):
    client.force_login(lena)
    data = _form([{}, {}], donor_organisation=str(east_auto.pk))
    response = client.post(reverse("donations:create"), data)
    assert response.status_code == 200
    assert response.context["items"].non_form_errors()
    _nothing_written()


def test_a_programme_manager_does_not_record_donations(client, paul, east_auto):
    client.force_login(paul)
    assert client.get(reverse("donations:create")).status_code == 403
    data = _form([{"category": "laptop", "quantity": "1"}], donor_organisation=str(east_auto.pk))
    assert client.post(reverse("donations:create"), data).status_code == 403
    with pytest.raises(PermissionDenied):
        services.donation_create(
            actor=paul,
            items=[services.ItemInput("laptop", 1)],
            donor_organisation=east_auto,
            contact_name="赵磊",
        )
    _nothing_written()


def test_staff_record_a_donation_through_the_api(client, lena, east_auto):
    payload = _api_payload(donor_organisation_id=east_auto.pk)
    response = _post_api(client, lena, payload)
    assert response.status_code == 201
    body = response.json()
    donation = Donation.objects.get()
    assert body["id"] == donation.pk
    assert body["reference"] == donation.reference
    assert body["donor_organisation_id"] == east_auto.pk
    assert body["items"] == [
        {"category": "laptop", "quantity": 4, "description": "", "serials": ["PF1", "PF2"]}
    ]


# Fluorescent tubes


def test_the_form_refuses_fluorescent_tubes(client, lena, east_auto):
    client.force_login(lena)
    data = _form(
        [
            {"category": "laptop", "quantity": "3"},
            {"category": "fluorescent_tube", "quantity": "40"},
        ],
        donor_organisation=str(east_auto.pk),
    )
    response = client.post(reverse("donations:create"), data)
    assert response.status_code == 200
    errors = response.context["items"].errors[1]
    assert "HW29" in " ".join(errors["category"])
    assert "HW29" in response.content.decode()
    _nothing_written()


def test_the_api_refuses_fluorescent_tubes(client, lena, east_auto):
    payload = _api_payload(
        donor_organisation_id=east_auto.pk,
        items=[
            {"category": "laptop", "quantity": 3},
            {"category": "fluorescent_tube", "quantity": 40},
        ],
    )
    response = _post_api(client, lena, payload)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "HW29" in " ".join(errors["items[1].category"])
    _nothing_written()


def test_a_donor_contact_offering_fluorescent_tubes_is_told_why(client, bob):
    client.force_login(bob)
    response = client.post(
        reverse("donations:create"), _form([{"category": "fluorescent_tube", "quantity": "1"}])
    )
    assert response.status_code == 200
    assert "HW29" in response.content.decode()
    _nothing_written()


def test_the_service_refuses_fluorescent_tubes(lena, east_auto):
    with pytest.raises(ValidationError) as refused:
        services.donation_create(
            actor=lena,
            items=[services.ItemInput("fluorescent_tube", 10)],
            donor_organisation=east_auto,
            contact_name="赵磊",
        )
    assert "HW29" in " ".join(refused.value.message_dict["items[0].category"])
    _nothing_written()


# Donor contacts


def test_a_donor_contact_offers_for_their_own_organisation_whatever_they_send(
    client, bob, east_auto, pujiang_bank
):
    client.force_login(bob)
    data = _form(
        [{"category": "laptop", "quantity": "2"}],
        donor_organisation=str(pujiang_bank.pk),
        donor_name="浦江商业银行",
    )
    response = client.post(reverse("donations:create"), data)
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert donation.donor_organisation == east_auto
    assert donation.status == Donation.Status.OFFERED
    assert donation.created_by == bob


def test_a_donor_contact_offers_for_their_own_organisation_through_the_api(
    client, bob, east_auto, pujiang_bank
):
    response = _post_api(client, bob, _api_payload(donor_organisation_id=pujiang_bank.pk))
    assert response.status_code == 201
    assert response.json()["donor_organisation_id"] == east_auto.pk
    donation = Donation.objects.get()
    assert donation.donor_organisation == east_auto
    assert donation.status == Donation.Status.OFFERED


def test_a_donor_contact_cannot_see_another_donors_donation(
    client, bob, make_donation, pujiang_bank
):
    carols = make_donation(pujiang_bank)
    client.force_login(bob)
    assert client.get(reverse("donations:detail", args=[carols.pk])).status_code == 404
    assert client.get(f"/api/donations/{carols.pk}").status_code == 404
    _token, key = ApiToken.issue(user=bob, name="test")
    response = client.get(f"/api/donations/{carols.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 404


def test_a_donor_contact_sees_their_own_donation(client, bob, donation):
    client.force_login(bob)
    response = client.get(reverse("donations:detail", args=[donation.pk]))
    assert response.status_code == 200
    assert donation.reference in response.content.decode()
    assert client.get(f"/api/donations/{donation.pk}").json()["reference"] == donation.reference


def test_a_donor_contact_lists_only_their_own_donations(
    client, bob, make_donation, east_auto, pujiang_bank
):
    own = [make_donation(east_auto), make_donation(east_auto)]
    others = [make_donation(pujiang_bank), make_donation(None, donor_name="王先生")]
    client.force_login(bob)
    page = client.get(reverse("donations:list")).context["page"]
    assert {d.pk for d in page.rows} == {d.pk for d in own}
    listed = client.get("/api/donations").json()
    assert {d["id"] for d in listed} == {d.pk for d in own}
    staff = User.objects.get(username="lena")
    client.force_login(staff)
    page = client.get(reverse("donations:list")).context["page"]
    assert {d.pk for d in page.rows} == {d.pk for d in own + others}


def test_a_contact_of_an_organisation_that_is_not_a_donor_cannot_offer(client, db):
    school = Organisation.objects.create(name="于都县禾丰镇中心小学", is_school=True)
    teacher = User.objects.create_user(username="liu", password="x-Pa55word!", organisation=school)
    client.force_login(teacher)
    assert client.get(reverse("donations:create")).status_code == 403


def test_a_person_with_neither_role_nor_organisation_cannot_offer(client, db):
    nobody = User.objects.create_user(username="newcomer", password="x-Pa55word!")
    client.force_login(nobody)
    assert client.get(reverse("donations:create")).status_code == 403
    assert client.get(reverse("donations:list")).context["page"].rows == []


# Bad input


def test_a_missing_contact_name_is_named_in_the_form(client, lena, east_auto):
    client.force_login(lena)
    data = _form(
        [{"category": "laptop", "quantity": "1"}],
        donor_organisation=str(east_auto.pk),
        contact_name="",
    )
    response = client.post(reverse("donations:create"), data)
    assert response.status_code == 200
    assert "contact_name" in response.context["form"].errors
    _nothing_written()


def test_a_missing_contact_name_is_named_by_the_api(client, lena, east_auto):
    response = _post_api(
        client, lena, _api_payload(donor_organisation_id=east_auto.pk, contact_name="")
    )
    assert response.status_code == 422
    assert "contact_name" in response.json()["errors"]
    payload = _api_payload(donor_organisation_id=east_auto.pk)
    del payload["contact_name"]
    response = _post_api(client, lena, payload)
    assert response.status_code == 422
    assert "contact_name" in str(response.json())
    _nothing_written()


def test_a_quantity_of_zero_is_named_in_the_form(client, lena, east_auto):
    client.force_login(lena)
    data = _form([{"category": "laptop", "quantity": "0"}], donor_organisation=str(east_auto.pk))
    response = client.post(reverse("donations:create"), data)
    assert response.status_code == 200
    assert "quantity" in response.context["items"].errors[0]
    _nothing_written()


def test_a_quantity_of_zero_is_named_by_the_api(client, lena, east_auto):
    payload = _api_payload(
        donor_organisation_id=east_auto.pk, items=[{"category": "laptop", "quantity": 0}]
    )
    response = _post_api(client, lena, payload)
    assert response.status_code == 422
    assert "quantity" in str(response.json())
    _nothing_written()


def test_the_service_names_a_quantity_of_zero_and_writes_nothing(lena, east_auto):
    with pytest.raises(ValidationError) as refused:
        services.donation_create(
            actor=lena,
            items=[services.ItemInput("laptop", 2), services.ItemInput("desktop", 0)],
            donor_organisation=east_auto,
            contact_name="赵磊",
        )
    assert "items[1].quantity" in refused.value.message_dict
    _nothing_written()


def test_the_service_names_every_bad_field_at_once(lena):
    with pytest.raises(ValidationError) as refused:
        services.donation_create(
            actor=lena,
            items=[services.ItemInput("laptop", 1), services.ItemInput("toaster", 1)],
            contact_name="",
            contact_email="not an address",
        )
    errors = refused.value.message_dict
    assert {"contact_name", "contact_email", "donor_name", "items[1].category"} <= set(errors)
    assert "items[0].category" not in errors
    _nothing_written()


def test_a_donation_without_items_is_refused_by_the_service(lena, east_auto):
    with pytest.raises(ValidationError) as refused:
        services.donation_create(
            actor=lena, items=[], donor_organisation=east_auto, contact_name="赵磊"
        )
    assert "items" in refused.value.message_dict
    _nothing_written()


def test_a_failure_while_writing_items_leaves_no_donation_behind(lena, east_auto, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(DonationItem.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.donation_create(
            actor=lena,
            items=[services.ItemInput("laptop", 1)],
            donor_organisation=east_auto,
            contact_name="赵磊",
        )
    _nothing_written()


def test_the_form_shows_rules_the_service_adds_on_the_fields_they_name(
    client, lena, east_auto, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError(
            {"contact_name": ["Call this person first."], "items[0].serials": ["Seen before."]}
        )

    monkeypatch.setattr(services, "donation_create", refuse)
    client.force_login(lena)
    data = _form([{"category": "laptop", "quantity": "1"}], donor_organisation=str(east_auto.pk))
    response = client.post(reverse("donations:create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["contact_name"] == ["Call this person first."]
    assert response.context["items"].forms[0].errors["serials"] == ["Seen before."]


@pytest.mark.parametrize(("limit", "expected"), [(-1, 1), (0, 1), (2, 2), (1000, 3)])
def test_the_api_list_keeps_any_limit_within_bounds(
    client, lena, make_donation, east_auto, limit, expected
):
    for _ in range(3):
        make_donation(east_auto)
    client.force_login(lena)
    response = client.get("/api/donations", {"limit": limit})
    assert response.status_code == 200
    assert len(response.json()) == expected
