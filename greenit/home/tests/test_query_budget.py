"""A query budget on every page: no page's query count grows with the rows it shows.

Over the demo, for each role (and anonymous), a crawl starts at the home page and follows the
GET links of every page, visiting one URL per view and set of query parameters (the same rules
as the accessibility crawl: no logout, no admin or API, no PDF or CSV downloads). Then rows of
every kind those pages show are added to the very objects they show (devices in the donation,
custody events and media on the device, emptyings on the box, sign-ups on the shift...) and
to the lists (donations, pickups, enquiries, batches, projects...): first 5 of each, then 45
more. Every page is fetched after each step, and its query count must be the same: a page
that runs one more query per row has an N+1, and the failure names the URL, both counts and
the query repeated most often. The rows are copies of the demo's own rows (or made like them)
with bulk_create, so that the whole module stays quick."""

import io
import itertools
import re
import uuid
from collections import Counter, deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone

from greenit.accounts.models import ApiToken, Organisation, User
from greenit.assets.models import Asset, CustodyEvent, LabelSheet, State
from greenit.classrooms.models import (
    Allocation,
    ClassroomPhoto,
    ClassroomProject,
    ClassroomSponsor,
    InventoryCheck,
    SchoolApplication,
    SchoolApplicationPhoto,
)
from greenit.collection.models import BoxEmptying, BoxReport, CollectionBox
from greenit.core import categories, tags
from greenit.donations.models import (
    Donation,
    DonationItem,
    DonationPhoto,
    DonationReceipt,
    Pickup,
    PickupLine,
)
from greenit.enquiries.models import Enquiry, EnquiryReply
from greenit.impact.models import ImpactReport
from greenit.imports.models import AssetImport
from greenit.privacy import consents
from greenit.privacy.models import Consent
from greenit.recycling.models import (
    MaterialStream,
    RecyclerLicence,
    RecyclingBatch,
    RecyclingBatchItem,
)
from greenit.refurbishment.models import PartUsed, Refurbishment, SoftwareKit
from greenit.sanitization.models import Certificate, SanitizationRecord
from greenit.support.models import Ticket, TicketPhoto
from greenit.volunteers.models import Opportunity, Shift, SignUp, Team, Volunteer

from .test_accessibility import ROLES  # the same logins: every role the demo has

# One worker measures every role: the demo and its grown rows are built once per module.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("query_budget")]

SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/")
SKIP_VIEWS = {"accounts:logout", "set_language"}

# Fewest distinct views (url names) each role's crawl must reach: a crawl that stops early
# (a failed login, a broken menu) would otherwise pass with nothing measured.
MIN_VIEWS = {
    None: 12,
    "admin": 71,
    "li.logistics": 57,
    # Menus show only the work of the role (no offers or boxes for a technician or a
    # programme manager; no donations, pickups or API tokens for a school or a volunteer).
    "wang.tech": 56,
    "chen.pm": 54,
    "zhao.donor": 28,
    "sun.bank": 30,
    "liu.school": 18,
    "zhou.volunteer": 11,
}

FIRST, SECOND = 5, 45  # rows added before each pass: 5 more, then 50 more than the demo
_numbers = itertools.count(1)
# New devices are of several kinds, so that a query per category shows as well.
CATEGORIES = ["laptop", "desktop", "monitor_lcd", "phone", "tablet", "printer", "network"]


# The crawl ---------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self.hrefs.append(href)


def _local_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url = urlsplit(href)
        if not (url.scheme or url.netloc) and url.path.startswith("/"):
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def _page_kind(path: str) -> tuple[str, tuple[str, ...]] | None:
    """The view and query parameters a URL stands for, or None for a URL not to visit."""
    bare, _, query = path.partition("?")
    if bare.startswith(SKIP_PREFIXES) or bare.lower().endswith((".pdf", ".csv")):
        return None
    try:
        view = resolve(bare).view_name
    except Resolver404:
        return None
    if view in SKIP_VIEWS:
        return None
    return view, tuple(sorted({part.partition("=")[0] for part in query.split("&") if part}))


