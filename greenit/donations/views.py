import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greenit.accounts import permissions
from greenit.accounts.models import Organisation
from greenit.accounts.permissions import permission_required, staff_required
from greenit.core import files
from greenit.core.forms import (
    refusals_as_messages,
    refusals_on,
    remember_reference,
    sent_reference,
)
from greenit.core.limits import over_limit
from greenit.core.pagination import keyset_page

from . import receipts, services
from .forms import (
    CollectionForm,
    DeclineForm,
    DonationForm,
    ItemFormSet,
    PickupForm,
    PublicOfferForm,
    ReceiptForm,
    WithdrawForm,
)
from .models import Donation, DonationPhoto, DonationReceipt, Pickup


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


def _item_rows(items) -> dict:
    """The filled-in item forms, in the order the service numbers them (``items[N].field``)."""
    return {"items": [f for f in items.forms if f.cleaned_data]}


def _item_inputs(items) -> list[services.ItemInput]:
    return [
        services.ItemInput(
            **{k: f.cleaned_data[k] for k in ("category", "quantity", "description", "serials")}
        )
        for f in items.forms
        if f.cleaned_data
    ]


@login_required
def donation_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    services.require_may_record_donation(user)
    form = DonationForm(request.POST or None, user=user)
    items = ItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and all([form.is_valid(), items.is_valid()]):
        with refusals_on(form, _item_rows(items)):
            donation = services.donation_create(
                actor=user, items=_item_inputs(items), **form.cleaned_data
            )
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
            "decline_form": DeclineForm(),
            "pickups": donation.pickups.select_related("driver").prefetch_related("lines"),
            "photos": donation.photos.all(),
            "receipts": donation.receipts.visible_to(request.user),
        },
    )


# The public offer form -----------------------------------------------------------------


def offer_public(request: HttpRequest) -> HttpResponse:
    """ "Donate your old computers": anyone, no account. What it creates is only ever an offer
    that staff accept or decline; a honeypot field and a rate limit per address keep bots out."""
    form = PublicOfferForm(request.POST or None, request.FILES or None)
    items = ItemFormSet(request.POST or None, prefix="items")
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            return redirect("donate:thanks")  # a bot: tell it nothing, keep nothing
        if over_limit(request, group="public-offer", rate=settings.OFFER_RATE):
            form.add_error(
                None,
                _(
                    "We received several offers from your address just now. Please try again "
                    "in an hour, or call us."
                ),
            )
            status = 429
        elif all([form.is_valid(), items.is_valid()]):
            data = dict(form.cleaned_data)
            data.pop("website", None)
            with refusals_on(form, _item_rows(items)):
                offer = services.donation_create(
                    actor=request.user,
                    items=_item_inputs(items),
                    source=Donation.Source.PUBLIC,
                    photos=data.pop("photos", []),
                    consent=data.pop("consent", False),
                    **data,
                )
                form.record_consents(offer, email=offer.contact_email)
                remember_reference(request, offer.reference)
                return redirect("donate:thanks")
    return render(
        request, "donations/offer_public.html", {"form": form, "items": items}, status=status
    )


def offer_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "donations/offer_thanks.html", {"reference": sent_reference(request)})


# Staff: the offers queue, accepting and declining --------------------------------------


@staff_required
def offer_queue(request: HttpRequest) -> HttpResponse:
    offers = Donation.objects.filter(status=Donation.Status.OFFERED).select_related(
        "donor_organisation"
    )
    page = keyset_page(offers, request.GET, size=settings.PAGE_SIZE)
    return render(request, "donations/offers.html", {"page": page})


@permission_required("handle_offers")
@require_POST
def donation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    donation = get_object_or_404(Donation, pk=pk)
    with refusals_as_messages(request):
        services.donation_accept(donation=donation, actor=request.user)
        messages.success(request, _("Offer %(ref)s accepted.") % {"ref": donation.reference})
    return redirect("donations:detail", pk=donation.pk)


