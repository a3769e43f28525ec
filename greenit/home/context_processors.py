from django.conf import settings
from django.http import HttpRequest

from greenit.accounts import permissions


def site(request: HttpRequest) -> dict:
    # Menus ask the permissions table by action name: `{% if may.record_intake %}`.
    return {
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "may": permissions.abilities(getattr(request, "user", None)),
    }
