"""greenit settings: every value comes from an environment variable, read typed and strictly
(greenit/core/env.py), with a safe default or, in production, a loud refusal to start.

Every variable read here is listed in docs/settings.md (a test checks it).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from greenit.core.env import env_bool, env_float, env_int, env_list, env_required

BASE_DIR = Path(__file__).resolve().parent
# Development (`make run`, the tests) runs with DEBUG on and needs no set-up at all; with
# DEBUG off (production) a missing secret or mail server stops the start instead of being
# papered over, and importing the settings writes nothing.
DEBUG = env_bool("DEBUG")
DATA_DIR = Path(os.environ.get("GREENIT_DATA_DIR", BASE_DIR.parent / "var")).resolve()
if DEBUG:
    DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment. In development, one generated once and kept in
    DATA_DIR so that `make run` needs no set-up."""
    if not DEBUG:
        return env_required(
            "SECRET_KEY", why="With DEBUG off it must be set (the same on every app process)."
        )
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Earlier keys still accepted for signed values (sessions, e-mailed links) while they expire:
# after moving a restored site to a new SECRET_KEY (docs/backups.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Green IT")
# An SVG or PNG: an absolute file path or a name in the default storage (docs/settings.md).
ORGANISATION_LOGO = os.environ.get("ORGANISATION_LOGO", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",  # the API docs from its own static files (Swagger UI), not from a CDN
    "greenit.core",
    "greenit.accounts",
    "greenit.donations",
    "greenit.assets",
    "greenit.imports",
    "greenit.recycling",
    "greenit.collection",
    "greenit.sanitization",
    "greenit.evidence",
    "greenit.refurbishment",
    "greenit.classrooms",
    "greenit.support",
    "greenit.enquiries",
    "greenit.volunteers",
    "greenit.impact",
    "greenit.privacy",
    "greenit.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body (the CSRF check and the views do): 413 over the cap.
    "greenit.core.request_size.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "greenit.core.storable.StorableInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "greenit.urls"
WSGI_APPLICATION = "greenit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "greenit.home.context_processors.site",
            ],
            # Names in the other language carry their `lang` on every page and PDF.
            "builtins": ["greenit.core.templatetags.languages"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'greenit.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker read while the web process writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue instead of failing half-way (select_for_update is
    # a no-op on SQLite: the database-wide write lock is what serialises them there).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Data that fits in memory or on SSD: without this the planner walks the whole asset
    # table for a rare filter instead of using the (state, category, id) index.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c random_page_cost=1.1"
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "home:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every login (site, admin) goes through one limiter (greenit/accounts/login_limits.py):
# failed logins per (account name, client address) are free up to LOGIN_FAILURES_BEFORE_PAUSE,
# then each further failure pauses that pair twice as long as the last, from
# LOGIN_PAUSE_SECONDS up to LOGIN_PAUSE_MAX_SECONDS. LOGIN_RATE caps failures per client
# address over all account names.
AUTHENTICATION_BACKENDS = ["greenit.accounts.backends.LimitedModelBackend"]
LOGIN_FAILURES_BEFORE_PAUSE = env_int("LOGIN_FAILURES_BEFORE_PAUSE", 5)
LOGIN_PAUSE_SECONDS = env_int("LOGIN_PAUSE_SECONDS", 30)
LOGIN_PAUSE_MAX_SECONDS = env_int("LOGIN_PAUSE_MAX_SECONDS", 3600)
LOGIN_RATE = os.environ.get("LOGIN_RATE", "50/15m")
# Public donation offers allowed per client address (no account needed to offer).
OFFER_RATE = os.environ.get("OFFER_RATE", "5/h")
# Messages allowed per client address on the public contact form /contact/.
ENQUIRY_RATE = os.environ.get("ENQUIRY_RATE", "5/h")
# Who hears of every new enquiry by e-mail (comma-separated addresses; none by default).
MANAGERS = [("", address) for address in env_list("ENQUIRY_NOTIFY", "")]
# "Full" / "damaged" reports allowed per client address and, separately, per collection box.
BOX_REPORT_RATE = os.environ.get("BOX_REPORT_RATE", "5/h")
# Largest photo accepted with an offer, in megabytes.
PHOTO_MAX_BYTES = int(env_float("PHOTO_MAX_MB", 5.0) * 1_000_000)

# ---- Security headers and HTTPS ---------------------------------------------------------
# Every response carries a Content Security Policy (django-csp): scripts and styles only from
# our own static files (no inline <script>, no onclick="…", no style="…": a test reads the
# templates and the browser crawl fails on any CSP violation), nothing framed, forms posting
# only here. Behind TLS, HTTPS=true turns on the redirect, secure cookies and HSTS; the
# production environment in docs/settings.md passes `manage.py check --deploy` (a test runs
# it).
HTTPS = env_bool("HTTPS", default=env_bool("SECURE_COOKIES"))  # SECURE_COOKIES: older name
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=True)
# TLS ends at the proxy, which says so in X-Forwarded-Proto (it must set it, never pass on a
# client's); without this behind a proxy, HTTPS=true would redirect forever.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _storage_image_sources() -> list[str]:
    """Photos in S3-compatible storage are shown through a redirect to the bucket's signed
    address: the policy lets images come from there."""
    if not os.environ.get("S3_BUCKET"):
        return []
    if endpoint := os.environ.get("S3_ENDPOINT_URL"):
        scheme, _, host = endpoint.rstrip("/").partition("://")
        host = host.split("/")[0]
        return [f"{scheme}://{host}", f"{scheme}://*.{host}"]
    return ["https://*.amazonaws.com"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the SVG icons inside the API docs' stylesheet (Swagger UI).
        "img-src": [SELF, "data:", *_storage_image_sources()],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# ---- end of security headers ------------------------------------------------------------

if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "greenit",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
RATELIMIT_USE_CACHE = "default"
# How many reverse proxies stand in front of greenit (nginx: 1). Their X-Forwarded-For
# entries are trusted to name the client; with 0 the header is ignored. Every rate limit and
# lockout counts by this address (greenit.core.limits.client_address).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
RATELIMIT_IP_META_KEY = "greenit.core.limits.client_address"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR.parent / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "greenit.core.storage.LocalStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if bucket := os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

# Printing e-mail instead of sending it is the development default only: in production it
# would lose every message quietly, so there it must be chosen on purpose.
if DEBUG:
    # Written to files that /outbox/ lists (greenit/home/outbox.py): nothing leaves the machine.
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", DATA_DIR / "outbox"))
else:
    EMAIL_BACKEND = env_required(
        "EMAIL_BACKEND",
        why="With DEBUG off, choose django.core.mail.backends.smtp.EmailBackend to send e-mail "
        "(or django.core.mail.backends.console.EmailBackend to print it, on purpose).",
    )
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "greenit@localhost")

