"""Support: two tickets of the opened classroom, one open and one resolved by a swap (the
broken laptop came back to the workshop, a ready one of the same kind went out)."""

from greenit.assets.models import State
from greenit.classrooms.models import Allocation
from greenit.support import services as support

from . import refurbishment


def tickets(people, *, kit) -> None:
    school_contact, admin = people["liu.school"], people["admin"]
    deployed = [
        a.asset
        for a in Allocation.objects.active()
        .filter(project__school=school_contact.organisation, asset__state=State.DEPLOYED)
        .select_related("asset")
        .order_by("pk")
    ]
    if not deployed:
        return
    broken_one = deployed[-1]
    broken = support.ticket_file(
        actor=school_contact,
        asset=broken_one,
        symptom="Does not charge any more; the battery light blinks orange.",
    )
    spare = refurbishment.spare_for(broken_one, actor=admin, kit=kit)
    if spare is not None:
        support.ticket_resolve(
            ticket=broken,
            actor=admin,
            resolution="swap",
            replacement_code=spare.tag,
            answer="A volunteer brought a replacement on Friday and took the old one.",
        )
        deployed[-1] = spare
    else:
        support.ticket_resolve(
            ticket=broken,
            actor=admin,
            resolution="repair",
            answer="Replaced the charging port.",
            parts="DC jack",
        )
    support.ticket_file(
        actor=school_contact,
        asset=deployed[0],
        symptom="开机后屏幕一直黑屏，电源灯亮。The screen stays black after switching on.",
    )
