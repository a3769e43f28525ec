"""Names and texts in the other language carry their `lang`, so that a screen reader reads them
in the right voice (and a PDF picks the right font).

Data typed in Chinese (a school, a person, a story) shows on English pages, and English names
(a company's English name, a kit) on Chinese pages. `{{ value|lang_span }}` wraps such text in
`<span lang="zh-Hans">` on an English page, or `<span lang="en">` on a Chinese page; text in
the page's own language, codes and numbers come back unchanged. A name that mixes both
("浦江商业银行 (Pujiang Bank)") gets a span around each part in the other language.

For a block (a story with its paragraphs, a photo's alt text), `<div{{ value|lang_attr }}>`
gives the element the `lang` of the text as a whole.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

CHINESE = "zh-Hans"
ENGLISH = "en"

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese punctuation and full-width forms belong to the Chinese around them.
_CJK = rf"{_HAN}\u3000-\u303f\uff00-\uffef"
_LATIN = r"A-Za-z\u00c0-\u024f"
HAS_HAN = re.compile(rf"[{_HAN}]")
LATIN_WORD = re.compile(rf"[{_LATIN}]{{2,}}")
# A code, a serial or a quantity (anything with a digit in it) is in no language.
CODE = re.compile(r"\S*\d\S*")
# A run of Chinese: Han characters with the punctuation and spaces between them.
CHINESE_RUN = re.compile(rf"[{_HAN}](?:[{_CJK}\s·]*[{_HAN}])?[\u3001-\u3011\uff09]?")
# A run of English words: from a letter to the last letter, digit or full stop before Chinese
# or a bracket ("Pujiang Bank" in "浦江商业银行 (Pujiang Bank)").
ENGLISH_RUN = re.compile(rf"[{_LATIN}](?:[^{_CJK}()\[\]]*[{_LATIN}0-9.])?")


def _page_language() -> str:
    return CHINESE if (get_language() or "").lower().startswith("zh") else ENGLISH


def text_language(text: str) -> str | None:
    """The language of a text as a whole: Chinese when it has Han characters and more of them
    than English words, English when it has English words (two letters or more) and no Han,
    None for codes, numbers and the empty string."""
    han = len(HAS_HAN.findall(text))
    words = len(LATIN_WORD.findall(CODE.sub(" ", text)))
    if han and han >= words:
        return CHINESE
    if words and not han:
        return ENGLISH
    return None


def _wrap(match: re.Match, language: str) -> str:
    return format_html('<span lang="{}">{}</span>', language, match.group(0))


@register.filter(is_safe=True)
def lang_span(value) -> SafeString:
    """`value`, escaped, with each part in the language other than the page's in a span.
    A whole sentence may pass through it too (a message naming a school): its name is marked."""
    if value is None:
        return mark_safe("")
    text = str(value)
    if isinstance(text, SafeData):  # already HTML (a message with a link): left as it is
        return text
    page = _page_language()
    other = ENGLISH if page == CHINESE else CHINESE
    has_han, has_latin = bool(HAS_HAN.search(text)), bool(LATIN_WORD.search(CODE.sub(" ", text)))
    if other == CHINESE and has_han and not has_latin:
        return format_html('<span lang="{}">{}</span>', CHINESE, text)
    if other == ENGLISH and has_latin and not has_han:
        return format_html('<span lang="{}">{}</span>', ENGLISH, text)
    if not (has_han and has_latin):
        return conditional_escape(text)
    run = CHINESE_RUN if other == CHINESE else ENGLISH_RUN
    parts, end = [], 0
    for match in run.finditer(text):
        parts.append(conditional_escape(text[end : match.start()]))
        parts.append(_wrap(match, other))
        end = match.end()
    parts.append(conditional_escape(text[end:]))
    return format_html_join("", "{}", ((part,) for part in parts))


@register.filter(is_safe=True)
def lang_attr(value) -> SafeString:
    """` lang="…"` for an element whose text is, as a whole, in the language other than the
    page's; nothing otherwise."""
    language = text_language(str(value or ""))
    if language is None or language == _page_language():
        return mark_safe("")
    return format_html(' lang="{}"', language)