def _fetch(client: Client, path: str):
    # The staff dashboard and the impact figures are cached: each page starts with an empty
    # cache, so that both passes count the queries of a cache miss.
    cache.clear()
    # The connection keeps only its last 9000 queries: a full log would capture nothing.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries.captured_queries]


def _crawl(client: Client) -> list[str]:
    """One URL per view and set of query parameters, reachable from the home page."""
    queue, seen, pages, kinds = deque(["/"]), set(), [], set()
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        kind = _page_kind(path)
        if kind is None or kind in kinds:
            continue
        response, _queries = _fetch(client, path)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        kinds.add(kind)
        pages.append(path)
        queue.extend(_local_links(response.content.decode()))
    return pages


def _merged(first: list[str], second: list[str]) -> list[str]:
    """The first crawl's pages, and those of the second that stand for a view and set of query
    parameters the first did not reach."""
    kinds = {_page_kind(path) for path in first}
    return first + [path for path in second if _page_kind(path) not in kinds]


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


# More rows -----------------------------------------------------------------------------------


def _copies(template: Model, n: int, **changes) -> list:
    """`n` new rows like `template`; a change that is callable gets the copy's own number
    (for unique columns)."""
    model = type(template)
    values = {f.name: getattr(template, f.name) for f in model._meta.concrete_fields}
    del values[model._meta.pk.name]
    rows = []
    for _ in range(n):
        number = next(_numbers)
        changed = {k: v(number) if callable(v) else v for k, v in changes.items()}
        rows.append(model(**(values | changed)))
    return model.objects.bulk_create(rows)


def _more_devices(donation: Donation, n: int, *, state: str | None = None) -> list[Asset]:
    """Devices of the donation, spread over every state (each with its first custody event)."""
    template = donation.assets.order_by("pk").first() or Asset.objects.order_by("pk").first()
    states = itertools.cycle([state] if state else State.values)
    kinds = itertools.cycle(CATEGORIES)
    new_tags = iter(tags.new_tags(n))
    assets = _copies(
        template,
        n,
        donation=donation,
        tag=lambda _n: next(new_tags),
        serial=lambda number: f"QB{number:08d}",
        state=lambda _n: next(states),
        category=lambda _n: next(kinds),
    )
    event = CustodyEvent.objects.order_by("pk").first()
    CustodyEvent.objects.bulk_create(
        CustodyEvent(asset=a, actor_id=event.actor_id, to_state=a.state, at=a.created_at)
        for a in assets
    )
    return assets


def _grow_donation(donation: Donation, n: int) -> None:
    _more_devices(donation, n)
    _copies(DonationItem.objects.order_by("pk").first(), n, donation=donation)
    _copies(Pickup.objects.order_by("pk").first(), n, donation=donation)
    _copies(Certificate.objects.order_by("pk").first(), n, donation=donation, number=_numbered)
    _copies(AssetImport.objects.order_by("pk").first(), n, donation=donation)
    LabelSheet.objects.bulk_create(
        LabelSheet(donation=donation, layout="a4-24", labels=10) for _ in range(n)
    )
    DonationPhoto.objects.bulk_create(
        DonationPhoto(donation=donation, image="donations/demo.jpg") for _ in range(n)
    )


def _grow_pickup(pickup: Pickup, n: int) -> None:
    """The donation's rows, and lines of more kinds: a pickup has one line per category, so
    the second pass reaches every category there is rather than 50 more lines."""
    _grow_donation(pickup.donation, n)
    taken = set(pickup.lines.values_list("category", flat=True))
    kinds = [
        code for code, _label in categories.choices(include_refused=False) if code not in taken
    ][:n]
    PickupLine.objects.bulk_create(
        PickupLine(pickup=pickup, category=kind, offered_quantity=2) for kind in kinds
    )


def _numbered(number: int) -> str:
    return f"QB-{number:08d}"


