from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import may, permission_required, staff_required
from greenit.assets.models import Asset, State
from greenit.core import categories, tags
from greenit.core.forms import refusals_as_messages, refusals_on
from greenit.donations.models import Donation

from . import offline, revocation, services, signing
from .forms import (
    MediumForm,
    PolicyForm,
    RecordForm,
    RevokeForm,
    SampleVerifyForm,
    VerifyUploadForm,
    capacity_stored,
)
from .guards import missing
from .models import Certificate, SampleItem, SampleResult
from .rules import category_name, medium_status, technique_name


@permission_required("sanitize")
def queue(request: HttpRequest) -> HttpResponse:
    """Received devices that can hold data: they wait for their media to be wiped."""
    assets = (
        Asset.objects.filter(state=State.RECEIVED, category__in=categories.data_bearing_codes())
        .select_related("donation")
        .annotate(
            media_count=Count("media", distinct=True),
            record_count=Count("media__records", distinct=True),
            failed_count=Count("media__records", filter=Q(media__records__result="failed")),
        )
        .order_by("pk")
    )
    rows = list(assets[:200])
    return render(
        request,
        "sanitization/queue.html",
        {
            "rows": rows,
            "total": assets.count(),
            "without_media": sum(1 for a in rows if not a.media_count),
            # Without a valid certificate: a revoked one is to be issued again.
            "donations": Donation.objects.filter(assets__media__isnull=False)
            .exclude(pk__in=Certificate.objects.filter(revoked_at__isnull=True).values("donation"))
            .select_related("donor_organisation")
            .distinct()[:50],
        },
    )


def _asset(request, tag: str) -> Asset:
    return get_object_or_404(
        Asset.objects.visible_to(request.user).select_related("donation"),
        tag=tags.normalise(tag),
    )


def _asset_page(request, asset, *, medium_form=None, record_form=None, status=200):
    media = list(asset.media.prefetch_related("records__operator", "records__verifier"))
    for medium in media:
        medium.done, medium.why = medium_status(medium.records.all())
        medium.capacity = capacity_stored(medium.capacity_bytes)
        medium.record_list = sorted(medium.records.all(), key=lambda r: (r.ended_at, r.pk))
        for record in medium.record_list:
            record.category_label = category_name(record.nist_category, record.revision)
            record.technique_label = technique_name(record, medium)
    can_record = may(request.user, "sanitize")
    return render(
        request,
        "sanitization/asset.html",
        {
            "asset": asset,
            "media": media,
            "missing": missing(asset) if asset.holds_data else [],
            "can_record": can_record,
            "medium_form": medium_form or MediumForm(),
            "record_form": record_form or RecordForm(asset=asset, prefix="record"),
        },
        status=status,
    )


@login_required
def asset_media(request: HttpRequest, tag: str) -> HttpResponse:
    return _asset_page(request, _asset(request, tag))


@require_POST
@permission_required("sanitize")
def medium_add(request: HttpRequest, tag: str) -> HttpResponse:
    asset = _asset(request, tag)
    form = MediumForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            medium, created = services.medium_register(
                asset=asset, actor=request.user, **form.cleaned_data
            )
            if created:
                messages.success(
                    request,
                    _("Medium %(m)s registered, capacity %(capacity)s.")
                    % {"m": medium, "capacity": capacity_stored(medium.capacity_bytes)},
                )
            else:
                messages.info(request, _("Medium %(m)s was already registered.") % {"m": medium})
            return redirect("sanitization:asset", tag=asset.tag)
    return _asset_page(request, asset, medium_form=form, status=422)


@require_POST
@permission_required("sanitize")
def record_add(request: HttpRequest, tag: str) -> HttpResponse:
    asset = _asset(request, tag)
    form = RecordForm(request.POST, asset=asset, prefix="record")
    if form.is_valid():
        data = dict(form.cleaned_data)
        medium = data.pop("medium")
        verifier = data.pop("verifier")
        data["errors"] = data.pop("error_log", "")
        for key in ("tool", "tool_version", "pattern", "witness", "errors", "hpa_dco", "notes"):
            data[key] = data.get(key) or ""
        data["passes"] = data.get("passes") or 0
        if not data.get("location"):
            data.pop("location", None)
        with refusals_on(form):
            record, _created = services.record_sanitization(
                medium=medium, actor=request.user, verifier=verifier, **data
            )
            asset.refresh_from_db()
            messages.success(
                request,
                _("Record stored for medium %(m)s: %(result)s.")
                % {"m": medium, "result": record.get_result_display()},
            )
            if asset.state == State.SANITIZED:
                messages.success(request, _("Every medium is done: the device is sanitized."))
            return redirect("sanitization:asset", tag=asset.tag)
    return _asset_page(request, asset, record_form=form, status=422)


