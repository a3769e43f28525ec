"""What the API accepts, derived from the models so that the API and the forms cannot drift.

The forms take their limits from the model fields (Django's `ModelForm` and `forms.*Field`
with the same `max_length`, `max_digits`, choices); the API's ninja schemas take them from the
same fields through `of(Model, "field")`:

    class LooseIn(Schema):
        category: of(RecyclingLoose, "category")
        weight_kg: of(RecyclingLoose, "weight_kg")

gives a string of at most the column's length, and a finite decimal with the column's digits
and decimal places (so `"1e1000000"`, `"NaN"` and 30 digits answer 422 naming the field, where
they used to be stored as `inf` and break every page showing them). Choices become an enum of
their values. Every string the API reads (`Text`, and each `of(...)` string) refuses NUL
bytes and lone surrogates, which PostgreSQL cannot store and pages cannot encode.

`core` imports no app: the model classes are passed in by the app's `api.py`."""

import math
import re
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from django.db import models
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

from greenit.core.storable import integer_range, unstorable_reason

# The widest integer every supported database stores (SQLite INTEGER, PostgreSQL bigint).
BIGINT_MAX = 2**63 - 1
# The widest a plain `integer` column stores (PostgreSQL), used for counts and quantities.
INT_MAX = 2**31 - 1


def _storable(value: str) -> str:
    reason = unstorable_reason(value)
    if reason:
        raise ValueError(reason)
    return value


def _finite(value: Any) -> Any:
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(_("Enter a finite number."))
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(_("Enter a finite number."))
    return value


# A string that can be stored: no NUL byte, no lone surrogate.
Text = Annotated[str, AfterValidator(_storable)]
# A required string: not empty once spaces are stripped.
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_storable)
]


def _iso_day(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError(_("Enter a date as YYYY-MM-DD."))
    if isinstance(value, int | float):
        raise ValueError(_("Enter a date as YYYY-MM-DD."))
    return value


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A calendar day written YYYY-MM-DD (pydantic alone also takes 0 as 1970-01-01).
Day = Annotated[date, BeforeValidator(_iso_day)]

# Ids and other integers compared with a database column.
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
# A page size asked for: the endpoint clamps it to its own range, so any 32-bit number is read
# (a -1 gets one row) while 2**63 is refused by the schema.
Limit = Annotated[int, Field(ge=-INT_MAX, le=INT_MAX)]


def _integer_bounds(field: models.Field) -> tuple[int | None, int | None]:
    low, high = integer_range(field)
    for validator in field.validators:
        limit = getattr(validator, "limit_value", None)
        if isinstance(limit, int) and validator.code == "min_value":
            low = limit if low is None else max(low, limit)
        if isinstance(limit, int) and validator.code == "max_value":
            high = limit if high is None else min(high, limit)
    return max(low, -BIGINT_MAX), min(high, BIGINT_MAX)


def choices_enum(model: type[models.Model], name: str) -> Any:
    """The field's choices as a `Literal` of their values (an enum in the OpenAPI schema)."""
    values = tuple(value for value, _label in model._meta.get_field(name).flatchoices)
    return Literal[values]  # type: ignore[valid-type]


def of(
    model: type[models.Model],
    name: str,
    *,
    required: bool | None = None,
    enum: bool = True,
    null: bool | None = None,
    gt: int | None = None,
    ge: int | None = None,
) -> Any:
    """The pydantic type for a value stored in `model.name`, with the field's limits: a string
    of at most `max_length` (required non-empty unless the field is `blank`), a choice among
    its choices, an integer within the column's range and validators, a finite decimal with
    its `max_digits` and `decimal_places`. Nullable fields accept None (`null=False` to
    refuse it). `enum=False` keeps choices that an administrator may change at run time (the
    category catalogue) as a plain string: the service checks those."""
    field = model._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        kind: Any = Id
    elif field.choices and enum:
        kind = choices_enum(model, name)
    elif isinstance(field, models.DecimalField):
        kind = decimal(field.max_digits, field.decimal_places, gt=gt, ge=_lowest(ge, field))
    elif isinstance(field, models.FloatField):
        kind = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_finite)]
    elif isinstance(field, models.BooleanField):
        kind = bool
    elif isinstance(field, models.IntegerField):
        low, high = _integer_bounds(field)
        if gt is not None:
            low = max(low, gt + 1)
        if ge is not None:
            low = max(low, ge)
        kind = Annotated[int, Field(ge=low, le=high)]
    elif isinstance(field, models.CharField | models.TextField):
        must = (not field.blank) if required is None else required
        kind = Annotated[
            str,
            StringConstraints(
                strip_whitespace=must, min_length=1 if must else None, max_length=field.max_length
            ),
            AfterValidator(_storable),
        ]
    else:
        raise TypeError(f"of(): no API type for {type(field).__name__} {model.__name__}.{name}")
    if field.null if null is None else null:
        return kind | None
    return kind


def _lowest(ge: int | None, field: models.Field) -> Decimal | None:
    for validator in field.validators:
        if getattr(validator, "code", None) == "min_value":
            limit = Decimal(validator.limit_value)
            return limit if ge is None else max(limit, Decimal(ge))
    return None if ge is None else Decimal(ge)


def decimal(
    max_digits: int, decimal_places: int, *, gt: int | None = None, ge: Decimal | None = None
) -> Any:
    """A finite decimal that fits `max_digits` / `decimal_places`, as a number or a string;
    its JSON schema says so (a pattern for strings, bounds for numbers) so that clients and
    schemathesis know the limits."""
    whole = max_digits - decimal_places
    largest = float(Decimal(10) ** whole - Decimal(10) ** -decimal_places)
    low: dict[str, Any] = {}
    if gt is not None:
        low = {"exclusiveMinimum": gt}
    elif ge is not None:
        low = {"minimum": float(ge)}
    else:
        low = {"minimum": -largest}
    sign = "" if (gt is not None and gt >= 0) or (ge is not None and ge >= 0) else "-?"
    fraction = rf"(\.\d{{1,{decimal_places}}})?" if decimal_places else ""
    json_schema = {
        "anyOf": [
            {"type": "number", **low, "maximum": largest},
            {"type": "string", "pattern": rf"^{sign}\d{{1,{whole}}}{fraction}$"},
        ]
    }
    return Annotated[
        Decimal,
        Field(
            max_digits=max_digits,
            decimal_places=decimal_places,
            allow_inf_nan=False,
            gt=gt,
            ge=ge,
        ),
        AfterValidator(_finite),
        WithJsonSchema(json_schema),
    ]


def text(max_length: int, *, required: bool = False) -> Any:
    """A storable string of at most `max_length` characters (not blank when `required`)."""
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=required, min_length=1 if required else None, max_length=max_length
        ),
        AfterValidator(_storable),
    ]


def enum_of(choices: type[Enum]) -> Any:
    """A TextChoices class as a `Literal` of its values."""
    return Literal[tuple(member.value for member in choices)]  # type: ignore[misc]


class Refusal(Schema):
    """Every refusal the API answers: `detail` says why, `errors` the messages per field (422,
    from the schema or from a service). Declared on every operation by `greenit.api_refusals`."""

    detail: str
    errors: dict[str, list[str]] | None = None
