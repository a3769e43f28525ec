"""NIST SP 800-88 Rev. 2 (verification and validation), sanitization policies as data (the
default and China's GB 46864-2025) and independent verification of a random sample of each
batch by a person other than the wiper (R2v3 Appendix B)."""

import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.sanitization import rules, services
from greenit.sanitization.guards import missing
from greenit.sanitization.models import (
    PolicyChoice,
    SampleItem,
    SanitizationPolicy,
    SanitizationRecord,
    VerificationSample,
)
from greenit.sanitization.shipped_policies import CHINA_GB_46864

from .conftest import record_fields, verified_sample

REV2 = {"validation": "full", "validation_result": "passed"}


def _china() -> SanitizationPolicy:
    services.default_policy()  # ships the policies if a transactional test emptied the table
    return SanitizationPolicy.objects.get(code=CHINA_GB_46864)


def _store(medium, actor, **overrides):
    record, _created = services.record_sanitization(
        medium=medium, actor=actor, record_id=uuid.uuid4(), **record_fields(**overrides)
    )
    return record


def _laptops(donation, make_asset, alice, count: int, *, rev2: bool = True) -> list:
    """`count` laptops of `donation`, each with an SSD wiped (Rev. 2) by alice."""
    media = []
    for n in range(count):
        asset = make_asset(donation, serial=f"BATCH-{n}")
        medium, _ = services.medium_register(
            asset=asset, actor=alice, media_type="sata_ssd", serial=f"SSD-{n}"
        )
        _store(medium, alice, **(REV2 if rev2 else {}))
        media.append(medium)
    return media


# NIST SP 800-88 Rev. 2


def test_a_rev2_record_needs_verification_and_validation(drive, alice, ada):
    with pytest.raises(ValidationError) as refused:
        _store(drive, alice, revision="rev2")
    assert "validation" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _store(drive, alice, verification="none", verification_result="not_verified", **REV2)
    assert "verification" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _store(drive, alice, validation="sampled", validation_result="failed")
    assert "result" in refused.value.message_dict
    assert not SanitizationRecord.objects.exists()
    record = _store(drive, alice, verification="completion", **REV2)
    assert record.revision == "rev2" and record.validation_result == "passed"


def test_a_caller_that_states_no_validation_writes_a_rev1_record_that_stays_readable(
    drive, alice, client
):
    with pytest.raises(ValidationError) as refused:
        _store(drive, alice, verification="completion")  # Rev. 1 verifies by reading back
    assert "verification" in refused.value.message_dict
    record = _store(drive, alice)
    assert record.revision == "rev1"
    assert rules.category_name("destroy", "rev1") == "Destroy"
    assert "Destruct" in rules.category_name("destroy", "rev2")
    assert rules.technique_name(record, drive) == "Overwrite"  # its Rev. 1 name
    rev2 = _store(drive, alice, **REV2)
    assert rules.technique_name(rev2, drive) == "SATA: WRITE (overwrite)"
    client.force_login(alice)
    page = client.get(reverse("sanitization:asset", args=[drive.asset.tag])).content.decode()
    assert "NIST SP 800-88 Rev. 1" in page and "not part of Rev. 1" in page
    assert "SATA: WRITE (overwrite)" in page


@pytest.mark.parametrize(
    ("technique", "pattern", "media_type", "interface", "name"),
    [
        (
            "ata_sanitize",
            "block erase",
            "sata_ssd",
            "SATA",
            "SATA: SANITIZE DEVICE – BLOCK ERASE EXT",
        ),
        ("nvme_sanitize", "crypto erase", "nvme", "PCIe", "NVMe: Sanitize – Crypto Erase"),
        (
            "nvme_format",
            "user data erase (SES=1)",
            "nvme",
            "",
            "NVMe: Format NVM – User Data Erase (SES=1)",
        ),
        ("crypto_erase", "", "hdd", "SAS 12Gb/s", "SAS: SANITIZE – CRYPTOGRAPHIC ERASE"),
        ("overwrite", "zeros", "hdd", "SATA", "SATA: WRITE (overwrite)"),
        ("factory_reset", "", "phone_storage", "UFS", "Factory reset"),
    ],
)
def test_techniques_are_named_as_ieee_2883_names_them_per_interface(
    technique, pattern, media_type, interface, name
):
    assert (
        rules.ieee2883_name(
            technique=technique, pattern=pattern, media_type=media_type, interface=interface
        )
        == name
    )


# Policies


def test_the_china_policy_refuses_a_one_pass_overwrite_of_an_hdd(drive, alice, ada):
    services.policy_choose(actor=ada, policy=_china(), donation=drive.asset.donation)
    with pytest.raises(ValidationError) as refused:
        _store(drive, alice, passes=1, **REV2)
    assert "at least 3 overwrite passes" in refused.value.message_dict["passes"][0]
    with pytest.raises(ValidationError) as refused:
        _store(drive, alice, passes=3, pattern="zeros", **REV2)
    assert "random" in refused.value.message_dict["passes"][0]
    assert not SanitizationRecord.objects.exists()
    record = _store(drive, alice, passes=3, pattern="zeros, ones, random", **REV2)
    assert record.passed


