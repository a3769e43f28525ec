#!/usr/bin/python3
"""The wipe station's start (greenit-station.service; docs/wipe-agent.md, "Wipe station
image").

1. Configuration: /etc/greenit-wipe.conf (baked into the image), then greenit-wipe.conf on
   the shared disk, then the kernel command line (greenit.server=..., greenit.token=...,
   greenit.station=..., greenit.poweroff=1); a later source wins, key by key.
2. The shared disk: a file system labelled GREENIT (a partition of the boot stick, or a
   second stick) is mounted on /run/greenit and holds the spool, so records wiped without
   network survive power-off and can be sent from any other machine. Without it the spool
   is in RAM and the operator is warned.
3. Queued wipes: each line of jobs.txt on the shared disk is a greenit-wipe command line
   (wipe, flush, list, status). The file is renamed before the first runs, so a reboot
   never repeats a wipe; every output goes to log/ on the shared disk.
4. poweroff=1 powers the station off when the queue is done (unattended batches, tests).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time

IMAGE_CONF = "/etc/greenit-wipe.conf"
CMDLINE = "/proc/cmdline"
SHARED_LABEL = "GREENIT"
SHARED_MOUNT = "/run/greenit"
RAM_SPOOL = "/var/spool/greenit-wipe"
ENV_FILE = "/run/greenit-wipe/env"
KEYS = ("server", "token", "station", "poweroff")
JOB_COMMANDS = {"wipe", "flush", "list", "status"}
SERIAL = "/dev/ttyS0"


def say(text: str) -> None:
    """To the journal and the console, and to the serial port (a headless station's log)."""
    print(f"greenit-station: {text}", flush=True)
    try:
        with open(SERIAL, "w") as port:
            port.write(f"greenit-station: {text}\r\n")
    except OSError:
        pass


def parse_conf(text: str) -> dict[str, str]:
    """key=value lines; # comments; surrounding quotes and spaces dropped; unknown keys
    reported (a typo must not silently leave the station unconfigured)."""
    conf = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip().lower()
        if not sep or key not in KEYS:
            say(f"ignored line {number} of the configuration: {raw!r} (keys: {', '.join(KEYS)})")
            continue
        conf[key] = value.strip().strip("'\"")
    return conf


def parse_cmdline(text: str) -> dict[str, str]:
    """greenit.KEY=VALUE words of the kernel command line."""
    conf = {}
    for word in shlex.split(text):
        key, sep, value = word.partition("=")
        if key.startswith("greenit.") and key[len("greenit.") :] in KEYS:
            conf[key[len("greenit.") :]] = value if sep else "1"
    return conf


def read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def mount_shared() -> str | None:
    subprocess.run(["udevadm", "settle", "--timeout=30"], check=False)
    found = subprocess.run(
        ["blkid", "-L", SHARED_LABEL], capture_output=True, text=True, check=False
    )
    device = found.stdout.strip()
    if not device:
        return None
    os.makedirs(SHARED_MOUNT, exist_ok=True)
    done = subprocess.run(["mount", device, SHARED_MOUNT], capture_output=True, text=True)
    if done.returncode:
        say(f"cannot mount the shared disk {device}: {done.stderr.strip()}")
        return None
    say(f"shared disk {device} mounted on {SHARED_MOUNT}")
    return SHARED_MOUNT


def write_env(conf: dict[str, str], spool: str) -> None:
    """For the operator's shell (/etc/profile.d/greenit-wipe.sh) and the queued jobs."""
    os.makedirs(os.path.dirname(ENV_FILE), exist_ok=True)
    values = {
        "GREENIT_SERVER": conf.get("server", ""),
        "GREENIT_TOKEN": conf.get("token", ""),
        "GREENIT_STATION": conf.get("station", ""),
        "GREENIT_SPOOL": spool,
    }
    fd = os.open(ENV_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        for name, value in values.items():
            if value:
                f.write(f"{name}={shlex.quote(value)}\n")
    os.environ.update({k: v for k, v in values.items() if v})


def run_jobs(shared: str) -> None:
    jobs = os.path.join(shared, "jobs.txt")
    if not os.path.exists(jobs):
        return
    stamp = time.strftime("%Y%m%d-%H%M%S")
    taken = os.path.join(shared, f"jobs-{stamp}.done")
    os.replace(jobs, taken)  # first: a reboot must never wipe again
    os.sync()
    os.makedirs(os.path.join(shared, "log"), exist_ok=True)
    log_path = os.path.join(shared, "log", f"station-{stamp}.log")
    with open(taken, encoding="utf-8") as f, open(log_path, "a", encoding="utf-8") as log:
        for number, line in enumerate(f, 1):
            words = shlex.split(line, comments=True)
            if not words:
                continue
            if words[0] not in JOB_COMMANDS:
                refused = (
                    f"jobs.txt line {number}: {words[0]!r} is not one of {sorted(JOB_COMMANDS)}"
                )
                say(refused)
                log.write(f"REFUSED {refused}\n")
                continue
            say(f"job {number}: greenit-wipe {shlex.join(words)}")
            done = subprocess.run(
                ["greenit-wipe", *words], capture_output=True, text=True, check=False
            )
            for text in (done.stdout + done.stderr).splitlines():
                say(f"  {text}")
            log.write(f"$ greenit-wipe {shlex.join(words)}\n{done.stdout}{done.stderr}")
            log.write(f"exit status {done.returncode}\n")
            log.flush()
            os.fsync(log.fileno())
    os.sync()


def configure(image: str, shared: str, cmdline: str) -> dict[str, str]:
    """The image's file, then the shared disk's, then the kernel command line: key by key,
    the later wins (a stick's file or a typed boot option adjusts a shared image)."""
    conf = parse_conf(image)
    conf.update(parse_conf(shared))
    conf.update(parse_cmdline(cmdline))
    return conf


def main() -> int:
    shared = mount_shared()
    shared_conf = read(os.path.join(shared, "greenit-wipe.conf")) if shared else ""
    conf = configure(read(IMAGE_CONF), shared_conf, read(CMDLINE))
    if shared:
        spool = os.path.join(shared, "spool")
    else:
        spool = RAM_SPOOL
        say(f"no disk labelled {SHARED_LABEL}: records wait in RAM until sent (lost at power-off)")
    os.makedirs(spool, exist_ok=True)
    write_env(conf, spool)
    if not conf.get("server") or not conf.get("token"):
        say("server or token not configured: records stay in the spool until they are")
    say(f"ready: server {conf.get('server') or '(none)'}, spool {spool}")
    if shared:
        run_jobs(shared)
    if conf.get("poweroff", "") in {"1", "yes", "true"}:
        say("queue done, powering off")
        if shared:
            subprocess.run(["umount", shared], check=False)
        subprocess.run(["systemctl", "--no-block", "poweroff"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