def _grow_device(asset: Asset, n: int) -> None:
    """Custody events, media with a record each, tickets, past allocations and parts used on
    one device."""
    event = asset.events.order_by("pk").first()
    _copies(event, n, at=lambda number: event.at + timedelta(minutes=number))
    record = SanitizationRecord.objects.order_by("pk").first()
    media = _copies(record.medium, n, asset=asset, serial=_numbered)
    for medium in media:
        _copies(record, 1, medium=medium, record_id=lambda _n: uuid.uuid4())
    ticket = Ticket.objects.filter(status=Ticket.Status.OPEN).order_by("pk").first()
    _copies(ticket, n, asset=asset)
    allocation = Allocation.objects.order_by("pk").first()
    _copies(allocation, n, asset=asset, released_at=timezone.now(), released_by=ticket.reported_by)
    refurbishment = Refurbishment.objects.filter(asset=asset).first()
    if refurbishment is not None:
        PartUsed.objects.bulk_create(
            PartUsed(refurbishment=refurbishment, part=f"Part {i}") for i in range(n)
        )


def _grow_box(box: CollectionBox, n: int) -> None:
    emptying = BoxEmptying.objects.filter(done_at__isnull=False).order_by("pk").first()
    for new in _copies(emptying, n, box=box):
        for weight in emptying.weights.all():
            _copies(weight, 1, emptying=new)
    _copies(BoxReport.objects.order_by("pk").first(), n, box=box)


def _grow_batch(batch: RecyclingBatch, n: int) -> None:
    donation = Asset.objects.filter(state=State.RECYCLING).first().donation
    assets = _more_devices(donation, n, state=State.RECYCLING)
    RecyclingBatchItem.objects.bulk_create(
        RecyclingBatchItem(batch=batch, asset=asset) for asset in assets
    )


def _grow_project(project: ClassroomProject, n: int) -> None:
    """Allocated devices, photos, sponsors and tickets of one classroom."""
    donation = Asset.objects.filter(state=State.READY).first().donation
    allocation = Allocation.objects.order_by("pk").first()
    for asset in _more_devices(donation, n, state=State.ALLOCATED):
        _copies(allocation, 1, project=project, asset=asset)
    _copies(ClassroomPhoto.objects.order_by("pk").first(), n, project=project)
    sponsor = ClassroomSponsor.objects.order_by("pk").first()
    for organisation in _copies(sponsor.organisation, n, name=_numbered):
        _copies(sponsor, 1, project=project, organisation=organisation)
    _copies(Ticket.objects.order_by("pk").first(), n, project=project)


def _grow_shift(shift: Shift, n: int) -> None:
    """Sign-ups of new volunteers (of a demo company) with attendance and hours."""
    signup = SignUp.objects.filter(hours__isnull=False, volunteer__company__isnull=False).first()
    _credited_signups(signup, shift=shift, company=signup.volunteer.company, n=n)


def _grow_opportunity(opportunity: Opportunity, n: int) -> None:
    shift = Shift.objects.filter(starts_at__gt=timezone.now()).order_by("pk").first()
    _copies(shift, n, opportunity=opportunity)


def _grow_lists(n: int) -> None:
    """Rows of the list pages that are not children of a crawled page, for every
    organisation whose contact sees the list."""
    for donor in Organisation.objects.filter(donations__isnull=False).distinct():
        _copies(donor.donations.order_by("pk").first(), n, reference=_numbered)
    for status in (Donation.Status.OFFERED, Donation.Status.RECEIVED):
        donation = Donation.objects.filter(status=status).order_by("pk").first()
        _copies(donation, n, reference=_numbered)
    for pickup in Pickup.objects.all():
        _copies(pickup, n)
    # Devices in every state, for the lists and queues of one state.
    oldest = Asset.objects.order_by("pk").first().donation
    for state in State.values:
        _more_devices(oldest, n, state=state)
    _copies(Enquiry.objects.order_by("pk").first(), n)
    _copies(CollectionBox.objects.order_by("pk").first(), n, code=_numbered)
    _copies(RecyclingBatch.objects.order_by("pk").first(), n, number=_numbered)
    licence = RecyclerLicence.objects.order_by("pk").first()
    for recycler in _copies(licence.organisation, n, name=_numbered):
        _copies(licence, 1, organisation=recycler)
    _copies(SoftwareKit.objects.order_by("pk").first(), n, version=_numbered)
    _grow_receipts_and_streams(n)
    _copies(SchoolApplication.objects.order_by("pk").first(), n)
    for project in ClassroomProject.objects.all():
        for copy in _copies(project, n):
            for sponsor in project.sponsorships.all():
                _copies(sponsor, 1, project=copy)
    for opportunity in _copies(Opportunity.objects.filter(published=True).first(), n):
        _grow_opportunity(opportunity, 1)
    for report in ImpactReport.objects.all():
        _copies(report, n)
    for user in User.objects.all():
        ApiToken.objects.bulk_create(
            ApiToken(
                user=user, name=f"Token {i}", prefix=f"p{i}", key_hash=_numbered(next(_numbers))
            )
            for i in range(n)
        )
    _grow_volunteering(n)


