"""A service's refusal shown on a page: the same outcomes as the API's exception handlers."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from greenit.core.forms import refusals_as_messages, refusals_on


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_refusal_naming_a_field_lands_beside_it():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    with refusals_on(form):
        raise ValidationError({"name": "Taken: choose another name."})
    assert form.errors["name"] == ["Taken: choose another name."]


def test_a_refusal_naming_no_field_lands_at_the_top():
    form = NameForm({"name": "x"})
    form.is_valid()
    with refusals_on(form):
        raise ValidationError("Not now.")
    assert form.non_field_errors() == ["Not now."]


def test_code_after_the_refusal_does_not_run():
    form = NameForm({"name": "x"})
    form.is_valid()
    ran = []
    with refusals_on(form):
        raise ValidationError("No.")
        ran.append(1)  # noqa: B018 - unreachable on purpose
    assert ran == []


def test_permission_denied_goes_on_to_the_403_page():
    form = NameForm({"name": "x"})
    form.is_valid()
    with pytest.raises(PermissionDenied), refusals_on(form):
        raise PermissionDenied("Not yours.")


def test_a_buttons_refusal_becomes_a_message():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    with refusals_as_messages(request):
        raise ValidationError(["First fix this.", "Then this."])
    assert [str(m) for m in get_messages(request)] == ["First fix this.", "Then this."]
