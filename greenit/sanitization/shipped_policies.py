"""The sanitization policies greenit ships (docs/sanitization.md cites each rule's source).
Plain data, written by migration 0005 through the historical models, so that this module never
imports the app's models; an administrator edits or adds policies in the admin afterwards."""

from datetime import date

NIST_REV2 = "nist-800-88-rev2"
CHINA_GB_46864 = "gb-46864-2025"

HDD, SATA_SSD, NVME, EMMC = "hdd", "sata_ssd", "nvme", "emmc"
USB_FLASH, MEMORY_CARD, PHONE = "usb_flash", "memory_card", "phone_storage"
FLASH = [SATA_SSD, NVME, EMMC, USB_FLASH, MEMORY_CARD, PHONE]
DESTROY = ["shred", "drill", "disintegrate"]

# (media type, category or "" for any, technique, variant, min passes, random pass needed)
Rule = tuple[str, str, str, str, int, bool]

NIST_RULES: list[Rule] = [
    # NIST SP 800-88 Rev. 1 Appendix A, as IEEE 2883-2022 §5–§6 names it per interface.
    (HDD, "clear", "overwrite", "", 1, False),
    (HDD, "clear", "ata_secure_erase", "", 0, False),
    (HDD, "purge", "ata_sanitize", "", 0, False),
    (HDD, "purge", "ata_secure_erase", "", 0, False),
    (HDD, "purge", "crypto_erase", "", 0, False),
    (SATA_SSD, "clear", "overwrite", "", 1, False),
    (SATA_SSD, "clear", "ata_secure_erase", "", 0, False),
    (SATA_SSD, "purge", "ata_sanitize", "", 0, False),
    (SATA_SSD, "purge", "crypto_erase", "", 0, False),
    (NVME, "clear", "overwrite", "", 1, False),
    (NVME, "clear", "nvme_format", "", 0, False),
    (NVME, "purge", "nvme_sanitize", "", 0, False),
    (NVME, "purge", "nvme_format", "", 0, False),
    (NVME, "purge", "crypto_erase", "", 0, False),
    (EMMC, "clear", "overwrite", "", 1, False),
    (EMMC, "clear", "factory_reset", "", 0, False),
    (EMMC, "purge", "crypto_erase", "", 0, False),
    (USB_FLASH, "clear", "overwrite", "", 2, False),
    (MEMORY_CARD, "clear", "overwrite", "", 2, False),
    (PHONE, "clear", "factory_reset", "", 0, False),
    (PHONE, "purge", "crypto_erase", "", 0, False),
    (HDD, "destroy", "degauss", "", 0, False),
    *[(m, "destroy", t, "", 0, False) for m in [HDD, *FLASH] for t in DESTROY],
]

CHINA_RULES: list[Rule] = [
    # Magnetic media: data overwrite, at least 3 passes, at least one of random data.
    (HDD, "", "overwrite", "", 3, True),
    # Semiconductor (flash) media: overwrite at least once, or block erase.
    *[(m, "", "overwrite", "", 1, False) for m in FLASH if m != PHONE],
    (SATA_SSD, "", "ata_sanitize", "block erase", 0, False),
    (NVME, "", "nvme_sanitize", "block erase", 0, False),
    # Phones and soldered flash: the maker's built-in erasure function (not confirmed to
    # count as "block erase"; see docs/sanitization.md).
    (PHONE, "", "factory_reset", "", 0, False),
    (EMMC, "", "factory_reset", "", 0, False),
    # Destruction is outside the standard (it governs erasure before resale); kept so that a
    # medium that failed its erasure can still be destroyed.
    (HDD, "destroy", "degauss", "", 0, False),
    *[(m, "destroy", t, "", 0, False) for m in [HDD, *FLASH] for t in DESTROY],
]

POLICIES = [
    {
        "code": NIST_REV2,
        "name": "NIST SP 800-88 Rev. 2 / IEEE 2883-2022",
        "standard": "NIST SP 800-88 Rev. 2 (Sept 2025) §4; IEEE 2883-2022; R2v3 Appendix B",
        "effective_from": date(2025, 9, 26),
        "is_default": True,
        # Off until every wipe station reports Rev. 2's validation (docs/sanitization.md).
        "require_validation": False,
        "rules": NIST_RULES,
        "notes": "Default policy. Technique table: NIST SP 800-88 Rev. 1 Appendix A (Rev. 2"
        " defers technique detail to IEEE 2883-2022). Sample: R2v3 Appendix B.",
    },
    {
        "code": CHINA_GB_46864,
        "name": "GB 46864-2025 (China: information erasure of electronic products)",
        "standard": "GB 46864-2025 (mandatory, in force 2027-01-01); clause numbers not confirmed",
        "effective_from": date(2027, 1, 1),
        "is_default": False,
        "require_validation": True,
        "rules": CHINA_RULES,
        "notes": "GB 46864-2025 数据安全技术 电子产品信息清除技术要求 (Data security technology"
        " — Technical requirements for information erasure of electronic products)."
        " As reported by SAC/CAC (Dec 2025): magnetic media ≥ 3 overwrite passes"
        " incl. 1 random; flash ≥ 1 overwrite pass or block erase; erasure verified before"
        " resale; records kept ≥ 3 years. Clause numbers and the full text were not available"
        " to confirm.",
    },
]


def ship_policies(apps, schema_editor) -> None:
    Policy = apps.get_model("sanitization", "SanitizationPolicy")
    PolicyRule = apps.get_model("sanitization", "PolicyRule")
    for data in POLICIES:
        data = dict(data)
        rules = data.pop("rules")
        policy, created = Policy.objects.get_or_create(code=data["code"], defaults=data)
        if created:
            PolicyRule.objects.bulk_create(
                PolicyRule(
                    policy=policy,
                    media_type=m,
                    nist_category=c,
                    technique=t,
                    variant=v,
                    min_passes=n,
                    random_pass=r,
                )
                for m, c, t, v, n, r in rules
            )
