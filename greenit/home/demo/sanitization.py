"""Sanitization: every data-bearing device past intake has its storage media registered and
wiped (one drive failed its wipe and was shredded before a witness), and East China Auto
Parts has signed certificates of sanitization, one of them revoked and issued again, each
after a random sample of its wiped media was read back by a second person (R2v3 Appendix B)."""

from datetime import timedelta

from greenit.assets import lifecycle
from greenit.assets.models import Asset, State
from greenit.sanitization import services as sanitization
from greenit.sanitization import signing

from . import donations, intake, refurbishment

# Storage media by category: (media type, interface, manufacturer, model, capacity, how).
MEDIA = {
    "laptop": [
        ("nvme", "PCIe NVMe", "Samsung", "PM981a", 256_060_514_304, "nvme"),
        ("sata_ssd", "SATA", "SK hynix", "SC311", 256_060_514_304, "overwrite"),
    ],
    "desktop": [
        ("hdd", "SATA", "Seagate", "ST500DM009", 500_107_862_016, "overwrite"),
        ("sata_ssd", "SATA", "Samsung", "PM871b", 128_035_676_160, "overwrite"),
    ],
    "printer": [("hdd", "SATA", "Toshiba", "MQ01ABF032", 320_072_933_376, "overwrite")],
    "phone": [("phone_storage", "UFS", "", "", 64_000_000_000, "reset")],
    "tablet": [("emmc", "eMMC", "", "", 32_000_000_000, "reset")],
    "network": [("emmc", "eMMC", "", "", 4_000_000_000, "reset")],
    "storage_drive": [("hdd", "SATA", "WDC", "WD10EZEX", 1_000_204_886_016, "overwrite")],
    "all_in_one": [("sata_ssd", "SATA", "Kingston", "SA400", 240_057_409_536, "overwrite")],
    "server": [("hdd", "SAS", "Seagate", "ST600MM0208", 600_127_266_816, "overwrite")],
    "thin_client": [("emmc", "eMMC", "", "", 16_000_000_000, "overwrite")],
}
HOW = {
    "overwrite": dict(
        nist_category="clear",
        technique="overwrite",
        pattern="zeros",
        passes=1,
        tool="nwipe",
        tool_version="0.36",
        verification="full",
        validation="sampled",
    ),
    "nvme": dict(
        nist_category="purge",
        technique="nvme_sanitize",
        tool="nvme-cli",
        tool_version="2.8",
        verification="completion",
        validation="sampled",
    ),
    "reset": dict(
        nist_category="clear",
        technique="factory_reset",
        tool="Settings: Erase all content",
        verification="completion",
        validation="sampled",
    ),
}

STATION = dict(station="wipe-01", location="上海仓库 A 区 · 擦除工位 1")


def sanitize(asset: Asset, *, at, tech, verifier, fail_first: bool = False) -> None:
    """Register the device's media and wipe each (backdated to `at`), without moving it."""
    choice = MEDIA.get(asset.category, MEDIA["storage_drive"])
    media_type, interface, maker, model, capacity, how = choice[asset.pk % len(choice)]
    medium, _created = sanitization.medium_register(
        asset=asset,
        actor=tech,
        media_type=media_type,
        interface=interface,
        manufacturer=maker,
        model=model,
        serial=f"{media_type[:2].upper()}-{asset.serial}",
        capacity_bytes=capacity,
    )
    fields = dict(HOW[how])
    if media_type in ("usb_flash", "memory_card") and how == "overwrite":
        fields["passes"] = 2
    started = at - timedelta(hours=2)
    if fail_first:
        _failed_then_shredded(medium, fields, tech=tech, verifier=verifier, started=started)
        return
    sanitization.record_sanitization(
        medium=medium,
        actor=tech,
        verifier=verifier if asset.pk % 2 else None,
        advance=False,
        started_at=started,
        ended_at=started + timedelta(minutes=50),
        bytes_written=capacity if how != "reset" else None,
        verification_result="passed",
        validation_result="passed",
        result="passed",
        hpa_dco="no HPA, no DCO" if media_type == "hdd" else "",
        **fields,
        **STATION,
    )


def _failed_then_shredded(medium, fields: dict, *, tech, verifier, started) -> None:
    sanitization.record_sanitization(
        medium=medium,
        actor=tech,
        advance=False,
        started_at=started - timedelta(hours=3),
        ended_at=started - timedelta(hours=2),
        bytes_written=medium.capacity_bytes,
        verification_result="failed",
        validation_result="failed",
        result="failed",
        errors="Verification: 12 sectors still hold data (reallocated sectors)",
        **fields,
        **STATION,
    )
    sanitization.record_sanitization(
        medium=medium,
        actor=tech,
        verifier=verifier,
        advance=False,
        nist_category="destroy",
        technique="shred",
        verification="none",
        verification_result="not_verified",
        validation="none",
        validation_result="not_verified",
        result="passed",
        witness="Ming Li 李明",
        started_at=started,
        ended_at=started + timedelta(minutes=10),
        notes="Shredded to 10 mm particles after the failed wipe",
        **STATION,
    )


def certificates(auto, people, *, now, rng, kit, stdout) -> None:
    """Two small, fully sanitized donations of East China Auto Parts with certificates:
    one valid (with a drive that failed and was destroyed), one revoked and issued again."""
    if not signing.key_file().exists():
        signing.create_key()
        stdout.write(f"Made a signing key for certificates at {signing.key_file()}")
    if not (signing.pdf_dir() / signing.PDF_KEY).exists():
        signing.create_chain()
        stdout.write(f"Made a self-made CA that signs certificate PDFs at {signing.pdf_dir()}")
    tech, admin, logistics = people["wang.tech"], people["admin"], people["li.logistics"]
    for n, (count, revoke) in enumerate(((5, False), (3, True))):
        started = now - timedelta(days=60 - 20 * n)
        donation = donations.received_donation(
            received_on=started,
            actor=logistics,
            items=[donations.item("laptop", count)],
            donor_organisation=auto,
            contact_name="赵磊",
            **{k: getattr(auto, k) for k in ("province", "city", "district", "street")},
        )
        for i in range(count):
            make, model = rng.choice(intake.MODELS["laptop"])
            at = started + timedelta(days=1, minutes=i)
            asset = intake.device_scanned_in(
                donation=donation,
                category="laptop",
                make=make,
                model=model,
                serial=f"EC{n}{i:05d}",
                at=at,
                actor=logistics,
                state=State.RECEIVED,
            )
            sanitize(
                asset,
                at=at + timedelta(days=2),
                tech=tech,
                verifier=admin,
                fail_first=(n == 0 and i == 1),
            )
            refurbishment.refurbish(asset, tech=tech, at=at + timedelta(days=4), grade="B", kit=kit)
            for step, target in enumerate((State.SANITIZED, State.TESTED), start=1):
                lifecycle.transition(asset, target, actor=tech, at=at + timedelta(days=2 + step))
        verify_a_sample(donation, drawer=tech, verifier=admin)
        certificate = sanitization.certificate_issue(donation, admin)
        if revoke:
            sanitization.certificate_revoke(
                certificate, "A drive serial was mistyped on intake; reissued.", admin
            )
            sanitization.certificate_issue(donation, admin)


def verify_a_sample(donation, *, drawer, verifier) -> None:
    """Draw the donation's random sample and read each sampled medium back (the verifier did
    not wipe it)."""
    sample = sanitization.sample_draw(donation, drawer)
    for item in sample.items.all():
        sanitization.sample_verify(
            item,
            verifier,
            result="passed",
            method="PhotoRec 7.2 full scan: no file recovered",
        )
