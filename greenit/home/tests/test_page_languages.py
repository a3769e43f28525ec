"""No English word left untranslated on a Chinese page, no Chinese name unmarked on an
English one.

Over the demo, for each role (and anonymous), the pages reachable from the home page (the
query budget's crawl: one URL per view and set of query parameters) are fetched in Chinese,
and their visible text (text nodes, and the alt, title, aria-label, placeholder and value a
screen reader reads) is searched for Latin words. A word may stand when it is a name marked as
English (inside an element with lang="en"), an e-mail, a URL, a code or number (it has a
digit), or in ALLOWED below; every other one is an untranslated string (a label, a choice, a
sentence the system wrote) and the failure names the page and the text around it.

The same pages in English must mark every Chinese character they show (a school, a person,
a story typed in Chinese) with lang="zh-Hans", or a screen reader reads it in an English
voice."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from greenit.accounts.models import User

from .test_accessibility import ROLES
from .test_query_budget import _crawl

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.xdist_group("page_languages"),
    pytest.mark.pages,
]

# Words a Chinese text leaves in Latin letters: units and currency codes, standards and file
# formats, and brands and products (devices, software, tools and sources the pages name).
# A word belongs here only if a Chinese writer would not translate it.
ALLOWED = {
    # units and currency
    "kg", "kWh", "CO", "CO2e", "GB", "GiB", "TB", "MB", "km", "cm", "mm", "h", "CNY",
    # standards, formats, interfaces and abbreviations used as they are in Chinese
    "NIST", "SP", "Rev", "IEEE", "ISO", "GRI", "ESRS", "WEEE", "WARM", "EPA", "PAdES",
    "PDF", "CSV", "XLSX", "JSON", "JPEG", "PNG", "WebP", "QR", "API", "URL", "USB", "SSD",
    "HDD", "NVMe", "ATA", "SATA", "eMMC", "CPU", "RAM", "LCD", "CRT", "PCB", "CSR", "ID", "IT",
    # the product; brands and products of devices, software and tools
    "greenit", "Green", "Windows", "Linux", "Ubuntu", "LibreOffice", "Scratch", "Python",
    "Thonny", "NVDA", "Rime", "Avery", "Dymo", "Adobe", "Acrobat", "Reader", "nwipe",
    "eReuse", "Workbench", "peracotta", "PhotoRec",
    # organisations cited as sources
    "Boavizta", "WBCSD", "ScottLogic",
}  # fmt: skip
# Names of more than one word, one of which would not pass alone.
ALLOWED_PHRASES = ("Circularity First", "e-Stewards", "Wi-Fi", "greenit-wipe")

# Text that is not prose to translate: scripts, code, and what a person typed into a field
# (a textarea keeps the language it was written in). An <option> cannot hold a span, so a
# name in a list of choices cannot be marked; choice labels are translated with the rest of
# the catalogue (core/tests/test_translations.py). A <title> is text only too (a page named
# after a school or a kit): it is checked for markup instead (_markup_in_title).
SKIPPED_TAGS = {"script", "style", "template", "code", "kbd", "samp", "textarea", "option", "title"}
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Pieces of text that are not words: e-mails, URLs, paths, command-line options, codes
# (SVJM-FSRH, thin_client, boavizta-data-us.csv) and anything holding a digit (a tag, a
# serial, a reference, a version, a quantity with its unit).
NOT_WORDS = re.compile(
    r"\S+@\S+|\w+://\S+|\S*/\S*|--\S+|\S*\d\S*|\S*_\S*|\b[A-Z]+(?:-[A-Z]+)+\b"
    r"|\S+(?:[-.]\w+){2,}"
)


class _VisibleText(HTMLParser):
    """The text a reader meets, outside the elements marked with `marked` (the language the
    page may show as names) and outside code."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}

    def __init__(self, marked: str):
        super().__init__()
        self.marked = marked
        self.stack: list[bool] = []  # per open element: is its text exempt?
        self.texts: list[str] = []

    def _exempt(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        exempt = (
            self._exempt()
            or tag in SKIPPED_TAGS
            or values.get("lang") == self.marked
            or "hidden" in values
            or values.get("aria-hidden") == "true"
        )
        if not exempt:
            self.texts.extend(values[name] for name in READ_ATTRIBUTES if values.get(name))
            if (
                tag == "input"
                and values.get("type") in ("submit", "button")
                and values.get("value")
            ):
                self.texts.append(values["value"])
        if tag not in self.VOID:
            self.stack.append(exempt)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._exempt() and data.strip():
            self.texts.append(" ".join(data.split()))


def untranslated(html: str) -> list[str]:
    """Every piece of visible text that holds a Latin word not allowed."""
    parser = _VisibleText(marked="en")
    parser.feed(html)
    found = []
    for text in parser.texts:
        prose = text
        for phrase in ALLOWED_PHRASES:
            prose = prose.replace(phrase, " ")
        words = LATIN_WORD.findall(NOT_WORDS.sub(" ", prose))
        if any(word not in ALLOWED for word in words):
            found.append(text[:120])
    return found


def unmarked_chinese(html: str) -> list[str]:
    """Every piece of visible text with Han characters outside an element with lang="zh-Hans"."""
    parser = _VisibleText(marked="zh-Hans")
    parser.feed(html)
    return [text[:120] for text in parser.texts if HAN.search(text)]


def _markup_in_title(html: str) -> list[str]:
    """A <title> holds text only: a span there (a name marked with its language) would show
    as "<span lang=…>" in the browser's tab."""
    title = TITLE.search(html)
    return (
        [f"markup in the title: {title.group(1)[:100]}"] if title and "<" in title.group(1) else []
    )


@pytest.fixture(scope="module")
def crawled(django_db_setup, django_db_blocker, _session_signing_key, _session_pdf_chain):
    """Each role's pages in both languages: {(language, role, path): texts at fault}."""
    found = {}
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            SIGNING_KEY_FILE=_session_signing_key,
            SIGNING_PDF_DIR=_session_pdf_chain,
            SIGNING_PUBLIC_KEYS_DIR=None,
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        ),
        transaction.atomic(),
    ):
        call_command("demo", devices=40, stdout=io.StringIO())
        for language, check in (("zh-hans", untranslated), ("en", unmarked_chinese)):
            for username in ROLES:
                client = _client(username, language)
                for path in _crawl(client):
                    html = client.get(path).content.decode()
                    found[language, username, path] = _markup_in_title(html) + check(html)
        transaction.set_rollback(True)
    return found


