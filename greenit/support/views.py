from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import may, permission_required
from greenit.classrooms import services as classroom_services
from greenit.classrooms.models import ClassroomProject, InventoryCheck
from greenit.core import files
from greenit.core.forms import refusals_on

from . import services
from .forms import CheckAnswerForm, ResolveForm, TicketForm
from .models import Ticket, TicketPhoto


def _ticket_for_user(request: HttpRequest, pk: int) -> Ticket:
    """The ticket if this user may see it; 404 otherwise."""
    return get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related(
            "project", "project__school", "asset", "replacement", "reported_by", "resolved_by"
        ),
        pk=pk,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff: the queue of open tickets. A school contact: its classroom, devices and tickets."""
    user = request.user
    if user.is_staff_member:
        tickets = Ticket.objects.select_related("project", "asset")
        return render(
            request,
            "support/queue.html",
            {
                "open": list(tickets.open().order_by("pk")[:200]),
                "resolved": list(tickets.filter(status=Ticket.Status.RESOLVED)[:20]),
            },
        )
    services.support_require_school(user)
    return render(
        request,
        "support/school.html",
        {
            "projects": ClassroomProject.objects.filter(school_id=user.organisation_id),
            "devices": services.school_devices(user).order_by("tag"),
            "tickets": Ticket.objects.visible_to(user).select_related("asset"),
            "checks": InventoryCheck.objects.visible_to(user)
            .unanswered()
            .select_related("project"),
        },
    )


def _filed_text(ticket: Ticket) -> str:
    """The e-mail is promised only to a contact with an address to send it to."""
    if ticket.reported_by.email:
        return _("Ticket %(n)s is filed: we e-mailed you its number and will answer by e-mail.") % {
            "n": ticket.number
        }
    return _(
        "Ticket %(n)s is filed. We have no e-mail address for you: the answer will be on this page."
    ) % {"n": ticket.number}


def _resolved_text(ticket: Ticket) -> str:
    if ticket.reported_by.email:
        return _("Ticket %(n)s is resolved; the school is told by e-mail.") % {"n": ticket.number}
    return _(
        "Ticket %(n)s is resolved. Its school contact has no e-mail address: tell them yourself."
    ) % {"n": ticket.number}


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    services.ticket_file_require(request.user)
    form = TicketForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form):
            ticket = services.ticket_file(
                actor=request.user,
                asset=data["asset"],
                symptom=data["symptom"],
                photos=data["photos"],
            )
            messages.success(request, _filed_text(ticket))
            return redirect("support:ticket", pk=ticket.pk)
    return render(
        request, "support/ticket_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def ticket_detail(request: HttpRequest, pk: int, form: ResolveForm | None = None) -> HttpResponse:
    ticket = _ticket_for_user(request, pk)
    can_resolve = may(request.user, "resolve_tickets") and ticket.status == Ticket.Status.OPEN
    return render(
        request,
        "support/ticket.html",
        {
            "ticket": ticket,
            "photos": ticket.photos.all(),
            "form": (form or ResolveForm()) if can_resolve else None,
        },
        status=400 if form is not None and form.errors else 200,
    )


@permission_required("resolve_tickets")
@require_POST
def ticket_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_for_user(request, pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with refusals_on(form):
            services.ticket_swap_check(actor=request.user, resolution=data["resolution"])
            services.ticket_resolve(
                ticket=ticket,
                actor=request.user,
                resolution=data["resolution"],
                answer=data["answer"],
                parts=data["parts"],
                replacement_code=data["replacement"],
            )
            messages.success(request, _resolved_text(ticket))
            return redirect("support:ticket", pk=ticket.pk)
    return ticket_detail(request, pk, form=form)


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        TicketPhoto.objects.filter(ticket__in=Ticket.objects.visible_to(request.user)), pk=pk
    )
    return files.serve(found.image)


def check(request: HttpRequest, token: str) -> HttpResponse:
    """A school's inventory check, reached by the private link e-mailed to its contact (no
    login: made for a phone). Chinese first: English only for a reader who chose it (the
    language switch) or whose browser asks for it."""
    if not _reader_wants_english(request):
        translation.activate("zh-hans")
        request.LANGUAGE_CODE = "zh-hans"
    found = classroom_services.check_for_token(token)
    if found.answered_at is not None:
        return render(request, "support/check_done.html", {"check": found})
    form = CheckAnswerForm(request.POST or None, request.FILES or None, check=found)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            _done, tickets = services.check_answer(
                check=found,
                answers=form.answers(),
                photos=form.cleaned_data["photos"],
                tickets=form.tickets(),
            )
            return render(request, "support/check_done.html", {"check": found, "tickets": tickets})
    return render(
        request,
        "support/check.html",
        {"check": found, "form": form},
        status=400 if form.errors else 200,
    )


def _reader_wants_english(request: HttpRequest) -> bool:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        return not chosen.startswith("zh")
    asked = request.META.get("HTTP_ACCEPT_LANGUAGE", "").lower()
    tags = [part.split(";")[0].strip() for part in asked.split(",")]
    return any(tag == "en" or tag.startswith("en-") for tag in tags)
