"""Classroom workflows shared by the pages and the API: each one checks the rule, writes in one
transaction, and e-mails after the commit."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from greenit.accounts import permissions
from greenit.accounts.models import Organisation, User
from greenit.assets import lifecycle
from greenit.assets.models import Asset, State
from greenit.assets.notes import SystemNote
from greenit.core import tags
from greenit.core.images import clean_photo
from greenit.core.mail import send_in_language
from greenit.refurbishment.models import Grade

from .models import (
    STUDENT_CODE_RE,
    Allocation,
    AllocationOverride,
    ClassroomPhoto,
    ClassroomProject,
    ClassroomSponsor,
    Delivery,
    InventoryCheck,
    InventoryCheckLine,
    InventoryCheckPhoto,
    OpeningEvent,
    SchoolApplication,
    SchoolApplicationPhoto,
)

MAX_PHOTOS = 5
# Best first: a minimum grade of B accepts A and B.
GRADE_ORDER = (Grade.A, Grade.B, Grade.C)
OPEN_FOR_DEVICES = (
    ClassroomProject.Status.PLANNED,
    ClassroomProject.Status.EQUIPPING,
    ClassroomProject.Status.READY,
)


# School applications -------------------------------------------------------------------


def application_submit(*, photos: list | None = None, **fields) -> SchoolApplication:
    """The public form: anyone, no account. Raises ValidationError naming every bad field and
    writes nothing; the school gets an acknowledgement in the language it used."""
    fields.setdefault("language", (translation.get_language() or "en")[:10])
    application = SchoolApplication(status=SchoolApplication.Status.PENDING, **fields)
    errors: dict[str, list] = {}
    try:
        application.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    images = []
    if len(photos or []) > MAX_PHOTOS:
        errors["photos"] = [_("Send at most %(n)s photos.") % {"n": MAX_PHOTOS}]
    for upload in (photos or [])[:MAX_PHOTOS]:
        try:
            images.append(clean_photo(upload))
        except ValidationError as error:
            errors.setdefault("photos", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application.save()
        for image in images:
            SchoolApplicationPhoto.objects.create(application=application, image=image)
    _notify_school(application, "received")
    return application


APPLICATION_SUBJECTS = {
    "received": lambda: _("We received your application for a Green IT Classroom"),
    "approved": lambda: _("Your school is approved for a Green IT Classroom"),
    "declined": lambda: _("About your application for a Green IT Classroom"),
    "more_info": lambda: _("We need more information about your application"),
}


def _notify_school(application: SchoolApplication, step: str, **context) -> bool:
    return send_in_language(
        to=application.contact_email,
        language=application.language,
        subject=APPLICATION_SUBJECTS[step],
        template=f"classrooms/email/application_{step}.txt",
        context={"application": application, **context},
    )


def _locked_open_application(application: SchoolApplication) -> SchoolApplication:
    locked = SchoolApplication.objects.select_for_update().get(pk=application.pk)
    if not locked.is_open:
        raise ValidationError(
            _("This application is already %(status)s: nothing changed.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _decide(application, *, actor, status: str, message: str, notes: str) -> SchoolApplication:
    application.status = status
    application.decision_message = message
    if notes:
        application.review_notes = notes
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save(
        update_fields=["status", "decision_message", "review_notes", "decided_at", "decided_by"]
    )
    return application


def application_decline(
    *, application: SchoolApplication, actor, reason: str, notes: str = ""
) -> SchoolApplication:
    """Decline with a reason the school reads in the e-mail."""
    permissions.require(actor, "decide_applications")
    if not reason.strip():
        raise ValidationError({"message": [_("Say why: the school reads this reason.")]})
    with transaction.atomic():
        application = _locked_open_application(application)
        _decide(
            application,
            actor=actor,
            status=SchoolApplication.Status.DECLINED,
            message=reason.strip(),
            notes=notes,
        )
    _notify_school(application, "declined")
    return application


def application_ask_for_information(
    *, application: SchoolApplication, actor, question: str, notes: str = ""
) -> SchoolApplication:
    """Ask the school for more; the application stays open."""
    permissions.require(actor, "decide_applications")
    if not question.strip():
        raise ValidationError({"message": [_("Write what the school should send us.")]})
    with transaction.atomic():
        application = _locked_open_application(application)
        _decide(
            application,
            actor=actor,
            status=SchoolApplication.Status.MORE_INFO,
            message=question.strip(),
            notes=notes,
        )
    _notify_school(application, "more_info")
    return application


def _username_for(email: str) -> str:
    base = slugify(email.split("@")[0]) or "school"
    name, n = base[:140], 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base[:140]}-{n}"
    return name


def application_approve(
    *, application: SchoolApplication, actor, message: str = "", notes: str = ""
) -> SchoolApplication:
    """Approve: the school becomes an organisation (is_school) with a contact account, all in
    one transaction; the contact gets an e-mail with a link to choose a password, and the
    message the reviewer wrote to the school, if any."""
    permissions.require(actor, "decide_applications")
    with transaction.atomic():
        application = _locked_open_application(application)
        if User.objects.filter(email__iexact=application.contact_email).exists():
            raise ValidationError(
                {
                    "contact_email": [
                        _(
                            "Someone already has an account with %(email)s: ask the school "
                            "for another contact address before approving."
                        )
                        % {"email": application.contact_email}
                    ]
                }
            )
        school = Organisation.objects.create(
            name=application.school_name,
            is_school=True,
            province=application.province,
            city=application.city,
            district=application.district,
            street=application.street,
            email=application.contact_email,
            phone=application.contact_phone,
        )
        first, _space, last = application.contact_name.partition(" ")
        contact = User(
            username=_username_for(application.contact_email),
            email=application.contact_email,
            first_name=first[:150],
            last_name=last[:150],
            phone=application.contact_phone,
            organisation=school,
        )
        contact.set_unusable_password()
        contact.save()
        application.organisation = school
        _decide(
            application,
            actor=actor,
            status=SchoolApplication.Status.APPROVED,
            message=message.strip(),
            notes=notes,
        )
        application.save(update_fields=["organisation"])
    link = settings.SITE_URL + reverse(
        "accounts:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(contact.pk)),
            "token": default_token_generator.make_token(contact),
        },
    )
    _notify_school(application, "approved", contact=contact, link=link)
    return application


def application_decide(
    *, application: SchoolApplication, actor, decision: str, message: str = "", notes: str = ""
) -> SchoolApplication:
    """The review's one step: approve, decline (`message` is the reason) or ask for more
    information (`message` is the question)."""
    permissions.require(actor, "decide_applications")
    if decision == "approve":
        return application_approve(
            application=application, actor=actor, message=message, notes=notes
        )
    if decision == "decline":
        return application_decline(
            application=application, actor=actor, reason=message, notes=notes
        )
    if decision == "more_info":
        return application_ask_for_information(
            application=application, actor=actor, question=message, notes=notes
        )
    raise ValidationError({"decision": [_("Choose approve, decline or more_info.")]})


# Projects ------------------------------------------------------------------------------


def project_status(*, project: ClassroomProject, actor, status: str) -> ClassroomProject:
    """Move a project on. Ready needs a device for every seat; opened needs the delivery and
    the opening event."""
    permissions.require(actor, "manage_classrooms")
    if status not in ClassroomProject.Status.values:
        raise ValidationError({"status": [_("Choose one of the listed statuses.")]})
    with transaction.atomic():
        project = ClassroomProject.objects.select_for_update().get(pk=project.pk)
        allocated = project.allocations.active().count()
        if status == ClassroomProject.Status.READY and allocated < project.seats:
            raise ValidationError(
                {
                    "status": [
                        ngettext(
                            "Only %(n)s of %(seats)s seats has a device: allocate more before "
                            "the project is ready.",
                            "Only %(n)s of %(seats)s seats have a device: allocate more before "
                            "the project is ready.",
                            allocated,
                        )
                        % {"n": allocated, "seats": project.seats}
                    ]
                }
            )
        if status == ClassroomProject.Status.OPENED and not (
            Delivery.objects.filter(project=project).exists()
            and OpeningEvent.objects.filter(project=project).exists()
        ):
            raise ValidationError(
                {
                    "status": [
                        _("Record the delivery and the opening event before opening the classroom.")
                    ]
                }
            )
        project.status = status
        project.save(update_fields=["status"])
    return project


def project_save(*, actor, project: ClassroomProject) -> ClassroomProject:
    """Plan a new classroom project or change one (programme managers)."""
    permissions.require(actor, "manage_classrooms")
    project.full_clean()
    with transaction.atomic():
        project.save()
    return project


def project_sponsor_add(
    *, project: ClassroomProject, actor, organisation: Organisation, amount: Decimal, currency: str
) -> ClassroomSponsor:
    """A sponsor funds the project: once per sponsor."""
    permissions.require(actor, "manage_classrooms")
    refusal = _("%(sponsor)s already funds this project.") % {"sponsor": organisation}
    with transaction.atomic():
        if project.sponsorships.filter(organisation=organisation).exists():
            raise ValidationError(refusal)
        sponsorship = ClassroomSponsor(
            project=project, organisation=organisation, amount=amount, currency=currency
        )
        sponsorship.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                sponsorship.save()
        except IntegrityError:  # added by someone else at the same moment
            raise ValidationError(refusal) from None
    return sponsorship


def photo_may_see(user, photo: ClassroomPhoto) -> bool:
    """Consented photos of opened classrooms are public; the rest only for those who may see
    the project, and photos without consent for staff only."""
    if photo.consent and photo.project.status == ClassroomProject.Status.OPENED:
        return True
    visible = ClassroomProject.objects.visible_to(user).filter(pk=photo.project_id).exists()
    return visible and (photo.consent or user.is_staff_member)  # visible: logged in


def missing(project: ClassroomProject) -> list[tuple[str, bool]]:
    """The project's checklist: (what, done) in the order the work is done."""
    allocated = project.allocations.active().count()
    items = [
        (
            _("Devices allocated: %(n)s of %(seats)s seats")
            % {"n": allocated, "seats": project.seats},
            allocated >= project.seats,
        ),
        (_("Software kit chosen"), project.software_kit_id is not None),
        (_("Sponsor found"), project.sponsorships.exists()),
    ]
    if project.needs_accessibility_kit:
        items.append((_("Accessibility kit complete"), project.accessibility_kit_complete))
    items += [
        (_("Devices delivered"), Delivery.objects.filter(project=project).exists()),
        (_("Opening event recorded"), OpeningEvent.objects.filter(project=project).exists()),
        (_("Story in English and Chinese"), bool(project.story_en and project.story_zh)),
        (_("A photo with consent to publish"), project.photos.consented().exists()),
    ]
    return items


