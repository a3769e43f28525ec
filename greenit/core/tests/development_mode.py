"""A pytest plugin (pyproject.toml: `-p greenit.core.tests.development_mode`), loaded before
pytest-django reads greenit.settings: the suite starts in development mode, as `make run`
does, so it needs no SECRET_KEY and no mail server. DEBUG=false in the environment still wins.
(Django runs each test with DEBUG off whatever this says.)

Under pytest-xdist each worker gets its own Redis database: the tests clear the cache around
each test, and one worker's clear must not wipe the counters of another worker's rate-limit
test. Worker gwN uses the database REDIS_URL names minus N (CI's /15 gives 15, 14, ...)."""

import os
import re

os.environ.setdefault("DEBUG", "true")


def _own_redis_database(url: str, worker: str) -> str:
    index = int(worker.removeprefix("gw") or 0)
    match = re.match(r"^(redis://[^/]+)(?:/(\d+))?$", url)
    if not match:
        return url
    base = int(match.group(2) or 0)
    if index > base:
        raise RuntimeError(
            f"REDIS_URL={url} leaves no Redis database for xdist worker {worker}: name a higher "
            "database number (e.g. /15) or run fewer workers."
        )
    return f"{match.group(1)}/{base - index}"


if (worker := os.environ.get("PYTEST_XDIST_WORKER")) and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _own_redis_database(os.environ["REDIS_URL"], worker)
