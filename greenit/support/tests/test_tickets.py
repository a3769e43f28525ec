import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from greenit.assets.models import State
from greenit.classrooms.models import Allocation
from greenit.support import services
from greenit.support.models import Ticket


def _jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), "green")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (25.0, 57.0, 0.0), 3: "E", 4: (115.0, 24.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("fault.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_school_contact_files_a_ticket_with_a_photo_without_gps(deployed, sam, project):
    upload = _jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif().get_ifd(0x8825)
    upload.seek(0)
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="屏幕不亮", photos=[upload])
    assert (ticket.project, ticket.status) == (project, Ticket.Status.OPEN)
    stored = Image.open(ticket.photos.get().image.open("rb"))
    assert not stored.getexif().get_ifd(0x8825)
    assert not stored.getexif()


def test_a_non_image_photo_is_refused_with_a_clear_message(deployed, sam):
    junk = SimpleUploadedFile("virus.exe", b"MZ\x90\x00not an image")
    with pytest.raises(ValidationError) as error:
        services.ticket_file(actor=sam, asset=deployed[0], symptom="broken", photos=[junk])
    assert "JPEG, PNG or WebP" in error.value.message_dict["photos"][0]
    assert not Ticket.objects.exists()


def test_an_oversize_photo_is_refused(deployed, sam, settings):
    settings.PHOTO_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        services.ticket_file(
            actor=sam, asset=deployed[0], symptom="broken", photos=[_jpeg_with_gps()]
        )
    assert "smaller photo" in error.value.message_dict["photos"][0]


def test_a_school_files_tickets_only_about_its_own_deployed_devices(
    deployed, sam, make_ready, stella, other_project
):
    ready = make_ready()
    with pytest.raises(ValidationError) as error:
        services.ticket_file(actor=sam, asset=ready, symptom="broken")
    assert "asset" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.ticket_file(actor=stella, asset=deployed[0], symptom="broken")
    with pytest.raises(ValidationError):
        services.ticket_file(actor=sam, asset=deployed[0], symptom="  ")


def test_advice_resolves_the_ticket_and_emails_the_school(deployed, sam, alice):
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="No Wi-Fi")
    with pytest.raises(ValidationError):
        services.ticket_resolve(ticket=ticket, actor=alice, resolution="advice")
    services.ticket_resolve(
        ticket=ticket, actor=alice, resolution="advice", answer="Press Fn+F2 to turn Wi-Fi on."
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution) == (Ticket.Status.RESOLVED, "advice")
    assert mail.outbox[-1].to == ["sam@school.example"]
    assert "Fn+F2" in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="already resolved"):
        services.ticket_resolve(ticket=ticket, actor=alice, resolution="repair", answer="x")


def test_the_email_is_in_the_language_the_school_used(deployed, sam, alice):
    from django.utils import translation

    with translation.override("zh-hans"):
        ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="键盘坏了")
    services.ticket_resolve(
        ticket=ticket, actor=alice, resolution="repair", answer="换了键盘", parts="keyboard"
    )
    assert ticket.language == "zh-hans"
    assert mail.outbox[-1].subject != f"Support ticket {ticket.number} is resolved"


def test_a_swap_takes_the_old_device_back_and_deploys_a_ready_one(
    deployed, sam, tess, make_ready, project
):
    old = deployed[0]
    new = make_ready()
    ticket = services.ticket_file(actor=sam, asset=old, symptom="Does not start")
    services.ticket_resolve(
        ticket=ticket, actor=tess, resolution="swap", replacement_code=new.display_tag
    )
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.state, new.state) == (State.RECEIVED, State.DEPLOYED)
    assert old.events.last().from_state == State.DEPLOYED
    active = Allocation.objects.active().filter(project=project)
    assert set(active.values_list("asset", flat=True)) == {deployed[1].pk, new.pk}
    assert Allocation.objects.filter(asset=old, released_at__isnull=False).exists()
    ticket.refresh_from_db()
    assert ticket.replacement == new
    assert new.display_tag in mail.outbox[-1].body


def test_a_refused_swap_changes_nothing(deployed, sam, tess, make_ready, make_asset, donation):
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="Does not start")
    monitor = make_ready(category="monitor_lcd")
    unready = make_asset(donation, category="laptop", serial="NOT-READY")
    for code in (monitor.tag, unready.tag, "ZZZZ-ZZZ"):
        with pytest.raises(ValidationError) as error:
            services.ticket_resolve(
                ticket=ticket, actor=tess, resolution="swap", replacement_code=code
            )
        assert "replacement" in error.value.message_dict
    deployed[0].refresh_from_db()
    assert deployed[0].state == State.DEPLOYED
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_a_swap_needs_the_roles_of_every_step(deployed, sam, alice, make_ready):
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="Does not start")
    new = make_ready()
    with pytest.raises(PermissionDenied, match="Allocate"):
        services.ticket_resolve(
            ticket=ticket, actor=alice, resolution="swap", replacement_code=new.tag
        )
    new.refresh_from_db()
    assert new.state == State.READY


def test_only_staff_resolve(deployed, sam):
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="x")
    with pytest.raises(PermissionDenied):
        services.ticket_resolve(ticket=ticket, actor=sam, resolution="advice", answer="y")


def test_a_desktop_may_replace_a_laptop_but_a_monitor_may_not():
    assert services.interchangeable("desktop", "laptop")
    assert not services.interchangeable("monitor_lcd", "laptop")
    assert services.interchangeable("projector", "projector")


def test_a_parts_list_that_is_too_long_is_refused(deployed, sam, alice):
    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="x")
    with pytest.raises(ValidationError) as error:
        services.ticket_resolve(
            ticket=ticket, actor=alice, resolution="repair", answer="fixed", parts="x" * 301
        )
    assert "parts" in error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"resolution": "ignored"}, "resolution"),
        ({"parts": "p" * 301}, "parts"),
        ({"replacement": "r" * 101}, "replacement"),
        ({"answer": "a\x00b"}, "answer"),
    ],
)
def test_a_bad_resolution_over_the_api_is_refused_naming_the_field(
    client, deployed, sam, alice, changes, field
):
    from greenit.accounts.models import ApiToken

    ticket = services.ticket_file(actor=sam, asset=deployed[0], symptom="No Wi-Fi")
    response = client.post(
        f"/api/support/tickets/{ticket.pk}/resolve",
        {"resolution": "advice", "answer": "Restart it."} | changes,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer " + ApiToken.issue(user=alice, name="t")[1],
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution, ticket.parts) == (Ticket.Status.OPEN, "", "")