def _grow_receipts_and_streams(n: int) -> None:
    """Receipts of every kind (issued ones for the year's batches of new donors) and
    material streams with their tiers, vendors and licences, for the two report pages."""
    for receipt in DonationReceipt.objects.filter(status="issued"):
        for donor in _copies(receipt.donation.donor_organisation, n, name=_numbered):
            donation = _copies(receipt.donation, 1, reference=_numbered, donor_organisation=donor)
            _copies(receipt, 1, donation=donation[0], number=_numbered, sequence=None)
    for draft in DonationReceipt.objects.filter(status="draft"):
        _copies(draft, n)
    for stream in MaterialStream.objects.all():
        tiers = list(stream.tiers.select_related("vendor"))
        for copy in _copies(stream, n, name=_numbered):
            for tier in tiers:
                vendor = _copies(tier.vendor, 1, name=_numbered)[0]
                for licence in tier.vendor.licences.all():
                    _copies(licence, 1, vendor=vendor)
                _copies(tier, 1, stream=copy, vendor=vendor)
            for shipment in stream.shipments.all():
                _copies(shipment, 1, stream=copy)


def _grow_volunteering(n: int) -> None:
    """zhou.volunteer's shifts, and volunteers of every company (and of new companies) with
    credited hours on a past shift, for the company pages and the hours report."""
    zhou = Volunteer.objects.get(user__username="zhou.volunteer")
    for shift in _copies(Shift.objects.order_by("pk").first(), n):
        _copies(SignUp.objects.filter(volunteer=zhou).first(), 1, shift=shift)
    credited = SignUp.objects.filter(hours__isnull=False, volunteer__company__isnull=False)
    signup = credited.order_by("pk").first()
    companies = Organisation.objects.filter(pk__in=credited.values("volunteer__company"))
    new_companies = _copies(signup.volunteer.company, n, name=_numbered)
    for company in [*companies, *new_companies]:
        _credited_signups(signup, shift=signup.shift, company=company, n=n)


def _credited_signups(signup: SignUp, *, shift: Shift, company: Organisation | None, n: int):
    volunteers = _copies(
        signup.volunteer,
        n,
        user=None,
        company=company,
        email=lambda number: f"v{number}@example.org",
        token=lambda number: f"token-{number}",
    )
    for volunteer in volunteers:
        _copies(signup, 1, shift=shift, volunteer=volunteer)


def _grow_enquiry(enquiry: Enquiry, n: int) -> None:
    _copies(EnquiryReply.objects.order_by("pk").first(), n, enquiry=enquiry)


def _grow_ticket(ticket: Ticket, n: int) -> None:
    TicketPhoto.objects.bulk_create(
        TicketPhoto(ticket=ticket, image="tickets/demo.jpg") for _ in range(n)
    )


def _grow_application(application: SchoolApplication, n: int) -> None:
    SchoolApplicationPhoto.objects.bulk_create(
        SchoolApplicationPhoto(application=application, image="applications/demo.jpg")
        for _ in range(n)
    )


