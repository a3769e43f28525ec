"""No page opens with an error: a form nobody has sent yet shows no error summary, no
"Error:" in the title and no field marked wrong.

Over the demo, for each role (and anonymous), the same crawl as the query budget (from the
home page, one URL per view and set of query parameters, the links the pages themselves
give) fetches every page a person can reach without sending anything."""

import io
import re

import pytest
from django.core.management import call_command

from .test_accessibility import ROLES
from .test_query_budget import _client, _crawl

pytestmark = [pytest.mark.django_db, pytest.mark.pages]

ERRORS = (
    ("an error summary", re.compile(r"data-error-summary")),
    ('"Error:" in the title', re.compile(r"<title>\s*(Error: |错误：)")),
    ("a field marked wrong", re.compile(r'class="field has-error"|class="errors"')),
)


@pytest.fixture
def demo():
    call_command("demo", devices=20, stdout=io.StringIO())


def test_no_page_opens_with_an_error(demo):
    problems, seen = [], set()
    for username in ROLES:
        client = _client(username)
        for path in _crawl(client):
            seen.add(path.partition("?")[0])
            html = client.get(path).content.decode()
            problems += [
                f"{username or 'anonymous'} {path}: {what}"
                for what, pattern in ERRORS
                if pattern.search(html)
            ]
    # The forms users found opening with errors are among those fetched.
    assert any(re.fullmatch(r"/sanitization/assets/[^/]+/", path) for path in seen), seen
    assert not problems, "\n".join(problems)
