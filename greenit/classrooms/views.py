from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import may, permission_required, require, staff_required
from greenit.core import files
from greenit.core.forms import (
    refusals_as_messages,
    refusals_on,
    remember_reference,
    sent_reference,
)
from greenit.core.limits import over_limit
from greenit.core.pagination import keyset_page

from . import services
from .forms import (
    AllocateCategoryForm,
    AllocateTagsForm,
    ApplicationForm,
    CheckOpenForm,
    DeliveryForm,
    OpeningForm,
    OverrideForm,
    PhotoForm,
    ProjectForm,
    ReviewForm,
    SponsorForm,
    StatusForm,
)
from .models import (
    Allocation,
    ClassroomPhoto,
    ClassroomProject,
    ClassroomSponsor,
    InventoryCheck,
    SchoolApplication,
    SchoolApplicationPhoto,
)

# The public pages ----------------------------------------------------------------------


def apply(request: HttpRequest) -> HttpResponse:
    """A school applies for a classroom: anyone, no account; a honeypot and a rate limit per
    address keep bots out."""
    form = ApplicationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            return redirect("classrooms:apply_thanks")
        if over_limit(request, group="school-apply", rate=settings.OFFER_RATE):
            form.add_error(
                None,
                _(
                    "We received several applications from your address just now. Please try "
                    "again in an hour, or call us."
                ),
            )
            status = 429
        elif form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("website", None)
            data.pop("consent", None)
            with refusals_on(form):
                application = services.application_submit(photos=data.pop("photos", []), **data)
                remember_reference(request, application.reference)
                form.record_consents(application, email=application.contact_email)
                return redirect("classrooms:apply_thanks")
    return render(request, "classrooms/apply.html", {"form": form}, status=status)


def apply_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "classrooms/apply_thanks.html", {"reference": sent_reference(request)})


def public_list(request: HttpRequest) -> HttpResponse:
    projects = (
        ClassroomProject.objects.public()
        .select_related("school", "opening")
        .prefetch_related("sponsorships__organisation")
    )
    return render(request, "classrooms/public_list.html", {"projects": projects})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        ClassroomProject.objects.public().select_related("school", "software_kit", "opening"),
        pk=pk,
    )
    return render(
        request,
        "classrooms/public_detail.html",
        {
            "project": project,
            "sponsors": project.sponsorships.select_related("organisation"),
            "photos": project.photos.consented(),
        },
    )


@staff_required
def application_photo(request: HttpRequest, pk: int, photo: int) -> HttpResponse:
    found = get_object_or_404(SchoolApplicationPhoto, pk=photo, application_id=pk)
    return files.serve(found.image)


