"""Text in the language other than the page's is marked with its `lang`."""

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from greenit.core.templatetags.languages import lang_attr, lang_span


def _in(language: str, function, value) -> str:
    with translation.override(language):
        return str(function(value))


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", "禾丰镇中心小学", '<span lang="zh-Hans">禾丰镇中心小学</span>'),
        ("en", "Hefeng School", "Hefeng School"),
        ("zh-hans", "Pujiang Commercial Bank", '<span lang="en">Pujiang Commercial Bank</span>'),
        ("zh-hans", "禾丰镇中心小学", "禾丰镇中心小学"),
        ("zh-hans", "GI-000123", "GI-000123"),
        ("en", "42", "42"),
        ("en", None, ""),
        (
            "en",
            "浦江商业银行 (Pujiang Bank)",
            '<span lang="zh-Hans">浦江商业银行</span> (Pujiang Bank)',
        ),
        (
            "zh-hans",
            "明澈咨询（上海） · Lumen Consulting (Shanghai)",
            '明澈咨询（上海） · <span lang="en">Lumen Consulting</span>'
            ' (<span lang="en">Shanghai</span>)',
        ),
        (
            "zh-hans",
            "<b>Tom & Jerry</b>",
            '<span lang="en">&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</span>',
        ),
    ],
)
def test_a_name_in_the_other_language_gets_its_lang(language, value, shown):
    assert _in(language, lang_span, value) == shown


def test_a_block_gets_the_lang_of_its_text_as_a_whole():
    story = "如今每个班每周有两节电脑课：打字、Scratch 游戏和 Python。"
    assert _in("en", lang_attr, story) == ' lang="zh-Hans"'
    assert _in("zh-hans", lang_attr, story) == ""
    assert _in("zh-hans", lang_attr, "Opening day: the first lesson") == ' lang="en"'
    assert _in("en", lang_attr, "GI-000123") == ""


def test_every_template_may_use_it_without_loading_it():
    template = engines["django"].from_string("<p>{{ name|lang_span }}</p>")
    with translation.override("en"):
        assert template.render({"name": "刘老师"}) == '<p><span lang="zh-Hans">刘老师</span></p>'


def test_html_already_made_is_left_as_it_is():
    message = mark_safe('Saved. <a href="/x/">See 禾丰小学</a>')
    assert _in("en", lang_span, message) == message
