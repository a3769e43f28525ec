"""Which media of which devices still need what: the one answer the lifecycle guard, the
certificate page, the asset page and allocation all use. A fixed number of queries however many
devices are asked about (one for the deployments, one for the media, one for their records, one
for failed verification samples)."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from greenit.assets.models import Asset, CustodyEvent, State

from .models import NistCategory, SampleItem, SampleResult, StorageMedium
from .rules import medium_status


def sanitization_status(assets: Iterable[Asset]) -> dict[int, list[str]]:
    """For each device (by id): one sentence per medium that is not done, empty when the device
    is sanitized. Only records since the device's last deployment count (see counts_since)."""
    assets = list(assets)
    ids = [asset.pk for asset in assets]
    since = counts_since(assets)
    media: dict[int, list[StorageMedium]] = {pk: [] for pk in ids}
    for medium in StorageMedium.objects.filter(asset_id__in=ids).prefetch_related("records"):
        media[medium.asset_id].append(medium)
    failed = failed_samples({asset.donation_id for asset in assets} - {None})
    return {
        asset.pk: _reasons(media[asset.pk], since.get(asset.pk), failed.get(asset.donation_id))
        for asset in assets
    }


def failed_samples(donation_ids: set[int]) -> dict[int, datetime]:
    """By donation: when its independent verification sample last failed (R2v3 Appendix B).
    Until a medium of that batch is wiped again, it is not done."""
    if not donation_ids:
        return {}
    rows = (
        SampleItem.objects.filter(result=SampleResult.FAILED, sample__donation_id__in=donation_ids)
        .order_by()
        .values("sample__donation_id")
        .annotate(at=Max("verified_at"))
    )
    return {row["sample__donation_id"]: row["at"] for row in rows}


def counts_since(assets: Iterable[Asset]) -> dict[int, datetime]:
    """Records older than this do not count: a device that was at a school (deployed) carries
    the school's data, so it is sanitized again after it comes back (or before it goes to a
    recycler straight from the school). A device never deployed has no entry."""
    states = {asset.pk: asset.state for asset in assets}
    deployments = (
        CustodyEvent.objects.filter(asset_id__in=states)
        .filter(Q(to_state=State.DEPLOYED) | Q(from_state=State.DEPLOYED))
        .order_by()
        .values("asset_id")
        .annotate(
            deployed_at=Max("at", filter=Q(to_state=State.DEPLOYED)),
            back_at=Max("at", filter=Q(from_state=State.DEPLOYED)),
        )
    )
    since = {}
    for row in deployments:
        # A deployed device is judged from its delivery; any other from its way back.
        at = row["deployed_at"] if states[row["asset_id"]] == State.DEPLOYED else row["back_at"]
        if at is not None:
            since[row["asset_id"]] = at
    return since


def _reasons(
    media: list[StorageMedium], since: datetime | None, sample_failed_at: datetime | None
) -> list[str]:
    if not media:
        return [_("no storage medium is recorded for this device: register its drives first")]
    reasons = []
    for medium in media:
        records = [r for r in medium.records.all() if since is None or r.ended_at >= since]
        done, why = medium_status(records)
        label = medium.serial or medium.get_media_type_display()
        if done and sample_failed_at is not None:
            latest = max(records, key=lambda r: (r.ended_at, r.pk))
            if latest.nist_category != NistCategory.DESTROY and latest.ended_at <= sample_failed_at:
                reasons.append(
                    _("medium %(m)s: the verification sample of its batch failed, wipe it again")
                    % {"m": label}
                )
            continue
        if done:
            continue
        if why == "no_record":
            reasons.append(_("medium %(m)s has no passed record") % {"m": label})
        else:
            reasons.append(
                _("medium %(m)s failed its wipe: destroy it (Destroy record with a witness) first")
                % {"m": label}
            )
    return reasons
