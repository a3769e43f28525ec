"""The Simplified Chinese catalogue is complete, current, compiled, and used by the pages.

* every entry of greenit/locale/zh_Hans/LC_MESSAGES/django.po has a translation and none is
  fuzzy;
* every literal string marked for translation in the templates (`{% translate "…" %}`) and
  in the Python code (`_("…")` on one literal) is in the catalogue, so a string added later
  fails here until makemessages is run and the new entry translated;
* the compiled django.mo says what the .po says;
* the home page and the login page, asked for in Chinese, come back in Chinese.

Only the standard library reads the catalogue: no extra dependency."""

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

GREENIT = Path(__file__).resolve().parents[2]
LOCALE_DIR = GREENIT / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

FIX = (
    "run `.venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=bench "
    "--ignore=staticfiles`, translate the new or changed entries in {po} (and delete any "
    "`#, fuzzy` flag once its translation is checked), then `make messages`"
)
CJK = re.compile(r"[\u4e00-\u9fff]")


# --- reading the .po -----------------------------------------------------------------------


class Entry:
    def __init__(self) -> None:
        self.msgctxt: str | None = None
        self.msgid = ""
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}
        self.flags: set[str] = set()
        self.line = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    def __repr__(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        return f"line {self.line}: {self.msgid!r}{context}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _po_string(literal: str) -> str:
    """A PO string literal uses C escapes (\\n, \\t, \\", \\\\), which Python reads the same."""
    return ast.literal_eval(literal)


def read_po(path: Path = PO_FILE) -> list[Entry]:
    """The entries of a .po file, the header (msgid "") included, obsolete (#~) ones not."""
    entries: list[Entry] = []
    entry: Entry | None = None
    field: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, field
        if entry is not None and (entry.msgid or entry.msgstr):
            entries.append(entry)
        entry, field = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and field is not None:
                finish()  # a comment after a msgstr starts the next entry
            if entry is None:
                entry = Entry()
                entry.line = number
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid") and field is not None and field[0] == "msgstr":
                finish()  # an entry without a blank line before it
            if entry is None:
                entry = Entry()
            if not entry.line:
                entry.line = number
            value = _po_string(literal)
            if keyword == "msgctxt":
                entry.msgctxt, field = value, ("msgctxt", None)
            elif keyword == "msgid":
                entry.msgid, field = value, ("msgid", None)
                entry.line = number
            elif keyword == "msgid_plural":
                entry.msgid_plural, field = value, ("msgid_plural", None)
            else:
                slot = int(index) if index is not None else 0
                entry.msgstr[slot], field = value, ("msgstr", slot)
            continue
        if line.startswith('"') and entry is not None and field is not None:
            value = _po_string(line)
            name, slot = field
            if name == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif name == "msgid":
                entry.msgid += value
            elif name == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            else:
                entry.msgstr[slot] += value
            continue
        raise AssertionError(f"{path}:{number}: cannot read this line: {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO_FILE.exists(), f"{PO_FILE} is missing: " + FIX.format(po=PO_FILE)
    return read_po()


@pytest.fixture(scope="module")
def catalogue(po_entries) -> dict[tuple[str | None, str], Entry]:
    return {entry.key: entry for entry in po_entries if entry.msgid}


# --- (a) complete ----------------------------------------------------------------------------


def test_the_po_file_has_a_chinese_header(po_entries):
    header = next((e for e in po_entries if e.msgid == "" and e.msgctxt is None), None)
    assert header is not None, f"{PO_FILE} has no header entry"
    assert "fuzzy" not in header.flags, f"{PO_FILE}: delete `#, fuzzy` above the header"
    text = header.msgstr.get(0, "")
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=1; plural=0;" in text


def test_every_string_is_translated_and_none_is_fuzzy(po_entries):
    entries = [e for e in po_entries if e.msgid]
    assert len(entries) > 100, f"{PO_FILE} has only {len(entries)} entries: " + FIX.format(
        po=PO_FILE
    )
    untranslated = [e for e in entries if not e.translated]
    fuzzy = [e for e in entries if "fuzzy" in e.flags]
    problems = [f"untranslated {e!r}" for e in untranslated] + [f"fuzzy {e!r}" for e in fuzzy]
    assert not problems, (
        f"{len(problems)} entries of {PO_FILE} need a translator:\n  "
        + "\n  ".join(problems)
        + "\nFix: "
        + FIX.format(po=PO_FILE)
    )


def test_plural_entries_have_the_one_form_chinese_needs(po_entries):
    wrong = [e for e in po_entries if e.msgid_plural is not None and set(e.msgstr) != {0}]
    assert not wrong, "Chinese has nplurals=1: give these msgstr[0] only:\n  " + "\n  ".join(
        map(repr, wrong)
    )


_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%[sd]|\{[A-Za-z_0-9]*\}")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|&[a-z]+;")


def test_translations_keep_placeholders_and_markup(po_entries):
    wrong = []
    for entry in po_entries:
        if not entry.msgid or not entry.translated:
            continue
        for source, pattern in ((entry.msgid, _PLACEHOLDER), (entry.msgid, _TAG)):
            expected = sorted(pattern.findall(source))
            for translation_ in entry.msgstr.values():
                if sorted(pattern.findall(translation_)) != expected:
                    wrong.append(f"{entry!r} → {translation_!r}")
    assert not wrong, "these translations lost or changed a placeholder or tag:\n  " + (
        "\n  ".join(wrong)
    )


# --- (b) current -----------------------------------------------------------------------------

_TEMPLATE_STRING = r"""(?P<q>["'])(?P<text>(?:(?!(?P=q)).)*)(?P=q)"""
_TEMPLATE_TRANSLATE = re.compile(
    r"\{%\s*(?:translate|trans)\s+" + _TEMPLATE_STRING + r"(?P<rest>.*?)%\}", re.DOTALL
)
_TEMPLATE_CONTEXT = re.compile(r"""\bcontext\s+(["'])(.*?)\1""")
_TEMPLATE_UNDERSCORE = re.compile(r"""\b_\(\s*(["'])(.*?)\1\s*\)""")
# _("…"), gettext("…"), gettext_lazy("…"), gettext_noop("…") around exactly one string literal
# (implicitly joined literals and f-strings are left to makemessages).
_PYTHON_CALL = re.compile(
    r"""(?<![\w.])(?:_|gettext|gettext_lazy|gettext_noop)\(\s*"""
    r"""(?P<literal>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\s*,?\s*\)"""
)


def _relative(path: Path) -> str:
    return str(path.relative_to(GREENIT.parent))


def marked_strings() -> dict[tuple[str | None, str], set[str]]:
    """Every literal marked for translation in greenit's templates and Python code, with where
    it was seen."""
    found: dict[tuple[str | None, str], set[str]] = {}

    def add(context: str | None, text: str, where: str) -> None:
        found.setdefault((context, text), set()).add(where)

    for path in sorted(GREENIT.rglob("*")):
        if "__pycache__" in path.parts or "static" in path.parts or not path.is_file():
            continue
        if path.suffix in (".html", ".txt") and "templates" in path.parts:
            source = path.read_text(encoding="utf-8")
            for match in _TEMPLATE_TRANSLATE.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                context = _TEMPLATE_CONTEXT.search(match["rest"])
                add(context[2] if context else None, match["text"], f"{_relative(path)}:{line}")
            for match in _TEMPLATE_UNDERSCORE.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                add(None, match[2], f"{_relative(path)}:{line}")
        elif path.suffix == ".py" and "tests" not in path.parts and "migrations" not in path.parts:
            source = path.read_text(encoding="utf-8")
            for match in _PYTHON_CALL.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                add(None, ast.literal_eval(match["literal"]), f"{_relative(path)}:{line}")
    return found


def test_the_scan_finds_the_strings_it_is_meant_to_find():
    found = marked_strings()
    assert (None, "Log in") in found  # {% translate "Log in" %} in templates
    assert (None, "Main") in found  # {% translate 'Main' %}, single quotes
    assert (None, "Programme manager") in found  # _("…") in a model's choices
    assert (None, "What is this token for?") in found  # gettext_lazy as _ in a form
    assert len(found) > 100


def test_every_marked_string_is_in_the_catalogue(catalogue):
    def known(context: str | None, text: str) -> bool:
        # makemessages doubles a % in a {% translate %} literal that has one
        return (context, text) in catalogue or (context, text.replace("%", "%%")) in catalogue

    missing = [
        f"{text!r}" + (f" (context {context!r})" if context else "") + f" at {', '.join(where)}"
        for (context, text), where in sorted(marked_strings().items(), key=lambda i: i[0][1])
        if not known(context, text)
    ]
    assert not missing, (
        f"{len(missing)} strings marked for translation are not in {PO_FILE}:\n  "
        + "\n  ".join(missing)
        + "\nFix: "
        + FIX.format(po=PO_FILE)
    )


def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    assert MO_FILE.exists(), f"{MO_FILE} is missing: run `make messages` (compilemessages)"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    stale = []
    for (context, msgid), entry in catalogue.items():
        if not entry.translated or "fuzzy" in entry.flags:
            continue  # reported by test_every_string_is_translated_and_none_is_fuzzy
        key = f"{context}\x04{msgid}" if context else msgid
        if entry.msgid_plural is None:
            if compiled.get(key) != entry.msgstr[0]:
                stale.append(repr(entry))
        elif any(compiled.get((key, n)) != text for n, text in entry.msgstr.items()):
            stale.append(repr(entry))
    assert not stale, (
        f"{MO_FILE} is older than {PO_FILE} for:\n  "
        + "\n  ".join(stale)
        + "\nFix: run `make messages` (manage.py compilemessages --ignore=.venv)"
    )


# --- (c) used --------------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes and the labelling attributes."""

    ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.parts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.parts


@pytest.fixture
def chinese_client(client):
    before = translation.get_language()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    yield client
    # the locale middleware leaves Chinese active in this thread: put back what was there
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


def assert_in_chinese(response, catalogue, *, english: tuple[str, ...], chinese: tuple[str, ...]):
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    parts = visible_text(html)
    text = "\n".join(parts)
    for msgid in chinese:
        expected = catalogue[(None, msgid)].msgstr[0]
        assert CJK.search(expected), f"{msgid!r} is not translated into Chinese"
        assert expected in text, f"the Chinese for {msgid!r} ({expected!r}) is not on the page"
    leftovers = [word for word in english if word in text]
    assert not leftovers, f"English left on the page: {leftovers}"
    # any text that is, whole, one of our msgids whose Chinese differs, was left untranslated
    untranslated = sorted(
        {
            part
            for part in parts
            if (None, part) in catalogue and catalogue[(None, part)].msgstr.get(0) not in ("", part)
        }
    )
    assert not untranslated, f"untranslated text on the page: {untranslated}"


NAV_ENGLISH = ("Log in", "Home", "Skip to main content", "Switch language")


@pytest.mark.django_db
def test_the_home_page_speaks_chinese(chinese_client, catalogue):
    response = chinese_client.get(reverse("home:home"))
    assert_in_chinese(
        response,
        catalogue,
        english=(*NAV_ENGLISH, "From e-waste to e-education", "What we cannot take"),
        chinese=("Log in", "Home", "From e-waste to e-education", "What we cannot take"),
    )
    text = "\n".join(visible_text(response.content.decode()))
    # the refusal of fluorescent tubes keeps its legal facts in Chinese
    assert "国家危险废物名录" in text and "HW29" in text and "900-023-29" in text
    assert "危险废物经营许可证" in text


@pytest.mark.django_db
def test_the_login_page_speaks_chinese(chinese_client, catalogue):
    response = chinese_client.get(reverse("accounts:login"))
    assert_in_chinese(
        response,
        catalogue,
        english=(*NAV_ENGLISH, "Username", "Password"),
        chinese=("Log in", "Home", "Language"),
    )


@pytest.mark.django_db
def test_the_staff_home_page_speaks_chinese(chinese_client, catalogue, lena, donation):
    chinese_client.force_login(lena)
    response = chinese_client.get(reverse("home:home"))
    assert_in_chinese(
        response,
        catalogue,
        english=("Log out", "Donations", "Devices", "Intake", "Overview", "Received"),
        chinese=("Log out", "Donations", "Devices", "Overview", "Devices by stage"),
    )
