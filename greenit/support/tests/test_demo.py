from io import StringIO

import pytest
from django.core.management import call_command

from greenit.support.models import Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_open_ticket_and_one_resolved_by_a_swap():
    call_command("demo", devices=40, stdout=StringIO())  # as the accessibility crawl
    assert Ticket.objects.filter(status=Ticket.Status.OPEN).count() == 1
    resolved = Ticket.objects.get(status=Ticket.Status.RESOLVED)
    assert resolved.resolution == Ticket.Resolution.SWAP
    assert resolved.replacement.state == "deployed"
    assert resolved.asset.state == "received"
