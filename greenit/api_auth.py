"""Who is calling the API, and what the call's token scope allows: in one place.

- `Authorization: Bearer <token>`: the token alone decides. A wrong, revoked or expired key,
  or a person no longer active, answers 401 with `WWW-Authenticate: Bearer
  error="invalid_token"` (never a session's CSRF 403). A good key acts as its person (their
  roles and organisation scope, as on the pages), within the token's scope:

  | scope | opens |
  |---|---|
  | `read` | GET (and HEAD) operations only |
  | `write` | every operation |
  | `wipe_station` | only the operations in `WIPE_STATION_OPERATIONS` |

  Any other call answers 403 with `WWW-Authenticate: Bearer error="insufficient_scope"`.
  A new operation is closed to `wipe_station` until it is named below (default deny), and
  to `read` unless it is a GET.
- No Authorization header: the browser's session (people on the site), CSRF-checked on
  writes; without a session, 401 with `WWW-Authenticate: Bearer`."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security.apikey import APIKeyCookie
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from greenit.accounts.models import ApiToken, TokenScope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# (method, Django URL route under the site's root) a wipe station may call.
WIPE_STATION_OPERATIONS = frozenset(
    {
        ("POST", "api/sanitization/records"),
        ("GET", "api/sanitization/assets/<tag>/media"),
        # hardware evidence: our agent's inventory, Workbench snapshots, nwipe reports
        ("POST", "api/evidence/snapshots"),
        ("POST", "api/evidence/workbench"),
        ("POST", "api/evidence/reports"),
    }
)


class InvalidToken(AuthenticationError):
    """401: the bearer token opens nothing (wrong, revoked, expired, inactive person)."""

    def __init__(self) -> None:
        super().__init__(401, _("The API token is not valid: it is wrong, revoked or expired."))
        self.challenge = 'Bearer error="invalid_token"'


class ScopeRefused(PermissionDenied):
    """403: the token is good but its scope does not open this operation."""

    challenge = 'Bearer error="insufficient_scope"'


def scope_allows(scope: str, method: str, route: str) -> bool:
    method = method.upper()
    if scope == TokenScope.WRITE:
        return True
    if scope == TokenScope.READ:
        return method in SAFE_METHODS
    if scope == TokenScope.WIPE_STATION:
        return (method, route) in WIPE_STATION_OPERATIONS or (
            method == "HEAD" and ("GET", route) in WIPE_STATION_OPERATIONS
        )
    return False  # an unknown scope opens nothing


class TokenAuth(HttpBearer):
    def __call__(self, request):
        header = request.headers.get("Authorization")
        if header is None:
            return None  # not a token call: the session may answer
        kind, _sep, key = header.strip().partition(" ")
        if kind.lower() != "bearer" or not key.strip():
            raise InvalidToken()
        return self.authenticate(request, key.strip())

    def authenticate(self, request, token: str):
        found = ApiToken.objects.authenticate(token)
        if found is None:
            raise InvalidToken()
        route = request.resolver_match.route if request.resolver_match else request.path
        if not scope_allows(found.scope, request.method, route):
            raise ScopeRefused(
                _("This token's scope (%(scope)s) does not allow this call.")
                % {"scope": found.get_scope_display()}
            )
        request.user = found.user
        request.api_token = found
        return found.user


class SessionAuth(APIKeyCookie):
    """A logged-in person's browser; CSRF-checked only when there is a session to protect,
    so that a call with no credentials at all is a 401, not a CSRF 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("CSRF check failed: reload the page and try again."))
        return request.user
