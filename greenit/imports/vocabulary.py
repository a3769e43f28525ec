"""The spellings an import recognises: column headers, category names and codes, status values
and the "no serial" placeholders. Shipped in data/vocabulary.json with the source of each
spelling; administrators add theirs in the admin (VocabularyEntry), read on every load()."""

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from greenit.core import categories

from .models import KEEP, VocabularyEntry

DATA_FILE = Path(__file__).parent / "data" / "vocabulary.json"
CONDITION = "condition"  # a status value that describes the device's condition
# A cell of a register often holds a class code and its name: "2010105 便携式计算机".
_PARTS = re.compile(r"[\s()（）\[\]【】/|,，;；:：]+")
_CODE = re.compile(r"(a0)?\d+")  # a class code, never offered as a suggestion
_UNIT = re.compile(r"\s*[（(][^）)]*[）)]\s*$")  # "原值（元）", "重量(kg)"


@lru_cache(maxsize=4096)  # a register repeats its few statuses and categories on every row
def normalise(text: str) -> str:
    """Case, spaces and punctuation do not matter: "S/N", "s n" and "SN" are one spelling."""
    return re.sub(r"[\W_]+", "", str(text)).casefold()


@dataclass(frozen=True)
class Vocabulary:
    headers: dict[str, tuple[str, bool]]  # spelling → (field, weak)
    categories: dict[str, str]  # spelling or class code → category code
    names: dict[str, str]  # the spellings suggestions are drawn from → category code
    statuses: dict[str, str]  # spelling → "condition" or "status"
    blanks: frozenset[str]
    longest_blank: int

    def header(self, text: str) -> tuple[str, bool]:
        """The field a header names and whether only weakly; (KEEP, False) when none."""
        for spelling in (text, _UNIT.sub("", str(text))):
            if found := self.headers.get(normalise(spelling)):
                return found
        return KEEP, False

    def category(self, text: str) -> str | None:
        """The category a cell names: a name, an alias or a class code, or one of these
        among its parts ("2010105 便携式计算机")."""
        for part in (text, *_PARTS.split(text)):
            if part and (code := self.categories.get(normalise(part)) or categories.match(part)):
                return code
        return None

    def suggest(self, text: str) -> str | None:
        """The category an unknown cell most likely means: a known name inside it
        ("联想笔记本E14" holds 笔记本), else the closest spelling; None when nothing is close."""
        key = normalise(text)
        if not key:
            return None
        inside = [name for name in self.names if len(name) >= 2 and name in key]
        if inside:
            return self.names[max(inside, key=len)]
        close = difflib.get_close_matches(key, self.names, n=1, cutoff=0.6)
        return self.names[close[0]] if close else None

    def means_condition(self, status: str) -> bool:
        return self.statuses.get(normalise(status)) == CONDITION

    def is_blank(self, text: str) -> bool:
        """无, N/A, "-": what a register writes for "none". Called for every serial, so the
        length (every placeholder is short) is compared before anything is folded."""
        return len(text) <= self.longest_blank and text.strip().casefold() in self.blanks


@cache
def shipped() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _codes(code: str) -> list[str]:
    """A class code as registers write it, with and without the procurement catalogue's "A0"
    prefix (A02010105 and 2010105)."""
    code = normalise(code)
    return [code, code[2:]] if code.startswith("a0") else [code, "a0" + code]


def _category_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for c in categories.all_categories().values():
        if not c.refused:
            for name in (c.en, c.zh, *c.aliases):
                names.setdefault(normalise(name), c.code)
    return names


def load() -> Vocabulary:
    """The shipped spellings and the administrators' (theirs win), in one query."""
    raw = shipped()
    headers = {normalise(h["alias"]): (h["field"], h.get("weak", False)) for h in raw["headers"]}
    found = {normalise(c["alias"]): c["category"] for c in raw["categories"]}
    for c in raw["categories"]:
        for code in _codes(c.get("code", "")) if c.get("code") else ():
            found.setdefault(code, c["category"])
    statuses = {normalise(s["alias"]): s["means"] for s in raw["statuses"]}
    for entry in VocabularyEntry.objects.all():
        key = normalise(entry.alias)
        if entry.kind == VocabularyEntry.Kind.HEADER:
            headers[key] = (entry.meaning, False)
        elif entry.kind == VocabularyEntry.Kind.CATEGORY:
            found[key] = entry.meaning
        else:
            statuses[key] = entry.meaning
    accepted = {code for code, c in categories.all_categories().items() if not c.refused}
    names = {**_category_names(), **found}
    return Vocabulary(
        headers=headers,
        categories=found,
        names={k: v for k, v in names.items() if v in accepted and not _CODE.fullmatch(k)},
        statuses=statuses,
        blanks=frozenset(b.casefold() for b in raw["blanks"]),
        longest_blank=max(len(b) for b in raw["blanks"]),
    )
