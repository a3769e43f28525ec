"""Purge through the drive's firmware: capabilities parsed from `hdparm -I` and
`nvme id-ctrl`, and the exact argv lists, checked without running anything."""

import json
import os

import pytest

from greenit_wipe import cli, methods, safety
from greenit_wipe.drives import Drive
from greenit_wipe.methods import Completed, Unsupported

HDPARM_I = """
/dev/sdb:

ATA device, with non-removable media
\tModel Number:       Samsung SSD 860 EVO 250GB
\tSerial Number:      S3YJNB0K123456A
Commands/features:
\tEnabled\tSupported:
\t   *\tSMART feature set
\t    \tSecurity Mode feature set
\t   *\tSANITIZE feature set
\t   *\tCRYPTO_SCRAMBLE_EXT command
\t   *\tBLOCK_ERASE_EXT command
Security:
\tMaster password revision code = 65534
\t\tsupported
\tnot\tenabled
\tnot\tlocked
\tnot\tfrozen
\tnot\texpired: security count
\t\tsupported: enhanced erase
\t2min for SECURITY ERASE UNIT. 8min for ENHANCED SECURITY ERASE UNIT.
Logical Unit WWN Device Identifier: 5002538e40000000
Checksum: correct
"""
HDPARM_I_FROZEN = HDPARM_I.replace("\tnot\tfrozen", "\t\tfrozen")
HDPARM_I_OLD_HDD = """
Commands/features:
\tEnabled\tSupported:
\t   *\tSMART feature set
Security:
\t\tsupported
\tnot\tenabled
\tnot\tlocked
\tnot\tfrozen
\tnot\tsupported: enhanced erase
Checksum: correct
"""
NVME_ID_CTRL = """NVME Identify Controller:
vid       : 0x144d
sn        : S4ENNX0N000001
mn        : SAMSUNG MZVLB512HBJQ-000L7
oacs      : 0x17
fna       : 0x4
sanicap   : 0x3
"""
NVME_ID_CTRL_NO_SANITIZE = NVME_ID_CTRL.replace("sanicap   : 0x3", "sanicap   : 0")

SSD = Drive(path="/dev/sdb", serial="S3YJNB0K123456A", size=250 * 10**9, transport="sata")
HDD = Drive(path="/dev/sdc", serial="WD-1", size=500 * 10**9, transport="sata", rotational=True)
NVME = Drive(path="/dev/nvme0n1", serial="S4ENNX0N000001", size=512 * 10**9, transport="nvme")


def test_hdparm_identify_is_parsed():
    caps = methods.parse_hdparm_identify(HDPARM_I)
    assert caps.security_supported and caps.enhanced_erase
    assert not (caps.frozen or caps.locked or caps.security_enabled)
    assert caps.sanitize and caps.block_erase and caps.crypto_scramble and not caps.overwrite
    assert methods.parse_hdparm_identify(HDPARM_I_FROZEN).frozen
    old = methods.parse_hdparm_identify(HDPARM_I_OLD_HDD)
    assert old.security_supported and not old.enhanced_erase and not old.sanitize


def test_nvme_id_ctrl_is_parsed():
    caps = methods.parse_nvme_id_ctrl(NVME_ID_CTRL)
    assert caps.format_supported and caps.crypto_erase_format
    assert caps.sanitize_crypto and caps.sanitize_block and not caps.sanitize_overwrite


def argv(plan):
    return plan.commands


def test_ata_secure_erase_commands():
    plan = methods.plan_purge(SSD, "purge-ata", HDPARM_I)
    assert argv(plan) == [
        ["hdparm", "--user-master", "u", "--security-set-pass", "greenit", "/dev/sdb"],
        ["hdparm", "--user-master", "u", "--security-erase-enhanced", "greenit", "/dev/sdb"],
    ]
    # On flash, Secure Erase only counts as Clear (NIST SP 800-88); on a hard disk, Purge.
    assert (plan.technique, plan.nist_category) == ("ata_secure_erase_enhanced", "clear")
    plan = methods.plan_purge(HDD, "purge-ata", HDPARM_I_OLD_HDD)
    assert argv(plan)[1] == ["hdparm", "--user-master", "u", "--security-erase", "greenit",
                             "/dev/sdc"]  # fmt: skip
    assert (plan.technique, plan.nist_category) == ("ata_secure_erase", "purge")


