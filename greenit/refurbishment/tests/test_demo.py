from io import StringIO

import pytest
from django.core.management import call_command

from greenit.assets.models import Asset, State
from greenit.refurbishment.models import PASSING_GRADES, SoftwareKit
from greenit.refurbishment.rules import needs_software_kit

pytestmark = pytest.mark.django_db


def test_every_demo_device_past_its_test_has_a_refurbishment_record_with_a_grade():
    call_command("demo", devices=60, stdout=StringIO())
    assert SoftwareKit.objects.filter(is_active=True).exists()
    on_the_way = Asset.objects.filter(
        state__in=[State.READY, State.ALLOCATED, State.DEPLOYED]
    ).select_related("refurbishment")
    assert on_the_way.exists()
    for asset in on_the_way:
        assert asset.refurbishment.grade in PASSING_GRADES
        if needs_software_kit(asset):
            assert asset.refurbishment.software_kit is not None
    grades = set(
        Asset.objects.filter(refurbishment__isnull=False).values_list(
            "refurbishment__grade", flat=True
        )
    )
    assert {"A", "B", "C", "fail"} <= grades