def test_the_china_policy_wants_rev2_records_and_accepts_a_block_erase_of_flash(
    make_asset, donation, alice, ada
):
    services.policy_choose(actor=ada, policy=_china(), donation=donation)
    ssd, _ = services.medium_register(
        asset=make_asset(donation, serial="CN-1"), actor=alice, media_type="sata_ssd"
    )
    with pytest.raises(ValidationError) as refused:
        _store(ssd, alice)  # a Rev. 1 record: no validation stated
    assert "validation" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _store(
            ssd,
            alice,
            nist_category="purge",
            technique="ata_sanitize_crypto_scramble",
            pattern="",
            **REV2,
        )
    record = _store(
        ssd,
        alice,
        nist_category="purge",
        technique="ata_sanitize_block_erase",
        pattern="",
        **REV2,
    )
    assert record.pattern == "block erase"


def test_a_donation_follows_its_own_policy_else_its_donors_else_the_default(
    donation, make_donation, east_auto, ada
):
    assert services.policy_for(donation).is_default
    services.policy_choose(actor=ada, policy=_china(), organisation=east_auto)
    other = make_donation(east_auto)
    assert services.policy_for(other).code == CHINA_GB_46864
    services.policy_choose(actor=ada, policy=services.default_policy(), donation=other)
    assert services.policy_for(other).is_default
    services.policy_choose(actor=ada, policy=None, donation=other)
    assert services.policy_for(other).code == CHINA_GB_46864
    assert PolicyChoice.objects.count() == 1


def test_a_policy_chosen_after_the_wipe_blocks_the_certificate(donation, make_asset, alice, ada):
    _laptops(donation, make_asset, alice, 2, rev2=False)
    services.policy_choose(actor=ada, policy=_china(), donation=donation)
    blockers = services.certificate_blockers(donation)
    assert sum("needs a NIST SP 800-88 Rev. 2 record" in b for b in blockers) == 2


def test_the_policy_form_on_the_donation_page(client, donation, alice, lena):
    china = _china()
    url = reverse("sanitization:policy", args=[donation.pk])
    client.force_login(lena)
    assert client.post(url, {"policy": china.pk}).status_code == 403
    client.force_login(alice)
    assert client.post(url, {"policy": "nonsense"}).status_code == 422
    assert client.post(url, {"policy": china.pk}).status_code == 302
    page = client.get(reverse("sanitization:donation", args=[donation.pk])).content.decode()
    assert "GB 46864-2025" in page


# Independent verification


def test_the_sample_is_drawn_verified_by_another_person_and_named_on_the_certificate(
    donation, make_asset, alice, ada
):
    _laptops(donation, make_asset, alice, 21)
    sample = services.sample_draw(donation, alice)
    assert (sample.population, sample.items.count()) == (21, 2)  # 5 % of 21, rounded up
    with pytest.raises(ValidationError, match="waiting"):
        services.sample_draw(donation, alice)
    assert services.certificate_blockers(donation)
    for item in sample.items.all():
        services.sample_verify(item, ada, result="passed", method="PhotoRec: nothing found")
    certificate = services.certificate_issue(donation, alice)
    payload = json.loads(certificate.payload)
    assert payload["policy"]["code"] == services.default_policy().code
    assert (payload["sample"]["size"], payload["sample"]["population"]) == (2, 21)
    assert payload["sample"]["result"] == "passed"
    assert {i["verified_by"] for i in payload["sample"]["items"]} == {"ada"}
    assert payload["media"][0]["record"]["validation"] == "full"


def test_a_batch_of_one_samples_one_and_the_percentage_is_configurable(donation, make_asset, alice):
    _laptops(donation, make_asset, alice, 1)
    assert services.sample_draw(donation, alice).items.count() == 1
    assert services.sample_size(40, 5) == 2
    policy = services.default_policy()
    policy.sample_percent = 4
    with pytest.raises(ValidationError):
        policy.full_clean()


def test_the_wipers_own_verification_is_refused(donation, make_asset, alice, ada, lena):
    _laptops(donation, make_asset, alice, 3)
    item = services.sample_draw(donation, ada).items.get()
    with pytest.raises(ValidationError, match="another person"):
        services.sample_verify(item, alice, result="passed", method="read back")
    with pytest.raises(PermissionDenied):
        services.sample_verify(item, lena, result="passed", method="read back")
    item.refresh_from_db()
    assert item.result == "pending" and item.verified_by is None


