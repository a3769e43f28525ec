"""The English words of data/factors.json (WARM material names, sources, notes and reasons)
in the translation catalogue, so that Chinese pages show them in Chinese.

The data file stays in English, as its sources write it; pages pass each text through
`translated()`. A text an administrator types in an override has no translation and shows
as typed (marked as English by the templates' `lang_span`). impact/tests/test_factor_texts.py
fails when the file has a text that is not listed here."""

from django.utils.translation import gettext, gettext_noop

TEXTS = (
    # WARM materials
    gettext_noop("Desktop CPUs"),
    gettext_noop("Portable Electronic Devices"),
    gettext_noop("Flat-panel Displays"),
    gettext_noop("CRT Displays"),
    gettext_noop("Electronic Peripherals"),
    gettext_noop("Hard-copy Devices"),
    gettext_noop("Mixed Electronics"),
    # sources
    gettext_noop(
        "Boavizta, environmental-footprint-data (github.com/Boavizta/environmental-footprint-data),"
        " boavizta-data-us.csv, Feb 2023: medians of manufacturers' product carbon footprint"
        " sheets"
    ),
    gettext_noop(
        "UN University e-waste key weights 2019 (github.com/Statistics-Netherlands/ewaste),"
        " data/htbl_Key_Weight.csv"
    ),
    gettext_noop(
        "US EPA WARM v15 net emission factors, computed from EPA's WARM v15 openLCA matrices"
        " (github.com/USEPA/WARMer, warmer/data/WARMv15_olca_mtcs/); WARM v16 (Dec 2023)"
        " revised Mixed Electronics only"
    ),
    # notes and reasons of the figures
    gettext_noop("Boavizta median"),
    gettext_noop("Boavizta median (smartphone)"),
    gettext_noop("Boavizta median, n=157"),
    gettext_noop("Boavizta median, n=187"),
    gettext_noop("Boavizta median, n=22"),
    gettext_noop("Boavizta median, n=226"),
    gettext_noop("Boavizta median, n=48"),
    gettext_noop("Boavizta median, n=50"),
    gettext_noop("UNU 2019"),
    gettext_noop("UNU 2019 desktop without monitor (Boavizta median 5.26)"),
    gettext_noop("UNU 2019 keyboard / mouse / router"),
    gettext_noop("UNU 2019 printer / MFD"),
    gettext_noop("not found"),
    gettext_noop("not found (CRTs are no longer made, so no manufacturer sheets exist)"),
    gettext_noop("not found for loose drives"),
    gettext_noop("not found in Boavizta"),
    gettext_noop("not found in UNU 2019 key weights or Boavizta"),
    gettext_noop("not found in the sources used"),
    gettext_noop("not found: cables are weighed (collection boxes, batches), not counted"),
    gettext_noop(
        "proxy: the desktop figure (no all-in-one figure found); understates, since an"
        " all-in-one includes a screen"
    ),
    gettext_noop("proxy: the desktop median (n=157); conservative, the screen is not counted"),
    gettext_noop("refused category"),
    gettext_noop("refused category: never received, so never counted"),
    gettext_noop("unknown mix of devices"),
)


def translated(text: str) -> str:
    """The text in the active language when the catalogue has it, as written otherwise."""
    return gettext(text) if text else text


def file_texts(data: dict) -> set[str]:
    """Every text of a factor set that pages show: material names, sources, notes, reasons."""
    texts = {m["name"] for m in data["warm_materials"].values()}
    texts |= set(data.get("sources", {}).values())
    for entry in data["categories"].values():
        for field in ("weight_kg", "manufacturing_kg_co2e"):
            figure = entry.get(field) or {}
            texts |= {figure[key] for key in ("note", "reason") if figure.get(key)}
    return texts
