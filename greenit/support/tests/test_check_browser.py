"""A school answers its inventory check on a 390 px phone, in Chinese, by keyboard alone:
axe clean, and the answers become custody events."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from greenit.assets.models import CustodyEvent, State
from greenit.classrooms import services as classrooms
from greenit.impact.calculations import Scope, calculate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def phone(browser, live_server):
    """A 390 px phone in China: its browser asks for Chinese."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    yield context.new_page()
    context.close()


def test_a_school_answers_its_check_on_a_phone_in_chinese_by_keyboard(
    phone, live_server, deployed, project, paul, sam
):
    page = phone
    (check,), _skipped = classrooms.check_open(
        actor=paul, project=project, due_on=datetime.date.today() + datetime.timedelta(days=7)
    )
    page.goto(f"/support/checks/{check.token}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"

    first, second = deployed
    page.locator(f"#id_line-{first.pk}-answer_0").focus()
    page.keyboard.press("Space")  # 在用
    page.keyboard.press("Tab")  # the note
    page.keyboard.press("Tab")  # the ticket box
    page.keyboard.press("Tab")  # the next device's answers
    page.keyboard.press("ArrowDown")  # 损坏
    page.keyboard.press("ArrowDown")  # 丢失
    page.keyboard.press("Tab")
    page.keyboard.type("找不到了")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("感谢您盘点教室设备")
    assert Axe().run(page).violations_count == 0

    second.refresh_from_db()
    assert second.state == State.LOST
    events = CustodyEvent.objects.filter(actor=sam).order_by("asset_id")
    assert [(e.asset_id, e.to_state) for e in events] == [
        (first.pk, State.DEPLOYED),
        (second.pk, State.LOST),
    ]
    assert "找不到了" in events[1].note
    figures = calculate(Scope.organisation())
    assert (figures.devices_received, figures.devices_reused) == (2, 1)
