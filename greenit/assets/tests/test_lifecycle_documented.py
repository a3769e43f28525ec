from pathlib import Path

from django.utils import translation

from greenit.assets.lifecycle import transition_table

DOC = Path(__file__).resolve().parents[3] / "docs" / "lifecycle.md"


def test_the_transition_table_in_the_docs_matches_the_code():
    with translation.override("en"):
        table = transition_table()
    assert table in DOC.read_text(encoding="utf-8"), (
        "docs/lifecycle.md is out of date: paste lifecycle.transition_table() into it"
    )