def test_ata_secure_erase_refuses_a_frozen_drive():
    with pytest.raises(Unsupported, match="frozen"):
        methods.plan_purge(SSD, "purge-ata", HDPARM_I_FROZEN)


def test_ata_sanitize_commands():
    yes = "--yes-i-know-what-i-am-doing"
    plan = methods.plan_purge(SSD, "purge-ata-sanitize", HDPARM_I)
    assert argv(plan) == [["hdparm", yes, "--sanitize-block-erase", "/dev/sdb"]]
    assert (plan.technique, plan.nist_category) == ("ata_sanitize_block_erase", "purge")
    assert plan.status == ["hdparm", "--sanitize-status", "/dev/sdb"]
    plan = methods.plan_purge(SSD, "purge-ata-sanitize", HDPARM_I, "crypto")
    assert argv(plan) == [["hdparm", yes, "--sanitize-crypto-scramble", "/dev/sdb"]]
    assert plan.technique == "ata_sanitize_crypto_scramble"
    with_overwrite = HDPARM_I + "\t   *\tOVERWRITE_EXT command\n"
    plan = methods.plan_purge(HDD, "purge-ata-sanitize", with_overwrite)
    assert argv(plan) == [
        ["hdparm", yes, "--sanitize-overwrite-passes", "1", "--sanitize-overwrite",
         "hex:00000000", "/dev/sdc"]
    ]  # fmt: skip
    assert plan.technique == "ata_sanitize_overwrite"
    with pytest.raises(Unsupported, match="SANITIZE"):
        methods.plan_purge(HDD, "purge-ata-sanitize", HDPARM_I_OLD_HDD)


def test_nvme_commands():
    plan = methods.plan_purge(NVME, "purge-nvme-sanitize", NVME_ID_CTRL)
    assert argv(plan) == [["nvme", "sanitize", "/dev/nvme0", "-a", "2"]]
    assert (plan.technique, plan.nist_category) == ("nvme_sanitize_block_erase", "purge")
    assert plan.status == ["nvme", "sanitize-log", "/dev/nvme0", "-o", "json"]
    plan = methods.plan_purge(NVME, "purge-nvme-sanitize", NVME_ID_CTRL, "crypto")
    assert argv(plan) == [["nvme", "sanitize", "/dev/nvme0", "-a", "4"]]
    with pytest.raises(Unsupported, match="overwrite"):
        methods.plan_purge(NVME, "purge-nvme-sanitize", NVME_ID_CTRL, "overwrite")
    plan = methods.plan_purge(NVME, "purge-nvme-format", NVME_ID_CTRL)
    assert argv(plan) == [["nvme", "format", "/dev/nvme0n1", "--ses=1"]]
    assert plan.technique == "nvme_format_user_data"
    plan = methods.plan_purge(NVME, "purge-nvme-format", NVME_ID_CTRL, "crypto")
    assert argv(plan) == [["nvme", "format", "/dev/nvme0n1", "--ses=2"]]
    assert plan.technique == "nvme_format_crypto"
    # crypto-erase: Sanitize when the controller can, else Format with Crypto Erase
    plan = methods.plan_purge(NVME, "crypto-erase", NVME_ID_CTRL)
    assert argv(plan) == [["nvme", "sanitize", "/dev/nvme0", "-a", "4"]]
    plan = methods.plan_purge(NVME, "crypto-erase", NVME_ID_CTRL_NO_SANITIZE)
    assert argv(plan) == [["nvme", "format", "/dev/nvme0n1", "--ses=2"]]
    with pytest.raises(Unsupported, match="not an NVMe"):
        methods.plan_purge(SSD, "purge-nvme-sanitize", NVME_ID_CTRL)


