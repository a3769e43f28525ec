"""A note the system writes on a custody event shows in the reader's language, whatever the
language of the person whose action wrote it; a note a person typed shows as typed."""

from django.urls import reverse
from django.utils import translation

from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.assets.notes import SystemNote


def _history(client, user, asset, language: str) -> str:
    client.force_login(user)
    page = client.get(
        reverse("assets:detail", args=[asset.tag]), headers={"accept-language": language}
    )
    assert page.status_code == 200
    return page.content.decode()


def test_a_system_note_written_in_english_reads_in_chinese(client, lena, donation):
    with translation.override("en"):
        asset = lifecycle.enter(
            state=State.RECEIVED,
            actor=lena,
            donation=donation,
            category="laptop",
            note=SystemNote.of("Scanned in at intake"),
        )
    event = asset.events.get()
    assert event.note == "Scanned in at intake"  # the API and searches keep the English
    assert "入库时扫描登记" in _history(client, lena, asset, "zh-hans")
    assert "Scanned in at intake" in _history(client, lena, asset, "en")


def test_its_parameters_stay_as_written(client, lena, donation):
    asset = lifecycle.enter(
        state=State.RECEIVED,
        actor=lena,
        donation=donation,
        category="laptop",
        note=SystemNote.of("Recycling batch %(number)s", number="RB2026-0007"),
    )
    with translation.override("zh-hans"):
        assert asset.events.get().shown_note == "回收批次 RB2026-0007"


def test_a_typed_note_is_shown_as_typed_and_marked_with_its_language(client, lena, donation):
    asset = lifecycle.enter(
        state=State.RECEIVED, actor=lena, donation=donation, category="laptop", note="Lid cracked"
    )
    assert '<span lang="en">Lid cracked</span>' in _history(client, lena, asset, "zh-hans")


def test_devices_entered_in_bulk_keep_the_system_note(lena, donation):
    lifecycle.enter_many(
        [{"donation_id": donation.pk, "category": "laptop"}],
        state=State.EXPECTED,
        actor=lena,
        note=SystemNote.of("On the donor's asset list (%(file)s)", file="资产.xlsx"),
    )
    event = donation.assets.get().events.get()
    with translation.override("zh-hans"):
        assert "资产.xlsx" in event.shown_note and event.shown_note != event.note
