import contextlib
import re
from collections.abc import Mapping, Sequence

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _


def honeypot_field() -> forms.CharField:
    """A field people never see or reach (the template hides it and takes it out of the tab
    order); bots that fill every field give themselves away. Public forms name it `website`."""
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class QuickSelect(forms.Select):
    """A select written in Python, as Django's templates write it: the busiest pages (the
    device list's filter, its bulk actions) spent most of their time rendering each of their
    ~70 options through a template. core/tests/test_quick_select.py holds it to Django's
    output."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('\n  <optgroup label="{}">', group))
            parts.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    _attributes(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group:
                parts.append(SafeString("\n  </optgroup>"))
        parts.append(SafeString("\n</select>"))
        return format_html_join("", "{}", ((part,) for part in parts))


def _attributes(attrs: Mapping) -> SafeString:
    """As django/forms/widgets/attrs.html writes them: in order, True as a bare name, False
    left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class LineFormSet(forms.BaseFormSet):
    """The lines of a list (box weights, offered items, parts used): each form is given its
    number as `line`, so that a line half filled in is refused by a message naming it ("Line
    3: give the weight…"), while lines left wholly empty are skipped."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "line": (index or 0) + 1}


Rows = Mapping[str, Sequence[forms.BaseForm]]


def show_service_errors(
    form: forms.BaseForm, error: ValidationError, rows: Rows | None = None
) -> None:
    """Put a service's refusal on the form: each message beside the field it names, the
    rest (and those about fields the form does not show) at the top of the form. A service
    names a field of a list's row as ``items[N].field``; `rows` gives the forms of each list
    (``{"items": [...]}``) so the message lands beside that row's field."""
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            target, field = _where(form, key, rows or {})
            target.add_error(field, messages)
    else:
        form.add_error(None, error.messages)


def _where(form: forms.BaseForm, key: str, rows: Rows) -> tuple[forms.BaseForm, str | None]:
    if match := re.fullmatch(r"(\w+)\[(\d+)\]\.(\w+)", key):
        row_forms, n, field = rows.get(match[1], ()), int(match[2]), match[3]
        if n < len(row_forms) and field in row_forms[n].fields:
            return row_forms[n], field
    return form, key if key in form.fields else None


class refusals_on(contextlib.AbstractContextManager):
    """A page's face over a service, mirroring the API's exception handlers: a refusal
    (`ValidationError`, which `TransitionRefused` is) lands on the form, beside the field it
    names; `PermissionDenied` and `Http404` go on to Django's 403 and 404 pages.

        if form.is_valid():
            with refusals_on(form):
                services.thing_do(...)
                return redirect(...)
        return render(...)   # reached again when the service refused
    """

    def __init__(self, form: forms.BaseForm, rows: Rows | None = None) -> None:
        self.form = form
        self.rows = rows or {}

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is not None and issubclass(kind, ValidationError):
            show_service_errors(self.form, error, self.rows)
            return True
        return False


class refusals_as_messages(contextlib.AbstractContextManager):
    """The same for a button with no form (a POST that acts and redirects): a refusal becomes
    an error message on the next page.

        with refusals_as_messages(request):
            services.thing_do(...)
            messages.success(request, ...)
        return redirect(...)
    """

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is not None and issubclass(kind, ValidationError):
            for message in error.messages:
                messages.error(self.request, message)
            return True
        return False


# The thanks page after a public form shows the reference of what was sent, so a person can
# quote it on the phone. It travels in the session: a thanks URL with the reference in it
# would let anyone read references one after another.
_REFERENCE_KEY = "greenit.sent_reference"


def remember_reference(request: HttpRequest, reference: str) -> None:
    request.session[_REFERENCE_KEY] = str(reference)


def sent_reference(request: HttpRequest) -> str | None:
    return request.session.get(_REFERENCE_KEY)
