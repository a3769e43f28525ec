import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from greenit.classrooms import services
from greenit.classrooms.models import ClassroomPhoto, ClassroomProject

GPS_IFD = 0x8825


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (25.0, 57.0, 0.0), 3: "E", 4: (115.0, 24.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_photo_with_a_gps_position_is_stored_without_it(project, paul):
    raw = _jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(GPS_IFD)  # the test photo has one
    photo = services.photo_add(
        project=project,
        actor=paul,
        upload=SimpleUploadedFile("opening.jpg", raw, content_type="image/jpeg"),
        caption="Opening day",
    )
    stored = Image.open(photo.image.open("rb"))
    assert stored.format == "JPEG"
    assert not stored.getexif().get_ifd(GPS_IFD)
    assert len(stored.getexif()) == 0


def test_a_file_that_is_not_a_photo_is_refused_with_a_clear_message(project, paul):
    with pytest.raises(ValidationError) as error:
        services.photo_add(
            project=project,
            actor=paul,
            upload=SimpleUploadedFile("notes.pdf", b"%PDF-1.4 not an image"),
            caption="Notes",
        )
    assert (
        "notes.pdf is not a photo we can read: send a JPEG, PNG or WebP file."
        in (error.value.message_dict["image"])
    )
    assert not ClassroomPhoto.objects.exists()


def test_a_gif_is_refused(project, paul):
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="GIF")
    with pytest.raises(ValidationError) as error:
        services.photo_add(
            project=project,
            actor=paul,
            upload=SimpleUploadedFile("a.gif", out.getvalue()),
            caption="x",
        )
    assert "GIF" in error.value.message_dict["image"][0]


def test_an_oversize_photo_is_refused_on_the_page_with_a_clear_message(
    project, paul, client, settings
):
    settings.PHOTO_MAX_BYTES = 1000
    client.force_login(paul)
    response = client.post(
        reverse("classrooms:photo_add", args=[project.pk]),
        {
            "photo-image": SimpleUploadedFile("big.jpg", _jpeg_with_gps() + b"\0" * 2000),
            "photo-caption": "Big",
        },
        follow=True,
    )
    assert "big.jpg is larger than 0.0 MB: send a smaller photo." in response.content.decode()
    assert not ClassroomPhoto.objects.exists()


def test_only_consented_photos_of_opened_classrooms_are_public(project, paul, client):
    def add(consent):
        photo = services.photo_add(
            project=project,
            actor=paul,
            caption=f"consent {consent}",
            upload=SimpleUploadedFile("p.png", _png()),
        )
        # Consent is recorded in the privacy app (its tests: privacy/tests/test_consents.py).
        ClassroomPhoto.objects.filter(pk=photo.pk).update(consent=consent)
        return photo

    yes, no = add(True), add(False)
    assert client.get(reverse("classrooms:photo", args=[yes.pk])).status_code == 404
    ClassroomProject.objects.filter(pk=project.pk).update(status="opened")
    page = client.get(reverse("classrooms:public_detail", args=[project.pk])).content.decode()
    assert "consent True" in page and "consent False" not in page
    assert client.get(reverse("classrooms:photo", args=[yes.pk])).status_code == 200
    assert client.get(reverse("classrooms:photo", args=[no.pk])).status_code == 404
    client.force_login(paul)
    assert client.get(reverse("classrooms:photo", args=[no.pk])).status_code == 200


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(out, format="PNG")
    return out.getvalue()


def test_an_upload_cannot_publish_a_photo_by_itself(project, paul, client):
    """The old tick box published a photo with no consent record, a guardian's or any."""
    client.force_login(paul)
    client.post(
        reverse("classrooms:photo_add", args=[project.pk]),
        {
            "photo-image": SimpleUploadedFile("p.png", _png(), content_type="image/png"),
            "photo-caption": "Children at the computers",
            "photo-consent": "on",
        },
    )
    photo = ClassroomPhoto.objects.get()
    assert photo.consent is False
    page = client.get(reverse("classrooms:project", args=[project.pk])).content.decode()
    assert "A new photo stays internal until a consent to publish is recorded" in page


def test_a_photo_is_described_by_its_caption_in_the_captions_language(project, paul, client):
    photo = services.photo_add(
        project=project,
        actor=paul,
        caption="开班第一课",
        upload=SimpleUploadedFile("p.png", _png()),
    )
    ClassroomPhoto.objects.filter(pk=photo.pk).update(consent=True)
    ClassroomProject.objects.filter(pk=project.pk).update(status="opened")
    public = client.get(
        reverse("classrooms:public_detail", args=[project.pk]), headers={"accept-language": "en"}
    ).content.decode()
    assert 'alt="开班第一课" lang="zh-Hans"' in public
    client.force_login(paul)
    staff = client.get(
        reverse("classrooms:project", args=[project.pk]), headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert 'alt="开班第一课" width="240"' in staff  # a Chinese page: no lang of its own


def test_a_photo_whose_caption_was_erased_still_says_what_it_shows(project, paul, client):
    photo = services.photo_add(
        project=project, actor=paul, caption="刘强", upload=SimpleUploadedFile("p.png", _png())
    )
    ClassroomPhoto.objects.filter(pk=photo.pk).update(caption="")  # as an erasure leaves it
    client.force_login(paul)
    page = client.get(reverse("classrooms:project", args=[project.pk])).content.decode()
    assert 'alt="Photo of the classroom"' in page and 'alt=""' not in page
