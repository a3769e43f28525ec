"""`greenit serve` warms the master before it forks (preload): every view imported, both
catalogues read and every template of ours compiled, so no worker starts cold."""

import sys
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.utils import translation
from django.utils.translation import trans_real

from greenit.core.management.commands.serve import warm


def test_warming_compiles_every_template_of_ours_and_reads_both_catalogues(monkeypatch):
    engine = engines["django"].engine
    loader = engine.template_loaders[0]
    loader.reset()
    monkeypatch.setattr(trans_real, "_translations", {})

    warm()

    ours = {
        path.relative_to(folder).as_posix()
        for folder in map(Path, engines["django"].template_dirs)
        if folder.is_relative_to(settings.BASE_DIR)
        for path in folder.rglob("*.html")
    }
    compiled = {key.split("-")[0] for key in loader.get_template_cache}
    assert len(ours) > 100
    assert ours <= compiled, sorted(ours - compiled)[:5]
    assert {code for code, _ in settings.LANGUAGES} <= set(trans_real._translations)
    assert "greenit.volunteers.views" in sys.modules  # the views, through the URL patterns
    translation.activate(settings.LANGUAGE_CODE)