# Allocation ----------------------------------------------------------------------------


def _check_open(project: ClassroomProject) -> ClassroomProject:
    locked = ClassroomProject.objects.select_for_update().get(pk=project.pk)
    if locked.status not in OPEN_FOR_DEVICES:
        raise ValidationError(
            _("This project is %(status)s: devices can no longer be allocated or unallocated.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _allocate(project: ClassroomProject, assets: list[Asset], actor) -> list[Allocation]:
    """Move the (locked) devices to allocated and record their allocations: the lifecycle checks
    and writes the whole batch at once, so the queries do not grow with the number of devices.
    A school without photo proof of its last delivery, or overdue on a check, gets none."""
    _check_not_blocked(project)
    lifecycle.transition_many(
        assets,
        State.ALLOCATED,
        actor=actor,
        note=SystemNote.of(gettext_noop("Allocated to %(p)s"), p=project),
    )
    try:
        with transaction.atomic():
            made = Allocation.objects.bulk_create(
                Allocation(project=project, asset=asset, allocated_by=actor) for asset in assets
            )
    except IntegrityError:
        taken = set(
            Allocation.objects.active().filter(asset__in=assets).values_list("asset_id", flat=True)
        )
        first = next((asset for asset in assets if asset.pk in taken), None)
        if first is None:
            raise
        raise ValidationError(
            _("Device %(tag)s is already in another classroom project.")
            % {"tag": first.display_tag}
        ) from None
    if made and project.status == ClassroomProject.Status.PLANNED:
        project.status = ClassroomProject.Status.EQUIPPING
        project.save(update_fields=["status"])
    return made


def allocate_by_category(
    *, project: ClassroomProject, actor, category: str, count: int, min_grade: str = Grade.C
) -> list[Allocation]:
    """Allocate the `count` oldest ready devices of `category` graded `min_grade` or better.
    Rows another manager is taking right now are skipped (never waited for, never shared);
    if fewer than `count` are free, nothing is allocated."""
    permissions.require(actor, "manage_classrooms")
    if min_grade not in GRADE_ORDER:
        raise ValidationError({"min_grade": [_("Choose grade A, B or C.")]})
    if count < 1:
        raise ValidationError({"count": [_("Allocate at least one device.")]})
    grades = GRADE_ORDER[: GRADE_ORDER.index(min_grade) + 1]
    with transaction.atomic():
        project = _check_open(project)
        assets = list(
            Asset.objects.filter(
                state=State.READY, category=category, refurbishment__grade__in=grades
            )
            .order_by("state_changed_at", "pk")
            .select_for_update(skip_locked=True, of=("self",))[:count]
        )
        if len(assets) < count:
            raise ValidationError(
                {
                    "count": [
                        ngettext(
                            "Nothing was allocated: only %(n)s ready device of this category "
                            "and grade is free. Ask for fewer or lower the minimum grade.",
                            "Nothing was allocated: only %(n)s ready devices of this category "
                            "and grade are free. Ask for fewer or lower the minimum grade.",
                            len(assets),
                        )
                        % {"n": len(assets)}
                    ]
                }
            )
        return _allocate(project, assets, actor)


def allocate_by_tags(*, project: ClassroomProject, actor, codes: list[str]) -> list[Allocation]:
    """Allocate scanned devices (tags or serials); one unknown or unready code allocates none."""
    permissions.require(actor, "manage_classrooms")
    codes = [c.strip() for c in codes if c.strip()]
    if not codes:
        raise ValidationError({"codes": [_("Scan or type at least one asset tag.")]})
    with transaction.atomic():
        project = _check_open(project)
        assets, errors = {}, []
        for code, found in _scanned(codes).items():
            if len(found) != 1:
                errors.append(_("%(code)s: no single device has this tag.") % {"code": code})
            elif found[0].state != State.READY:
                errors.append(
                    _("%(code)s is %(state)s, not ready for a classroom.")
                    % {"code": code, "state": found[0].state_label}
                )
            else:
                assets[found[0].pk] = found[0]  # a tag and a serial of one device: once
        if errors:
            summary = _("Nothing was allocated: correct or remove these tags and scan again.")
            raise ValidationError({"codes": [summary, *errors]})
        return _allocate(project, list(assets.values()), actor)


def _scanned(codes: list[str]) -> dict[str, list[Asset]]:
    """The locked devices each code names (its tag or its serial, as Asset.objects.find reads
    it), found in one query for all the codes."""
    codes = list(dict.fromkeys(codes))
    tags_read = {code: tags.normalise(code) for code in codes if tags.is_valid(code)}
    candidates = list(
        Asset.objects.filter(Q(tag__in=tags_read.values()) | Q(serial__in=codes))
        .order_by("pk")
        .select_for_update()
    )
    return {
        code: [a for a in candidates if a.serial == code or a.tag == tags_read.get(code)]
        for code in codes
    }


def unallocate(*, allocation: Allocation, actor) -> Allocation:
    """Take a device back out of a project before delivery: it is ready again."""
    permissions.require(actor, "manage_classrooms")
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.released_at is not None:
            raise ValidationError(_("This device was already unallocated."))
        _check_open(allocation.project)
        lifecycle.transition(
            allocation.asset,
            State.READY,
            actor=actor,
            note=SystemNote.of(gettext_noop("Unallocated")),
        )
        allocation.released_at = timezone.now()
        allocation.released_by = actor
        allocation.save(update_fields=["released_at", "released_by"])
    return allocation


# Delivery and opening ------------------------------------------------------------------


def deliver(*, project: ClassroomProject, actor, on: date, received_by: str) -> Delivery:
    """Every allocated device moves to deployed, at the school, in one transaction: if one
    cannot move, none does and no delivery is recorded."""
    permissions.require(actor, "deliver_to_schools")
    _not_after_today(
        on, _("This delivery date is still to come: record the delivery once it is done.")
    )
    if not received_by.strip():
        raise ValidationError(
            {"received_by": [_("Write the name of the person at the school who received them.")]}
        )
    with transaction.atomic():
        project = (
            ClassroomProject.objects.select_for_update().select_related("school").get(pk=project.pk)
        )
        if Delivery.objects.filter(project=project).exists():
            raise ValidationError(_("The delivery of this project is already recorded."))
        allocations = list(project.allocations.active().select_related("asset"))
        if not allocations:
            raise ValidationError(_("No device is allocated to this project: allocate first."))
        for allocation in allocations:
            lifecycle.transition(
                allocation.asset,
                State.DEPLOYED,
                actor=actor,
                location=project.school.name[:100],
                note=SystemNote.of(
                    gettext_noop("Delivered; received by %(name)s"), name=received_by.strip()
                ),
            )
        delivery = Delivery.objects.create(
            project=project, date=on, received_by=received_by.strip(), recorded_by=actor
        )
        if project.status in (ClassroomProject.Status.PLANNED, ClassroomProject.Status.EQUIPPING):
            project.status = ClassroomProject.Status.READY
            project.save(update_fields=["status"])
        _open_when_done(project)
    return delivery


def _open_when_done(project: ClassroomProject) -> None:
    """The (locked) project opens once its devices are delivered and its opening event is
    recorded (both only once they have happened); a closed or already opened project is left
    as it is."""
    if project.status not in OPEN_FOR_DEVICES:
        return
    opening = OpeningEvent.objects.filter(project=project).first()
    if opening is not None and Delivery.objects.filter(project=project).exists():
        project.status = ClassroomProject.Status.OPENED
        project.save(update_fields=["status"])


def _not_after_today(day: date | None, message: str) -> None:
    """A delivery or an opening is recorded once it has happened (a planned day is the
    project's target opening): a day still to come would leave the project waiting for an
    event nobody records again."""
    if day is not None and day > timezone.localdate():
        raise ValidationError({"date": [message]})


def opening_record(*, project: ClassroomProject, actor, **fields) -> OpeningEvent:
    """Record (or correct) the opening event, once it has taken place. Once the devices are
    delivered too, the project is opened."""
    permissions.require(actor, "manage_classrooms")
    _not_after_today(
        fields.get("date"),
        _(
            "This opening date is still to come: record the opening once it has taken place "
            "(plan it as the project's target opening)."
        ),
    )
    with transaction.atomic():
        project = ClassroomProject.objects.select_for_update().get(pk=project.pk)
        event = OpeningEvent.objects.filter(project=project).first() or OpeningEvent(
            project=project
        )
        for name, value in fields.items():
            setattr(event, name, value)
        event.full_clean()
        event.save()
        _open_when_done(project)
    return event


def photo_add(*, project: ClassroomProject, actor, upload, caption: str) -> ClassroomPhoto:
    """A photo, re-encoded without EXIF (no GPS position); refused if not JPEG/PNG/WebP or
    too large. Every photo starts internal: it is published only once a consent to publish is
    recorded for it in the privacy app, a guardian's where children can be recognised."""
    permissions.require(actor, "manage_classrooms")
    if not caption.strip():
        raise ValidationError({"caption": [_("Describe the photo in a few words.")]})
    try:
        image = clean_photo(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    return ClassroomPhoto.objects.create(
        project=project, image=image, caption=caption.strip(), uploaded_by=actor
    )


# Inventory checks at schools -----------------------------------------------------------

CHECK_REMIND_EVERY = timedelta(days=7)
CHECK_SUBJECTS = {
    "opened": lambda: _("Please check your Green IT Classroom's devices"),
    "reminder": lambda: _("Reminder: your classroom's inventory check is overdue"),
}
# Chinese first: the schools are in China; the page has the language switch.
CHECK_LANGUAGE = "zh-hans"


def _school_contact(project: ClassroomProject) -> User | None:
    return project.school.contacts.filter(is_active=True).order_by("pk").first()


def check_open(
    *, actor, due_on: date, project: ClassroomProject | None = None
) -> tuple[list[InventoryCheck], list[str]]:
    """Ask one classroom (`project`) or every delivered classroom (None) to check its devices
    by `due_on`. Returns the checks opened and, for all classrooms, why some were skipped (a
    check already open, no contact account). Each school's contact is e-mailed a link."""
    permissions.require(actor, "manage_classrooms")
    if due_on < timezone.localdate():
        raise ValidationError(
            {"due_on": [_("Choose a date from today on: the school answers by then.")]}
        )
    opened, skipped = [], []
    with transaction.atomic():
        projects = ClassroomProject.objects.select_for_update(of=("self",)).select_related("school")
        projects = (
            projects.filter(pk=project.pk) if project else projects.filter(delivery__isnull=False)
        )
        for locked in projects.order_by("pk"):
            try:
                opened.append(_check_open_one(locked, actor=actor, due_on=due_on))
            except ValidationError as refusal:
                if project is not None:
                    raise
                skipped.append(f"{locked}: {' '.join(refusal.messages)}")
    for check in opened:
        _check_mail(check, "opened")
    return opened, skipped


def _check_open_one(project: ClassroomProject, *, actor, due_on: date) -> InventoryCheck:
    if project.inventory_checks.unanswered().exists():
        raise ValidationError(_("a check of this classroom is already waiting for an answer."))
    contact = _school_contact(project)
    if contact is None:
        raise ValidationError(_("the school has no contact account to send the link to."))
    deployed = list(
        project.allocations.active()
        .filter(asset__state=State.DEPLOYED)
        .values_list("asset_id", flat=True)
    )
    if not deployed:
        raise ValidationError(_("no device of this classroom is deployed at the school."))
    check = InventoryCheck.objects.create(
        project=project, contact=contact, due_on=due_on, opened_by=actor
    )
    InventoryCheckLine.objects.bulk_create(
        InventoryCheckLine(inventory_check=check, asset_id=pk) for pk in deployed
    )
    return check


def check_url(check: InventoryCheck) -> str:
    return settings.SITE_URL + reverse("support:check", kwargs={"token": check.token})


def _check_mail(check: InventoryCheck, kind: str) -> bool:
    return send_in_language(
        to=check.contact.email,
        language=CHECK_LANGUAGE,
        subject=CHECK_SUBJECTS[kind],
        template=f"classrooms/email/check_{kind}.txt",
        context={"check": check, "project": check.project, "link": check_url(check)},
    )


def check_for_token(token: str) -> InventoryCheck:
    """The check a private link names; Http404 for any other token (they reveal nothing)."""
    check = (
        InventoryCheck.objects.select_related("project__school", "contact")
        .filter(token=token[:64])
        .first()
    )
    if check is None:
        raise Http404
    return check


def _validated_answers(check: InventoryCheck, answers: dict[int, dict]) -> dict[int, dict]:
    """Each line's answer, code and note checked; ValidationError naming every bad line
    (fields `line-<asset id>-answer` / `-student_code`) and writing nothing."""
    errors: dict[str, list[str]] = {}
    clean: dict[int, dict] = {}
    code_check = RegexValidator(STUDENT_CODE_RE)
    for line in check.lines.select_related("asset"):
        given = answers.get(line.asset_id) or {}
        answer, code = given.get("answer", ""), given.get("student_code", "").strip()
        name = f"line-{line.asset_id}"
        if answer not in InventoryCheckLine.Answer.values:
            errors[f"{name}-answer"] = [
                _("Device %(tag)s: choose in use, broken, lost or stolen.")
                % {"tag": line.asset.display_tag}
            ]
        try:
            if code:
                code_check(code)
        except ValidationError:
            errors[f"{name}-student_code"] = [
                _(
                    "Device %(tag)s: write a code of up to 12 letters, digits and hyphens "
                    "with at least one digit, such as 3-2-17; never a child's name."
                )
                % {"tag": line.asset.display_tag}
            ]
        clean[line.pk] = {
            "answer": answer,
            "student_code": code,
            "note": given.get("note", "").strip()[:300],
        }
    if errors:
        raise ValidationError(errors)
    return clean


def check_answer(
    *, check: InventoryCheck, answers: dict[int, dict], photos: list | None = None
) -> InventoryCheck:
    """The school's answer (by asset id: answer, student_code, note) and photos. In one
    transaction: every line saved, lost and stolen devices move to those states, the others get
    a custody event that the check saw them, the student codes go on the allocations. The
    school's contact (to whom the link was sent) is the actor of every event."""
    actor = check.contact
    permissions.require(actor, "answer_inventory_checks")
    _refuse_answered(check)
    images, errors = [], {}
    for upload in (photos or [])[:MAX_PHOTOS]:
        try:
            images.append(clean_photo(upload))
        except ValidationError as error:
            errors.setdefault("photos", []).extend(error.messages)
    if len(photos or []) > MAX_PHOTOS:
        errors["photos"] = [_("Send at most %(n)s photos.") % {"n": MAX_PHOTOS}]
    try:
        clean = _validated_answers(check, answers)
    except ValidationError as error:
        errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check = InventoryCheck.objects.select_for_update().get(pk=check.pk)
        _refuse_answered(check)
        lines = list(check.lines.select_related("asset"))
        for line in lines:
            for field, value in clean[line.pk].items():
                setattr(line, field, value)
        InventoryCheckLine.objects.bulk_update(lines, ["answer", "student_code", "note"])
        _check_custody(check, lines, actor)
        _student_codes(check, lines)
        InventoryCheckPhoto.objects.bulk_create(
            InventoryCheckPhoto(inventory_check=check, image=image) for image in images
        )
        check.answered_at = timezone.now()
        check.save(update_fields=["answered_at"])
    return check


def _refuse_answered(check: InventoryCheck) -> None:
    if check.answered_at is not None:
        raise ValidationError(_("This check was already answered: thank you."))


def _check_custody(check: InventoryCheck, lines: list[InventoryCheckLine], actor) -> None:
    A = InventoryCheckLine.Answer
    for answer, target in ((A.LOST, State.LOST), (A.STOLEN, State.STOLEN)):
        gone = [line for line in lines if line.answer == answer]
        for line in gone:  # each its own note: what the school wrote about it
            lifecycle.transition(
                line.asset,
                target,
                actor=actor,
                note=SystemNote.of(
                    gettext_noop("Inventory check %(n)s: %(note)s"),
                    n=check.pk,
                    note=line.note or answer.label,
                ),
            )
    for answer in (A.IN_USE, A.BROKEN):
        seen = [line.asset for line in lines if line.answer == answer]
        if seen:
            lifecycle.record_seen(
                seen,
                actor=actor,
                note=SystemNote.of(
                    gettext_noop("Inventory check %(n)s: %(answer)s"),
                    n=check.pk,
                    answer=answer.label,
                ),
            )


def _student_codes(check: InventoryCheck, lines: list[InventoryCheckLine]) -> None:
    if not check.project.tracks_students:
        return
    allocations = {
        a.asset_id: a
        for a in check.project.allocations.active().filter(
            asset__in=[line.asset_id for line in lines]
        )
    }
    for line in lines:
        if line.asset_id in allocations:
            allocations[line.asset_id].student_code = line.student_code
    Allocation.objects.bulk_update(allocations.values(), ["student_code"])


def checks_overdue(*, today: date | None = None):
    """Checks past their date with no answer, oldest first."""
    return (
        InventoryCheck.objects.overdue(today)
        .select_related("project__school", "contact")
        .order_by("due_on", "pk")
    )


def check_reminders_send(*, now: datetime | None = None) -> list[InventoryCheck]:
    """E-mail the contact of every overdue check, at most once every CHECK_REMIND_EVERY: the
    row is locked and marked in the same transaction as the e-mail, so two runs at once send
    one reminder; a refused e-mail is not marked (the next run tries again)."""
    now = now or timezone.now()
    due = checks_overdue(today=timezone.localdate(now)).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - CHECK_REMIND_EVERY)
    )
    sent = []
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            check = (
                InventoryCheck.objects.select_for_update(of=("self",))
                .select_related("project", "contact")
                .filter(pk=pk, answered_at__isnull=True)
                .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - CHECK_REMIND_EVERY))
                .first()
            )
            if check is None or not _check_mail(check, "reminder"):
                continue
            check.reminded_at = now
            check.save(update_fields=["reminded_at"])
            sent.append(check)
    return sent


