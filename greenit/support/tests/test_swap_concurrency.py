"""Two members of staff swapping devices at the same moment with the same spare, from two
database connections: the spare goes to one classroom ticket only."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from greenit.assets.models import State
from greenit.assets.tests.test_concurrency import _race
from greenit.classrooms.models import Allocation
from greenit.support import services
from greenit.support.models import Ticket

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)


@pytest.mark.django_db(transaction=True)
def test_two_swaps_at_once_never_deploy_one_spare_twice(deployed, sam, ada, make_ready):
    first, second = (
        services.ticket_file(actor=sam, asset=asset, symptom="Dead") for asset in deployed
    )
    spare = make_ready()
    tickets = iter([first, second])

    def swap():
        ticket = Ticket.objects.get(pk=next(tickets).pk)
        return services.ticket_resolve(
            ticket=ticket, actor=ada, resolution="swap", replacement_code=spare.tag
        )

    results = _race(2, swap)
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert "replacement" in refused[0].message_dict
    spare.refresh_from_db()
    assert spare.state == State.DEPLOYED
    assert Allocation.objects.active().filter(asset=spare).count() == 1
    assert Ticket.objects.filter(replacement=spare).count() == 1
    assert Ticket.objects.open().count() == 1
