"""The school's inventory check page (the private link): Chinese first, each refusal beside
its device, answers saved as custody events, and a ticket for a broken device on request."""

import datetime

import pytest
from django.urls import reverse

from greenit.assets.models import CustodyEvent, State
from greenit.classrooms import services as classrooms
from greenit.support.models import Ticket


@pytest.fixture
def check(deployed, project, paul, sam):
    (found,), _skipped = classrooms.check_open(
        actor=paul, project=project, due_on=datetime.date.today() + datetime.timedelta(days=7)
    )
    return found


def _url(check):
    return reverse("support:check", kwargs={"token": check.token})


@pytest.mark.parametrize(
    ("accept", "lang"),
    [("", "zh-Hans"), ("zh-CN,zh;q=0.9", "zh-Hans"), ("fr-FR", "zh-Hans"), ("en-GB", "en")],
)
def test_the_page_opens_in_chinese_first_without_a_login(client, check, accept, lang):
    page = client.get(_url(check), HTTP_ACCEPT_LANGUAGE=accept)
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.content.decode()


def test_a_chosen_language_wins(client, check, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get(_url(check)).content.decode()


def test_an_unanswered_device_is_named_and_nothing_changes(client, check, deployed):
    a, b = deployed
    response = client.post(_url(check), {f"line-{a.pk}-answer": "in_use"})
    assert response.status_code == 400
    assert b.display_tag in response.content.decode()
    assert not CustodyEvent.objects.filter(note__contains="Inventory check").exists()
    assert not CustodyEvent.objects.filter(note__contains="盘点").exists()


def test_a_broken_device_opens_a_ticket_and_a_stolen_one_leaves_the_classroom(
    client, check, deployed, sam
):
    a, b = deployed
    response = client.post(
        _url(check),
        {
            f"line-{a.pk}-answer": "broken",
            f"line-{a.pk}-note": "开不了机",
            f"line-{a.pk}-ticket": "on",
            f"line-{b.pk}-answer": "stolen",
            f"line-{b.pk}-note": "窗户被撬",
        },
    )
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert (ticket.asset, ticket.symptom, ticket.reported_by) == (a, "开不了机", sam)
    b.refresh_from_db()
    assert b.state == State.STOLEN
    assert client.get(_url(check)).status_code == 200  # the thank-you page, nothing more
    assert client.get(reverse("support:check", kwargs={"token": "x" * 32})).status_code == 404