# Largest uploaded document (recycling licences, weight tickets, certificates), in megabytes.
UPLOAD_MAX_BYTES = int(env_float("UPLOAD_MAX_MB", 10.0) * 1_000_000)
# Asset lists with at least this many rows are imported by a background task.
IMPORT_INLINE_ROWS = env_int("IMPORT_INLINE_ROWS", 500)
# Long work (imports, reports, label sheets) whose worker has not beaten for this long is
# marked failed and may be started again (greenit/core/leases.py).
TASK_LEASE_SECONDS = env_float("TASK_LEASE_SECONDS", 300.0)
# Largest asset list (CSV or XLSX) accepted for import, in megabytes.
IMPORT_MAX_BYTES = int(env_float("IMPORT_MAX_MB", 50.0) * 1_000_000)
# Largest an XLSX asset list may unpack to (the sizes its zip declares, checked before it is
# read), in megabytes: a small file that unpacks to gigabytes is refused.
IMPORT_XLSX_MAX_BYTES = int(env_float("IMPORT_XLSX_MAX_MB", 100.0) * 1_000_000)

# Request bodies: the largest accepted from anyone, in megabytes, refused with 413 before it
# is read (greenit.core.request_size); five photos fit. Asset lists may be larger, the
# certificate check on the public verify page only needs a small one.
REQUEST_MAX_BYTES = int(env_float("REQUEST_MAX_MB", 30.0) * 1_000_000)
REQUEST_MAX_BYTES_BY_PATH = {
    "/imports/": IMPORT_MAX_BYTES + 1_000_000,
    "/api/imports": IMPORT_MAX_BYTES + 1_000_000,
    "/sanitization/verify/": UPLOAD_MAX_BYTES + 100_000,
}
# Form fields (not files) are held in memory up to this size, files are written to a
# temporary file beyond it (Django's defaults, 2.5 MB, stated here on purpose).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Certificates of sanitization: the organisation's Ed25519 key (`greenit keys init` makes it)
# and, optionally, a folder of older public keys (PEM) kept after a key rotation.
SIGNING_KEY_FILE = Path(os.environ.get("SIGNING_KEY_FILE", DATA_DIR / "signing_key.pem"))
SIGNING_PUBLIC_KEYS_DIR = os.environ.get("SIGNING_PUBLIC_KEYS_DIR") or None
# The X.509 key, certificate and chain that sign the certificate PDF itself (PAdES)
SIGNING_PDF_DIR = Path(os.environ.get("SIGNING_PDF_DIR", DATA_DIR / "pdf-signing"))

