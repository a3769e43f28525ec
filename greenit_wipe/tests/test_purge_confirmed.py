"""A firmware Purge is confirmed from the drive, never assumed: NVMe Sanitize by polling the
Sanitize Status log page (81h) until it reports *our* sanitize done; ATA Security Erase by
reading the security state back. A frozen drive gets a sleep/wake cycle; USB bridges are
refused. Every command and its answer goes into the record.

The canned answers are what the tools print: nvme-cli 2.x `sanitize-log -o json` (an object
per controller, SSTAT as an object whose "status" starts with the 3-bit code in brackets,
SPROG as a numerator of 65536, SCDW10 as "cdw10_info", 0xFFFFFFFF for "no estimate"), and
hdparm's `--sanitize-status`, `-I` and security commands."""

import json

import pytest

from greenit_wipe import cli, methods, safety
from greenit_wipe.drives import Drive
from greenit_wipe.methods import Completed, Unsupported

from .test_purge import HDPARM_I, HDPARM_I_FROZEN, NVME, NVME_ID_CTRL, SSD, FakeRunner

STATUS = {
    0: "(0) The NVM subsystem has never been sanitized.",
    1: "(1) The most recent sanitize operation completed successfully.",
    2: "(2) A sanitize operation is currently in progress.",
    3: "(3) The most recent sanitize operation failed.",
}


def sanitize_log(status: int, *, sprog=65535, cdw10=2, erased=0, block_estimate=0xFFFFFFFF):
    return json.dumps(
        {
            "nvme0": {
                "sprog": sprog,
                "sstat": {
                    "global_erased": erased,
                    "no_cmplted_passes": 0,
                    "status": STATUS[status],
                },
                "cdw10_info": cdw10,
                "time_over_write": 0xFFFFFFFF,
                "time_block_erase": block_estimate,
                "time_crypto_erase": 0xFFFFFFFF,
                "time_over_write_no_dealloc": 0xFFFFFFFF,
                "time_block_erase_no_dealloc": 0xFFFFFFFF,
                "time_crypto_erase_no_dealloc": 0xFFFFFFFF,
            }
        },
        indent=2,
    )


def _nvme(log: list[str], **kwargs):
    runner = FakeRunner({"nvme sanitize-log": log})
    plan = methods.plan_purge(NVME, "purge-nvme-sanitize", NVME_ID_CTRL)  # block erase: 2
    return runner, methods.run_purge(plan, runner, sleep=lambda s: None, **kwargs)


def test_the_sanitize_log_of_nvme_cli_is_read():
    log = methods.parse_sanitize_log(sanitize_log(2, sprog=32768, block_estimate=120))
    assert (log.status, log.sanact, log.percent, log.estimates) == (2, 2, 50.0, {2: 120})
    assert methods.parse_sanitize_log(sanitize_log(1, erased=1)).global_erased
    # older nvme-cli: SSTAT as a plain number at the top level
    old = methods.parse_sanitize_log(json.dumps({"sprog": 65535, "sstat": 0x101, "cdw10_info": 4}))
    assert (old.status, old.global_erased, old.sanact) == (1, True, 4)


def test_nvme_sanitize_is_done_only_when_the_log_says_ours_completed():
    runner, outcome = _nvme(
        [
            sanitize_log(0),
            sanitize_log(2, sprog=100),
            sanitize_log(2, sprog=40000),
            sanitize_log(1, erased=1),
        ]  # fmt: skip
    )
    assert outcome.ok, outcome.errors
    assert [c[1] for c in runner.calls] == ["sanitize-log", "sanitize", *["sanitize-log"] * 3]
    # the record holds each command and the drive's answer, progress included
    assert any('"sprog": 40000' in line for line in outcome.commands)
    assert any("completed successfully" in line for line in outcome.commands)


@pytest.mark.parametrize(
    "final, why",
    [
        (sanitize_log(3), "failed"),
        (sanitize_log(0), "never sanitized"),
        (sanitize_log(1, cdw10=4), "not the 2 we started"),  # a crypto erase of before
        ("Error: NVMe status: INVALID_LOG_PAGE(0x2109)", "cannot be read"),
        (json.dumps({"nvme0": {}}), "cannot be read"),
    ],
)
def test_nvme_sanitize_that_did_not_complete_fails(final, why):
    _runner, outcome = _nvme([sanitize_log(0), sanitize_log(2), final])
    assert not outcome.ok
    assert why in outcome.errors[0]


def test_a_sanitize_already_running_is_not_started_again():
    runner, outcome = _nvme([sanitize_log(2, sprog=1000)])
    assert not outcome.ok and "already running" in outcome.errors[0]
    assert ["nvme", "sanitize", "/dev/nvme0", "-a", "2"] not in runner.calls


def test_polling_gives_up_after_twice_the_drives_own_estimate():
    ticks = iter(range(0, 100_000, 60))
    runner, outcome = _nvme(
        [sanitize_log(0), sanitize_log(2, sprog=10, block_estimate=300)], clock=lambda: next(ticks)
    )
    assert not outcome.ok and "given up" in outcome.errors[0]
    # the same answer again is counted, not repeated in the record
    assert "same answer" in outcome.commands[-1]


