"""Password logins, through the one limiter (`login_limits`). Listed alone in
AUTHENTICATION_BACKENDS, so the site's login, the admin's and anything else that calls
`authenticate(request, …)` are counted and paused alike."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import login_limits


class LimitedModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None:
            # No request, no client: a management command or the shell, not a login face.
            return super().authenticate(request, username=username, password=password, **kwargs)
        try:
            login_limits.login_check(request, username)
        except login_limits.LoginPaused as paused:
            login_limits.remember_pause(request, paused.seconds)
            raise
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_limits.login_failed(request, username)
        else:
            login_limits.login_succeeded(request, username)
        return user
