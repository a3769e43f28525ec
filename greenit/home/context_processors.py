from django.conf import settings
from django.http import HttpRequest

from greenit.accounts.models import Role


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    can_intake = bool(
        user
        and user.is_authenticated
        and user.is_staff_member
        and user.has_role(Role.LOGISTICS, Role.TECHNICIAN)
    )
    can_sanitize = bool(
        user
        and user.is_authenticated
        and user.is_staff_member
        and user.has_role(Role.TECHNICIAN, Role.ADMINISTRATOR)
    )
    return {
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "can_intake": can_intake,
        "can_sanitize": can_sanitize,
    }
