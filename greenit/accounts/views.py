from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from .forms import TokenForm
from .models import ApiToken


def _login_limited(request: HttpRequest, *, increment: bool) -> bool:
    """Failed logins count per client address and per account name; either can pause once
    it reaches LOGIN_RATE (django-ratelimit's own test, count > limit, lets one more in)."""
    usages = [
        get_usage(
            request, group="login-ip", key="ip", rate=settings.LOGIN_RATE, increment=increment
        ),
        get_usage(
            request,
            group="login-name",
            key=lambda _group, req: req.POST.get("username", "").strip().lower(),
            rate=settings.LOGIN_RATE,
            increment=increment,
        ),
    ]
    return any(usage is not None and usage["count"] >= usage["limit"] for usage in usages)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if request.POST.get("username") and _login_limited(request, increment=False):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed logins. Wait 15 minutes, or ask an administrator to help."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        _login_limited(self.request, increment=True)
        return super().form_invalid(form)


login = LoginView.as_view()


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk, revoked_at__isnull=True)
    token.revoke()
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
