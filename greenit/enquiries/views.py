from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from greenit.accounts.permissions import permission_required
from greenit.core.forms import refusals_on, remember_reference, sent_reference
from greenit.core.limits import over_limit
from greenit.core.pagination import keyset_page

from . import services
from .forms import CloseForm, EnquiryForm, InboxFilterForm, ReplyForm
from .models import Enquiry


def contact(request: HttpRequest) -> HttpResponse:
    """The public contact form: no account; a honeypot and a limit per address keep bots out."""
    topic = request.GET.get("topic")
    initial = {"topic": topic} if topic in Enquiry.Topic.values else {}
    form = EnquiryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            return redirect("contact:thanks")  # a bot: tell it nothing, keep nothing
        if over_limit(request, group="enquiry", rate=settings.ENQUIRY_RATE):
            form.add_error(
                None,
                _(
                    "We received several messages from your address just now. "
                    "Please try again in an hour."
                ),
            )
            status = 429
        elif form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("website", "consent")}
            with refusals_on(form):
                enquiry = services.enquiry_receive(language=get_language() or "en", **data)
                form.record_consents(enquiry, email=enquiry.email)
                remember_reference(request, enquiry.reference)
                return redirect("contact:thanks")
    return render(request, "enquiries/contact.html", {"form": form}, status=status)


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "enquiries/thanks.html", {"reference": sent_reference(request)})


@permission_required("answer_enquiries")
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    enquiries = Enquiry.objects.select_related("handled_by")
    status = topic = ""
    if form.is_valid():
        status, topic = form.cleaned_data["status"], form.cleaned_data["topic"]
    if status == "":
        enquiries = enquiries.exclude(status=Enquiry.Status.CLOSED)
    elif status != "all":
        enquiries = enquiries.filter(status=status)
    if topic:
        enquiries = enquiries.filter(topic=topic)
    counts = dict(Enquiry.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return render(
        request,
        "enquiries/inbox.html",
        {
            "form": form,
            "page": keyset_page(enquiries, request.GET, size=settings.PAGE_SIZE),
            "new_count": counts.get(Enquiry.Status.NEW, 0),
        },
    )


def _enquiry(pk: int) -> Enquiry:
    return get_object_or_404(Enquiry.objects.select_related("handled_by"), pk=pk)


@permission_required("answer_enquiries")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(pk)
    action = request.POST.get("action") if request.method == "POST" else None
    reply_form = ReplyForm(request.POST if action == "reply" else None)
    close_form = CloseForm(request.POST if action == "close" else None)
    if action == "reopen":
        services.enquiry_reopen(enquiry=enquiry, actor=request.user)
        messages.success(request, _("Enquiry reopened."))
        return redirect("enquiries:detail", pk=enquiry.pk)
    if action == "reply" and reply_form.is_valid():
        with refusals_on(reply_form):
            reply = services.enquiry_reply(
                enquiry=enquiry, actor=request.user, body=reply_form.cleaned_data["body"]
            )
            if reply.delivered:
                messages.success(request, _("Reply sent to %(email)s.") % {"email": enquiry.email})
            else:
                messages.error(
                    request,
                    _(
                        "The reply is kept, but the mail server did not take it: "
                        "send it again later."
                    ),
                )
            return redirect("enquiries:detail", pk=enquiry.pk)
    if action == "close" and close_form.is_valid():
        with refusals_on(close_form):
            services.enquiry_close(
                enquiry=enquiry, actor=request.user, reason=close_form.cleaned_data["reason"]
            )
            messages.success(request, _("Enquiry closed."))
            return redirect("enquiries:detail", pk=enquiry.pk)
    return render(
        request,
        "enquiries/detail.html",
        {
            "enquiry": enquiry,
            "replies": enquiry.replies.select_related("sent_by"),
            "reply_form": reply_form,
            "close_form": close_form,
        },
    )
