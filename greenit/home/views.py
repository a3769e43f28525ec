import hmac
import ipaddress
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from greenit.accounts.permissions import staff_required
from greenit.assets.models import Asset, State
from greenit.classrooms.models import ClassroomProject
from greenit.core import categories, health
from greenit.core.limits import client_address
from greenit.donations.models import Donation
from greenit.home import metrics
from greenit.home.outbox import sent_mail
from greenit.home.today import todays_work
from greenit.support.models import Ticket


def _state_counts() -> list[tuple[str, str, int]]:
    """Devices per state for the staff dashboard: a GROUP BY over the whole table, so cached."""
    counts = cache.get("dashboard:state-counts")
    if counts is None:
        counts = dict(Asset.objects.order_by().values_list("state").annotate(n=Count("pk")))
        cache.set("dashboard:state-counts", counts, 120)
    return [(value, label, counts.get(value, 0)) for value, label in State.choices]


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/welcome.html", {"mercury_refusal": categories.MERCURY_REFUSAL})
    if user.is_staff_member:
        return render(
            request,
            "home/staff_home.html",
            {
                "state_counts": _state_counts(),
                "todays_work": todays_work(user),
                "recent_donations": Donation.objects.select_related("donor_organisation")[:8],
            },
        )
    if user.organisation_id is None:
        # Neither staff nor an organisation's contact: a volunteer with an account.
        return redirect("volunteers:me")
    # Each kind of organisation sees its own work: a school its classroom and tickets, a
    # donor its donations, a sponsor the classrooms it funds (one organisation may be several).
    organisation = user.organisation
    context = {"classrooms": ClassroomProject.objects.visible_to(user)[:20]}
    if organisation.is_donor or not organisation.is_school:
        context["donations"] = Donation.objects.visible_to(user).select_related(
            "donor_organisation"
        )[:20]
    if organisation.is_school:
        context["tickets"] = Ticket.objects.visible_to(user).filter(status=Ticket.Status.OPEN)[:20]
    return render(request, "home/contact_home.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive and answers (a load balancer restarts it when not)."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: database, cache, task queue, signing key (greenit/core/health.py); 503
    with the reasons when not. Open to anyone: it shows states and counts, never a secret."""
    figures, problems = health.readiness()
    body = {"status": "not ready" if problems else "ready", "problems": problems, **figures}
    response = JsonResponse(body, status=503 if problems else 200)
    response["Cache-Control"] = "no-store"
    return response


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics: with METRICS_TOKEN set, for a bearer of that token; without it, for
    clients on this machine only."""
    token = settings.METRICS_TOKEN
    if token:
        offered = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
        allowed = hmac.compare_digest(offered.encode(), token.encode())
    else:
        try:
            allowed = ipaddress.ip_address(client_address(request)).is_loopback
        except ValueError:
            allowed = False
    if not allowed:
        return HttpResponse(status=404)
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


@staff_required
def outbox(request: HttpRequest) -> HttpResponse:
    """The e-mails greenit wrote instead of sending them (DEBUG only: see home/outbox.py)."""
    folder = Path(settings.EMAIL_FILE_PATH)
    return render(request, "home/outbox.html", {"mails": sent_mail(folder), "folder": folder})
