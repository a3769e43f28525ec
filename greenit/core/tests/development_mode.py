"""A pytest plugin (pyproject.toml: `-p greenit.core.tests.development_mode`), loaded before
pytest-django reads greenit.settings: the suite starts in development mode, as `make run`
does, so it needs no SECRET_KEY and no mail server. DEBUG=false in the environment still wins.
(Django runs each test with DEBUG off whatever this says.)"""

import os

os.environ.setdefault("DEBUG", "true")