class FakeRunner(methods.Runner):
    """Answers from a script instead of running anything; logs like the real runner."""

    fake = True

    def __init__(self, answers: dict[str, list], *, dry_run=False):
        super().__init__(dry_run=dry_run)
        self.answers = {k: list(v) for k, v in answers.items()}
        self.calls: list[list[str]] = []

    def run(self, argv, *, destructive=False, timeout=None):
        self.calls.append(argv)
        return super().run(argv, destructive=destructive, timeout=timeout)

    def execute(self, argv, *, timeout=None):
        key = " ".join(argv[:2])
        queue = self.answers.get(key, [""])
        out = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(out, Completed):
            return out
        return Completed(argv, 0, out)


def test_background_sanitize_is_polled_until_done():
    log = [json.dumps({"nvme0": {"sstat": 0}}), json.dumps({"nvme0": {"sstat": 2}}),
           json.dumps({"nvme0": {"sstat": 0x101, "cdw10_info": 2}})]  # fmt: skip
    runner = FakeRunner({"nvme sanitize-log": log})
    plan = methods.plan_purge(NVME, "purge-nvme-sanitize", NVME_ID_CTRL)

    outcome = methods.run_purge(plan, runner, sleep=lambda s: None)

    assert outcome.ok
    assert runner.calls == [
        ["nvme", "sanitize-log", "/dev/nvme0", "-o", "json"],  # the log before
        ["nvme", "sanitize", "/dev/nvme0", "-a", "2"],
        ["nvme", "sanitize-log", "/dev/nvme0", "-o", "json"],
        ["nvme", "sanitize-log", "/dev/nvme0", "-o", "json"],
    ]
    status = "Sanitize status:\n State: SD0 Idle\n Last Sanitize Operation failed"
    failed = FakeRunner({"hdparm --sanitize-status": [status]})
    outcome = methods.run_purge(methods.plan_purge(SSD, "purge-ata-sanitize", HDPARM_I), failed)
    assert not outcome.ok and "did not complete" in outcome.errors[0]


def _purge_cli(tmp_path, runner, *extra):
    out = []
    code = cli.main(
        ["--spool", str(tmp_path), "--station", "bench-1", "wipe", "/dev/sdb",
         "--asset-tag", "GI-000042-X", "--confirm-serial", "S3YJNB0K123456A",
         "--method", "purge-ata-sanitize", *extra],
        drives=[SSD], context=safety.Context(), runner=runner, out=out.append,
    )  # fmt: skip
    return code, out


def test_dry_run_logs_the_exact_commands_and_runs_nothing_destructive(tmp_path):
    runner = FakeRunner({"hdparm -I": [HDPARM_I]})

    code, out = _purge_cli(tmp_path, runner, "--dry-run")

    assert code == cli.EXIT_OK
    assert runner.calls == [
        ["hdparm", "-I", "/dev/sdb"],  # reads identify data and the HPA
        ["hdparm", "-N", "/dev/sdb"],
        ["hdparm", "--yes-i-know-what-i-am-doing", "--sanitize-block-erase", "/dev/sdb"],
    ]
    assert (
        "  $ (dry run) hdparm --yes-i-know-what-i-am-doing --sanitize-block-erase /dev/sdb" in out
    )
    assert runner.log[-1].startswith("(dry run)")  # logged, not run
    assert [n for n in (tmp_path).iterdir() if n.suffix == ".json"] == []


