"""In-kind donation receipts: drafted from a received donation, issued with a number never
reused, withdrawn but kept; once issued the model, the admin and the database refuse any
change; a PDF each and a year's batch per donor, Chinese and English."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, connections, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from greenit.donations import receipts
from greenit.donations.models import Donation, DonationReceipt
from greenit.donations.receipts import LineInput
from greenit.donations.views import _on_form_fields

pytestmark = pytest.mark.django_db
TABLE = DonationReceipt._meta.db_table


@pytest.fixture
def received(make_donation, east_auto):
    donation = make_donation(east_auto)
    Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.RECEIVED)
    donation.refresh_from_db()
    return donation


@pytest.fixture
def issued(received, lena):
    draft = receipts.receipt_draft(donation=received, actor=lena)
    draft = receipts.receipt_update(
        receipt=draft,
        actor=lena,
        donor="华东汽车零部件有限公司",
        project="云南山区学校电脑教室",
        lines=[LineInput(quantity=3, specification="ThinkPad T470", value="4500")],
    )
    return receipts.receipt_issue(receipt=draft, actor=lena)


def test_a_draft_names_the_donations_items_and_no_value(received, lena):
    draft = receipts.receipt_draft(donation=received, actor=lena)
    assert draft.status == "draft" and draft.number is None
    assert draft.donor == "华东汽车零部件有限公司 (East Auto)"
    assert draft.lines == [
        {"category": "laptop", "quantity": 3, "specification": "", "value": None}
    ]
    assert draft.total_value is None


def test_an_offer_not_yet_received_gets_no_receipt(make_donation, east_auto, lena):
    with pytest.raises(ValidationError, match="received"):
        receipts.receipt_draft(donation=make_donation(east_auto), actor=lena)


def test_only_logistics_staff_handle_receipts(received, alice):
    with pytest.raises(PermissionDenied):
        receipts.receipt_draft(donation=received, actor=alice)


def test_issuing_numbers_per_year_without_gaps(issued, received, lena):
    year = timezone.localdate().year
    assert issued.number == f"JZ{year}-000001" and issued.sequence == 1
    assert issued.total_value == Decimal("4500.00")
    second = receipts.receipt_issue(
        receipt=receipts.receipt_draft(donation=received, actor=lena), actor=lena
    )
    assert second.number == f"JZ{year}-000002"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (LineInput(quantity=0), "lines[0].quantity"),
        (LineInput(quantity=1, value="abc"), "lines[0].value"),
        (LineInput(quantity=1, value="-5"), "lines[0].value"),
        (LineInput(quantity=1, value="1.005"), "lines[0].value"),
        (LineInput(quantity=1, value="NaN"), "lines[0].value"),
        (LineInput(quantity=1, specification="x" * 201), "lines[0].specification"),
    ],
)
def test_a_bad_line_is_named_and_changes_nothing(received, lena, line, field):
    draft = receipts.receipt_draft(donation=received, actor=lena)
    with pytest.raises(ValidationError) as refused:
        receipts.receipt_update(receipt=draft, actor=lena, donor="X", project="", lines=[line])
    assert field in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.donor != "X" and draft.lines[0]["quantity"] == 3


def test_an_issued_receipt_cannot_be_changed_by_the_service_or_the_model(issued, lena):
    with pytest.raises(ValidationError, match="withdrawn, never changed"):
        receipts.receipt_update(receipt=issued, actor=lena, donor="Y", project="", lines=[])
    issued.donor = "Someone else"
    with pytest.raises(ValidationError):
        issued.save()
    with pytest.raises(ValidationError):
        issued.delete()
    with pytest.raises(ValidationError):
        DonationReceipt.objects.filter(pk=issued.pk).update(donor="Z")
    assert DonationReceipt.objects.get(pk=issued.pk).donor == "华东汽车零部件有限公司"


def test_the_database_refuses_to_change_or_remove_an_issued_receipt(issued):
    table = connection.ops.quote_name(TABLE)
    for sql in (
        f"UPDATE {table} SET donor = 'Z'",  # noqa: S608
        f"UPDATE {table} SET number = 'JZ-0'",  # noqa: S608
        f"UPDATE {table} SET status = 'draft'",  # noqa: S608
        f"DELETE FROM {table}",  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    stored = DonationReceipt.objects.get(pk=issued.pk)
    assert (stored.donor, stored.status) == ("华东汽车零部件有限公司", "issued")


def test_the_admin_cannot_change_or_remove_a_receipt(issued, ada, client):
    client.force_login(ada)
    base = f"/admin/donations/donationreceipt/{issued.pk}"
    assert client.post(f"{base}/change/", {"donor": "Z"}).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert DonationReceipt.objects.get(pk=issued.pk).donor == "华东汽车零部件有限公司"


def test_withdrawing_keeps_the_receipt_and_its_number(issued, received, lena):
    withdrawn = receipts.receipt_withdraw(receipt=issued, actor=lena, reason="Wrong donor")
    stored = DonationReceipt.objects.get(pk=issued.pk)
    assert stored.status == "withdrawn" and stored.number == withdrawn.number
    assert stored.withdrawal_reason == "Wrong donor"
    with pytest.raises(ValidationError):
        receipts.receipt_withdraw(receipt=stored, actor=lena, reason="again")
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(TABLE)} SET status = 'issued'"  # noqa: S608
            )
    nxt = receipts.receipt_issue(
        receipt=receipts.receipt_draft(donation=received, actor=lena), actor=lena
    )
    assert nxt.sequence == 2  # the withdrawn number is never given again


def test_withdrawing_needs_a_reason(issued, lena):
    with pytest.raises(ValidationError) as refused:
        receipts.receipt_withdraw(receipt=issued, actor=lena, reason="  ")
    assert "reason" in refused.value.message_dict


def test_the_pages_draft_issue_and_withdraw(received, lena, client):
    client.force_login(lena)
    response = client.post(reverse("donations:receipt_draft", args=[received.pk]))
    receipt = DonationReceipt.objects.get()
    assert response.url == reverse("donations:receipt", args=[receipt.pk])
    page = reverse("donations:receipt", args=[receipt.pk])
    bad = client.post(
        page, {"donor": "East Auto", "project": "", "quantity_0": "3", "value_0": "-1"}
    )
    assert bad.status_code == 200 and "value_0" in bad.context["form"].errors
    client.post(page, {"donor": "East Auto", "project": "P", "quantity_0": "2", "value_0": "99"})
    client.post(reverse("donations:receipt_issue", args=[receipt.pk]))
    receipt.refresh_from_db()
    assert receipt.status == "issued" and receipt.lines[0]["value"] == "99.00"
    client.post(reverse("donations:receipt_withdraw", args=[receipt.pk]), {"reason": "typo"})
    assert DonationReceipt.objects.get().status == "withdrawn"


def test_the_pdfs_one_and_a_years_batch_for_the_donor(issued, received, lena, bob, carol, client):
    client.force_login(bob)
    one = client.get(reverse("donations:receipt_pdf", args=[issued.pk]))
    assert one.status_code == 200 and one.content.startswith(b"%PDF")
    year_url = reverse(
        "donations:receipt_year_pdf", args=[issued.year, received.donor_organisation_id]
    )
    assert client.get(year_url).content.startswith(b"%PDF")
    client.force_login(carol)  # another donor's contact: nothing to see
    assert client.get(reverse("donations:receipt_pdf", args=[issued.pk])).status_code == 404
    assert client.get(year_url).status_code == 404


def test_a_donor_contact_does_not_see_drafts(received, lena, bob, client):
    draft = receipts.receipt_draft(donation=received, actor=lena)
    client.force_login(bob)
    assert client.get(reverse("donations:receipt", args=[draft.pk])).status_code == 404


def test_the_pdf_text_is_in_chinese_and_english(issued):
    html = render_to_string(
        "donations/receipt.pdf.html", {"receipts": [(issued, receipts.line_rows(issued))]}
    )
    for text in ("捐赠人", "Donor", "笔记本电脑", "Laptop", issued.number, "4500.00"):
        assert text in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_numbers_are_unique_and_gap_free_when_issued_at_once(received, lena):
    drafts = [receipts.receipt_draft(donation=received, actor=lena) for _ in range(6)]
    barrier = threading.Barrier(len(drafts))
    errors: list = []

    def issue(draft):
        try:
            barrier.wait()
            receipts.receipt_issue(receipt=draft, actor=lena)
        except Exception as error:  # noqa: BLE001 -- the test inspects what each worker got
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sequences = sorted(DonationReceipt.objects.values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5, 6]


def test_the_page_refuses_to_change_an_issued_receipt(issued, lena, client):
    client.force_login(lena)
    response = client.post(
        reverse("donations:receipt", args=[issued.pk]),
        {"donor": "Z", "project": "", "quantity_0": "1"},
    )
    assert response.status_code == 200
    assert "never changed" in " ".join(response.context["form"].non_field_errors())
    assert DonationReceipt.objects.get(pk=issued.pk).donor == "华东汽车零部件有限公司"


def test_a_line_refused_by_the_service_lands_beside_its_field():
    error = ValidationError({"lines[2].value": ["bad"], "donor": ["x"]})
    assert set(_on_form_fields(error).message_dict) == {"value_2", "donor"}
