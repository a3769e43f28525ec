from pathlib import Path

import pytest

from greenit.accounts.models import ApiToken, TokenScope

# The shared real samples (not copied into the project: see their README.md).
FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures"
WB_SCRIPT = FIXTURES / "ereuse" / "workbench-script-snapshot.json"
WB_11 = FIXTURES / "ereuse" / "workbench-11-snapshot-hp-probook-450.json"
NWIPE_LOG = FIXTURES / "nwipe" / "nwipe-0.33-two-drives-random-verify-all.log"


def sample(path: Path) -> bytes:
    if not path.exists():
        pytest.skip(f"shared sample {path} is not here")
    return path.read_bytes()


@pytest.fixture
def station(alice) -> dict:
    """A wipe station's credentials: alice's token with the wipe_station scope."""
    key = ApiToken.issue(user=alice, name="station", scope=TokenScope.WIPE_STATION)[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def post_json(client, station):
    def post(path: str, raw: bytes, **query):
        suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
        return client.post(
            f"/api/evidence/{path}{suffix}", raw, content_type="application/json", **station
        )

    return post


@pytest.fixture
def post_file(client, station):
    def post(raw: bytes, *, name: str = "nwipe.log", tag: str = ""):
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {"file": SimpleUploadedFile(name, raw, content_type="text/plain")}
        if tag:
            data["tag"] = tag
        return client.post("/api/evidence/reports", data, **station)

    return post