def test_purge_writes_a_record_with_every_command(tmp_path, monkeypatch):
    runner = FakeRunner(
        {
            "hdparm -I": [HDPARM_I],
            "hdparm --sanitize-status": [
                "State: SD2 Sanitize operation In Process\n",
                "State: SD0 Sanitize Idle\nLast Sanitize Operation Completed Without Error\n",
            ],
            "hdparm -N": [" max sectors   = 488397168/488397168, HPA is disabled\n"],
        }
    )
    monkeypatch.setattr(methods.time, "sleep", lambda s: None)
    # The sample reads go to the drive itself (here /dev/sdb, which this machine lacks).
    monkeypatch.setattr(methods, "purge_samples", lambda path, size: [(0, 4096, b"old")])
    monkeypatch.setattr(
        methods, "verify_purge", lambda path, samples: methods.PurgeVerification(4096)
    )

    code, out = _purge_cli(tmp_path, runner)

    assert code == cli.EXIT_OK
    [path] = [p for p in tmp_path.iterdir() if p.suffix == ".json"]
    rec = json.loads(path.read_text())
    assert rec["technique"] == "ata_sanitize_block_erase" and rec["nist_category"] == "purge"
    assert rec["result"] == "passed" and rec["hpa_dco"] == "no HPA"
    assert (rec["verification"], rec["verification_result"]) == ("sampled", "passed")
    commands = [line for line in rec["commands"] if not line.startswith("  -> ")]
    assert commands == [
        "hdparm -I /dev/sdb",
        "hdparm -N /dev/sdb",
        "hdparm --yes-i-know-what-i-am-doing --sanitize-block-erase /dev/sdb",
        "hdparm --sanitize-status /dev/sdb",
        "hdparm --sanitize-status /dev/sdb",
    ]
    # every command is followed by its answer
    assert len(rec["commands"]) == 2 * len(commands)
    assert rec["commands"][-1].startswith("  -> exit 0\n")
    assert "Completed Without Error" in rec["commands"][-1]
    assert rec["medium"]["media_type"] == "sata_ssd" and rec["station"] == "bench-1"


def test_hpa_is_reported():
    assert methods.parse_hpa(" max sectors   = 976771055/976773168, HPA is enabled") == (
        "HPA present: 976771055 of 976773168 sectors visible"
    )
    assert methods.parse_hpa("garbage") == "not checked"


def test_overwrite_is_refused_while_an_hpa_hides_sectors(tmp_path):
    runner = FakeRunner({"hdparm -N": [" max sectors = 976771055/976773168, HPA is enabled"]})
    hdd = Drive(path="/dev/sdc", serial="WD-1", size=4096, transport="sata", rotational=True)
    out = []
    code = cli.main(
        ["--spool", str(tmp_path), "wipe", "/dev/sdc", "--asset-tag", "T",
         "--confirm-serial", "WD-1"],
        drives=[hdd], context=safety.Context(), runner=runner, out=out.append,
    )  # fmt: skip
    assert code == cli.EXIT_REFUSED and "HPA present" in out[1]
    assert runner.calls == [["hdparm", "-N", "/dev/sdc"]]


# --- verifying a firmware Purge: sample before, compare after --------------------------------


def _drive_file(tmp_path, content: bytes):
    target = tmp_path / "drive.img"
    target.write_bytes(content)
    return str(target)


def test_a_purge_that_changed_every_sample_verifies(tmp_path):
    size = 2 * 1024 * 1024
    path = _drive_file(tmp_path, os.urandom(size))
    samples = methods.purge_samples(path, size)
    assert sum(length for _offset, length, _digest in samples) >= size // 10
    with open(path, "r+b") as f:  # the drive's crypto erase: new random content
        f.write(os.urandom(size))
    check = methods.verify_purge(path, samples)
    assert check.result == "passed" and check.bytes_verified >= size // 10


def test_a_blank_drive_after_block_erase_verifies(tmp_path):
    size = 1024 * 1024
    path = _drive_file(tmp_path, b"\0" * size)  # even where it was blank before
    samples = methods.purge_samples(path, size)
    with open(path, "r+b") as f:
        f.write(b"\xff" * size)
    assert methods.verify_purge(path, samples).result == "passed"


def test_old_data_that_survived_a_purge_fails_the_verification(tmp_path):
    size = 1024 * 1024
    old = os.urandom(size)
    path = _drive_file(tmp_path, old)
    samples = methods.purge_samples(path, size)
    survivor_offset, survivor_length, _digest = samples[len(samples) // 2]
    erased = bytearray(size)  # block erase reads back zeros, except one region it missed
    erased[survivor_offset : survivor_offset + survivor_length] = old[
        survivor_offset : survivor_offset + survivor_length
    ]
    with open(path, "r+b") as f:
        f.write(erased)
    check = methods.verify_purge(path, samples)
    assert check.result == "failed"
    assert check.survived == [survivor_offset]
