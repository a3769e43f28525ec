from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import login_limits
from .models import TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is this token for?"),
        max_length=100,
        help_text=_("For example “wipe station 2” or “asset system export”."),
    )
    scope = forms.ChoiceField(
        label=_("What may it do?"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_("Give a token no more than its program needs."),
        error_messages={"required": _("Choose what the token may do.")},
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires"),
        choices=[
            ("30", _("in 30 days")),
            ("90", _("in 90 days")),
            ("365", _("in a year")),
            ("", _("never")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
        help_text=_("After that it opens nothing; make a new one."),
    )


class PausedLoginMixin:
    """On a login form: while the limiter pauses this account at this address, say so
    (and how long) instead of "wrong password"."""

    def get_invalid_login_error(self):
        seconds = login_limits.paused_seconds(self.request) if self.request else None
        if seconds:
            return forms.ValidationError(login_limits.pause_message(seconds), code="paused")
        return super().get_invalid_login_error()


class LoginForm(PausedLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(PausedLoginMixin, AdminAuthenticationForm):
    pass
