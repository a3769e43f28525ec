"""How the API answers a service's refusal, in one place (pages do the same with
`greenit.core.forms.refusals_on`): the lifecycle's refusal is 409, any other refusal 422 with
the messages per field, a permission refusal 403 with the table's translated reason, a hidden
or missing object 404."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from greenit.assets.lifecycle import TransitionRefused


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def answer_refusals(api: NinjaAPI) -> None:
    @api.exception_handler(TransitionRefused)
    def transition_refused(request, exc: TransitionRefused):
        return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        return api.create_response(
            request, {"detail": _("Invalid input"), "errors": _messages(exc)}, status=422
        )

    @api.exception_handler(AuthenticationError)
    def unauthorised(request, exc: AuthenticationError):
        # RFC 6750: a 401 names the scheme, and why when a token was sent.
        detail = (
            str(exc.message)
            if getattr(exc, "challenge", None)
            else _("Log in, or send an API token as Authorization: Bearer <token>.")
        )
        response = api.create_response(request, {"detail": detail}, status=401)
        response["WWW-Authenticate"] = getattr(exc, "challenge", "Bearer")
        return response

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc: PermissionDenied):
        response = api.create_response(request, {"detail": str(exc) or _("Forbidden")}, status=403)
        if challenge := getattr(exc, "challenge", None):
            response["WWW-Authenticate"] = challenge
        return response

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return api.create_response(request, {"detail": _("Not found")}, status=404)
