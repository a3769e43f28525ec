"""Makes and models under one name each, however they are spelled, so reports can group by
model: "Dell Inc.", "DELL" and "Dell" are Dell; "Hewlett-Packard" is HP; "LENOVO" is Lenovo.

A make is compared by its key: case, spaces, punctuation and company-form words (Inc., Corp.,
Ltd., 有限公司…) do not count. The makers we know are in data/makes.json with their other
spellings; any other make joins the catalogue (the Make table) under the first spelling met,
and later spellings with the same key get that name. Models are compared the same way within
their make ("thinkpad t480" is "ThinkPad T480" once that was met), and a model that starts
with its make's name loses it ("Dell Latitude 5490" is the Latitude 5490 of Dell).

Intake, the import, the edit page and the API all store what `Catalogue` returns, then
`remember()` the pairs, so the catalogue grows with use. Free text stays possible: an unknown
make or model is kept as typed, tidied."""

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from .models import DeviceModel, Make

DATA_FILE = Path(__file__).parent / "data" / "makes.json"
COMPANY_WORDS = frozenset(
    {"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc"}
    | {"gmbh", "ag", "sa", "plc", "group", "holdings", "computer", "computers", "electronics"}
    | {"technology", "technologies"}
)
CHINESE_COMPANY_ENDINGS = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")
_WORD = re.compile(r"[^\W_]+")
MAX_LENGTH = 100  # Asset.make and Asset.model


def make_key(text: str) -> str:
    """What two spellings of one make share: "Dell Inc." and "DELL" are both "dell"."""
    words = _WORD.findall(text.casefold())
    while len(words) > 1 and words[-1] in COMPANY_WORDS:
        words.pop()
    key = "".join(words)
    for ending in CHINESE_COMPANY_ENDINGS:
        if key.endswith(ending) and len(key) > len(ending):
            return key[: -len(ending)]
    return key


def model_key(text: str) -> str:
    return "".join(_WORD.findall(text.casefold()))


def _tidy(text: str) -> str:
    return " ".join(str(text).split())[:MAX_LENGTH]


def _without_company_words(name: str) -> str:
    """ "ACME Co., Ltd." → "ACME": the name an unknown make joins the catalogue under."""
    while True:
        name = name.rstrip(" ,.;")
        head, _space, last = name.rpartition(" ")
        if not head or last.casefold().strip(".,") not in COMPANY_WORDS:
            return name
        name = head


@cache
def known_spellings() -> dict[str, str]:
    """Each known spelling's key → the make's name (from data/makes.json)."""
    makes = json.loads(DATA_FILE.read_text(encoding="utf-8"))["makes"]
    return {
        make_key(spelling): row["name"]
        for row in makes
        for spelling in (row["name"], *row["spellings"])
    }


class Catalogue:
    """Looks spellings up once each, so a list of 100,000 rows asks the database once per
    distinct make and model."""

    def __init__(self) -> None:
        self._makes: dict[str, str] = {}
        self._models: dict[tuple[str, str], str] = {}
        # Keys found in the database, so remember() need not write them again.
        self._recorded: set[str | tuple[str, str]] = set()
        self._typed: dict[tuple[str, str], tuple[str, str]] = {}

    def make(self, text: str) -> str:
        text = _tidy(text)
        key = make_key(text)
        if not key:
            return text
        if key in self._makes:
            return self._makes[key]
        if known := known_spellings().get(key):
            self._makes[key] = known
            return known
        recorded = Make.objects.filter(key=key).values_list("name", flat=True).first()
        if recorded is not None:
            self._recorded.add(key)
        self._makes[key] = recorded or _without_company_words(text)
        return self._makes[key]

    def model(self, make: str, text: str) -> str:
        """The model's name within `make` (a name make() gave)."""
        text = _without_make(make, _tidy(text))
        key = (make_key(make), model_key(text))
        if not key[0] or not key[1]:
            return text
        if key not in self._models:
            recorded = (
                DeviceModel.objects.filter(make__key=key[0], key=key[1])
                .values_list("name", flat=True)
                .first()
            )
            if recorded is not None:
                self._recorded.add(key)
            self._models[key] = recorded or text
        return self._models[key]

    def normalise(self, make: str, model: str) -> tuple[str, str]:
        # A register repeats a few spellings thousands of times: each is worked out once.
        typed = (make, model)
        if typed not in self._typed:
            make = self.make(make)
            self._typed[typed] = (make, self.model(make, model))
        return self._typed[typed]

    def unrecorded(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """The (make, model) pairs this catalogue's lookups did not find in the database:
        what remember() has to write. A scan of a model met before writes nothing."""
        return [
            (make, model)
            for make, model in pairs
            if (make_key(make), model_key(model)) not in self._recorded
            and (model_key(model) or make_key(make) not in self._recorded)
        ]


def _without_make(make: str, model: str) -> str:
    first, _space, rest = model.partition(" ")
    if rest and make and make_key(first) == make_key(make):
        return rest
    return model


def normalise(make: str, model: str) -> tuple[str, str]:
    """One device's make and model as the catalogue names them."""
    return Catalogue().normalise(make, model)


def remember(pairs: Iterable[tuple[str, str]]) -> None:
    """Add the (make, model) pairs, as normalise() returned them, that the catalogue lacks."""
    pairs = {(make, model) for make, model in pairs if make_key(make)}
    makes = {make_key(make): make for make, _model in pairs}
    if not makes:
        return
    Make.objects.bulk_create(
        [Make(key=key, name=name) for key, name in makes.items()], ignore_conflicts=True
    )
    ids = dict(Make.objects.filter(key__in=makes).values_list("key", "pk"))
    DeviceModel.objects.bulk_create(
        [
            DeviceModel(make_id=ids[make_key(make)], key=model_key(model), name=model)
            for make, model in pairs
            if model_key(model)
        ],
        ignore_conflicts=True,
    )


def known_makes(limit: int = 500) -> list[str]:
    """For the make field's suggestions: the catalogue's makes and the ones we know of."""
    learned = Make.objects.order_by("name").values_list("name", flat=True)[:limit]
    return sorted({*known_spellings().values(), *learned}, key=str.casefold)[:limit]


def known_models(limit: int = 1000) -> list[tuple[str, str]]:
    """For the model field's suggestions: (model, make), by make."""
    return list(
        DeviceModel.objects.order_by("make__name", "name").values_list("name", "make__name")[:limit]
    )
