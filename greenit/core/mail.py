"""E-mail to donors, schools and volunteers, each in the language they used with us."""

import logging
import smtplib
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def send_in_language(
    *, to: str, language: str, subject: Callable[[], str], template: str, context: dict
) -> bool:
    """Render the subject and the plain-text template in `language` and send them (Django's
    e-mail framework: console by default, SMTP when EMAIL_BACKEND says). False when there is
    no address or the mail server failed: the change that caused the e-mail is already saved,
    and a mail server that is down must never undo it, so the failure is logged instead."""
    if not to:
        return False
    context = {**context, "site_url": settings.SITE_URL, "organisation": settings.ORGANISATION_NAME}
    with translation.override(language or "en"):
        text = subject()
        body = render_to_string(template, context)
    try:
        send_mail(text, body, None, [to], fail_silently=False)
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send %s to %s", template, to)
        return False
    return True
