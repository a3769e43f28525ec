"""End to end: the agent wipes a file target and its record reaches the real greenit API
(POST /api/sanitization/records) with a technician's token, exactly once."""

import json

import pytest

from greenit.accounts.models import ApiToken
from greenit.sanitization.models import SanitizationRecord
from greenit_wipe import cli, safety
from greenit_wipe.spool import Spool

from .helpers import closed_port, make_target, read

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_agent_records_a_wipe_on_the_real_server_exactly_once(
    live_server, make_asset, donation, alice, tmp_path
):
    laptop = make_asset(donation, serial="LP-E2E-1")
    _token, key = ApiToken.issue(user=alice, name="wipe station 1")
    target = make_target(tmp_path / "WD-E2E-42", 1 << 20)
    spool_dir = str(tmp_path / "spool")
    common = ["--token", key, "--spool", spool_dir, "--station", "station-1"]

    # The server is down: the wipe passes and its record waits.
    out = []
    code = cli.main(
        ["--server", f"http://127.0.0.1:{closed_port()}", *common, "wipe", target,
         "--asset-tag", laptop.tag, "--confirm-serial", "WD-E2E-42"],
        context=safety.Context(), out=out.append,
    )  # fmt: skip
    assert code == cli.EXIT_OK and read(target) == bytes(1 << 20)
    [waiting] = Spool(spool_dir).pending()
    with open(waiting) as f:
        sent = json.load(f)
    assert not SanitizationRecord.objects.exists()

    # The server is back: delivered once; flushing again sends nothing.
    assert cli.main(["--server", live_server.url, *common, "flush"], out=out.append) == 0
    assert cli.main(["--server", live_server.url, *common, "flush"], out=out.append) == 0
    # A retry of the same record (as after a lost answer) is recognised as a duplicate.
    Spool(spool_dir).save(sent)
    assert cli.main(["--server", live_server.url, *common, "flush"], out=out.append) == 0
    assert any("already on the server" in line for line in out)

    [stored] = SanitizationRecord.objects.all()
    assert str(stored.record_id) == sent["record_id"]
    assert (stored.result, stored.verification_result, stored.technique) == (
        "passed",
        "passed",
        "overwrite",
    )
    assert stored.medium.serial == "WD-E2E-42" and stored.medium.asset_id == laptop.pk
    assert stored.operator == alice and stored.bytes_written == 1 << 20


def test_a_record_for_an_unknown_device_is_rejected_and_kept(live_server, alice, tmp_path):
    _token, key = ApiToken.issue(user=alice, name="wipe station 2")
    target = make_target(tmp_path / "SN-1", 4096)
    out = []
    code = cli.main(
        ["--server", live_server.url, "--token", key, "--spool", str(tmp_path / "s"), "wipe",
         target, "--asset-tag", "GI-999999-X", "--confirm-serial", "SN-1"],
        context=safety.Context(), out=out.append,
    )  # fmt: skip
    assert code == cli.EXIT_OK  # the wipe itself passed
    assert any("REJECTED by the server" in line for line in out)
    assert len(Spool(str(tmp_path / "s")).rejected()) == 1
    assert not SanitizationRecord.objects.exists()
