"""Support: two tickets of the opened classroom, one open and one resolved by a swap (the
broken laptop came back to the workshop, a ready one of the same kind went out)."""

from datetime import timedelta

from django.utils import timezone

from greenit.assets.models import State
from greenit.classrooms import services as classrooms
from greenit.classrooms.models import Allocation, ClassroomProject
from greenit.refurbishment.rules import COMPUTER_CATEGORIES
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
    # A laptop that no longer charges: a computer when the classroom has one (a small demo's
    # classroom may also hold a monitor).
    computers = [a for a in deployed if a.category in COMPUTER_CATEGORIES]
    broken_one = (computers or deployed)[-1]
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
        deployed[deployed.index(broken_one)] = spare
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


def inventory_checks(people) -> None:
    """The opened classroom answered last term's check (every device in use, with a student
    code each) and has this term's waiting for an answer: made through the services, as the
    school and the programme manager would."""
    pm, school = people["chen.pm"], people["liu.school"]
    project = ClassroomProject.objects.filter(school=school.organisation).first()
    if project is None or not project.allocations.active().exists():
        return
    ClassroomProject.objects.filter(pk=project.pk).update(tracks_students=True)
    project.refresh_from_db()
    today = timezone.localdate()
    opened, _skipped = classrooms.check_open(actor=pm, project=project, due_on=today)
    for check in opened:
        answers = {
            line.asset_id: {"answer": "in_use", "student_code": f"5-1-{n + 1}"}
            for n, line in enumerate(check.lines.order_by("pk"))
        }
        classrooms.check_answer(check=check, answers=answers)
    classrooms.check_open(actor=pm, project=project, due_on=today + timedelta(days=30))
