"""Collection boxes: anyone who scans the QR code says "full" or "damaged" (rate-limited, no
account, no address stored); staff see every box with its state and days since emptied,
schedule emptyings and record them as weights per category, which count for impact and may
bring in devices for intake."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from greenit.accounts.models import ApiToken
from greenit.collection import services
from greenit.collection.models import BoxEmptying, BoxEmptyingWeight, BoxReport, CollectionBox
from greenit.donations.models import Donation

pytestmark = pytest.mark.django_db


@pytest.fixture
def box(east_auto):
    return CollectionBox.objects.create(
        code="SH-001", host=east_auto, site="嘉定工厂食堂", province="上海市"
    )


def _token(user) -> str:
    return "Bearer " + ApiToken.issue(user=user, name="t")[1]


# The public page


def test_anyone_who_scans_the_box_lands_on_its_public_page(client, box):
    page = client.get(reverse("collection:public", args=[box.code])).content.decode()
    assert "嘉定工厂食堂" in page
    assert "It&#x27;s full" in page or "It's full" in page
    assert "It&#x27;s damaged" in page or "It's damaged" in page


def test_the_qr_code_points_at_the_public_page(box, settings):
    settings.SITE_URL = "https://greenit.example.org"
    assert box.public_url == "https://greenit.example.org/boxes/SH-001/"


def test_a_report_marks_the_box_full_and_keeps_no_address(client, box):
    response = client.post(
        reverse("collection:public", args=[box.code]),
        {"kind": "full", "note": "溢出来了"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    box.refresh_from_db()
    assert box.status == CollectionBox.Status.FULL
    report = BoxReport.objects.get()
    assert report.note == "溢出来了"
    assert report.client_hash and "203.0.113.7" not in report.client_hash
    assert len(report.client_hash) == 64


def test_a_damaged_box_stays_damaged_when_someone_then_says_full(box):
    services.box_report(box=box, kind="damaged")
    services.box_report(box=box, kind="full")
    box.refresh_from_db()
    assert box.status == CollectionBox.Status.DAMAGED


def test_an_unknown_report_kind_is_refused(client, box):
    response = client.post(reverse("collection:public", args=[box.code]), {"kind": "on fire"})
    assert not BoxReport.objects.exists()
    assert response.status_code == 200


def test_a_removed_box_takes_no_reports(box):
    box.status = CollectionBox.Status.REMOVED
    box.save()
    with pytest.raises(ValidationError):
        services.box_report(box=box, kind="full")


def test_reports_are_rate_limited_per_client_address(client, box, east_auto, settings):
    settings.BOX_REPORT_RATE = "2/h"
    other = CollectionBox.objects.create(code="SH-002", host=east_auto, site="B")
    url = reverse("collection:public", args=[box.code])
    assert client.post(url, {"kind": "full"}).status_code == 200
    assert client.post(reverse("collection:public", args=[other.code]), {"kind": "full"})
    response = client.post(url, {"kind": "full"})
    assert response.status_code == 429
    assert BoxReport.objects.count() == 2


def test_reports_are_rate_limited_per_box_whatever_the_address(client, box, settings):
    settings.BOX_REPORT_RATE = "2/h"
    url = reverse("collection:public", args=[box.code])
    for n in range(2):
        client.post(url, {"kind": "full"}, REMOTE_ADDR=f"10.0.0.{n}")
    response = client.post(url, {"kind": "full"}, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 429
    assert BoxReport.objects.count() == 2


def test_the_api_takes_a_report_without_login_and_rate_limits_it(client, box, settings):
    settings.BOX_REPORT_RATE = "1/h"
    url = f"/api/boxes/{box.code}/reports"
    response = client.post(url, {"kind": "damaged"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["kind"] == "damaged"
    again = client.post(url, {"kind": "damaged"}, content_type="application/json")
    assert again.status_code == 429
    assert BoxReport.objects.count() == 1


def test_the_api_refuses_a_report_of_an_unknown_kind(client, box):
    response = client.post(
        f"/api/boxes/{box.code}/reports", {"kind": "boring"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert not BoxReport.objects.exists()


# Staff dashboard


def test_staff_see_every_box_with_its_state_and_days_since_emptied(client, paul, box, east_auto):
    box.last_emptied_at = timezone.now() - timedelta(days=12)
    box.save()
    CollectionBox.objects.create(code="SH-009", host=east_auto, site="前台", status="damaged")
    services.box_report(box=box, kind="full")
    client.force_login(paul)
    page = client.get(reverse("collection:list")).content.decode()
    assert "SH-001" in page and "SH-009" in page
    assert "<td>12</td>" in page
    damaged = client.get(reverse("collection:list"), {"status": "damaged"}).content.decode()
    assert "SH-009" in damaged and "SH-001" not in damaged


def test_donor_contacts_and_visitors_have_no_box_dashboard(client, bob, box):
    assert client.get(reverse("collection:list")).status_code == 302
    client.force_login(bob)
    assert client.get(reverse("collection:list")).status_code == 403
    assert client.get(reverse("collection:detail", args=[box.code])).status_code == 403
    assert client.get("/api/boxes", HTTP_AUTHORIZATION=_token(bob)).status_code == 403


def test_the_api_lists_boxes_for_staff(client, lena, box):
    response = client.get("/api/boxes", HTTP_AUTHORIZATION=_token(lena))
    assert response.status_code == 200
    assert response.json()[0]["code"] == "SH-001"
    assert response.json()[0]["public_url"].endswith("/boxes/SH-001/")


def test_logistics_schedule_an_emptying(client, lena, box):
    client.force_login(lena)
    day = timezone.localdate() + timedelta(days=2)
    client.post(
        reverse("collection:schedule", args=[box.code]),
        {"scheduled_for": day.isoformat(), "assigned_to": str(lena.pk)},
    )
    emptying = BoxEmptying.objects.get()
    assert (emptying.scheduled_for, emptying.assigned_to, emptying.done_at) == (day, lena, None)


def test_an_emptying_cannot_be_scheduled_in_the_past(lena, box):
    with pytest.raises(ValidationError):
        services.emptying_schedule(
            box=box, actor=lena, scheduled_for=timezone.localdate() - timedelta(days=1)
        )


def test_recording_an_emptying_resets_the_box_and_closes_its_reports(client, lena, box):
    services.box_report(box=box, kind="full")
    scheduled = services.emptying_schedule(box=box, actor=lena, scheduled_for=timezone.localdate())
    client.force_login(lena)
    response = client.post(
        reverse("collection:empty", args=[box.code]),
        {
            "weights-TOTAL_FORMS": "2",
            "weights-INITIAL_FORMS": "0",
            "weights-MIN_NUM_FORMS": "1",
            "weights-MAX_NUM_FORMS": "30",
            "weights-0-category": "phone",
            "weights-0-weight_kg": "3.40",
            "weights-1-category": "cable",
            "weights-1-weight_kg": "7.25",
        },
    )
    assert response["Location"] == reverse("collection:detail", args=[box.code])
    box.refresh_from_db()
    assert box.status == CollectionBox.Status.OK
    assert box.last_emptied_at is not None and box.days_since_emptied == 0
    assert not box.open_reports().exists()
    scheduled.refresh_from_db()
    assert scheduled.done_by == lena
    assert scheduled.weights.count() == 2


def test_loose_weights_add_up_by_category_and_period(lena, box):
    now = timezone.now()
    for kg in ("2.5", "1.5"):
        services.emptying_record(
            box=box, actor=lena, weights=[services.WeightInput("phone", Decimal(kg))]
        )
    services.emptying_record(
        box=box,
        actor=lena,
        weights=[services.WeightInput("cable", Decimal("9"))],
        done_at=now - timedelta(days=400),
    )
    year = BoxEmptyingWeight.objects.in_period(now - timedelta(days=30), now + timedelta(days=1))
    assert year.totals_by_category() == {"phone": Decimal("4.00")}
    assert BoxEmptyingWeight.objects.totals_by_category() == {
        "phone": Decimal("4.00"),
        "cable": Decimal("9.00"),
    }


def test_devices_found_in_a_box_become_a_donation_from_the_host_ready_for_intake(lena, box):
    emptying = services.emptying_record(
        box=box,
        actor=lena,
        weights=[
            services.WeightInput("phone", Decimal("2"), devices=3),
            services.WeightInput("cable", Decimal("4")),
        ],
    )
    donation = emptying.donation
    assert donation.source == Donation.Source.COLLECTION_BOX
    assert donation.donor_organisation == box.host
    assert donation.status == Donation.Status.COLLECTED
    assert [(i.category, i.quantity) for i in donation.items.all()] == [("phone", 3)]


def test_bringing_in_devices_through_the_page_leads_to_the_donation(client, lena, box):
    client.force_login(lena)
    response = client.post(
        reverse("collection:empty", args=[box.code]),
        {
            "weights-TOTAL_FORMS": "1",
            "weights-INITIAL_FORMS": "0",
            "weights-0-category": "laptop",
            "weights-0-weight_kg": "1.6",
            "weights-0-devices": "1",
        },
    )
    donation = Donation.objects.get()
    assert response["Location"] == reverse("donations:detail", args=[donation.pk])


def test_fluorescent_tubes_in_a_box_are_refused_and_nothing_is_written(client, lena, box):
    services.box_report(box=box, kind="full")
    client.force_login(lena)
    response = client.post(
        reverse("collection:empty", args=[box.code]),
        {
            "weights-TOTAL_FORMS": "2",
            "weights-INITIAL_FORMS": "0",
            "weights-0-category": "phone",
            "weights-0-weight_kg": "1",
            "weights-0-devices": "2",
            "weights-1-category": "fluorescent_tube",
            "weights-1-weight_kg": "2",
        },
    )
    assert "HW29" in response.content.decode()
    assert not BoxEmptying.objects.exists()
    assert not Donation.objects.exists()
    box.refresh_from_db()
    assert box.status == CollectionBox.Status.FULL


def test_a_weight_of_zero_or_a_category_twice_is_refused(lena, box):
    with pytest.raises(ValidationError) as error:
        services.emptying_record(
            box=box,
            actor=lena,
            weights=[
                services.WeightInput("phone", Decimal("0")),
                services.WeightInput("phone", Decimal("1")),
            ],
        )
    assert set(error.value.message_dict) == {"weights[0].weight_kg", "weights[1].category"}
    assert not BoxEmptying.objects.exists()


def test_only_logistics_record_emptyings(client, alice, bob, box):
    with pytest.raises(PermissionDenied):
        services.emptying_record(box=box, actor=alice, weights=[])
    client.force_login(alice)
    assert client.get(reverse("collection:empty", args=[box.code])).status_code == 403
    payload = {"weights": [{"category": "phone", "weight_kg": "1"}]}
    for who in (alice, bob):
        response = client.post(
            f"/api/boxes/{box.code}/emptyings",
            payload,
            content_type="application/json",
            HTTP_AUTHORIZATION=_token(who),
        )
        assert response.status_code == 403
    assert not BoxEmptying.objects.exists()


def test_the_api_records_an_emptying(client, lena, box):
    response = client.post(
        f"/api/boxes/{box.code}/emptyings",
        {"weights": [{"category": "phone", "weight_kg": "2.5", "devices": 1}], "notes": "ok"},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token(lena),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["weights"] == {"phone": "2.50"} or body["weights"] == {"phone": 2.5}
    assert body["donation_id"] == Donation.objects.get().pk


def test_the_api_refuses_tubes_in_an_emptying_with_422(client, lena, box):
    response = client.post(
        f"/api/boxes/{box.code}/emptyings",
        {"weights": [{"category": "fluorescent_tube", "weight_kg": "2"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token(lena),
    )
    assert response.status_code == 422
    assert "HW29" in str(response.json()["errors"])


def test_the_qr_sticker_is_a_pdf_with_the_code_and_the_bilingual_instruction(client, lena, box):
    client.force_login(lena)
    response = client.get(reverse("collection:sticker", args=[box.code]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "SH-001" in text
        assert "扫码告诉我们箱子满了" in text.replace(" ", "")
        assert "Scan to tell us this box is full" in text


# Placing and editing boxes (logistics, on pages rather than in the admin)


def test_logistics_places_a_box_and_lands_on_it_ready_to_print_the_sticker(client, lena, east_auto):
    client.force_login(lena)
    assert "Place a collection box" in client.get(reverse("collection:list")).content.decode()
    response = client.post(
        reverse("collection:new"),
        {
            "code": "SH-042",
            "host": east_auto.pk,
            "site": "嘉定工厂前台",
            "province": "上海市",
            "city": "上海市",
            "district": "嘉定区",
            "street": "安亭镇墨玉路 1 号",
            "placed_on": "2026-11-20",
        },
    )
    assert response.url == reverse("collection:detail", args=["SH-042"])
    box = CollectionBox.objects.get(code="SH-042")
    assert (box.host, box.site, box.status) == (east_auto, "嘉定工厂前台", "ok")
    page = client.get(response.url).content.decode()
    assert reverse("collection:sticker", args=["SH-042"]) in page


def test_a_box_code_already_in_use_is_refused_with_the_field_named(client, lena, box, east_auto):
    client.force_login(lena)
    response = client.post(
        reverse("collection:new"),
        {"code": "SH-001", "host": east_auto.pk, "site": "另一处", "placed_on": "2026-11-20"},
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert CollectionBox.objects.count() == 1


def test_a_box_without_site_or_host_names_both_fields(client, lena):
    client.force_login(lena)
    response = client.post(reverse("collection:new"), {"code": "SH-050", "placed_on": "2026-11-20"})
    assert {"site", "host"} <= set(response.context["form"].errors)
    assert not CollectionBox.objects.exists()


def test_putting_a_damaged_box_back_in_service_closes_its_reports(client, lena, box, east_auto):
    services.box_report(box=box, kind="damaged")
    client.force_login(lena)
    response = client.post(
        reverse("collection:edit", args=[box.code]),
        {"host": east_auto.pk, "site": "嘉定工厂二楼", "placed_on": "2026-01-05", "status": "ok"},
    )
    assert response.url == reverse("collection:detail", args=[box.code])
    box.refresh_from_db()
    assert (box.status, box.site) == ("ok", "嘉定工厂二楼")
    assert not box.open_reports().exists()


def test_removing_a_box_keeps_its_code_and_history(client, lena, box, east_auto):
    client.force_login(lena)
    client.post(
        reverse("collection:edit", args=[box.code]),
        {"host": east_auto.pk, "site": box.site, "placed_on": "2026-01-05", "status": "removed"},
    )
    box.refresh_from_db()
    assert (box.code, box.status) == ("SH-001", "removed")


def test_only_logistics_places_or_edits_boxes(client, alice, box, east_auto):
    client.force_login(alice)  # a technician
    assert client.get(reverse("collection:new")).status_code == 403
    assert client.get(reverse("collection:edit", args=[box.code])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.box_place(actor=alice, code="SH-9", host=east_auto, site="x")


def _emptying_post(lines: dict[int, dict[str, str]], total: int = 5) -> dict[str, str]:
    data = {"weights-TOTAL_FORMS": str(total), "weights-INITIAL_FORMS": "0"}
    for n in range(total):
        for field in ("category", "weight_kg", "devices"):
            data[f"weights-{n}-{field}"] = lines.get(n, {}).get(field, "")
    return data


def test_the_emptying_form_offers_empty_lines_and_another_on_demand(client, lena, box):
    client.force_login(lena)
    page = client.get(reverse("collection:empty", args=[box.code])).content.decode()
    assert 'name="weights-TOTAL_FORMS" value="3"' in page
    # "Add another line" copies the empty row kept in a <template> (greenit.js).
    assert 'data-add-row="weights"' in page
    assert 'id="weights-empty-row"' in page and "weights-__prefix__-category" in page
    assert '<option value="" selected>—</option>' in page


def test_an_emptying_saves_with_unused_lines_left_empty(client, lena, box):
    client.force_login(lena)
    response = client.post(
        reverse("collection:empty", args=[box.code]),
        _emptying_post({0: {"category": "phone", "weight_kg": "3.4"}}),
    )
    assert response.status_code == 302
    assert list(BoxEmptyingWeight.objects.values_list("category", flat=True)) == ["phone"]


def test_a_half_filled_line_is_refused_naming_the_line(client, lena, box):
    client.force_login(lena)
    response = client.post(
        reverse("collection:empty", args=[box.code]),
        _emptying_post({0: {"category": "phone", "weight_kg": "3.4"}, 2: {"category": "cable"}}),
    )
    assert response.status_code == 200
    assert "Line 3: give the weight in kilograms" in response.content.decode()
    assert not BoxEmptying.objects.exists()


def test_an_emptying_with_every_line_empty_asks_for_one_weight(client, lena, box):
    client.force_login(lena)
    response = client.post(reverse("collection:empty", args=[box.code]), _emptying_post({}))
    assert response.status_code == 200
    assert "Give the weight of at least one category." in response.content.decode()
    assert not BoxEmptying.objects.exists()


def test_the_dashboard_counts_each_open_report_once(client, paul, lena, box):
    services.box_report(box=box, kind="full")
    services.emptying_schedule(box=box, actor=lena, scheduled_for=timezone.localdate())
    services.emptying_schedule(box=box, actor=lena, scheduled_for=timezone.localdate())
    services.emptying_schedule(box=box, actor=lena, scheduled_for=timezone.localdate())
    client.force_login(paul)
    listed = client.get(reverse("collection:list")).context["boxes"]
    assert [(b.code, b.open_reports, b.scheduled) for b in listed] == [("SH-001", 1, 3)]


def _second_box(east_auto, code: str) -> CollectionBox:
    return CollectionBox.objects.create(code=code, host=east_auto, site="二号", province="上海市")


def test_the_staff_home_counts_the_boxes_the_box_list_shows_as_reported(
    client, lena, box, east_auto
):
    # Three reports of one box, one of another, one of a box then removed: two boxes wait.
    for kind in ("full", "full", "damaged"):
        services.box_report(box=box, kind=kind)
    services.box_report(box=_second_box(east_auto, "SH-002"), kind="full")
    gone = _second_box(east_auto, "SH-003")
    services.box_report(box=gone, kind="damaged")
    services.box_update(box=gone, actor=lena, status=CollectionBox.Status.REMOVED)
    client.force_login(lena)
    home = client.get("/").content.decode()
    assert (
        f'href="{reverse("collection:list")}?status=reported">2 collection boxes reported' in home
    )
    listed = client.get(reverse("collection:list"), {"status": "reported"}).context["boxes"]
    assert [b.code for b in listed] == ["SH-001", "SH-002"]


def test_the_api_lists_the_reported_boxes_the_staff_home_counts(client, lena, box, east_auto):
    services.box_report(box=box, kind="full")
    services.box_report(box=box, kind="full")
    _second_box(east_auto, "SH-002")
    response = client.get("/api/boxes?reported=true", HTTP_AUTHORIZATION=_token(lena))
    assert [b["code"] for b in response.json()] == ["SH-001"]


def test_removing_a_box_closes_its_reports(lena, box):
    services.box_report(box=box, kind="damaged")
    services.box_update(box=box, actor=lena, status=CollectionBox.Status.REMOVED)
    assert not box.open_reports().exists()
