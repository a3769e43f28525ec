"""Device categories: one data file, two languages, aliases for imports, mercury refused."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from greenit.core import categories

CJK = re.compile(r"[\u4e00-\u9fff]")


def _raw_rows() -> list[dict]:
    return json.loads(categories.DATA_FILE.read_text(encoding="utf-8"))["categories"]


def test_the_data_file_loads_every_category_it_lists():
    codes = [row["code"] for row in _raw_rows()]
    assert len(codes) == len(set(codes)), "a category code is listed twice"
    assert list(categories.all_categories()) == codes
    assert {"laptop", "monitor_lcd", "fluorescent_tube"} <= set(codes)


def test_every_category_says_whether_it_holds_data():
    for row in _raw_rows():
        assert isinstance(row.get("holds_data"), bool), row["code"]
    assert categories.get("laptop").holds_data
    assert not categories.get("monitor_lcd").holds_data
    assert set(categories.data_bearing_codes()) == {
        c.code for c in categories.all_categories().values() if c.holds_data
    }


def test_every_category_has_an_english_and_a_chinese_name():
    for category in categories.all_categories().values():
        assert category.en.strip() and not CJK.search(category.en), category.code
        assert CJK.search(category.zh), f"{category.code} has no Chinese name"


def test_the_label_follows_the_active_language():
    laptop = categories.get("laptop")
    with translation.override("zh-hans"):
        assert laptop.label == "笔记本电脑"
        assert str(categories.category_label("laptop")) == "笔记本电脑"
    with translation.override("en"):
        assert laptop.label == "Laptop"
        assert str(categories.category_label("laptop")) == "Laptop"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("笔记本", "laptop"),
        ("手提电脑", "laptop"),
        ("笔记本电脑", "laptop"),
        ("Notebook Computer", "laptop"),
        ("  LAPTOP ", "laptop"),
        ("显示器", "monitor_lcd"),
        ("Hard-Drive", "storage_drive"),
        ("all_in_one", "all_in_one"),
        ("All in one", "all_in_one"),
        ("交换机", "network"),
        ("日光灯管", "fluorescent_tube"),
        ("energy saving lamp", "fluorescent_tube"),
    ],
)
def test_match_finds_codes_names_and_aliases_in_both_languages(text, code):
    assert categories.match(text) == code


def test_match_finds_nothing_for_an_unknown_name():
    assert categories.match("toaster oven of doom") is None
    assert categories.match("") is None


def test_no_alias_points_at_two_categories():
    for category in categories.all_categories().values():
        for name in (category.code, category.en, category.zh, *category.aliases):
            assert categories.match(name) == category.code, (name, category.code)


def test_a_fluorescent_tube_is_refused_with_the_hw29_reason():
    assert categories.get("fluorescent_tube").refused
    with pytest.raises(ValidationError) as refused:
        categories.validate_accepted("fluorescent_tube")
    assert refused.value.code == "refused_category"
    message = " ".join(refused.value.messages)
    assert "HW29" in message
    assert "900-023-29" in message


def test_an_unknown_code_is_refused_and_named():
    with pytest.raises(ValidationError) as refused:
        categories.validate_accepted("toaster")
    assert refused.value.code == "unknown_category"
    assert "toaster" in " ".join(refused.value.messages)


def test_accepted_categories_pass_validation():
    for category in categories.all_categories().values():
        if not category.refused:
            categories.validate_accepted(category.code)


def test_refused_categories_can_be_left_out_of_choices():
    assert "fluorescent_tube" in dict(categories.choices())
    assert "fluorescent_tube" not in dict(categories.choices(include_refused=False))
    assert "laptop" in dict(categories.choices(include_refused=False))
