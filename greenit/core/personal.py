"""The vocabulary every app uses to say which personal information its models hold (PIPL art. 17
and 51: know what you hold, why, for how long and who sees it).

A model that holds personal information declares it as a class attribute::

    personal_data = PersonalData(
        fields=("contact_name", "contact_phone", "contact_email"),
        identifies=("contact_email", "contact_phone", "contact_name"),
        purpose=_("arrange the pickup and tell the donor what became of the donation"),
        retention="declined_offers",
        seen_by=_("logistics staff"),
    )

and a model whose personal-looking fields hold nothing personal says why::

    personal_data = NotPersonal(_("the name of a software kit"))

The privacy app finds the declarations through Django's app registry (`declared_models`), so it
imports no app to know them, and a test fails when a model with a personal-looking field
declares nothing. Erasure, export, the record of processing and docs/privacy.md all read these
declarations, so what the code holds and what the documents say cannot drift apart.

Public forms ask for consent through `ConsentFields`; the consents are recorded by the privacy
app, named here by dotted path (like the lifecycle's guards) so the import graph points down.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module

from django import forms
from django.apps import apps
from django.db import models
from django.utils.functional import Promise, lazy

# Field names that usually hold something about a person (a name, a way to reach them, where
# they live, what they look like). A model with such a field must declare itself.
PERSONAL_LOOKING = re.compile(
    r"(^|_)(name|phone|email|mobile|wechat|street|address|photo|image|signature)$"
)

ERASED = "[erased]"


@dataclass(frozen=True)
class PersonalData:
    """Which fields of a model are personal, and what greenit does with them.

    - fields: every personal field; erasure sets each to `erase_to` (default "" for text,
      None for nullable fields, the file deleted for files).
    - identifies: the fields a search for a person matches (e-mail, phone, name).
    - via: for rows that belong to a person through another declared model (a sign-up through
      its volunteer), the foreign key's name; such rows match when that row matches.
    - scrub: free-text fields that may mention the person; erasure replaces the person's
      name, e-mail and phone in them with "[erased]" instead of blanking the whole text.
    - purpose, retention (a rule name in privacy/data/retention.json, or "" if kept while
      needed), seen_by: what the record of processing says.
    - sensitive: PIPL art. 28 (e.g. children's images).
    - consent_field: a boolean that withdrawing a publishing consent for the row sets False.
    """

    fields: tuple[str, ...]
    purpose: Promise | str
    seen_by: Promise | str
    retention: str = ""
    identifies: tuple[str, ...] = ()
    via: str = ""
    scrub: tuple[str, ...] = ()
    erase_to: dict[str, object] = field(default_factory=dict)
    sensitive: bool = False
    consent_field: str = ""


@dataclass(frozen=True)
class NotPersonal:
    """A model whose personal-looking fields hold nothing about a person, and why not."""

    reason: Promise | str


def declared_models() -> Iterator[tuple[type[models.Model], PersonalData]]:
    """Every installed greenit model that declares personal information, in app order."""
    for model in apps.get_models():
        declaration = model.__dict__.get("personal_data")
        if isinstance(declaration, PersonalData):
            yield model, declaration


def undeclared_models() -> list[str]:
    """greenit models with a personal-looking field and no declaration of their own."""
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("greenit."):
            continue
        if isinstance(model.__dict__.get("personal_data"), PersonalData | NotPersonal):
            continue
        looking = [f.name for f in model._meta.concrete_fields if PERSONAL_LOOKING.search(f.name)]
        if looking:
            missing.append(f"{model._meta.label} ({', '.join(looking)})")
    return missing


# Consent on public forms --------------------------------------------------------------

# The privacy app, above every app that collects personal information: named, not imported.
CONSENTS = "greenit.privacy.consents"


def _consents():
    return import_module(CONSENTS)


def _label(purpose: str) -> str:
    return _consents().current_text(purpose)


consent_label = lazy(_label, str)


def consented(model: type[models.Model], pks: set[int], purpose: str) -> set[int]:
    """Which of these rows have a consent for `purpose` in force (e.g. which volunteers agreed
    that their sponsor sees their name, PIPL art. 23)."""
    return _consents().consented(model, pks, purpose)


class ConsentFields:
    """A form mixin: one tick box per consent, labelled with the current version of that
    consent's text in the reader's language. `consents` maps a field name to a purpose in
    the privacy app's texts; the purposes it lists as required must be ticked.

    After the view saved what the form collected it calls `record_consents(record, email=…)`,
    which stores each ticked consent with the version of the text that was shown."""

    consents: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        required = _consents().REQUIRED
        for name, purpose in self.consents.items():
            self.fields[name] = forms.BooleanField(
                label=consent_label(purpose),
                required=purpose in required,
                error_messages={"required": _consents().refusal(purpose)},
            )
        self.consent_versions = {
            name: _consents().current_version(purpose) for name, purpose in self.consents.items()
        }

    def consent_bound_fields(self) -> list:
        return [self[name] for name in self.consents]

    def record_consents(self, record: models.Model, *, email: str = "") -> None:
        ticked = [
            (purpose, self.consent_versions[name])
            for name, purpose in self.consents.items()
            if self.cleaned_data.get(name)
        ]
        _consents().record(record=record, email=email, ticked=ticked)
