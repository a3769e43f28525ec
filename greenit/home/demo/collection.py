"""3R collection boxes: six boxes at host sites, each emptied a few times, one reported full
and one damaged, and an emptying scheduled for tomorrow."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from greenit.collection import services as box_services

SITES = [
    ("SH-001", "auto", "嘉定工厂食堂 Canteen, Jiading plant"),
    ("SH-002", "bank", "陆家嘴总部大堂 Head-office lobby"),
    ("SH-003", "insurer", "黄浦区客服中心 Service centre"),
    ("SH-004", "consult", "南京西路办公室茶水间 Pantry"),
    ("SH-005", "school_blind", "浦东启明学校图书馆 Library"),
    ("SH-006", "bank", "徐汇支行 Xuhui branch"),
]


def collection_boxes(orgs, logistics) -> None:
    now = timezone.now()
    boxes = {}
    for n, (code, host, site) in enumerate(SITES):
        org = orgs[host]
        box = box_services.box_place(
            actor=logistics,
            code=code,
            host=org,
            site=site,
            placed_on=timezone.localdate() - timedelta(days=300),
            **{k: getattr(org, k) for k in ("province", "city", "district", "street")},
        )
        boxes[code] = box
        for months in (3, 2, 1):
            box_services.emptying_record(
                box=box,
                actor=logistics,
                done_at=now - timedelta(days=30 * months + 5 * n),
                weights=[
                    box_services.WeightInput("phone", Decimal("1.2") + n),
                    box_services.WeightInput("cable", Decimal("3.5") + months),
                    box_services.WeightInput("peripheral", Decimal("0.8") * months),
                ],
            )
    box_services.box_report(box=boxes["SH-002"], kind="full")
    box_services.box_report(box=boxes["SH-004"], kind="damaged", note="盖子坏了 Lid broken")
    box_services.emptying_schedule(
        box=boxes["SH-002"],
        actor=logistics,
        scheduled_for=timezone.localdate() + timedelta(days=1),
        assigned_to=logistics,
    )
