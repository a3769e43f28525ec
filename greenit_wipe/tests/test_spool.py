"""Results reach the server exactly once: spooled while it is down, delivered afterwards,
a retry after a lost answer recognised as a duplicate, a rejection kept for the operator."""

import json
import threading

import pytest

from greenit_wipe import cli, safety
from greenit_wipe.client import Client, Rejected, Transient
from greenit_wipe.spool import Spool

from .helpers import FakeServer, closed_port, make_target, read

TOKEN = "gi_test"


def record(n: int) -> dict:
    return {"record_id": f"00000000-0000-4000-8000-{n:012d}", "asset_tag": f"GI-{n}"}


def wipe(tmp_path, server_url, name="disk.img", spool="spool"):
    target = make_target(tmp_path / name, 1 << 20)
    out = []
    code = cli.main(
        ["--server", server_url, "--token", TOKEN, "--spool", str(tmp_path / spool),
         "--station", "station-1", "wipe", target, "--asset-tag", "GI-000001-K",
         "--confirm-serial", name, "--verify", "full"],
        context=safety.Context(), out=out.append,
    )  # fmt: skip
    return code, "\n".join(out), target


def test_spools_while_the_server_is_down_and_delivers_exactly_once_afterwards(tmp_path):
    down = f"http://127.0.0.1:{closed_port()}"
    code, out, target = wipe(tmp_path, down)

    # The wipe itself passed; its record waits in the spool.
    assert code == cli.EXIT_OK and "PASSED" in out and "server unreachable" in out
    assert read(target) == bytes(1 << 20)
    spool = Spool(str(tmp_path / "spool"))
    [waiting] = spool.pending()
    rec = json.loads(open(waiting).read())
    assert rec["result"] == "passed" and rec["verification_result"] == "passed"

    with FakeServer(TOKEN) as server:
        assert cli.main(["--server", server.url, "--token", TOKEN, "--spool",
                         str(tmp_path / "spool"), "flush"], out=lambda *_: None) == 0  # fmt: skip
        # a second flush (and a third) finds nothing left to send
        assert cli.main(["--server", server.url, "--token", TOKEN, "--spool",
                         str(tmp_path / "spool"), "flush"], out=lambda *_: None) == 0  # fmt: skip
        Spool(str(tmp_path / "spool")).flush(Client(server.url, TOKEN))

    assert len(server.requests) == 1
    path, auth, body = server.requests[0]
    assert path == "/api/sanitization/records" and auth == f"Bearer {TOKEN}"
    assert body == rec and list(server.records) == [rec["record_id"]]
    assert spool.pending() == []


def test_the_record_has_the_agreed_shape(tmp_path):
    with FakeServer(TOKEN) as server:
        code, out, _ = wipe(tmp_path, server.url)
    assert code == 0 and "sent record" in out
    [(_, _, rec)] = server.requests
    assert set(rec) == {
        "record_id", "asset_tag", "medium", "nist_category", "technique", "pattern", "passes",
        "tool", "tool_version", "started_at", "ended_at", "bytes_written", "verification",
        "verification_result", "result", "errors", "hpa_dco", "commands", "station",
    }  # fmt: skip
    assert rec["medium"] == {
        "serial": "disk.img",
        "model": "file target",
        "manufacturer": "",
        "media_type": "hdd",
        "interface": "file",
        "capacity_bytes": 1 << 20,
    }
    assert (rec["nist_category"], rec["technique"], rec["pattern"], rec["passes"]) == (
        "clear",
        "overwrite",
        "zeros",
        1,
    )
    assert rec["bytes_written"] == 1 << 20 and rec["tool"] == "greenit-wipe"
    assert rec["started_at"].endswith("Z") and rec["station"] == "station-1"
    assert rec["commands"][0].startswith("overwrite ")