def _client(username: str | None, language: str) -> Client:
    client = Client(headers={"accept-language": language})
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _problems(crawled: dict, language: str, username: str | None) -> list[str]:
    pages = {
        path: texts
        for (in_language, role, path), texts in crawled.items()
        if (in_language, role) == (language, username)
    }
    assert len(pages) > 5, f"the crawl reached only {sorted(pages)}"
    return [f"{path}: {' | '.join(texts)}" for path, texts in pages.items() if texts]


@pytest.mark.parametrize("username", ROLES, ids=lambda name: name or "anonymous")
def test_chinese_pages_have_no_untranslated_words(crawled, username):
    problems = _problems(crawled, "zh-hans", username)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username", ROLES, ids=lambda name: name or "anonymous")
def test_english_pages_mark_every_chinese_name(crawled, username):
    problems = _problems(crawled, "en", username)
    assert not problems, "\n".join(problems)


def test_the_check_sees_english_but_not_names_codes_or_brands():
    html = (
        '<p>设备 GI-000123 <span lang="en">East Auto</span> Windows 11 16 GB'
        ' a@b.org https://x.org</p><script>var x = "hello";</script>'
        '<button aria-label="Close">×</button><p>Received</p>'
    )
    assert untranslated(html) == ["Close", "Received"]


def test_the_check_sees_unmarked_chinese_on_an_english_page():
    html = (
        '<p>School <span lang="zh-Hans">禾丰小学</span></p><p>刘老师</p>'
        "<select><option>简体中文</option></select>"
    )
    assert unmarked_chinese(html) == ["刘老师"]
