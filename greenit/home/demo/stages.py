"""Devices at every stage of their life: donations received over the last two years, each
device walked through the lifecycle (lifecycle.transition) to a chosen stage, with its wipes
and its refurbishment test on the way."""

import random
from datetime import datetime, timedelta

from greenit.assets import lifecycle
from greenit.assets.models import Asset, State

from . import donations, intake, refurbishment, sanitization

# Each path is a legal walk through the lifecycle; a device stops at a chosen stage.
REUSE_PATH = [
    State.RECEIVED,
    State.SANITIZED,
    State.TESTED,
    State.READY,
    State.ALLOCATED,
    State.DEPLOYED,
]
NO_DATA_PATH = [State.RECEIVED, State.TESTED, State.READY, State.ALLOCATED, State.DEPLOYED]
RECYCLE_FROM = {State.RECEIVED, State.SANITIZED, State.TESTED}

NOTES = {
    State.SANITIZED: "nwipe 1 pass zeros, verified",
    State.TESTED: "Checklist passed; grade B",
    State.READY: "Imaged with the offline education kit",
    State.ALLOCATED: "For a Green IT Classroom",
    State.DEPLOYED: "Delivered and signed for at the school",
    State.RECYCLING: "Too old to refurbish",
    State.RECYCLED: "Batch to 上海绿循环, weight ticket 2026-118",
}


STAGES = [
    State.EXPECTED,
    State.RECEIVED,
    State.SANITIZED,
    State.TESTED,
    State.READY,
    State.ALLOCATED,
    State.DEPLOYED,
    State.RECYCLING,
    State.RECYCLED,
]
COMMON_MIX = ["laptop", "desktop", "monitor_lcd"]  # every third donation
DONORS = ["auto", "bank", "insurer", "consult", None]  # None: a private person


def devices_at_every_stage(
    orgs, people, *, count: int, kit, rng: random.Random, now: datetime
) -> None:
    """`count` devices in donations spread over two years, each stopped at one stage."""
    logistics = people["li.logistics"]
    donation_count = max(3, count // 30)
    per_donation = count // donation_count
    serial_no = 0
    for d in range(donation_count):
        donor_key = DONORS[d % len(DONORS)]
        donor = orgs[donor_key] if donor_key else None
        started = now - timedelta(days=700 - d * (650 // donation_count))
        mix = rng.sample(list(intake.MODELS), k=3) if d % 3 else COMMON_MIX
        donation = donations.received_donation(
            received_on=started,
            actor=logistics,
            items=[donations.item(c, per_donation // 3 + 1) for c in mix],
            donor_organisation=donor,
            donor_name="" if donor else rng.choice(["王先生", "Ms. Emily Carter", "周女士"]),
            contact_name=rng.choice(["赵磊", "孙燕", "Peter Huang", "吴敏"]),
            contact_phone=f"138{rng.randrange(10**7, 10**8)}",
            province=donor.province if donor else "上海市",
            city=donor.city if donor else "上海市",
            district=donor.district if donor else "徐汇区",
            street=donor.street if donor else "漕溪北路 201 弄 5 号",
        )
        for i in range(per_donation):
            category = mix[i % len(mix)]
            make, model = rng.choice(intake.MODELS[category])
            serial_no += 1
            stage = STAGES[(d * per_donation + i) % len(STAGES)]
            at = started + timedelta(days=1, minutes=i)
            asset = intake.device_scanned_in(
                donation=donation,
                category=category,
                make=make,
                model=model,
                serial=f"{make[:2].upper()}{serial_no:07d}",
                at=at,
                actor=logistics,
                state=State.EXPECTED if stage == State.EXPECTED else State.RECEIVED,
            )
            walk(asset, stage, at=at, people=people, kit=kit)
    _gone(people, now=now)


def _gone(people, *, now: datetime) -> None:
    """Two deployed devices a school reported gone: one lost, one stolen in a break-in."""
    deployed = Asset.objects.filter(state=State.DEPLOYED).order_by("pk")[:2]
    for asset, (state, note) in zip(
        deployed,
        (
            (State.LOST, "Not found at the spring check"),
            (State.STOLEN, "Break-in, police report 2026-031"),
        ),
        strict=False,
    ):
        lifecycle.transition(
            asset, state, actor=people["chen.pm"], at=now - timedelta(days=20), note=note
        )


def walk(asset: Asset, stage: State, *, at: datetime, people, kit) -> None:
    """Move a received device along its path up to `stage`, three days a step. A device meant
    to stop at *allocated* stops at *ready*: classrooms.projects allocates it to a project
    through the service, so that every allocated device is in a project."""
    if stage in (State.EXPECTED, State.RECEIVED):
        return
    if stage == State.ALLOCATED:
        stage = State.READY
    path = REUSE_PATH if asset.holds_data else NO_DATA_PATH
    if stage in (State.RECYCLING, State.RECYCLED):
        path = [s for s in path if s in RECYCLE_FROM] + [State.RECYCLING]
        if stage == State.RECYCLED:
            path.append(State.RECYCLED)
    else:
        path = path[: path.index(stage) + 1] if stage in path else path[:1]
    tech, pm = people["wang.tech"], people["chen.pm"]
    if State.SANITIZED in path:
        sanitization.sanitize(
            asset,
            at=at + timedelta(days=3),
            tech=tech,
            verifier=people["admin"],
            fail_first=asset.pk % 37 == 5,
        )
    if State.TESTED in path:
        grade = "fail" if State.RECYCLING in path else "ABBC"[asset.pk % 4]
        tested_at = at + timedelta(days=3 * path.index(State.TESTED))
        refurbishment.refurbish(asset, tech=tech, at=tested_at, grade=grade, kit=kit)
    for step, target in enumerate(path[1:], start=1):
        lifecycle.transition(
            asset,
            target,
            actor=pm if target in (State.ALLOCATED, State.DEPLOYED) else tech,
            at=at + timedelta(days=3 * step),
            note=NOTES.get(target, ""),
        )