# Label PDFs for at most this many devices are made in the request; bigger ones by the
# task worker, with progress on the page.
LABELS_INLINE_MAX = env_int("LABELS_INLINE_MAX", 300)
# Hours a guest volunteer's unconfirmed sign-up holds a place before it is released.
VOLUNTEER_HOLD_HOURS = env_int("VOLUNTEER_HOLD_HOURS", 2)
# At most this many places of one shift held at once by unconfirmed guest sign-ups (and one
# per client address).
VOLUNTEER_HOLDS_PER_SHIFT = env_int("VOLUNTEER_HOLDS_PER_SHIFT", 2)
# Impact assumptions (docs/impact.md gives the reasoning): the share of reused devices that
# replace a new purchase, and the emissions of refurbishing one device (kg CO2e).
IMPACT_REUSE_REPLACEMENT_SHARE = env_float("IMPACT_REUSE_REPLACEMENT_SHARE", 0.5)
IMPACT_REFURBISHMENT_KG_CO2E = env_float("IMPACT_REFURBISHMENT_KG_CO2E", 35.0)
# How long the public impact dashboard's figures are cached, in seconds.
IMPACT_CACHE_SECONDS = env_int("IMPACT_CACHE_SECONDS", 300)
# Reports for a scope with at most this many devices are generated during the request.
IMPACT_INLINE_DEVICES = env_int("IMPACT_INLINE_DEVICES", 2000)

# Rows per page in staff lists.
PAGE_SIZE = env_int("PAGE_SIZE", 50)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Operations: serving, task workers, health, metrics, logs (docs/deploy.md) ---------------
# `greenit serve` (gunicorn): the address to listen on, worker processes (default: 2 × cores
# + 1) and seconds before a stuck request's worker is restarted.
SERVE_BIND = os.environ.get("SERVE_BIND", "127.0.0.1:8000")
SERVE_WORKERS = env_int("SERVE_WORKERS", 0) or (2 * (os.cpu_count() or 1) + 1)
SERVE_TIMEOUT = env_int("SERVE_TIMEOUT", 60)
# `greenit worker`: seconds between heartbeats; a running task whose worker has been silent
# for TASK_LEASE_SECONDS (above: one lease for the queue and for long work) goes back to the
# queue, and fails after TASK_MAX_ATTEMPTS starts.
TASK_HEARTBEAT_SECONDS = env_float("TASK_HEARTBEAT_SECONDS", 10.0)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3)
# /readyz answers 503 when the oldest task waiting in the queue is older than this (seconds):
# no worker is running, or too few for the load.
READY_MAX_TASK_WAIT_SECONDS = env_int("READY_MAX_TASK_WAIT_SECONDS", 600)
# /metrics (Prometheus): with a token, scrapers send `Authorization: Bearer <token>`; without
# one, only clients on this machine (loopback) are answered.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# Logs: "text" (default) or "json" (one JSON object a line, with the request id).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: write text or json.")
# In production without Redis (one machine), the cache, and with it every rate-limit counter,
# lives in files under DATA_DIR: shared by all `greenit serve` workers and kept when a worker
# is replaced, where per-process memory would split and forget them.
if not REDIS_URL and not DEBUG:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
MIDDLEWARE = [
    "greenit.core.logs.RequestIdMiddleware",
    "greenit.home.metrics.MetricsMiddleware",
    *MIDDLEWARE,
]
LOGGING["filters"] = {"request_id": {"()": "greenit.core.logs.RequestIdFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    }
    LOGGING["handlers"]["console"]["formatter"] = "json"
