from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def staff_required(*roles: str) -> Callable:
    """A logged-in member of staff with one of `roles` (any role when none is named)."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_staff_member or (roles and not user.has_role(*roles)):
                raise PermissionDenied(_("This page is for staff with another role."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
