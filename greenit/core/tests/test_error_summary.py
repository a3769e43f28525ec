"""Forms come back the GOV.UK way: a summary of what to fix, each a link to its field, the
title starting "Error:", every message an instruction; the fields say whether they are optional."""

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from greenit.core.templatetags.form_errors import summary_items, what_to_do


class _Offer(forms.Form):
    name = forms.CharField(label="Your name")
    city = forms.ChoiceField(label="City", choices=[("", "—"), ("sh", "Shanghai")])
    photo = forms.FileField(label="Photo")
    consent = forms.BooleanField(label="I agree")
    notes = forms.CharField(label="Notes", required=False)
    quantity = forms.IntegerField(label="How many", required=False)


def test_each_empty_required_field_is_named_with_what_to_do():
    form = _Offer(data={"quantity": "many"})
    items = dict(summary_items(form))
    assert items == {
        "#id_name": "Enter “Your name”.",
        "#id_city": "Choose “City”.",
        "#id_photo": "Choose a file for “Photo”.",
        "#id_consent": "Tick “I agree” to go on.",
        "#id_quantity": "Enter a whole number.",  # Django's own words already say what to do
    }


def test_the_instructions_are_translated():
    with translation.override("zh-hans"):
        form = _Offer(data={})
        assert what_to_do(form["name"], form.errors["name"][0]) == "请填写“Your name”。"


def test_formset_rows_and_their_own_errors_are_in_the_summary():
    rows = forms.formset_factory(_Offer, min_num=1, validate_min=True, extra=0)
    formset = rows(data={"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"})
    assert [message for _, message in summary_items(formset)] == ["Please submit at least 1 form."]
    formset = rows(data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-name": "Li"})
    assert ("#id_form-0-city", "Choose “City”.") in summary_items(formset)


def test_an_unbound_or_valid_form_has_no_summary():
    assert summary_items(_Offer()) == []
    template = Template('{% include "includes/form_errors.html" %}')
    assert "There is a problem" not in template.render(Context({"form": _Offer()}))


def test_optional_fields_say_so_and_errors_describe_their_input():
    form = _Offer(data={"notes": "x"})
    html = Template(
        '{% for field in form %}{% include "includes/field.html" %}{% endfor %}'
    ).render(Context({"form": form}))
    assert 'Notes <span class="optional">(optional)</span>' in html
    assert 'Your name <span class="optional">' not in html
    assert 'aria-describedby="id_name_error"' in html
    assert 'id="id_name_error"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "prefix", "problem"),
    [("en", "Error: ", "There is a problem"), ("zh-hans", "错误：", "存在问题")],
)
def test_public_forms_sent_empty_put_the_error_in_the_title(client, lang, prefix, problem):
    client.cookies["django_language"] = lang
    for url in ("/donate/", "/classrooms/apply/", "/contact/"):
        page = client.post(url, {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0"}).content
        page = page.decode()
        assert f"<title>{prefix}" in page, url
        assert problem in page and "data-error-summary" in page, url
        assert client.get(url).content.decode().count(f"<title>{prefix}") == 0, url


@pytest.mark.django_db
def test_items_are_checked_even_when_the_rest_of_the_offer_is_wrong(client):
    """Both halves are validated on the first submit: no error that appears only on the second."""
    page = client.post(
        "/donate/", {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-quantity": "x"}
    ).content.decode()
    assert 'href="#id_items-0-quantity"' in page
    assert 'href="#id_donor_name"' in page


@pytest.mark.django_db
def test_the_thanks_page_gives_the_reference(client, monkeypatch):
    from greenit.enquiries.models import Enquiry

    response = client.post(
        reverse("contact:contact"),
        {
            "topic": Enquiry.Topic.values[0],
            "name": "Wang Fang",
            "email": "wang@example.com",
            "message": "Can you take 30 monitors?",
            "consent": "on",
        },
        follow=True,
    )
    enquiry = Enquiry.objects.get()
    assert enquiry.reference in response.content.decode()
    assert "Quote it when you call or write to us." in response.content.decode()