@permission_required("handle_offers")
@require_POST
def donation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    donation = get_object_or_404(Donation, pk=pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the offer is declined: the donor reads this reason."))
        return redirect("donations:detail", pk=donation.pk)
    with refusals_as_messages(request):
        services.donation_decline(
            donation=donation, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Offer %(ref)s declined.") % {"ref": donation.reference})
    return redirect("donations:detail", pk=donation.pk)


# Pickups -------------------------------------------------------------------------------


def _get_pickup_for_user(request: HttpRequest, pk: int) -> Pickup:
    return get_object_or_404(
        Pickup.objects.visible_to(request.user).select_related(
            "donation", "donation__donor_organisation", "driver"
        ),
        pk=pk,
    )


def _planning(day) -> dict:
    """What staff plan pickups with: drivers, donations still waiting, today's day sheets."""
    return {
        "drivers": services.drivers(),
        "awaiting": services.donations_awaiting_pickup()[:50],
        "today_sheets": services.drivers_on(day),
    }


@login_required
def pickup_list(request: HttpRequest) -> HttpResponse:
    pickups = (
        Pickup.objects.visible_to(request.user)
        .select_related("donation", "donation__donor_organisation", "driver")
        .order_by("-date", "window_start")
    )
    status = request.GET.get("status", "")
    if status in Pickup.Status.values:
        pickups = pickups.filter(status=status)
    return render(
        request,
        "donations/pickups.html",
        {
            "pickups": pickups[:200],
            "statuses": Pickup.Status.choices,
            "status": status,
            "today": timezone.localdate(),
            **(_planning(timezone.localdate()) if request.user.is_staff_member else {}),
        },
    )


@permission_required("handle_offers")
def pickup_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    donation = get_object_or_404(Donation, pk=pk)
    initial = {k: getattr(donation, k) for k in ("province", "city", "district", "street")}
    initial["date"] = donation.preferred_from
    form = PickupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        address = {k: data.pop(k) for k in ("province", "city", "district", "street")}
        with refusals_on(form):
            pickup = services.pickup_schedule(
                donation=donation, actor=request.user, address=address, **data
            )
            messages.success(request, _("Pickup scheduled."))
            return redirect("donations:pickup", pk=pickup.pk)
    return render(request, "donations/pickup_form.html", {"form": form, "donation": donation})


@login_required
def pickup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pickup = _get_pickup_for_user(request, pk)
    return render(
        request,
        "donations/pickup_detail.html",
        {
            "pickup": pickup,
            "lines": pickup.lines.all(),
        },
    )


@permission_required("handle_offers")
def pickup_collect(request: HttpRequest, pk: int) -> HttpResponse:
    pickup = get_object_or_404(Pickup.objects.select_related("donation"), pk=pk)
    form = CollectionForm(request.POST or None, lines=pickup.lines.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form):
            services.pickup_record_collection(
                pickup=pickup,
                actor=request.user,
                collected=data["collected"],
                handed_over_by=data["handed_over_by"],
                weight_kg=data["weight_kg"],
                notes=data["notes"],
            )
            messages.success(request, _("Collection recorded."))
            return redirect("donations:pickup", pk=pickup.pk)
    return render(request, "donations/pickup_collect.html", {"form": form, "pickup": pickup})


@permission_required("handle_offers")
@require_POST
def pickup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    pickup = get_object_or_404(Pickup, pk=pk)
    with refusals_as_messages(request):
        services.pickup_cancel(pickup=pickup, actor=request.user)
        messages.success(request, _("Pickup cancelled."))
    return redirect("donations:pickup", pk=pickup.pk)


@staff_required
def day_sheet(request: HttpRequest) -> HttpResponse:
    """One driver's stops on one day, in window order, to print and take along."""
    drivers = services.drivers()
    driver = (
        drivers.filter(pk=request.GET.get("driver") or 0).first()
        if (request.GET.get("driver", "").isdigit())
        else None
    )
    day = parse_date(request.GET.get("date", "") or "") or timezone.localdate()
    stops = services.day_sheet_stops(driver=driver, day=day) if driver else []
    return render(
        request,
        "donations/day_sheet.html",
        {"drivers": drivers, "driver": driver, "day": day, "stops": stops},
    )


@login_required
def donation_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of a donation, for those who may see the donation."""
    photo = get_object_or_404(
        DonationPhoto.objects.filter(donation__in=Donation.objects.visible_to(request.user)),
        pk=pk,
    )
    return files.serve(photo.image)


# Donation receipts --------------------------------------------------------------------

LINE_FIELD = re.compile(r"^lines\[(\d+)\]\.(\w+)$")


def _get_receipt_for_user(request: HttpRequest, pk: int) -> DonationReceipt:
    return get_object_or_404(
        DonationReceipt.objects.visible_to(request.user).select_related("donation"), pk=pk
    )


def _on_form_fields(error: ValidationError) -> ValidationError:
    """The services name a line's field `lines[N].value`; the form names it `value_N`."""
    if not hasattr(error, "error_dict"):
        return error
    renamed = {}
    for field, errors in error.error_dict.items():
        match = LINE_FIELD.match(field)
        renamed[f"{match[2]}_{match[1]}" if match else field] = errors
    return ValidationError(renamed)


@login_required
def receipt_list(request: HttpRequest) -> HttpResponse:
    """Receipts the user may see; per donor organisation and year, the batch PDF."""
    year = timezone.localdate().year
    shown = DonationReceipt.objects.visible_to(request.user).select_related(
        "donation__donor_organisation"
    )
    years = (
        shown.exclude(year=None)
        .exclude(donation__donor_organisation=None)
        .order_by("-year", "donation__donor_organisation__name")
        .values_list(
            "year", "donation__donor_organisation_id", "donation__donor_organisation__name"
        )
        .distinct()
    )
    return render(
        request,
        "donations/receipts.html",
        {"receipts": shown[:200], "batches": list(years), "this_year": year},
    )


@permission_required("issue_receipts")
@require_POST
def receipt_draft(request: HttpRequest, pk: int) -> HttpResponse:
    donation = get_object_or_404(Donation.objects.visible_to(request.user), pk=pk)
    with refusals_as_messages(request):
        receipt = receipts.receipt_draft(donation=donation, actor=request.user)
        messages.success(request, _("Drafted a receipt: check it, then issue it."))
        return redirect("donations:receipt", pk=receipt.pk)
    return redirect("donations:detail", pk=donation.pk)


@login_required
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _get_receipt_for_user(request, pk)
    form = ReceiptForm(request.POST or None, receipt=receipt)
    if request.method == "POST":
        permissions.require(request.user, "issue_receipts")
        if form.is_valid():
            with refusals_on(form):
                try:
                    receipts.receipt_update(
                        receipt=receipt,
                        actor=request.user,
                        donor=form.cleaned_data["donor"],
                        project=form.cleaned_data["project"],
                        lines=form.lines(),
                    )
                except ValidationError as error:  # a line's refusal, put beside its field
                    raise _on_form_fields(error) from None
                messages.success(request, _("Saved the draft."))
                return redirect("donations:receipt", pk=receipt.pk)
    return render(
        request,
        "donations/receipt.html",
        {
            "receipt": receipt,
            "rows": receipts.line_rows(receipt),
            "form": form,
            "withdraw_form": WithdrawForm(),
        },
    )


@permission_required("issue_receipts")
@require_POST
def receipt_issue(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _get_receipt_for_user(request, pk)
    with refusals_as_messages(request):
        receipt = receipts.receipt_issue(receipt=receipt, actor=request.user)
        messages.success(request, _("Issued receipt %(number)s.") % {"number": receipt.number})
    return redirect("donations:receipt", pk=receipt.pk)


@permission_required("issue_receipts")
@require_POST
def receipt_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _get_receipt_for_user(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        with refusals_as_messages(request):
            receipts.receipt_withdraw(
                receipt=receipt, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _("Withdrew receipt %(number)s: it is kept, and its number is not used again.")
                % {"number": receipt.number},
            )
    else:
        messages.error(request, _("Say why the receipt is withdrawn."))
    return redirect("donations:receipt", pk=receipt.pk)


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _get_receipt_for_user(request, pk)
    return _pdf(receipts.render_pdf([receipt]), receipt.number or f"draft-{receipt.pk}")


@login_required
def receipt_year_pdf(request: HttpRequest, year: int, organisation: int) -> HttpResponse:
    """A donor organisation's issued receipts of one year, in one PDF."""
    org = get_object_or_404(Organisation.objects.visible_to(request.user), pk=organisation)
    found = list(receipts.year_receipts(organisation_id=org.pk, year=year, user=request.user))
    if not found:
        raise Http404
    return _pdf(receipts.render_pdf(found), f"receipts-{year}-{org.pk}")