def _grow_photo_consents(photo: ClassroomPhoto, n: int) -> None:
    text = consents.current("publish_photo")
    photo_type = ContentType.objects.get_for_model(ClassroomPhoto)
    Consent.objects.bulk_create(
        Consent(text=text, content_type=photo_type, object_id=photo.pk) for _ in range(n)
    )


# The object each detail page shows, found from its URL: (model, URL argument, lookup, grow).
def _grow_check(check, n: int) -> None:
    """More answered lines on the inventory check: each a new device of the project's donor."""
    line = check.lines.first()
    if line is None:
        return
    for asset in _more_devices(line.asset.donation, n):
        _copies(line, 1, asset=asset)


def _grow_team(team, n: int) -> None:
    """More members in the team (places grow with them)."""
    member = SignUp.objects.filter(team=team).first()
    if member is None:
        return
    type(team).objects.filter(pk=team.pk).update(places=team.places + n)
    volunteers = _copies(
        member.volunteer,
        n,
        user=None,
        email=lambda k: f"member{k}@example.org",
        token=lambda k: f"member-token-{k}",
    )
    for volunteer in volunteers:
        _copies(member, 1, volunteer=volunteer)


PARENTS = {
    "donations:detail": (Donation, "pk", "pk", _grow_donation),
    "donations:pickup_schedule": (Donation, "pk", "pk", _grow_donation),
    "donations:pickup": (Pickup, "pk", "pk", _grow_pickup),
    "donations:pickup_collect": (Pickup, "pk", "pk", _grow_pickup),
    "sanitization:donation": (Donation, "pk", "pk", _grow_donation),
    "assets:labels": (Donation, "donation_pk", "pk", _grow_donation),
    "imports:reconcile": (Donation, "donation_pk", "pk", _grow_donation),
    "imports:detail": (Donation, "pk", "imports", _grow_donation),
    "assets:detail": (Asset, "tag", "tag", _grow_device),
    "assets:edit": (Asset, "tag", "tag", _grow_device),
    "sanitization:asset": (Asset, "tag", "tag", _grow_device),
    "refurbishment:asset": (Asset, "tag", "tag", _grow_device),
    "collection:detail": (CollectionBox, "code", "code", _grow_box),
    "collection:public": (CollectionBox, "code", "code", _grow_box),
    "collection:edit": (CollectionBox, "code", "code", _grow_box),
    "collection:empty": (CollectionBox, "code", "code", _grow_box),
    "recycling:detail": (RecyclingBatch, "number", "number", _grow_batch),
    "classrooms:project": (ClassroomProject, "pk", "pk", _grow_project),
    "classrooms:project_edit": (ClassroomProject, "pk", "pk", _grow_project),
    "classrooms:public_detail": (ClassroomProject, "pk", "pk", _grow_project),
    "classrooms:application": (SchoolApplication, "pk", "pk", _grow_application),
    "volunteers:opportunity": (Opportunity, "pk", "pk", _grow_opportunity),
    "volunteers:manage": (Opportunity, "pk", "pk", _grow_opportunity),
    "volunteers:opportunity_edit": (Opportunity, "pk", "pk", _grow_opportunity),
    "volunteers:roster": (Shift, "pk", "pk", _grow_shift),
    "volunteers:attendance": (Shift, "pk", "pk", _grow_shift),
    "volunteers:signup": (Shift, "pk", "pk", _grow_shift),
    "volunteers:team_new": (Shift, "pk", "pk", _grow_shift),
    "volunteers:team": (Team, "pk", "pk", _grow_team),
    "classrooms:check": (InventoryCheck, "pk", "pk", _grow_check),
    "support:check": (InventoryCheck, "token", "token", _grow_check),
    "enquiries:detail": (Enquiry, "pk", "pk", _grow_enquiry),
    "support:ticket": (Ticket, "pk", "pk", _grow_ticket),
    "privacy:photo": (ClassroomPhoto, "pk", "pk", _grow_photo_consents),
}


