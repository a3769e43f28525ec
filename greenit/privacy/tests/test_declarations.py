"""Every model that holds personal information says so, the declarations name real fields
and real retention rules, and docs/privacy.md is the record generated from them."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from greenit.core.personal import PersonalData, declared_models, undeclared_models
from greenit.privacy import processing
from greenit.privacy.retention import rule_names

HOW = """
Add to each model's class body in its models.py, e.g. for a contact's name and e-mail:

    from greenit.core.personal import NotPersonal, PersonalData

    personal_data = PersonalData(
        fields=("name", "email"),              # every personal field (erasure blanks them)
        identifies=("email", "name"),          # what a search for the person matches
        purpose=_("why greenit keeps it"),
        seen_by=_("who sees it"),
        retention="programme_records",         # a rule in greenit/privacy/data/retention.json
    )
    # rows belonging to a person through another declared model: via="volunteer"
    # free text that may mention people: scrub=("notes",)

or, when the personal-looking fields hold nothing about a person:

    personal_data = NotPersonal(_("the name of a software kit"))

then run `greenit privacy_docs` to update docs/privacy.md.
"""


def test_every_model_with_personal_looking_fields_declares_what_it_holds():
    missing = undeclared_models()
    assert not missing, "Undeclared personal information: " + "; ".join(missing) + "\n" + HOW


def test_a_new_model_with_a_phone_is_caught(settings):
    class Team(models.Model):
        leader_phone = models.CharField(max_length=40)

        class Meta:
            app_label = "privacy"

        def __str__(self) -> str:
            return self.leader_phone

    Team.__module__ = "greenit.privacy.models"
    try:
        assert "privacy.Team (leader_phone)" in undeclared_models()
    finally:
        del apps.all_models["privacy"]["team"]
        apps.clear_cache()


@pytest.mark.parametrize("model, d", list(declared_models()), ids=lambda v: str(v)[:40])
def test_each_declaration_names_real_fields_and_a_real_rule(model, d: PersonalData):
    names = {f.name for f in model._meta.get_fields()}
    assert set(d.fields) | set(d.identifies) | set(d.scrub) | set(d.erase_to) <= names
    assert not d.retention or d.retention in rule_names()
    if d.via:
        assert model._meta.get_field(d.via).related_model in dict(declared_models())


def test_docs_privacy_md_is_the_record_generated_from_the_declarations():
    text = processing.DOCS.read_text()
    assert text == processing.docs_with_record(text), "run `greenit privacy_docs`"


def test_the_public_page_lists_every_declared_record(client, db):
    page = client.get(reverse("privacy:notice")).content.decode()
    for model, _d in declared_models():
        assert str(model._meta.verbose_name_plural).capitalize()[:12] in page
