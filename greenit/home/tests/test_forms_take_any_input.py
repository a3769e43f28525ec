"""Property tests: any string, any number, any date typed into each public form and the key
staff forms gives a page (2xx), a redirect (3xx) or a refusal (4xx), never a 500; and every
page that shows what was saved still answers afterwards.

The fields come from the form classes themselves, so a field added to a form is tried too.
Hypothesis draws each field's value from one pool of hostile input: any text (NUL included;
lone surrogates cannot be sent by a browser and are refused by the middleware, see
test_bad_input_is_refused_everywhere), huge and non-finite numbers, and dates at and beyond
the calendar's ends. The import's fields get the same pool, cell by cell."""

import csv
import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenit.classrooms.forms import ApplicationForm
from greenit.collection.forms import EmptyingForm, ReportForm, WeightFormSet
from greenit.collection.models import CollectionBox
from greenit.donations.forms import DonationForm, ItemFormSet, PublicOfferForm
from greenit.enquiries.forms import EnquiryForm
from greenit.imports import services as import_services
from greenit.privacy.forms import RequestForm

pytestmark = pytest.mark.django_db

EXAMPLES = 25

NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e1000000", "-1e1000000", "NaN", "Infinity", "1e-1000000", "0", "-1"]),
)
DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31", "0001-01-01", "2025-02-30", "0000-00-00", "10000-01-01"]),
)
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=190, max_size=260),
    st.sampled_from(["\x00", "a\x00b", "=HYPERLINK(1)", "<script>x</script>", " "]),
)
ANYTHING = st.one_of(TEXT, NUMBERS, DATES)


def _names(form_class, prefix: str | None = None) -> list[str]:
    """The POST names of a form's fields (files excluded: uploads have their own tests)."""
    return [
        f"{prefix}-{name}" if prefix else name
        for name, field in form_class.base_fields.items()
        if not isinstance(field, forms.FileField) and name != "website"
    ]


def _formset(prefix: str, form_class, rows: int = 1) -> tuple[dict, list[str]]:
    management = {
        f"{prefix}-TOTAL_FORMS": str(rows),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    names = [n for i in range(rows) for n in _names(form_class, f"{prefix}-{i}")]
    return management, names


# name: (who posts, url, fields, fixed extra fields, pages staff look at afterwards)
FORMS = {
    "public offer": (
        None,
        "/donate/",
        _names(PublicOfferForm) + _formset("items", ItemFormSet.form)[1],
        {**_formset("items", ItemFormSet.form)[0], "consent": "on"},
        ["/donations/offers/", "/donations/", "/impact/"],
    ),
    "contact": (
        None,
        "/contact/",
        _names(EnquiryForm),
        {"consent": "on"},
        ["/enquiries/"],
    ),
    "privacy request": (
        None,
        "/privacy/ask/",
        _names(RequestForm),
        {"consent": "on"},
        ["/privacy/requests/", "/privacy/person/?q=x"],
    ),
    "school application": (
        None,
        "/classrooms/apply/",
        _names(ApplicationForm),
        {"consent": "on"},
        ["/classrooms/applications/"],
    ),
    "box report": (
        None,
        "/boxes/SH-001/",
        _names(ReportForm),
        {},
        ["/boxes/", "/boxes/SH-001/manage/"],
    ),
    "box emptying": (
        "lena",
        "/boxes/SH-001/empty/",
        _names(EmptyingForm) + _formset("weights", WeightFormSet.form)[1],
        _formset("weights", WeightFormSet.form)[0],
        ["/boxes/SH-001/manage/", "/boxes/", "/impact/", "/"],
    ),
    "staff donation": (
        "lena",
        "/donations/new/",
        _names(DonationForm) + _formset("items", ItemFormSet.form)[1],
        _formset("items", ItemFormSet.form)[0],
        ["/donations/", "/impact/"],
    ),
}


@pytest.fixture
def people(lena, ada, east_auto, settings):
    settings.OFFER_RATE = "1000/h"
    CollectionBox.objects.create(code="SH-001", host=east_auto, site="食堂", province="上海市")
    return {"lena": lena, "ada": ada}


@pytest.mark.parametrize("name", FORMS)
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_input_gives_a_page_or_a_refusal_and_saved_data_still_shows(people, name, data):
    who, url, fields, extra, pages = FORMS[name]
    poster = Client()
    if who:
        poster.force_login(people[who])
    values = {field: data.draw(ANYTHING, label=field) for field in fields}
    response = poster.post(url, {**extra, **values})
    assert response.status_code < 500, (name, values)
    if response.status_code == 200 and response.context and "form" in response.context:
        form = response.context["form"]
        if form.is_bound and not form.is_valid():
            assert form.errors, "a refused form names what is wrong"
    staff = Client()
    staff.force_login(people["ada"])
    for page in pages:
        assert staff.get(page).status_code == 200, (name, page, values)


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cells=st.lists(st.lists(ANYTHING, min_size=6, max_size=6), min_size=1, max_size=3))
def test_any_cell_in_an_import_is_imported_or_named_and_the_pages_still_show(
    people, donation, cells
):
    """The import's fields (asset tag, serial, maker, model, type, weight) take any cell: the
    import stores the good rows and names the bad ones, or refuses the file with a reason."""
    headers = ["Asset Tag", "Serial Number", "Manufacturer", "Model", "Type", "Weight (kg)"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(cells)
    try:
        import_services.import_file(
            donation=donation,
            data=out.getvalue().encode("utf-8"),
            filename="assets.csv",
            actor=people["lena"],
        )
    except ValidationError as refused:
        assert refused.messages, "a refused file says why"
    staff = Client()
    staff.force_login(people["ada"])
    for page in [f"/donations/{donation.pk}/", "/assets/", "/impact/"]:
        assert staff.get(page).status_code == 200, (page, cells)
