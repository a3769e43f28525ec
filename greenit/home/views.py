from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from greenit.assets.models import Asset, State
from greenit.classrooms.models import ClassroomProject
from greenit.core import categories
from greenit.donations.models import Donation


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
                "recent_donations": Donation.objects.select_related("donor_organisation")[:8],
            },
        )
    if user.organisation_id is None:
        # Neither staff nor an organisation's contact: a volunteer with an account.
        return redirect("volunteers:me")
    donations = Donation.objects.visible_to(user).select_related("donor_organisation")[:20]
    classrooms = ClassroomProject.objects.visible_to(user)[:20]
    return render(
        request, "home/contact_home.html", {"donations": donations, "classrooms": classrooms}
    )


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
