from django.urls import reverse

from greenit.assets.models import State
from greenit.refurbishment.models import CHECKS, Refurbishment, SoftwareKit


def _form(kit=None, **overrides) -> dict:
    data = {name: "pass" for name, _label in CHECKS}
    data.update(
        {
            "grade": "A",
            "battery_health_percent": "85",
            "ram_gb": "8",
            "software_kit": kit.pk if kit else "",
            "notes": "",
            "parts-TOTAL_FORMS": "3",
            "parts-INITIAL_FORMS": "0",
            "parts-MIN_NUM_FORMS": "0",
            "parts-MAX_NUM_FORMS": "20",
            "parts-0-part": "Battery 45 Wh",
            "parts-0-quantity": "1",
        }
    )
    data.update(overrides)
    return data


def test_the_queue_lists_sanitized_devices_and_tested_ones(client, alice, sanitized_laptop):
    client.force_login(alice)
    page = client.get(reverse("refurbishment:queue"))
    assert page.status_code == 200
    assert sanitized_laptop.display_tag in page.content.decode()


def test_the_queue_is_for_technicians(client, lena, bob):
    for person in (lena, bob):
        client.force_login(person)
        assert client.get(reverse("refurbishment:queue")).status_code == 403


def test_a_technician_records_a_test_and_marks_the_laptop_ready(
    client, alice, sanitized_laptop, kit
):
    client.force_login(alice)
    url = reverse("refurbishment:asset", args=[sanitized_laptop.tag])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="powers_on"' in form.content.decode()
    response = client.post(url, _form(kit))
    assert response.status_code == 302
    record = Refurbishment.objects.get(asset=sanitized_laptop)
    assert (record.grade, record.battery_health_percent, record.parts.get().part) == (
        "A",
        85,
        "Battery 45 Wh",
    )
    client.post(reverse("refurbishment:ready", args=[sanitized_laptop.tag]))
    sanitized_laptop.refresh_from_db()
    assert sanitized_laptop.state == State.READY


def test_a_bad_form_names_the_field_and_saves_nothing(client, alice, sanitized_laptop):
    client.force_login(alice)
    url = reverse("refurbishment:asset", args=[sanitized_laptop.tag])
    response = client.post(url, _form(powers_on="fail", grade="B"))
    assert response.status_code == 400
    assert "grade it fail" in response.content.decode()
    assert not Refurbishment.objects.exists()
    response = client.post(url, _form(battery_health_percent="140"))
    assert response.status_code == 400
    assert not Refurbishment.objects.exists()


def test_marking_a_computer_ready_without_a_kit_says_why(client, alice, sanitized_laptop):
    client.force_login(alice)
    url = reverse("refurbishment:asset", args=[sanitized_laptop.tag])
    client.post(url, _form())
    page = client.get(url).content.decode()
    assert "software kit" in page
    response = client.post(reverse("refurbishment:ready", args=[sanitized_laptop.tag]), follow=True)
    assert "software kit" in response.content.decode()
    sanitized_laptop.refresh_from_db()
    assert sanitized_laptop.state == State.TESTED


def test_the_asset_page_links_to_the_test(client, alice, sanitized_laptop):
    client.force_login(alice)
    page = client.get(reverse("assets:detail", args=[sanitized_laptop.tag])).content.decode()
    assert reverse("refurbishment:asset", args=[sanitized_laptop.tag]) in page


def test_technicians_manage_software_kits(client, alice, paul):
    client.force_login(alice)
    response = client.post(
        reverse("refurbishment:kit_add"),
        {
            "name": "Green IT kit",
            "version": "2026.2",
            "contents": "Scratch\nNVDA",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    kit = SoftwareKit.objects.get()
    assert kit.items == ["Scratch", "NVDA"]
    refused = client.post(reverse("refurbishment:kit_add"), {"name": "", "version": ""})
    assert refused.status_code == 400
    client.force_login(paul)
    assert "Green IT kit" in client.get(reverse("refurbishment:kits")).content.decode()
    assert client.get(reverse("refurbishment:kit_edit", args=[kit.pk])).status_code == 403


def test_a_kit_shows_in_chinese_on_chinese_pages_when_given(client, alice):
    client.force_login(alice)
    client.post(
        reverse("refurbishment:kit_add"),
        {
            "name": "Green IT kit",
            "name_zh": "绿色电脑套件",
            "version": "2026.2",
            "contents": "Scratch offline\nNVDA screen reader",
            "contents_zh": "离线编程\n读屏软件",
            "is_active": "on",
        },
    )
    kits = reverse("refurbishment:kits")
    client.get(kits)  # shows (and so clears) the message "Saved software kit …"
    chinese = client.get(kits, headers={"accept-language": "zh-hans"}).content.decode()
    assert "绿色电脑套件 2026.2" in chinese and "<li>读屏软件</li>" in chinese
    assert "Green IT kit" not in chinese and "screen reader" not in chinese
    english = client.get(kits, headers={"accept-language": "en"}).content.decode()
    assert "Green IT kit 2026.2" in english and "NVDA screen reader" in english


def test_a_kit_without_chinese_shows_its_english_marked_as_english(client, alice, kit):
    client.force_login(alice)
    page = client.get(reverse("refurbishment:kits"), headers={"accept-language": "zh-hans"})
    assert '<span lang="en">Green IT offline education kit</span>' in page.content.decode()


def test_the_checklist_starts_with_nothing_answered(client, alice, sanitized_laptop):
    client.force_login(alice)
    page = client.get(reverse("refurbishment:asset", args=[sanitized_laptop.tag]))
    assert "checked" not in page.content.decode()
    assert not any(page.context["form"][name].value() for name, _label in CHECKS)


def test_testing_again_answers_every_check_and_the_grade_anew(client, alice, sanitized_laptop):
    client.force_login(alice)
    url = reverse("refurbishment:asset", args=[sanitized_laptop.tag])
    assert client.post(url, _form(battery_health_percent="71")).status_code == 302
    page = client.get(url)
    form = page.context["form"]
    assert not any(form[name].value() for name, _label in CHECKS)
    assert form["grade"].value() is None
    assert form["battery_health_percent"].value() == 71  # measured: kept as a starting point
    assert "checked" not in page.content.decode().split('id="form-heading"')[1]


def test_a_part_line_with_a_note_but_no_part_is_refused_naming_the_line(
    client, alice, sanitized_laptop
):
    client.force_login(alice)
    url = reverse("refurbishment:asset", args=[sanitized_laptop.tag])
    response = client.post(url, _form(**{"parts-2-quantity": "2", "parts-2-note": "left side"}))
    assert response.status_code == 400
    assert "Part 3: name the part used, or leave the whole line empty." in (
        response.content.decode()
    )
    assert not Refurbishment.objects.exists()


def test_an_unanswered_check_is_refused_naming_it(client, alice, sanitized_laptop):
    client.force_login(alice)
    url = reverse("refurbishment:asset", args=[sanitized_laptop.tag])
    data = _form()
    del data["wifi"]
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Wi-Fi: choose pass, fail or not applicable." in response.content.decode()
    assert not Refurbishment.objects.exists()
