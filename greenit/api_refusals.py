"""How the API answers a service's refusal, in one place (pages do the same with
`greenit.core.forms.refusals_on`): the lifecycle's refusal is 409, any other refusal 422 with
the messages per field, a permission refusal 403 with the table's translated reason, a hidden
or missing object 404."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaInvalid

from greenit.assets.lifecycle import TransitionRefused
from greenit.core.schema_types import Refusal


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


# Statuses any operation may answer besides its own: malformed body, no or bad credentials,
# refused by the permissions table, hidden or missing, a refused lifecycle move, invalid input.
REFUSAL_STATUSES = (400, 401, 403, 404, 409, 422)


def document_refusals(api: NinjaAPI) -> None:
    """Declare the refusal statuses on every operation, so the OpenAPI schema names every
    status the API can answer (schemathesis checks it in greenit/home/tests)."""
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for status in REFUSAL_STATUSES:
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(
                            Refusal
                        )


# Where ninja says an invalid value was: the parameter's place and name, not the field's.
_PLACES = {"body", "query", "path", "form", "file", "header", "cookie", "payload"}


def _field(loc) -> str:
    parts = [str(part) for part in loc]
    while parts and parts[0] in _PLACES:
        parts.pop(0)
    return ".".join(parts) or "__all__"


def answer_refusals(api: NinjaAPI) -> None:
    @api.exception_handler(SchemaInvalid)
    def schema_invalid(request, exc: SchemaInvalid):
        """Input the schema refuses answers like a service's refusal: 422 with the messages
        per field (`weights.0.weight_kg`), so a client reads one shape."""
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field(error.get("loc", ())), []).append(str(error.get("msg", "")))
        return api.create_response(
            request, {"detail": _("Invalid input"), "errors": errors}, status=422
        )

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