# Pages of one object that show no rows to add (a form, one record's summary).
SINGLE_OBJECT_PAGES = {
    "sanitization:verify",
    "refurbishment:kit_edit",
    "impact:report",
    "donations:receipt",  # its lines are stored with it (JSON): no query per line
}


def _grow_parents(pages: dict, n: int, *, done: frozenset = frozenset()) -> frozenset:
    """Adds `n` rows to the object each page shows, unless it is in `done`; returns the
    objects grown."""
    parents = set()
    for path in set().union(*pages.values()):
        match = resolve(path.partition("?")[0])
        if match.view_name in PARENTS:
            model, kwarg, lookup, grow = PARENTS[match.view_name]
            parents.add((grow, model.objects.get(**{lookup: match.kwargs[kwarg]})))
    for grow, parent in sorted(parents - done, key=lambda p: (p[0].__name__, p[1].pk)):
        grow(parent, n)
    return frozenset(parents)


# The measurement -------------------------------------------------------------------------------


def _count_all(pages: dict) -> dict:
    counts = {}
    for username, paths in pages.items():
        client = _client(username)
        for path in paths:
            response, queries = _fetch(client, path)
            assert response.status_code == 200, f"{username}: {path} gave {response.status_code}"
            counts[username, path] = queries
    return counts


@pytest.fixture(scope="module")
def budget(django_db_setup, django_db_blocker, _session_signing_key, _session_pdf_chain):
    """The demo, the pages each role reaches, and each page's queries after 5 and 50 more
    rows. All in one transaction, rolled back at the end."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            SIGNING_KEY_FILE=_session_signing_key,
            SIGNING_PDF_DIR=_session_pdf_chain,
            SIGNING_PUBLIC_KEYS_DIR=None,
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        ),
        transaction.atomic(),
    ):
        call_command("demo", devices=40, stdout=io.StringIO())
        pages = {username: _crawl(_client(username)) for username in ROLES}
        _grow_lists(FIRST)
        grown = _grow_parents(pages, FIRST)
        # Crawled again for the pages that only exist with more rows (the next page of a
        # list, a device in a state the demo's donation had none in), grown in turn.
        for username in ROLES:
            pages[username] = _merged(pages[username], _crawl(_client(username)))
        _grow_parents(pages, FIRST, done=grown)
        few = _count_all(pages)
        _grow_lists(SECOND)
        _grow_parents(pages, SECOND)
        many = _count_all(pages)
        transaction.set_rollback(True)
    return pages, few, many


def _repeated(queries: list[str]) -> str:
    """The query run most often, whatever its parameters."""
    shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", sql) for sql in queries)
    shape, times = shapes.most_common(1)[0]
    return f"{times}× {shape}"


@pytest.mark.parametrize("username", ROLES, ids=lambda name: name or "anonymous")
def test_no_page_runs_more_queries_for_more_rows(budget, username):
    pages, few, many = budget
    views = {resolve(path.partition("?")[0]).view_name for path in pages[username]}
    assert len(views) >= MIN_VIEWS[username], f"the crawl reached only {sorted(views)}"
    # A new page of one object must say which rows it shows, or that it shows none.
    of_one_object = {
        resolve(path.partition("?")[0]).view_name
        for path in pages[username]
        if resolve(path.partition("?")[0]).kwargs
    }
    assert of_one_object <= PARENTS.keys() | SINGLE_OBJECT_PAGES, (
        f"no rows are added to {sorted(of_one_object - PARENTS.keys() - SINGLE_OBJECT_PAGES)}"
    )
    problems = []
    for path in pages[username]:
        before, after = few[username, path], many[username, path]
        if len(before) == len(after):
            continue
        view = resolve(path.partition("?")[0]).view_name
        line = (
            f"{path} ({view}): {len(before)} queries with {FIRST} more rows, {len(after)} with"
            f" {FIRST + SECOND} more; most repeated: {_repeated(after)}"
        )
        problems.append(line)
    print(f"{username or 'anonymous'}: {len(pages[username])} pages, {len(views)} views")
    assert not problems, "\n".join(problems)
