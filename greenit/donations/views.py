import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from greenit.accounts.models import Role
from greenit.core.pagination import keyset_page

from . import services
from .forms import DonationForm, ItemFormSet
from .models import Donation


def _get_donation_for_user(request: HttpRequest, pk: int) -> Donation:
    """The donation if this user may see it; 404 otherwise, so ids reveal nothing."""
    return get_object_or_404(
        Donation.objects.visible_to(request.user).select_related("donor_organisation"), pk=pk
    )


@login_required
def donation_list(request: HttpRequest) -> HttpResponse:
    donations = Donation.objects.visible_to(request.user).select_related("donor_organisation")
    status = request.GET.get("status", "")
    if status in Donation.Status.values:
        donations = donations.filter(status=status)
    if q := request.GET.get("q", "").strip():
        donations = donations.filter(
            Q(reference__iexact=q)
            | Q(donor_name__icontains=q)
            | Q(donor_organisation__name__icontains=q)
            | Q(donor_organisation__name_en__icontains=q)
        )
    page = keyset_page(donations, request.GET, size=settings.PAGE_SIZE)
    return render(
        request,
        "donations/list.html",
        {
            "page": page,
            "statuses": Donation.Status.choices,
            "status": status,
            "q": q,
            "can_record": services.may_record_donation(request.user),
        },
    )


def _show_errors(error: ValidationError, *, form, items) -> None:
    """Put the service's errors on the fields they name; items come as ``items[N].field``."""
    for key, messages_ in error.message_dict.items():
        if match := re.fullmatch(r"items\[(\d+)\]\.(\w+)", key):
            n, field = int(match[1]), match[2]
            item_forms = [f for f in items.forms if f.cleaned_data]
            if n < len(item_forms) and field in item_forms[n].fields:
                item_forms[n].add_error(field, messages_)
                continue
        form.add_error(key if key in form.fields else None, messages_)


@login_required
def donation_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.may_record_donation(user):
        raise PermissionDenied(
            _("Only logistics staff, technicians and donor contacts record donations.")
        )
    form = DonationForm(request.POST or None, user=user)
    items = ItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        rows = [
            services.ItemInput(
                **{k: f.cleaned_data[k] for k in ("category", "quantity", "description", "serials")}
            )
            for f in items.forms
            if f.cleaned_data
        ]
        try:
            donation = services.donation_create(actor=user, items=rows, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(error, form=form, items=items)
        else:
            messages.success(request, _("Donation %(ref)s recorded.") % {"ref": donation.reference})
            return redirect("donations:detail", pk=donation.pk)
    return render(request, "donations/form.html", {"form": form, "items": items})


@login_required
def donation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    donation = _get_donation_for_user(request, pk)
    assets = donation.assets.order_by("-pk")
    by_state = dict(assets.order_by().values_list("state").annotate(n=Count("pk")))
    return render(
        request,
        "donations/detail.html",
        {
            "donation": donation,
            "items": donation.items.all(),
            "assets": assets[:100],
            "asset_count": sum(by_state.values()),
            "by_state": by_state,
            "can_intake": request.user.has_role(Role.LOGISTICS, Role.TECHNICIAN),
        },
    )
