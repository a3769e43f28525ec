"""Privacy fixtures. `opened`: an opened classroom with a sponsor and one photo. `person`: a
person spread over every app that holds personal information: a donor contact with an
account who offered computers, wrote to us, applied for her school's classroom, signed the
delivery, came to the opening, volunteers, and asked about her information."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from conftest import _person
from greenit.accounts.models import Organisation
from greenit.classrooms.models import (
    ClassroomPhoto,
    ClassroomProject,
    ClassroomSponsor,
    Delivery,
    OpeningEvent,
    SchoolApplication,
)
from greenit.donations.models import Donation, Pickup
from greenit.enquiries.models import Enquiry, EnquiryReply
from greenit.privacy import consents, services
from greenit.privacy.models import Consent, Purpose
from greenit.volunteers.models import Opportunity, Shift, SignUp, Volunteer

NAME = "Meilin Tsao-Verhoeven"
EMAIL = "meilin.tsao@example.org"
PHONE = "13912345678"


@pytest.fixture
def person(db, east_auto, donation, lena):
    """Every record, by model label, that holds or points at the person."""
    school = Organisation.objects.create(name="Hope Primary", is_school=True)
    user = _person(
        "meilin",
        email=EMAIL,
        phone=PHONE,
        first_name="Meilin",
        last_name="Tsao-Verhoeven",
        organisation=east_auto,
    )
    offer = Donation.objects.create(
        reference="OF-PRIV-1",
        donor_name=NAME,
        contact_name=NAME,
        contact_email=EMAIL,
        contact_phone=PHONE,
        street="88 Tsao Lane",
        notes=f"Call {NAME} before noon.",
        source=Donation.Source.PUBLIC,
    )
    pickup = Pickup.objects.create(
        donation=offer,
        date=timezone.localdate(),
        window_start=datetime.time(9),
        window_end=datetime.time(11),
        street="88 Tsao Lane",
        handed_over_by=NAME,
        driver=lena,
    )
    enquiry = Enquiry.objects.create(
        topic="donate", name=NAME, email=EMAIL, phone=PHONE, message="About my laptops."
    )
    reply = EnquiryReply.objects.create(enquiry=enquiry, body=f"Dear {NAME}, thank you.")
    application = SchoolApplication.objects.create(
        school_name="Hope Primary",
        school_type="primary",
        students_total=100,
        teachers=8,
        electricity="reliable",
        internet="none",
        contact_name=NAME,
        contact_email=EMAIL,
    )
    project = ClassroomProject.objects.create(name="Hope classroom", school=school, seats=3)
    delivery = Delivery.objects.create(project=project, date=timezone.localdate(), received_by=NAME)
    opening = OpeningEvent.objects.create(
        project=project, date=timezone.localdate(), guests=f"the mayor; {NAME}; parents"
    )
    opportunity = Opportunity.objects.create(
        kind="other", title_en="Sorting day", title_zh="分拣日"
    )
    start = timezone.now() + datetime.timedelta(days=3)
    shift = Shift.objects.create(
        opportunity=opportunity,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        capacity=5,
    )
    volunteer = Volunteer.objects.create(name=NAME, email=EMAIL, phone=PHONE, user=user)
    signup = SignUp.objects.create(
        shift=shift,
        volunteer=volunteer,
        status="confirmed",
        pending_details={"name": NAME},
        hours=Decimal("3"),
    )
    asked = services.privacy_request_receive(kind="access", name=NAME, email=EMAIL)
    consent = Consent.objects.create(
        text=consents.current(Purpose.CONTACT), record=enquiry, email=EMAIL
    )
    return {
        "accounts.User": [user.pk],
        "donations.Donation": [offer.pk],
        "donations.Pickup": [pickup.pk],
        "enquiries.Enquiry": [enquiry.pk],
        "enquiries.EnquiryReply": [reply.pk],
        "classrooms.SchoolApplication": [application.pk],
        "classrooms.Delivery": [delivery.pk],
        "volunteers.Volunteer": [volunteer.pk],
        "volunteers.SignUp": [signup.pk],
        "privacy.PrivacyRequest": [asked.pk],
        "privacy.Consent": [consent.pk],
        "_opening": opening,
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def opened(db):
    school = Organisation.objects.create(name="Hope Primary", is_school=True)
    sponsor = Organisation.objects.create(name="Green Sprout", is_sponsor=True)
    project = ClassroomProject.objects.create(
        name="Hope classroom", school=school, seats=3, status=ClassroomProject.Status.OPENED
    )
    ClassroomSponsor.objects.create(project=project, organisation=sponsor, amount=1000)
    OpeningEvent.objects.create(project=project, date="2026-09-01")
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(out, format="JPEG")
    photo = ClassroomPhoto(project=project, caption="Pupils at work")
    photo.image.save("pupils.jpg", ContentFile(out.getvalue()), save=True)
    return project, sponsor, photo
