"""Outside in: schemathesis reads /api/openapi.json and sends every operation generated
input (valid and invalid), as an anonymous caller, as staff with a token and as a donor
contact with a token. Whatever it sends, the API answers within its published schema: no
5xx, every status it answers is documented on the operation, every body matches the schema
of its status. A bounded number of derandomized examples keeps it in the CI budget; deselect
it with `-m "not schemathesis"`."""

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from greenit.accounts.models import ApiToken, Role, User
from greenit.collection.models import CollectionBox

# All checks. A request valid by the schema may still be refused by a rule only a service
# knows (a category outside the catalogue, an offer no longer open, a hidden id): that is
# accepted as long as the refusal is one the API documents, never a 400 or a 5xx.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)

EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def _connection_kept():
    """schemathesis calls the WSGI app directly, which closes the database connection after
    each request (the test client does not): on PostgreSQL that would end the test's
    transaction. Keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(db, _connection_kept, bob, donation, east_auto):
    staff = User.objects.create_user(username="stella", password="x", is_staff=True)
    for role in Role.values:
        staff.groups.add(Group.objects.get_or_create(name=role)[0])
    CollectionBox.objects.create(code="BOX-1", host=east_auto, site="Lobby")
    return {
        "anonymous": {},
        "staff": {"Authorization": f"Bearer {ApiToken.issue(user=staff, name='fuzz')[1]}"},
        "donor contact": {"Authorization": f"Bearer {ApiToken.issue(user=bob, name='fuzz')[1]}"},
    }


@pytest.mark.schemathesis
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_schema(case, callers):
    for headers in callers.values():
        case.call_and_validate(headers=headers)