def test_the_wiper_cannot_name_themselves_verifier_of_a_record(drive, alice):
    with pytest.raises(ValidationError) as refused:
        services.record_sanitization(
            medium=drive, actor=alice, verifier=alice, **record_fields(**REV2)
        )
    assert "verifier" in refused.value.message_dict


def test_a_failed_sample_blocks_the_batch_until_it_is_wiped_again(donation, make_asset, alice, ada):
    media = _laptops(donation, make_asset, alice, 4)
    item = services.sample_draw(donation, alice).items.get()
    with pytest.raises(ValidationError, match="what was found"):
        services.sample_verify(item, ada, result="failed", method="PhotoRec")
    services.sample_verify(
        item, ada, result="failed", method="PhotoRec", notes="42 JPEG files recovered"
    )
    for medium in media:  # every device of the batch is held, not only the sampled one
        assert "verification sample of its batch failed" in missing(medium.asset)[0]
    asset = media[0].asset
    asset.refresh_from_db()
    assert asset.state == State.SANITIZED  # its wipe passed before the sample failed
    with pytest.raises(lifecycle.TransitionRefused, match="sample"):
        lifecycle.transition(asset, State.RECYCLING, actor=alice)
    with pytest.raises(ValidationError):
        services.certificate_issue(donation, alice)
    with pytest.raises(ValidationError):
        services.sample_draw(donation, alice)
    for medium in media[:3]:
        _store(medium, alice, **REV2)
    assert services.batch_state(donation).status == "failed"  # one medium still to wipe
    _store(media[3], alice, **REV2)
    assert not any(missing(m.asset) for m in media)
    verified_sample(donation, alice, ada)
    assert services.certificate_issue(donation, alice).number
    assert VerificationSample.objects.count() == 2


def test_drawing_and_verifying_on_the_donation_page(client, donation, make_asset, alice, ada):
    _laptops(donation, make_asset, alice, 2)
    page = reverse("sanitization:donation", args=[donation.pk])
    client.force_login(alice)
    assert client.post(reverse("sanitization:sample_draw", args=[donation.pk])).status_code == 302
    item = SampleItem.objects.get()
    body = client.get(page).content.decode()
    assert "You wiped this medium: another person verifies it." in body
    url = reverse("sanitization:sample_verify", args=[item.pk])
    prefix = f"item{item.pk}"
    response = client.post(url, {f"{prefix}-result": "passed", f"{prefix}-method": "read back"})
    assert response.status_code == 422
    assert "another person must verify it" in response.content.decode()
    client.force_login(ada)
    response = client.post(url, {f"{prefix}-result": "passed", f"{prefix}-method": ""})
    assert response.status_code == 422
    response = client.post(url, {f"{prefix}-result": "passed", f"{prefix}-method": "PhotoRec"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.result, item.verified_by) == ("passed", ada)
    assert "The sample of this batch passed." in client.get(page).content.decode()


def test_the_api_takes_a_rev2_record_and_shows_its_validation(client, alice, fresh_laptop):
    client.force_login(alice)
    body = {
        "record_id": str(uuid.uuid4()),
        "asset_tag": fresh_laptop.tag,
        "medium": {"media_type": "nvme", "serial": "NV-1", "interface": "PCIe NVMe"},
        **{
            k: v.isoformat() if hasattr(v, "isoformat") else v
            for k, v in record_fields(
                nist_category="purge", technique="nvme_sanitize_block_erase", passes=0, pattern=""
            ).items()
        },
        **REV2,
    }
    response = client.post("/api/sanitization/records", body, content_type="application/json")
    assert response.status_code == 201, response.content
    media = client.get(f"/api/sanitization/assets/{fresh_laptop.tag}/media").json()
    record = media[0]["records"][0]
    assert (record["revision"], record["validation"]) == ("rev2", "full")


def test_an_administrator_edits_policies_in_the_admin(client, ada):
    china = _china()
    ada.is_superuser = True
    ada.save()
    client.force_login(ada)
    for url in (
        reverse("admin:sanitization_sanitizationpolicy_changelist"),
        reverse("admin:sanitization_sanitizationpolicy_change", args=[china.pk]),
        reverse("admin:sanitization_sanitizationpolicy_add"),
        reverse("admin:sanitization_policychoice_add"),
        reverse("admin:sanitization_verificationsample_changelist"),
    ):
        assert client.get(url).status_code == 200, url


def test_the_demo_shows_verified_samples_and_its_certificates_state_them(db):
    from io import StringIO

    from django.core.management import call_command

    from greenit.sanitization.models import Certificate

    call_command("demo", stdout=StringIO())
    items = SampleItem.objects.select_related("record")
    assert items.exists()
    assert all(i.result == "passed" and i.verified_by_id != i.record.operator_id for i in items)
    certificate = Certificate.objects.filter(revoked_at__isnull=True).first()
    payload = json.loads(certificate.payload)
    assert payload["sample"]["size"] >= 1 and payload["policy"]["name"]
