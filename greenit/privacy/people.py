"""Finding everything greenit holds about one person, from the models' own declarations
(`greenit.core.personal`), and erasing it field by field."""

import re
from collections.abc import Iterable

from django.db import models
from django.db.models import Q

from greenit.core.personal import ERASED, PersonalData, declared_models

Matches = dict[type[models.Model], set[int]]

# Never exported: secrets that prove nothing about the person to themselves.
NOT_EXPORTED = frozenset({"password", "token", "client", "client_hash"})


def declarations() -> dict[type[models.Model], PersonalData]:
    return dict(declared_models())


def find(query: str) -> Matches:
    """The rows that name the person, and the rows that belong to those through a declared
    `via` key. A row found by e-mail gives the person's name and phone as stored there, and
    those find more rows (a delivery signed with the name), until nothing new turns up: staff
    see the whole list before they export or erase it."""
    words = {query.strip()} - {""}
    decls = declarations()
    matched: Matches = {}
    for _round in range(4):
        matched = _match(decls, words)
        _add_via(decls, matched)
        more = words | identifiers(matched)
        if more == words:
            break
        words = more
    return matched


def _match(decls: dict[type[models.Model], PersonalData], words: set[str]) -> Matches:
    matched: Matches = {}
    for model, d in decls.items():
        if not d.identifies or not words:
            continue
        condition = Q()
        for name in d.identifies:
            for word in words:
                condition |= Q(**{f"{name}__iexact": word})
        pks = set(model.objects.filter(condition).values_list("pk", flat=True))
        if pks:
            matched[model] = pks
    return matched


def _add_via(decls: dict[type[models.Model], PersonalData], matched: Matches) -> None:
    grew = True
    while grew:
        grew = False
        for model, d in decls.items():
            target = model._meta.get_field(d.via).related_model if d.via else None
            if target not in matched:
                continue
            pks = set(
                model.objects.filter(**{f"{d.via}__in": matched[target]}).values_list(
                    "pk", flat=True
                )
            )
            if not pks <= matched.get(model, set()):
                matched.setdefault(model, set()).update(pks)
                grew = True


def identifiers(matched: Matches) -> set[str]:
    """What names the person in those rows: their names, e-mails and phones as stored."""
    found = set()
    for model, d in declarations().items():
        if model in matched and d.identifies:
            for row in model.objects.filter(pk__in=matched[model]).values_list(*d.identifies):
                found.update(v for v in row if isinstance(v, str) and len(v.strip()) >= 2)
    found.discard(ERASED)
    return {v.strip() for v in found}


def as_data(matched: Matches) -> dict[str, list[dict]]:
    """Every matched row, every stored field but secrets, as JSON-ready values."""
    out: dict[str, list[dict]] = {}
    for model, pks in sorted(matched.items(), key=lambda item: item[0]._meta.label):
        fields = [f for f in model._meta.concrete_fields if f.name not in NOT_EXPORTED]
        out[model._meta.label] = [
            {f.name: _plain(f, row) for f in fields}
            for row in model.objects.filter(pk__in=pks).order_by("pk")
        ]
    return out


def _plain(f: models.Field, row: models.Model):
    value = getattr(row, f.attname)
    if value is None or isinstance(value, bool | int | str | dict | list):
        return value
    if isinstance(f, models.FileField):
        return value.name or ""
    return f.value_to_string(row)


def erased_value(model: type[models.Model], d: PersonalData, name: str, row: models.Model):
    """What a personal field becomes: the declared value, else what the column allows that
    says nothing (empty, NULL, "[erased]", a unique placeholder for unique columns)."""
    if name in d.erase_to:
        value = d.erase_to[name]
        return value(row) if callable(value) else value
    f = model._meta.get_field(name)
    if isinstance(f, models.FileField):
        getattr(row, name).delete(save=False)
        return ""
    if isinstance(f, models.JSONField):
        return f.get_default()
    if f.null:
        return None
    if isinstance(f, models.EmailField):
        return "" if f.blank else f"erased-{row.pk}@erased.invalid"
    if f.unique:
        return f"erased-{row.pk}"
    return "" if f.blank else ERASED


def erase_rows(model: type[models.Model], d: PersonalData, rows: Iterable[models.Model]) -> int:
    names = list(dict.fromkeys([*d.fields, *d.erase_to]))
    count = 0
    for row in rows:
        for name in names:
            setattr(row, name, erased_value(model, d, name, row))
        row.save(update_fields=names)
        count += 1
    return count


def scrub_everywhere(words: set[str]) -> int:
    """Replace the person's names, e-mails and phones in every declared free-text field of
    every row (a staff note about them on someone else's record too)."""
    count = 0
    if not words:
        return 0
    for model, d in declarations().items():
        for name in d.scrub:
            condition = Q()
            for word in words:
                condition |= Q(**{f"{name}__icontains": word})
            for row in model.objects.select_for_update().filter(condition):
                cleaned = _scrub(getattr(row, name), words)
                if cleaned != getattr(row, name):
                    setattr(row, name, cleaned)
                    row.save(update_fields=[name])
                    count += 1
    return count


def _scrub(text: str, words: set[str]) -> str:
    """Latin names and user names only as whole words (a user "li" must not cut "delivery");
    Chinese names, e-mails and phones wherever they occur (Chinese has no spaces)."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word)
        latin = re.fullmatch(r"[A-Za-z0-9_ .'-]+", word) and not word.isdigit()
        parts.append(rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])" if latin else escaped)
    return re.sub("|".join(parts), ERASED, text, flags=re.IGNORECASE)
