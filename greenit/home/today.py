"""Today's work on the staff home page: what waits for someone, each with its count and the
page where it is done, shown to those who may do it. Counted over the whole organisation (staff
see across donors), so the counts are cached for a minute, like the stage counts beside them."""

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from greenit.accounts import permissions
from greenit.assets.models import Asset, State
from greenit.collection.models import CollectionBox
from greenit.core import categories
from greenit.donations.models import Donation, Pickup
from greenit.enquiries.models import Enquiry
from greenit.support.models import Ticket

CACHE_KEY = "home:todays-work:v1"
CACHE_SECONDS = 60


@dataclass(frozen=True)
class Work:
    key: str
    action: str  # who may do it (accounts.permissions)
    url_name: str
    query: str = ""


WORK: tuple[Work, ...] = (
    Work("offers", "handle_offers", "donations:offers"),
    Work("pickups", "handle_offers", "donations:pickups"),
    Work("boxes", "empty_boxes", "collection:list", "?status=reported"),
    Work("wipes", "sanitize", "sanitization:queue"),
    Work("tickets", "resolve_tickets", "support:home"),
    Work("enquiries", "answer_enquiries", "enquiries:inbox", "?status=new"),
)


def _sentence(key: str, n: int) -> str:
    sentences = {
        "offers": lambda: ngettext(
            "%(n)s offer waits for a decision", "%(n)s offers wait for a decision", n
        ),
        "pickups": lambda: ngettext("%(n)s pickup today", "%(n)s pickups today", n),
        "boxes": lambda: ngettext(
            "%(n)s collection box reported full or damaged",
            "%(n)s collection boxes reported full or damaged",
            n,
        ),
        "wipes": lambda: ngettext(
            "%(n)s device waits for its wipe", "%(n)s devices wait for their wipe", n
        ),
        "tickets": lambda: ngettext("%(n)s support ticket open", "%(n)s support tickets open", n),
        "enquiries": lambda: ngettext(
            "%(n)s enquiry waits for an answer", "%(n)s enquiries wait for an answer", n
        ),
    }
    return sentences[key]() % {"n": n}


def _counts() -> dict[str, int]:
    counts = cache.get(CACHE_KEY)
    if counts is None:
        counts = {
            "offers": Donation.objects.filter(status=Donation.Status.OFFERED).count(),
            "pickups": Pickup.objects.filter(
                date=timezone.localdate(), status=Pickup.Status.SCHEDULED
            ).count(),
            # The boxes the list shows under "reported" (the link leads there).
            "boxes": CollectionBox.objects.reported().count(),
            "wipes": Asset.objects.filter(
                state=State.RECEIVED, category__in=categories.data_bearing_codes()
            ).count(),
            "tickets": Ticket.objects.filter(status=Ticket.Status.OPEN).count(),
            "enquiries": Enquiry.objects.filter(status=Enquiry.Status.NEW).count(),
        }
        cache.set(CACHE_KEY, counts, CACHE_SECONDS)
    return counts


@dataclass(frozen=True)
class Waiting:
    text: str
    url: str
    count: int


def todays_work(user) -> list[Waiting]:
    """What waits for this member of staff: only the work their roles may do."""
    mine = [work for work in WORK if permissions.may(user, work.action)]
    if not mine:
        return []
    counts = _counts()
    return [
        Waiting(_sentence(w.key, counts[w.key]), reverse(w.url_name) + w.query, counts[w.key])
        for w in mine
    ]
