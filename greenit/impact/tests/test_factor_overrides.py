from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from greenit.impact import factors, reports
from greenit.impact.calculations import Scope, calculate
from greenit.impact.models import FactorSet, ImpactReport
from greenit.impact.tests.conftest import set_state  # noqa: F401  (fixture module)


def test_version_one_is_the_data_file(db):
    first = factors.current()

    assert first.version == 1
    assert first.factors == factors.file_factors()


def test_every_category_has_an_entry_and_every_number_a_source_or_a_reason():
    from greenit.core import categories

    data = factors.file_factors()
    assert set(data["categories"]) == set(categories.all_categories())
    for code, entry in data["categories"].items():
        for name in factors.CATEGORY_FIELDS:
            number = entry[name]
            assert number.get("source") if number["value"] is not None else number["reason"], code
        material = entry["warm_material"]
        assert material is None or material in data["warm_materials"], code
    for key, material in data["warm_materials"].items():
        for name in factors.WARM_FIELDS:
            assert material[name]["source"] == "warm", key


def test_an_override_writes_a_new_version_and_leaves_the_old_one(ada):
    factors.current()

    created = factors.factor_override(
        actor=ada, key="laptop", field="weight_kg", new_value="1.80", reason="Our own scale"
    )

    assert created.version == 2
    assert created.factors["categories"]["laptop"]["weight_kg"]["value"] == "1.80"
    assert factors.get(1).factors["categories"]["laptop"]["weight_kg"]["value"] == "1.65"
    assert FactorSet.objects.count() == 2


def test_a_factor_override_changes_a_new_report_but_not_an_issued_one(
    worked_example, east_auto, ada, paul
):
    issued = reports.report_request(actor=paul, organisation=east_auto, kind="donor")
    reports.generate_report(report=issued)
    assert issued.figures["co2e_reuse_kg"] == "1009.00"

    factors.factor_override(
        actor=ada,
        key="laptop",
        field="manufacturing_kg_co2e",
        new_value="300",
        reason="Newer Boavizta median",
    )
    new = reports.report_request(actor=paul, organisation=east_auto, kind="donor")
    reports.generate_report(report=new)

    # 300 × 0.5 − 35 = 115 per laptop: 10 × 115 + 179 = 1329.
    assert (new.factor_set_version, new.figures["co2e_reuse_kg"]) == (2, "1329.00")
    issued.refresh_from_db()
    assert (issued.factor_set_version, issued.figures["co2e_reuse_kg"]) == (1, "1009.00")
    assert calculate(Scope("donor", east_auto.pk)).co2e_reuse_kg == Decimal("1329.00")


def test_only_administrators_override_factors(paul):
    with pytest.raises(PermissionDenied):
        factors.factor_override(
            actor=paul, key="laptop", field="weight_kg", new_value="2", reason="x"
        )


@pytest.mark.parametrize(
    ("key", "field", "value", "reason", "named"),
    [
        ("laptop", "weight_kg", "heavy", "scale", "value"),
        ("laptop", "weight_kg", "-1", "scale", "value"),
        ("laptop", "weight_kg", "2", "  ", "reason"),
        ("laptop", "landfill", "2", "scale", "field"),
    ],
)
def test_a_bad_override_names_the_field_and_writes_nothing(ada, key, field, value, reason, named):
    factors.current()

    with pytest.raises(ValidationError) as error:
        factors.factor_override(actor=ada, key=key, field=field, new_value=value, reason=reason)

    assert named in error.value.message_dict
    assert FactorSet.objects.count() == 1


def test_the_staff_page_overrides_a_factor_with_a_reason(client, ada):
    client.force_login(ada)

    response = client.post(
        reverse("impact:factors"),
        {"key": "desktop_cpus", "field": "recycling", "value": "-1.50", "reason": "WARM v16"},
    )

    assert response.status_code == 302
    assert factors.current().factors["warm_materials"]["desktop_cpus"]["recycling"]["value"] == (
        "-1.50"
    )


def test_the_staff_page_is_for_administrators_only(client, paul):
    client.force_login(paul)

    assert client.get(reverse("impact:factors")).status_code == 403


def test_an_issued_report_is_never_regenerated_with_new_figures(worked_example, east_auto, paul):
    report = reports.report_request(actor=paul, organisation=east_auto, kind="donor")
    reports.generate_report(report=report)
    frozen = dict(report.figures)

    ImpactReport.objects.filter(pk=report.pk).update(status=ImpactReport.Status.RUNNING)
    report.refresh_from_db()
    reports.generate_report(report=report)

    assert report.figures == frozen


def test_the_database_refuses_to_edit_a_factor_set(db):
    from django.db import connection, transaction

    first = factors.current()

    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("UPDATE impact_factorset SET note = 'changed' WHERE id = %s", [first.pk])
    assert factors.get(1).note == "data/factors.json"


def test_the_admin_lists_versions_and_sends_add_to_the_override_page(client, ada):
    factors.current()
    ada.is_superuser = True
    ada.save()
    client.force_login(ada)

    listed = client.get(reverse("admin:impact_factorset_changelist"))
    added = client.get(reverse("admin:impact_factorset_add"))

    assert listed.status_code == 200 and "data/factors.json" in listed.content.decode()
    assert added.status_code == 302 and added.url == reverse("impact:factors")
