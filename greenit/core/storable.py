"""Nothing unstorable gets in, on any face.

Two guards, each for a whole class of input:

- `StorableInputMiddleware` refuses a request whose path, query, form fields or JSON body
  holds a string no database or page can keep — a NUL byte (PostgreSQL refuses it) or a lone
  UTF-16 surrogate (`"\\ud800"` in JSON; nothing can encode it) — before any view or endpoint
  runs: the API answers 422 naming the field, a page 400 naming it.
- `check_storable(instance)`, run before every save of every model (connected in
  `CoreConfig.ready`), refuses values a column cannot hold faithfully whichever face sent them
  (page, API, import, command line, task): a decimal or float that is not finite (SQLite
  stored `1e1000000` as `inf`, and every page showing it failed), a decimal with more whole
  digits than `max_digits - decimal_places`, an integer outside the column's range, a string
  longer than `max_length` (SQLite would keep it, PostgreSQL fails), and the strings above.
  It raises `ValidationError({field: message})`, which pages show beside the field and the
  API answers as 422."""

import json
import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


def unstorable_reason(value: str) -> str | None:
    """Why a string cannot be stored or shown, or None when it can."""
    if "\x00" in value:
        return _("Remove the NUL character (\\0): it cannot be stored.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Remove the invalid character (a lone UTF-16 surrogate): it cannot be stored.")
    return None


def first_unstorable(data, path: tuple = ()) -> tuple[str, str] | None:
    """The dotted place and reason of the first unstorable string (or key) in decoded JSON."""
    if isinstance(data, str):
        reason = unstorable_reason(data)
        return (".".join(map(str, path)) or "body", reason) if reason else None
    if isinstance(data, dict):
        for key, value in data.items():
            found = first_unstorable(str(key), (*path, "key")) or first_unstorable(
                value, (*path, key)
            )
            if found:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = first_unstorable(value, (*path, index))
            if found:
                return found
    return None


def _request_unstorable(request) -> tuple[str, str] | None:
    reason = unstorable_reason(request.path_info)
    if reason:
        return ("path", reason)
    sources = [request.GET]
    content_type = request.content_type or ""
    # Multipart bodies are left to the view, which may set upload handlers first; their
    # fields go through a form (Django's fields refuse NUL) or a schema, and the pre-save check.
    if request.method == "POST" and content_type == "application/x-www-form-urlencoded":
        sources.append(request.POST)
    for source in sources:
        for key, values in source.lists():
            for text in (key, *values):
                reason = unstorable_reason(text)
                if reason:
                    return (key, reason)
    if content_type == "application/json" and request.body:
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):
            return None  # the API answers malformed JSON itself
        return first_unstorable(data)
    return None


class StorableInputMiddleware:
    """Refuse NUL bytes and lone surrogates wherever input enters (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = _request_unstorable(request)
        if found is None:
            return self.get_response(request)
        field, reason = found
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Invalid input"), "errors": {field: [reason]}}, status=422
            )
        return HttpResponseBadRequest(f"{escape(field)}: {escape(reason)}")


def integer_range(field: models.Field) -> tuple[int, int]:
    """The integers `field`'s column holds on every supported database (PostgreSQL's ranges;
    SQLite's are wider), so that both answer alike."""
    return BaseDatabaseOperations.integer_field_ranges.get(
        field.get_internal_type(), (-(2**63), 2**63 - 1)
    )


def _whole_digits_fit(field: models.DecimalField, value: Decimal) -> bool:
    digits, exponent = value.as_tuple().digits, value.as_tuple().exponent
    whole = max(len(digits) + exponent, 0) if value else 0
    return whole <= field.max_digits - field.decimal_places


def _field_problem(field: models.Field, value) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return _("Enter a finite number.")
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal | float | int):
        value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not value.is_finite():
            return _("Enter a finite number.")
        if not _whole_digits_fit(field, value):
            return _("Enter a number with at most %(digits)d digits before the decimal point.") % {
                "digits": field.max_digits - field.decimal_places
            }
    elif isinstance(field, models.IntegerField) and isinstance(value, int):
        low, high = integer_range(field)
        if not low <= value <= high:
            return _("Enter a whole number between %(low)s and %(high)s.") % {
                "low": low,
                "high": high,
            }
    elif isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
        if field.max_length and len(value) > field.max_length:
            return _("Use at most %(limit)d characters (it has %(length)d).") % {
                "limit": field.max_length,
                "length": len(value),
            }
        return unstorable_reason(value)
    elif isinstance(field, models.JSONField) and value is not None:
        found = first_unstorable(value)
        if found:
            return f"{found[0]}: {found[1]}"
    return None


def check_storable(instance: models.Model) -> None:
    """Raise ValidationError naming every field whose value its column cannot hold."""
    problems = {}
    for field in instance._meta.concrete_fields:
        if field.is_relation or field.primary_key:
            continue
        problem = _field_problem(field, getattr(instance, field.attname, None))
        if problem:
            problems[field.name] = [problem]
    if problems:
        raise ValidationError(problems)


def refuse_unstorable(sender, instance, raw=False, **kwargs) -> None:
    """`pre_save` receiver for every model (fixtures loaded raw are taken as they are)."""
    if not raw:
        check_storable(instance)