# Photo proof before new devices --------------------------------------------------------


def allocation_blocks(project: ClassroomProject) -> list[str]:
    """Why this school may not receive new devices now (nothing: it may): its last delivery to
    another classroom has no photo proof since, or one of its checks is overdue. An override by
    a programme manager lifts the blocks that began before it."""
    blocks: list[tuple[str, datetime]] = []
    last = (
        Delivery.objects.filter(project__school_id=project.school_id)
        .exclude(project=project)
        .select_related("project")
        .order_by("-recorded_at")
        .first()
    )
    if last is not None and not _has_proof(last):
        blocks.append(
            (
                _(
                    "The school has sent no photo of %(project)s since its delivery on %(date)s: "
                    "add a photo there, or answer an inventory check with a photo."
                )
                % {"project": last.project, "date": last.date},
                last.recorded_at,
            )
        )
    overdue = checks_overdue().filter(project__school_id=project.school_id).first()
    if overdue is not None:
        since = timezone.make_aware(datetime.combine(overdue.due_on + timedelta(days=1), time.min))
        blocks.append(
            (
                _(
                    "The school's inventory check of %(project)s was due on %(date)s and is "
                    "not answered."
                )
                % {"project": overdue.project, "date": overdue.due_on},
                since,
            )
        )
    override = project.allocation_overrides.first()
    return [
        reason for reason, since in blocks if override is None or override.overridden_at < since
    ]


def _has_proof(delivery: Delivery) -> bool:
    return (
        delivery.project.photos.filter(uploaded_at__gte=delivery.recorded_at).exists()
        or InventoryCheckPhoto.objects.filter(
            inventory_check__project=delivery.project, uploaded_at__gte=delivery.recorded_at
        ).exists()
    )


def _check_not_blocked(project: ClassroomProject) -> None:
    if blocks := allocation_blocks(project):
        raise ValidationError(
            " ".join(
                [
                    _("Nothing was allocated: this school cannot receive new devices yet."),
                    *blocks,
                    _("A programme manager may override this with a reason on this page."),
                ]
            )
        )


def allocation_override(*, project: ClassroomProject, actor, reason: str) -> AllocationOverride:
    """Let a blocked school receive devices anyway; who and why are kept."""
    permissions.require(actor, "override_allocation_block")
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why this school may receive devices anyway.")]})
    with transaction.atomic():
        project = ClassroomProject.objects.select_for_update().get(pk=project.pk)
        if not allocation_blocks(project):
            raise ValidationError(_("Nothing blocks this school: there is nothing to override."))
        return AllocationOverride.objects.create(
            project=project, reason=reason.strip()[:2000], overridden_by=actor
        )