# --- certificates ----------------------------------------------------------------------------


def _donation_page(request, donation, *, policy_form=None, verify_form=None, status=200):
    certificates = list(donation.certificates.select_related("issued_by", "revoked_by"))
    valid = next((c for c in certificates if not c.revoked), None)
    policy = services.policy_for(donation)
    batch = services.batch_state(donation)
    items = list(batch.sample.items.all()) if batch.sample else []
    for item in items:
        item.own_work = item.record.operator_id == request.user.pk
        item.form = (
            verify_form
            if verify_form is not None and verify_form.prefix == f"item{item.pk}"
            else SampleVerifyForm(prefix=f"item{item.pk}")
        )
    return render(
        request,
        "sanitization/donation.html",
        {
            "donation": donation,
            "certificates": certificates,
            "valid": valid,
            "missing": [] if valid else services.certificate_todo(donation),
            "can_issue": may(request.user, "sanitize"),
            "can_verify": may(request.user, "verify_sanitization"),
            "revoke_form": RevokeForm(),
            "policy": policy,
            "policy_form": policy_form or PolicyForm(initial={"policy": policy}),
            "batch": batch,
            "items": items,
            "pending": SampleResult.PENDING,
        },
        status=status,
    )


@staff_required
def donation_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    donation = get_object_or_404(Donation.objects.select_related("donor_organisation"), pk=pk)
    return _donation_page(request, donation)


