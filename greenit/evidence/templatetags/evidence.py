"""The evidence section of a device's page: `{% load evidence %}{% device_evidence asset %}`
(the assets app shows it without importing this app)."""

from django import template

from greenit.accounts import permissions
from greenit.evidence import services

register = template.Library()


@register.inclusion_tag("evidence/_device_evidence.html", takes_context=True)
def device_evidence(context, asset) -> dict:
    user = context["request"].user
    return {
        "asset": asset,
        "may_decide": permissions.may(user, "edit_devices"),
        "may_upload": permissions.may(user, "sanitize"),
        "csrf_token": context.get("csrf_token"),
        **services.evidence_of(asset),
    }