def test_a_lost_answer_is_retried_and_recognised_as_a_duplicate(tmp_path):
    spool = Spool(str(tmp_path))
    spool.save(record(1))
    spool.save(record(2))
    with FakeServer(TOKEN) as server:
        server.drop_replies = 1  # stores record 1, then hangs up before answering
        client = Client(server.url, TOKEN, timeout=5)

        first = spool.flush(client)
        assert first.error and first.delivered == [] and first.pending == 2

        second = spool.flush(client)

    assert second.duplicates == [record(1)["record_id"]]
    assert second.delivered == [record(2)["record_id"]]
    assert second.pending == 0
    assert [b["record_id"] for _, _, b in server.requests] == [
        record(1)["record_id"],
        record(1)["record_id"],
        record(2)["record_id"],
    ]
    assert len(server.records) == 2  # stored once each


def test_a_rejected_record_is_kept_aside_with_the_servers_reason(tmp_path):
    spool = Spool(str(tmp_path))
    spool.save(record(1))
    with FakeServer(TOKEN) as server:
        server.reject = True
        out = []
        code = cli.main(["--server", server.url, "--token", TOKEN, "--spool", str(tmp_path),
                         "flush"], out=out.append)  # fmt: skip
        assert code == cli.EXIT_FAILED
        assert any("REJECTED" in line and "asset_tag" in line for line in out)
        # never retried silently
        spool.flush(Client(server.url, TOKEN))
    assert len(server.requests) == 1
    assert spool.pending() == [] and len(spool.rejected()) == 1
    reason = json.loads(open(spool.rejected()[0] + ".reason").read())
    assert reason["status"] == 422
    status = []
    cli.main(["--spool", str(tmp_path), "status"], out=status.append)
    assert "1 record(s) rejected" in "\n".join(status)


def test_a_wrong_token_is_a_rejection(tmp_path):
    with FakeServer(TOKEN) as server, pytest.raises(Rejected) as exc:
        Client(server.url, "gi_wrong").send(record(1))
    assert exc.value.status == 401


def test_server_errors_are_transient(tmp_path):
    with pytest.raises(Transient):
        Client(f"http://127.0.0.1:{closed_port()}", TOKEN, timeout=2).send(record(1))


def test_records_are_written_before_sending_and_survive_a_crash(tmp_path):
    spool = Spool(str(tmp_path))
    path = spool.save(record(7))
    assert json.loads(open(path).read()) == record(7)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # a new process (new Spool object) sees it
    assert Spool(str(tmp_path)).pending() == [path]


def test_two_agents_flushing_at_once_send_each_record_once(tmp_path):
    spool = Spool(str(tmp_path))
    for n in range(20):
        spool.save(record(n))
    with FakeServer(TOKEN) as server:
        threads = [
            threading.Thread(target=Spool(str(tmp_path)).flush, args=(Client(server.url, TOKEN),))
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(server.requests) == 20 and len(server.records) == 20
    assert spool.pending() == []


def test_without_server_settings_the_record_waits(tmp_path):
    target = make_target(tmp_path / "d.img", 4096)
    out = []
    code = cli.main(
        ["--server", "", "--token", "", "--spool", str(tmp_path / "s"), "wipe", target,
         "--asset-tag", "T", "--confirm-serial", "d.img"],
        context=safety.Context(), out=out.append,
    )  # fmt: skip
    assert code == 0 and "GREENIT_SERVER" in out[-1]
    assert len(Spool(str(tmp_path / "s")).pending()) == 1


def test_a_failed_verification_is_reported_and_recorded_as_failed(tmp_path):
    from .helpers import DroppingIO

    target = make_target(tmp_path / "bad.img", 1 << 20)
    out = []
    with FakeServer(TOKEN) as server:
        code = cli.main(
            ["--server", server.url, "--token", TOKEN, "--spool", str(tmp_path / "s"), "wipe",
             target, "--asset-tag", "GI-9", "--confirm-serial", "bad.img"],
            context=safety.Context(), io=DroppingIO(target, range(777, 778)), out=out.append,
        )  # fmt: skip
    assert code == cli.EXIT_FAILED
    assert any(line.startswith("FAILED") for line in out)
    [(_, _, rec)] = server.requests
    assert (rec["result"], rec["verification_result"]) == ("failed", "failed")
    assert "1 byte(s) differ after overwrite, first at 777" in rec["errors"]