@require_POST
@permission_required("sanitize")
def donation_policy(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the sanitization policy this donation follows."""
    donation = get_object_or_404(Donation.objects.select_related("donor_organisation"), pk=pk)
    form = PolicyForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.policy_choose(
                actor=request.user, policy=form.cleaned_data["policy"], donation=donation
            )
            messages.success(request, _("The donation's sanitization policy is saved."))
            return redirect("sanitization:donation", pk=donation.pk)
    return _donation_page(request, donation, policy_form=form, status=422)


@require_POST
@permission_required("sanitize")
def sample_draw(request: HttpRequest, pk: int) -> HttpResponse:
    donation = get_object_or_404(Donation, pk=pk)
    with refusals_as_messages(request):
        sample = services.sample_draw(donation, request.user)
        messages.success(
            request,
            ngettext(
                "%(n)s of %(total)s medium drawn for independent verification.",
                "%(n)s of %(total)s media drawn for independent verification.",
                sample.population,
            )
            % {"n": sample.items.count(), "total": sample.population},
        )
    return redirect("sanitization:donation", pk=donation.pk)


@require_POST
@permission_required("verify_sanitization")
def sample_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """A second person records what reading a sampled medium back showed."""
    item = get_object_or_404(SampleItem.objects.select_related("sample__donation"), pk=pk)
    donation = item.sample.donation
    form = SampleVerifyForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        with refusals_on(form):
            services.sample_verify(item, request.user, **form.cleaned_data)
            messages.success(
                request, _("Verification of medium %(m)s recorded.") % {"m": item.medium}
            )
            return redirect("sanitization:donation", pk=donation.pk)
    return _donation_page(request, donation, verify_form=form, status=422)


@require_POST
@permission_required("sanitize")
def certificate_issue(request: HttpRequest, pk: int) -> HttpResponse:
    donation = get_object_or_404(Donation, pk=pk)
    with refusals_as_messages(request):
        try:
            certificate = services.certificate_issue(donation, request.user)
        except signing.KeyMissing as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Certificate %(n)s issued and signed.") % {"n": certificate.number}
            )
    return redirect("sanitization:donation", pk=donation.pk)


@require_POST
@permission_required("sanitize")
def certificate_revoke(request: HttpRequest, number: str) -> HttpResponse:
    certificate = get_object_or_404(Certificate, number=number.upper())
    form = RevokeForm(request.POST)
    if form.is_valid():
        with refusals_as_messages(request):
            services.certificate_revoke(certificate, form.cleaned_data["reason"], request.user)
            messages.success(request, _("Certificate %(n)s revoked.") % {"n": certificate.number})
    else:
        messages.error(request, _("Say why the certificate is revoked."))
    return redirect("sanitization:donation", pk=certificate.donation_id)


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    certificates = Certificate.objects.visible_to(request.user).select_related(
        "donation", "donation__donor_organisation"
    )[:200]
    return render(request, "sanitization/certificates.html", {"certificates": certificates})


@login_required
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.visible_to(request.user), number=number.upper()
    )
    from .pdf import render_pdf

    try:
        data = render_pdf(certificate)
    except signing.KeyMissing as error:
        messages.error(request, str(error))
        return redirect("sanitization:certificates")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


# --- public ----------------------------------------------------------------------------------


def _display(payload: dict | None) -> dict | None:
    if payload is None:
        return None
    from .pdf import context

    try:
        return context(payload)
    except (KeyError, TypeError, AttributeError):
        return None


def verify(request: HttpRequest, number: str, code: str) -> HttpResponse:
    """Anyone with the certificate's address (the QR code on the PDF) sees what was certified
    and whether the signature holds; no login. A number without its code is a 404."""
    certificate = Certificate.objects.filter(number=number.upper()).first()
    if certificate is None or not constant_time_compare(code.upper(), certificate.verify_code):
        raise Http404(_("No certificate has this number and code."))
    check = services.check_certificate(certificate)
    revocation_holds = certificate.revoked and bool(
        certificate.revocation_statement
        and services.check_signed(
            certificate.revocation_statement.encode("utf-8"), certificate.revocation_signature
        ).valid
    )
    return render(
        request,
        "sanitization/verify.html",
        {
            "certificate": certificate,
            "check": check,
            "revocation_holds": revocation_holds,
            "shown": _display(check.payload),
            "fingerprint": _current_fingerprint(),
            "ca_fingerprint": _ca_fingerprint(),
            "form": VerifyUploadForm(),
        },
    )


def certificate_status(request: HttpRequest, number: str, code: str) -> JsonResponse:
    """The certificate's standing as a signed statement (revocation.py): what
    `greenit verify-certificate --online` asks."""
    certificate = Certificate.objects.filter(number=number.upper()).first()
    if certificate is None or not constant_time_compare(code.upper(), certificate.verify_code):
        raise Http404(_("No certificate has this number and code."))
    try:
        answer = revocation.status_answer(certificate)
    except signing.KeyMissing:
        raise Http404(_("No signing key is set up yet.")) from None
    return JsonResponse(answer, headers={"Cache-Control": "no-store"})


def _current_fingerprint() -> str:
    try:
        return signing.fingerprint(signing.current_public_key())
    except signing.KeyMissing:
        return ""


def _ca_fingerprint() -> str:
    try:
        return ", ".join(signing.certificate_fingerprint(ca) for ca in signing.trust_roots())
    except signing.KeyMissing:
        return ""


def verify_upload(request: HttpRequest) -> HttpResponse:
    """Upload a certificate PDF: its attached signed content is checked, and compared with
    the certificate on record (revocation)."""
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["pdf"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            form.add_error("pdf", _("This file is too large for a certificate."))
        else:
            try:
                result = offline.check_pdf(upload.read())
            except signing.KeyMissing as error:
                raise Http404(str(error)) from None
            if result.check and result.check.payload:
                number = result.check.payload.get("number", "")
                result.compare_with(Certificate.objects.filter(number=number).first())
    return render(
        request,
        "sanitization/verify_upload.html",
        {
            "form": form,
            "result": result,
            "shown": _display(result.check.payload) if result and result.check else None,
            "fingerprint": _current_fingerprint(),
            "ca_fingerprint": _ca_fingerprint(),
        },
        status=200 if result is None or result.valid else 422,
    )


@cache_control(public=True, max_age=3600)
def public_key(request: HttpRequest) -> HttpResponse:
    """The organisation's public key (PEM): checks certificates offline."""
    try:
        pem = signing.public_pem(signing.current_public_key())
    except signing.KeyMissing:
        raise Http404(_("No signing key is set up yet.")) from None
    # text/plain: browsers show it, `curl -O` saves it
    return HttpResponse(pem, content_type="text/plain; charset=utf-8")


@cache_control(public=True, max_age=3600)
def certificate_authority(request: HttpRequest) -> HttpResponse:
    """The root certificate(s) of the chain that signs the PDFs: add it to a PDF reader's
    trusted certificates to see our signature as trusted."""
    try:
        roots = signing.trust_roots()
    except signing.KeyMissing:
        raise Http404(_("No signing key is set up yet.")) from None
    pem = b"".join(root.public_bytes(signing.serialization.Encoding.PEM) for root in roots)
    return HttpResponse(pem, content_type="text/plain; charset=utf-8")
