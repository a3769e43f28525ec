"""Two administrators overriding factors at the same moment, from two database connections."""

import pytest
from django.db import connection

from greenit.assets.tests.test_concurrency import _race
from greenit.impact import factors
from greenit.impact.models import FactorSet

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (CI runs it)"
)


@pytest.mark.django_db(transaction=True)
def test_two_overrides_at_once_make_two_versions_and_keep_both_changes(ada):
    factors.current()
    jobs = iter([("laptop", "1.80"), ("desktop", "9.10")])

    def override():
        key, value = next(jobs)
        return factors.factor_override(
            actor=ada, key=key, field="weight_kg", new_value=value, reason="scale"
        )

    results = _race(2, override)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(r.version for r in results) == [2, 3]
    newest = factors.current().factors["categories"]
    assert (newest["laptop"]["weight_kg"]["value"], newest["desktop"]["weight_kg"]["value"]) == (
        "1.80",
        "9.10",
    )
    assert FactorSet.objects.count() == 3