def test_ata_sanitize_status_of_hdparm_is_read():
    running = (
        "\n/dev/sdb:\nIssuing SANITIZE_STATUS command\nSanitize status:\n"
        "    State:    SD2 Sanitize operation In Process\n    Progress: 0x41c2 (25%)\n"
    )
    done = (
        "\n/dev/sdb:\nIssuing SANITIZE_STATUS command\nSanitize status:\n"
        "    State:    SD0 Sanitize Idle\n    Last Sanitize Operation Completed Without Error\n"
    )
    frozen = "Sanitize status:\n    State:    SD1 Sanitize Frozen\n"
    assert methods.sanitize_state("ata", running) == "running"
    assert methods.sanitize_state("ata", done) == "done"
    assert methods.sanitize_state("ata", frozen) == "failed"


ERASED = HDPARM_I  # security supported, not enabled, not locked: the password is gone
STILL_SET = HDPARM_I.replace("\tnot\tenabled", "\t\tenabled")


@pytest.mark.parametrize("after, ok", [(ERASED, True), (STILL_SET, False)])
def test_ata_security_erase_is_confirmed_by_reading_the_security_state(after, ok):
    runner = FakeRunner(
        {
            "hdparm --user-master": [
                '\n/dev/sdb:\n Issuing SECURITY_SET_PASS command, password="greenit", '
                "user=user, mode=high\n",
                '\n/dev/sdb:\n Issuing SECURITY_ERASE command, password="greenit", user=user\n',
            ],
            "hdparm -I": [after],
        }
    )
    plan = methods.plan_purge(SSD, "purge-ata", HDPARM_I)
    outcome = methods.run_purge(plan, runner)
    assert outcome.ok is ok
    assert runner.calls[-1] == ["hdparm", "-I", "/dev/sdb"]
    if not ok:
        assert "still reports security enabled" in outcome.errors[0]


def test_a_frozen_drive_gets_a_sleep_wake_cycle():
    runner = FakeRunner(
        {
            "rtcwake -m": [
                "rtcwake: assuming RTC uses UTC ...\n"
                'rtcwake: wakeup from "mem" using /dev/rtc0 at Fri Dec  4 18:50:00 2026\n'
            ],
            "hdparm -I": [HDPARM_I],  # unfrozen after the wake-up
        }
    )
    text = methods.unfreeze(SSD, runner, HDPARM_I_FROZEN)
    assert runner.calls == [methods.SLEEP_WAKE, ["hdparm", "-I", "/dev/sdb"]]
    assert not methods.parse_hdparm_identify(text).frozen
    assert "wakeup from" in runner.log[1]


def test_a_drive_still_frozen_after_the_cycle_is_refused_with_what_to_do():
    runner = FakeRunner({"hdparm -I": [HDPARM_I_FROZEN]})
    text = methods.unfreeze(SSD, runner, HDPARM_I_FROZEN)
    with pytest.raises(Unsupported, match="rtcwake -m mem -s 10.*replug"):
        methods.plan_purge(SSD, "purge-ata", text)


def test_no_sleep_wake_when_asked_not_to_or_in_a_dry_run():
    runner = FakeRunner({})
    assert methods.unfreeze(SSD, runner, HDPARM_I_FROZEN, sleep_wake=False) == HDPARM_I_FROZEN
    assert runner.calls == []
    dry = FakeRunner({}, dry_run=True)
    methods.unfreeze(SSD, dry, HDPARM_I_FROZEN)
    assert dry.log == ["(dry run) rtcwake -m mem -s 10"]


USB = Drive(path="/dev/sdd", serial="WX-USB", size=500 * 10**9, transport="usb", rotational=True)


@pytest.mark.parametrize("method", ["purge-ata", "purge-ata-sanitize"])
def test_ata_commands_through_a_usb_bridge_are_refused(method):
    with pytest.raises(Unsupported, match="USB bridge"):
        methods.plan_purge(USB, method, HDPARM_I)
    runner = FakeRunner({})
    assert methods.unfreeze(USB, runner, HDPARM_I_FROZEN) == HDPARM_I_FROZEN
    assert runner.calls == []  # nor is the station put to sleep for it


def test_the_cli_refuses_a_usb_bridge_before_touching_the_drive(tmp_path):
    runner = FakeRunner({"hdparm -I": [HDPARM_I]})
    out = []
    code = cli.main(
        ["--spool", str(tmp_path), "wipe", "/dev/sdd", "--asset-tag", "GI-000042-X",
         "--confirm-serial", "WX-USB", "--method", "purge-ata"],
        drives=[USB], context=safety.Context(), runner=runner, out=out.append,
    )  # fmt: skip
    assert code == cli.EXIT_UNSUPPORTED
    assert any("USB bridge" in line for line in out)
    assert all(c[:2] == ["hdparm", "-I"] for c in runner.calls)


def test_a_missing_tool_is_an_answer_not_a_crash():
    done = methods.Runner().execute(["greenit-no-such-tool-xyz"])
    assert done.returncode == 127 and "not installed" in done.stderr
    assert "exit 127" in methods.answer_line(Completed(["x"], 127, "", "x: not installed"))
