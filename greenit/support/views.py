from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import may, permission_required
from greenit.classrooms.models import ClassroomProject
from greenit.core import files
from greenit.core.forms import refusals_on

from . import services
from .forms import ResolveForm, TicketForm
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
        },
    )


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
            messages.success(
                request,
                _("Ticket %(n)s is filed: we will answer by e-mail.") % {"n": ticket.number},
            )
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
            messages.success(
                request,
                _("Ticket %(n)s is resolved; the school is told by e-mail.") % {"n": ticket.number},
            )
            return redirect("support:ticket", pk=ticket.pk)
    return ticket_detail(request, pk, form=form)


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        TicketPhoto.objects.filter(ticket__in=Ticket.objects.visible_to(request.user)), pk=pk
    )
    return files.serve(found.image)