def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo: consented photos of opened classrooms are public; the rest only for those who
    may see the project (and photos without consent for staff only)."""
    found = get_object_or_404(ClassroomPhoto.objects.select_related("project"), pk=pk)
    if not services.photo_may_see(request.user, found):
        raise Http404
    return files.serve(found.image)


# Staff: school applications ------------------------------------------------------------


@staff_required
def application_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    rows = SchoolApplication.objects.all()
    if status == "open":
        rows = rows.filter(
            status__in=[SchoolApplication.Status.PENDING, SchoolApplication.Status.MORE_INFO]
        )
    elif status in SchoolApplication.Status.values:
        rows = rows.filter(status=status)
    page = keyset_page(rows, request.GET, size=settings.PAGE_SIZE)
    return render(
        request,
        "classrooms/applications.html",
        {"page": page, "status": status, "statuses": SchoolApplication.Status.choices},
    )


@staff_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(SchoolApplication, pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "decide_applications")  # refused before the form says anything
        if form.is_valid():
            with refusals_on(form):
                services.application_decide(
                    application=application, actor=request.user, **form.cleaned_data
                )
                messages.success(request, _("Decision saved; the school was e-mailed."))
                return redirect("classrooms:application", pk=application.pk)
    return render(
        request,
        "classrooms/application.html",
        {
            "application": application,
            "form": form,
            "can_decide": may(request.user, "decide_applications") and application.is_open,
            "photos": application.photos.all(),
            "can_plan": may(request.user, "manage_classrooms")
            and application.status == SchoolApplication.Status.APPROVED,
        },
    )


# Projects ------------------------------------------------------------------------------


def _get_project_for_user(request: HttpRequest, pk: int) -> ClassroomProject:
    """The project if this user may see it; 404 otherwise, so ids reveal nothing."""
    return get_object_or_404(
        ClassroomProject.objects.visible_to(request.user).select_related("school", "software_kit"),
        pk=pk,
    )


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = (
        ClassroomProject.objects.visible_to(request.user)
        .select_related("school")
        .annotate(devices=Count("allocations", filter=Q(allocations__released_at__isnull=True)))
    )
    status = request.GET.get("status", "")
    if status in ClassroomProject.Status.values:
        projects = projects.filter(status=status)
    page = keyset_page(projects, request.GET, size=settings.PAGE_SIZE)
    return render(
        request,
        "classrooms/projects.html",
        {
            "page": page,
            "can_manage": may(request.user, "manage_classrooms"),
            "status": status,
            "statuses": ClassroomProject.Status.choices,
        },
    )


@permission_required("manage_classrooms")
def project_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    project = get_object_or_404(ClassroomProject, pk=pk) if pk else None
    initial = {}
    if project is None and request.GET.get("application", "").isdigit():
        # A new project for an approved school starts from what its application said.
        application = get_object_or_404(
            SchoolApplication.objects.select_related("organisation"),
            pk=request.GET["application"],
            status=SchoolApplication.Status.APPROVED,
        )
        project = ClassroomProject(application=application, school=application.organisation)
        initial = {
            "name": _("%(school)s Green IT Classroom") % {"school": application.school_name},
            "needs_accessibility_kit": application.visually_impaired_students > 0,
        }
    form = ProjectForm(request.POST or None, instance=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            project = services.project_save(actor=request.user, project=form.save(commit=False))
            messages.success(request, _("Project saved."))
            return redirect("classrooms:project", pk=project.pk)
    return render(
        request,
        "classrooms/project_form.html",
        {"form": form, "project": project if project and project.pk else None},
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    manager = may(request.user, "manage_classrooms")
    allocations = project.allocations.active().select_related("asset")
    photos = project.photos.all() if request.user.is_staff_member else project.photos.consented()
    return render(
        request,
        "classrooms/project.html",
        {
            "project": project,
            "checklist": services.missing(project),
            "sponsors": project.sponsorships.select_related("organisation"),
            "allocations": allocations,
            "delivery": getattr(project, "delivery", None),
            "opening": getattr(project, "opening", None),
            "photos": photos,
            "manager": manager,
            "can_deliver": may(request.user, "deliver_to_schools"),
            "open_for_devices": project.status in services.OPEN_FOR_DEVICES,
            "sponsor_form": SponsorForm(prefix="sponsor"),
            "status_form": StatusForm(initial={"status": project.status}),
            "category_form": AllocateCategoryForm(prefix="cat"),
            "tags_form": AllocateTagsForm(prefix="tags"),
            "delivery_form": DeliveryForm(prefix="delivery"),
            "opening_form": OpeningForm(
                instance=getattr(project, "opening", None), prefix="opening"
            ),
            "photo_form": PhotoForm(prefix="photo"),
            "blocks": services.allocation_blocks(project) if manager else [],
            "overrides": project.allocation_overrides.select_related("overridden_by")[:5],
            "override_form": OverrideForm(prefix="override"),
            "checks": project.inventory_checks.all()[:5],
            "check_form": CheckOpenForm(prefix="check"),
        },
    )


def _manager_post(view):
    """A manager's POST on a project page; errors come back as a message on the page."""

    @permission_required("manage_classrooms")
    @require_POST
    def wrapper(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
        project = get_object_or_404(ClassroomProject, pk=pk)
        with refusals_as_messages(request):
            text = view(request, project, **kwargs)
            if text:
                messages.success(request, text)
        return redirect("classrooms:project", pk=project.pk)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _invalid(form) -> ValidationError:
    return ValidationError(
        [
            f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
            for f, e in form.errors.items()
        ]
    )


@_manager_post
def sponsor_add(request, project):
    form = SponsorForm(request.POST, prefix="sponsor", instance=ClassroomSponsor(project=project))
    if not form.is_valid():
        raise _invalid(form)
    services.project_sponsor_add(project=project, actor=request.user, **form.cleaned_data)
    return _("Sponsor added.")


@_manager_post
def status_change(request, project):
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    services.project_status(project=project, actor=request.user, status=form.cleaned_data["status"])
    return _("Status changed.")


@_manager_post
def allocate_category(request, project):
    form = AllocateCategoryForm(request.POST, prefix="cat")
    if not form.is_valid():
        raise _invalid(form)
    made = services.allocate_by_category(project=project, actor=request.user, **form.cleaned_data)
    return _allocated(made)


@_manager_post
def allocate_tags(request, project):
    form = AllocateTagsForm(request.POST, prefix="tags")
    if not form.is_valid():
        raise _invalid(form)
    made = services.allocate_by_tags(
        project=project, actor=request.user, codes=form.cleaned_data["codes"].split()
    )
    return _allocated(made)


def _allocated(made) -> str:
    return ngettext(
        "%(n)s device allocated: %(tags)s.", "%(n)s devices allocated: %(tags)s.", len(made)
    ) % {"n": len(made), "tags": ", ".join(a.asset.display_tag for a in made)}


@_manager_post
def unallocate(request, project, allocation: int):
    found = get_object_or_404(Allocation, pk=allocation, project=project)
    services.unallocate(allocation=found, actor=request.user)
    return _("Device %(tag)s is ready again.") % {"tag": found.asset.display_tag}


@permission_required("deliver_to_schools")
@require_POST
def deliver(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ClassroomProject, pk=pk)
    form = DeliveryForm(request.POST, prefix="delivery")
    with refusals_as_messages(request):
        if not form.is_valid():
            raise _invalid(form)
        services.deliver(
            project=project,
            actor=request.user,
            on=form.cleaned_data["date"],
            received_by=form.cleaned_data["received_by"],
        )
        messages.success(request, _("Delivery recorded: every device is deployed at the school."))
    return redirect("classrooms:project", pk=project.pk)


@_manager_post
def opening(request, project):
    form = OpeningForm(request.POST, prefix="opening")
    if not form.is_valid():
        raise _invalid(form)
    services.opening_record(project=project, actor=request.user, **form.cleaned_data)
    project.refresh_from_db()
    if project.status == ClassroomProject.Status.OPENED:
        return _("Opening event saved: the classroom is open.")
    if project.status in services.OPEN_FOR_DEVICES:
        return _("Opening event saved: the classroom opens when its devices are delivered.")
    return _("Opening event saved.")


@_manager_post
def photo_add(request, project):
    form = PhotoForm(request.POST, request.FILES, prefix="photo")
    if not form.is_valid():
        raise _invalid(form)
    services.photo_add(
        project=project,
        actor=request.user,
        upload=form.cleaned_data["image"],
        caption=form.cleaned_data["caption"],
    )
    return _("Photo added.")


# After delivery: inventory checks and the block on new devices ----------------------------


@_manager_post
def check_open(request, project):
    form = CheckOpenForm(request.POST, prefix="check")
    if not form.is_valid():
        raise _invalid(form)
    services.check_open(actor=request.user, project=project, due_on=form.cleaned_data["due_on"])
    return _("Inventory check opened: the school's contact has the link by e-mail.")


@_manager_post
def override(request, project):
    form = OverrideForm(request.POST, prefix="override")
    if not form.is_valid():
        raise _invalid(form)
    services.allocation_override(
        project=project, actor=request.user, reason=form.cleaned_data["reason"]
    )
    return _("Override recorded: the school may receive devices.")


@staff_required
def checks(request: HttpRequest) -> HttpResponse:
    """Overdue checks first, then those waiting and the last answered; a programme manager may
    open a check of every delivered classroom at once."""
    form = CheckOpenForm(request.POST or None, prefix="check")
    if request.method == "POST":
        require(request.user, "manage_classrooms")
        if form.is_valid():
            with refusals_on(form):
                opened, skipped = services.check_open(
                    actor=request.user, due_on=form.cleaned_data["due_on"]
                )
                messages.success(
                    request,
                    ngettext(
                        "%(n)s inventory check opened.",
                        "%(n)s inventory checks opened.",
                        len(opened),
                    )
                    % {"n": len(opened)},
                )
                for reason in skipped:
                    messages.info(request, _("Not asked: %(reason)s") % {"reason": reason})
                return redirect("classrooms:checks")
    listed = InventoryCheck.objects.select_related("project__school", "contact")
    return render(
        request,
        "classrooms/checks.html",
        {
            "overdue": services.checks_overdue()[:200],
            "waiting": listed.unanswered().filter(due_on__gte=timezone.localdate())[:200],
            "answered": listed.filter(answered_at__isnull=False).order_by("-answered_at")[:20],
            "form": form,
            "manager": may(request.user, "manage_classrooms"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What a school answered, device by device (staff, and the school itself)."""
    check = get_object_or_404(
        InventoryCheck.objects.visible_to(request.user).select_related("project", "contact"),
        pk=pk,
    )
    return render(
        request,
        "classrooms/check.html",
        {
            "check": check,
            "lines": check.lines.select_related("asset"),
            "photos": check.photos.count(),
        },
    )
