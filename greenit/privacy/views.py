"""Pages about personal information: the public notice and request form, withdrawing a
consent by its private link, and the administrators' pages for requests, a person's
records (find, export, erase), photo consents and the retention schedule."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import find_for, permission_required
from greenit.classrooms.models import ClassroomPhoto
from greenit.core.forms import refusals_as_messages, refusals_on
from greenit.core.limits import over_limit

from . import processing, services
from .forms import CloseRequestForm, EraseForm, FindForm, PhotoConsentForm, RequestForm
from .models import Consent, PrivacyRequest
from .retention import schedule


def notice(request: HttpRequest) -> HttpResponse:
    """What greenit holds about people, why, how long, who sees it: the record of processing."""
    return render(request, "privacy/notice.html", {"entries": processing.record()})


def ask(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            return redirect("privacy:ask_thanks")  # a bot: tell it nothing, keep nothing
        if over_limit(request, group="privacy-request", rate=settings.ENQUIRY_RATE):
            form.add_error(
                None,
                _(
                    "We received several requests from your address just now. "
                    "Please try again in an hour."
                ),
            )
            status = 429
        elif form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("website", "consent")}
            with refusals_on(form):
                made = services.privacy_request_receive(language=get_language() or "en", **data)
                form.record_consents(made, email=made.email)
                return redirect("privacy:ask_thanks")
    return render(request, "privacy/ask.html", {"form": form}, status=status)


def ask_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/ask_thanks.html")


def consent(request: HttpRequest, token: str) -> HttpResponse:
    """A consent by its private link: what was agreed, and one button to withdraw it."""
    given = get_object_or_404(Consent.objects.select_related("text"), token=token)
    if request.method == "POST":
        services.consent_withdraw(consent=given)
        messages.success(request, _("Your consent is withdrawn, from now on."))
        return redirect("privacy:consent", token=token)
    return render(request, "privacy/consent.html", {"consent": given})


@permission_required("handle_personal_data")
def requests(request: HttpRequest) -> HttpResponse:
    rows = PrivacyRequest.objects.select_related("done_by")
    return render(
        request,
        "privacy/requests.html",
        {"requests": rows, "close_form": CloseRequestForm(), "today": timezone.localdate()},
    )


@require_POST
@permission_required("handle_personal_data")
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    asked = get_object_or_404(PrivacyRequest, pk=pk)
    form = CloseRequestForm(request.POST)
    with refusals_as_messages(request):
        outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
        services.privacy_request_close(request=asked, actor=request.user, outcome=outcome)
        messages.success(request, _("Request %(ref)s is done.") % {"ref": asked.reference})
    return redirect("privacy:requests")


@permission_required("handle_personal_data")
def person(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET or None)
    records, consents = None, []
    if form.is_valid():
        records = services.person_find(actor=request.user, query=form.cleaned_data["q"])
        consents = _consents_in(records)
    context = {
        "form": form,
        "records": _with_admin_links(records or {}),
        "found": records is not None,
        "consents": consents,
        "erase_form": EraseForm(initial={"q": request.GET.get("q", "")}),
    }
    return render(request, "privacy/person.html", context)


def _consents_in(records: dict[str, list[dict]]):
    ids = [row["id"] for row in records.get("privacy.Consent", [])]
    return Consent.objects.filter(pk__in=ids).select_related("text")


def _with_admin_links(records: dict[str, list[dict]]) -> list[tuple[str, list[tuple]]]:
    """Each record with the admin page on which staff correct it (PIPL art. 46), if any."""
    out = []
    for label, rows in records.items():
        app_label, model = label.lower().split(".")
        linked = []
        for row in rows:
            try:
                link = reverse(f"admin:{app_label}_{model}_change", args=[row["id"]])
            except NoReverseMatch:
                link = ""
            linked.append((row, link))
        out.append((label, linked))
    return out


@permission_required("handle_personal_data")
def export_json(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET)
    if not form.is_valid():
        return redirect("privacy:person")
    body = services.person_export_json(actor=request.user, query=form.cleaned_data["q"])
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="personal-information.json"'
    return response


@permission_required("handle_personal_data")
def export_pdf(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET)
    if not form.is_valid():
        return redirect("privacy:person")
    body = services.person_export_pdf(actor=request.user, query=form.cleaned_data["q"])
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="personal-information.pdf"'
    return response


@require_POST
@permission_required("handle_personal_data")
def erase(request: HttpRequest) -> HttpResponse:
    form = EraseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(
            reverse("privacy:person") + "?" + urlencode({"q": request.POST.get("q", "")})
        )
    with refusals_as_messages(request):
        counts = services.person_erase(
            actor=request.user, query=form.cleaned_data["q"], confirmed=True
        )
        records = sum(v for k, v in counts.items() if k != "scrubbed")
        messages.success(
            request,
            _("Erased: %(records)s, %(notes)s.")
            % {
                "records": ngettext("%(n)s record anonymised", "%(n)s records anonymised", records)
                % {"n": records},
                "notes": ngettext("%(n)s note cleaned", "%(n)s notes cleaned", counts["scrubbed"])
                % {"n": counts["scrubbed"]},
            },
        )
    return redirect("privacy:person")


@require_POST
@permission_required("use_back_office")
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    given = get_object_or_404(Consent.objects.select_related("content_type"), pk=pk)
    services.consent_withdraw_for(consent=given, actor=request.user)
    messages.success(request, _("The consent is withdrawn, from now on."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("privacy:requests")
    return redirect(back)


@permission_required("record_photo_consent")
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Consent to publish one classroom photo, a guardian's where children can be recognised."""
    shown = find_for(request.user, ClassroomPhoto.objects.select_related("project"), pk=pk)
    form = PhotoConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.photo_consent_record(photo=shown, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The photo may be published."))
            return redirect("privacy:photo", pk=pk)
    context = {"photo": shown, "form": form, "consents": services.consents_about(shown)}
    return render(request, "privacy/photo.html", context)


@permission_required("handle_personal_data")
def retention(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [(rule, rule.due(now).count()) for rule in schedule()]
    return render(request, "privacy/retention.html", {"rules": rows})
