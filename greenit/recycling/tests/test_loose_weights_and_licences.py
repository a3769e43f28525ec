"""The loose weights of the batch form are saved all or nothing, and a recycler's licence is
recorded by technicians only: the page and any other face call the same services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from greenit.accounts.models import Organisation
from greenit.recycling import services
from greenit.recycling.models import RecyclerLicence

pytestmark = pytest.mark.django_db


@pytest.fixture
def recycler() -> Organisation:
    org = Organisation.objects.create(name="绿循环", is_recycler=True)
    RecyclerLicence.objects.create(
        organisation=org,
        kind=RecyclerLicence.Kind.WEEE,
        number="GC-1",
        issuer="上海市生态环境局",
        valid_from=timezone.localdate() - timedelta(days=10),
        expires_on=timezone.localdate() + timedelta(days=100),
    )
    return org


@pytest.fixture
def batch(recycler, alice):
    return services.batch_create(recycler=recycler, actor=alice)


def _loose(batch) -> dict:
    return {lw.category: lw.weight_kg for lw in batch.loose.all()}


def test_the_weights_of_a_form_are_saved_together(batch, alice):
    services.batch_set_loose_weights(
        batch=batch, weights=[("cable", Decimal("3")), ("peripheral", Decimal("2"))], actor=alice
    )
    assert _loose(batch) == {"cable": Decimal("3"), "peripheral": Decimal("2")}


def test_zero_removes_a_held_category_and_leaves_others_alone(batch, alice):
    services.batch_set_loose_weights(batch=batch, weights=[("cable", Decimal("3"))], actor=alice)
    services.batch_set_loose_weights(
        batch=batch, weights=[("cable", Decimal("0")), ("peripheral", Decimal("0"))], actor=alice
    )
    assert _loose(batch) == {}


def test_one_refused_weight_saves_none_of_the_form(batch, alice):
    with pytest.raises(ValidationError):
        services.batch_set_loose_weights(
            batch=batch,
            weights=[("cable", Decimal("3")), ("fluorescent_tube", Decimal("1"))],
            actor=alice,
        )
    assert _loose(batch) == {}


def test_only_technicians_set_loose_weights(batch, lena):
    with pytest.raises(PermissionDenied, match="Only technicians handle recycling batches"):
        services.batch_set_loose_weights(batch=batch, weights=[("cable", Decimal("3"))], actor=lena)
    assert _loose(batch) == {}


def _licence_fields(org) -> dict:
    today = timezone.localdate()
    return {
        "organisation": org,
        "kind": RecyclerLicence.Kind.WEEE,
        "number": "GC-2",
        "issuer": "上海市生态环境局",
        "valid_from": today,
        "expires_on": today + timedelta(days=365),
    }


def test_a_technician_records_a_renewed_licence(recycler, alice):
    licence = services.licence_record(actor=alice, **_licence_fields(recycler))
    assert licence.pk and licence.organisation == recycler


def test_only_technicians_record_licences(recycler, lena):
    with pytest.raises(PermissionDenied, match="Only technicians handle recycling batches"):
        services.licence_record(actor=lena, **_licence_fields(recycler))
    assert not RecyclerLicence.objects.filter(number="GC-2").exists()


def test_a_licence_that_ends_before_it_starts_is_refused(recycler, alice):
    fields = _licence_fields(recycler) | {"expires_on": timezone.localdate() - timedelta(days=1)}
    with pytest.raises(ValidationError):
        services.licence_record(actor=alice, **fields)


def test_the_recyclers_page_refuses_others_before_reading_the_form(client, lena):
    client.force_login(lena)
    assert client.post(reverse("recycling:recyclers"), {}).status_code == 403
