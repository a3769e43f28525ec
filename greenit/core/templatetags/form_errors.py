"""Errors shown the GOV.UK way: a summary at the top whose links lead to each field.

A person who sent a form wrong hears, at once, how many things to fix and what to do about
each; Django's own words ("This field is required.") say neither, so the summary and the field
say what to do instead ("Enter the city", "Choose a category", "Tick the box to …").
"""

from __future__ import annotations

from collections.abc import Iterator

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


def _required_message() -> str:
    return str(forms.Field.default_error_messages["required"])


def what_to_do(field: forms.BoundField, message: str) -> str:
    """The field's error as an instruction: an empty required field names what to give."""
    if str(message) != _required_message():
        return str(message)
    label = str(field.label or field.name).rstrip(":：").strip()
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return _("Tick “%(label)s” to go on.") % {"label": label}
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return _("Choose a file for “%(label)s”.") % {"label": label}
    if isinstance(widget, forms.Select | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return _("Choose “%(label)s”.") % {"label": label}
    return _("Enter “%(label)s”.") % {"label": label}


def _form_errors(form: forms.BaseForm) -> Iterator[tuple[str, str]]:
    for message in form.non_field_errors():
        yield "", str(message)
    for field in form:
        if field.is_hidden:
            continue
        for message in field.errors:
            yield f"#{field.auto_id}" if field.auto_id else "", what_to_do(field, message)


def summary_items(*forms_or_formsets: object) -> list[tuple[str, str]]:
    """Every error of the given bound forms and formsets: (link to the field, what to do)."""
    items: list[tuple[str, str]] = []
    for each in forms_or_formsets:
        if isinstance(each, BaseFormSet) and each.is_bound:
            items.extend(("", str(message)) for message in each.non_form_errors())
            for form in each.forms:
                items.extend(_form_errors(form))
        elif isinstance(each, forms.BaseForm) and each.is_bound:
            items.extend(_form_errors(each))
    return items


@register.simple_tag
def error_summary_items(*forms_or_formsets: object) -> list[tuple[str, str]]:
    return summary_items(*(each for each in forms_or_formsets if each))


@register.simple_tag
def field_error(field: forms.BoundField, message: str) -> str:
    return what_to_do(field, message)


def _has_errors(value: object) -> bool:
    if isinstance(value, BaseFormSet):
        return value.is_bound and (
            bool(value.non_form_errors()) or any(f.errors for f in value.forms)
        )
    return isinstance(value, forms.BaseForm) and value.is_bound and bool(value.errors)


@register.simple_tag(takes_context=True)
def page_has_errors(context: template.Context) -> bool:
    """Whether any form on the page came back with errors (the title then starts "Error:")."""
    return any(_has_errors(value) for layer in context.dicts for value in layer.values())


@register.simple_tag
def field_widget(field: forms.BoundField) -> str:
    """The field's input, described by its hint and its error so a screen reader reads both."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(ids)} if ids and field.auto_id else {}
    return field.as_widget(attrs=attrs)
