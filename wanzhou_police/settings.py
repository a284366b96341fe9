"""Settings for the Wanzhou police work-report portal.

One file, driven by the environment (see README "Configuration"):
DATABASE_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS.
With nothing set, the portal runs on an SQLite file in the project folder.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" are yes)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable, dropping blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# The fallback key is only fit for a laptop over plain http (`make run`, the tests):
# `check --deploy` flags it (security.W009) and wsgi.py refuses to serve with it
# while HTTPS is on (production). Management commands still run without a key.
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY",
    "django-insecure-local-development-key-do-not-use-in-production",
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

# Public mode: anyone may read the published reports, section, metric and text pages, the release
# calendar and the feeds without logging in; robots.txt and the sitemap answer. The explorer and its
# exports stay with analysts, drafts with editors, the admin with staff (docs/public.md).
PUBLIC_MODE = env_bool("WANZHOU_PUBLIC_MODE", False)

INSTALLED_APPS = [
    "wanzhou_police.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    "wanzhou_police.apps.PortalAxesConfig",
    "common",
    "reports",
    "search",
    "metrics",
    "api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "feeds",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # The time limit (REQUEST_TIME_LIMIT_SECONDS below) covers all that follows; its 503 gets the headers above.
    "wanzhou_police.middleware.RequestTimeLimitMiddleware",
    # While the database is down: 503 before the session or the user is loaded.
    "wanzhou_police.middleware.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's documented order): the URL prefix picks the language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login except those marked @login_not_required
    # (login, /healthz, the admin's own login flow); Django's, reading the mark first.
    "wanzhou_police.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses logins while a user name or address is locked out; the next backend logs in.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend: permission sets are cached on the user object for one request.
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "wanzhou_police.urls"

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
                "reports.context_processors.report_navigation",
                "common.context_processors.language_links",
                "common.context_processors.public_mode",
            ],
        },
    },
]

# Widgets and error lists written in Python, byte for byte Django's templates (common/rendering.py).
FORM_RENDERER = "common.rendering.PythonFormRenderer"

WSGI_APPLICATION = "wanzhou_police.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}

# --- Time limits: every request's work is bounded -------------------------------------
# Three limits nest, each stopping what the one inside it cannot reach:
# 1. DATABASE_STATEMENT_TIMEOUT_SECONDS: PostgreSQL cancels one SQL statement that runs longer
#    (https://www.postgresql.org/docs/15/runtime-config-client.html#GUC-STATEMENT-TIMEOUT);
#    the request answers 503 (views.server_error), and the database is not marked down.
#    Pages query for milliseconds and a full export of 100,000 figures for about a second
#    (bench/results.md), so 10 s is far past any statement that works as intended.
# 2. REQUEST_TIME_LIMIT_SECONDS: the request's own work (Python, reading the request body)
#    is interrupted and answered 503 (wanzhou_police/limits.py); under gunicorn's sync workers only.
# 3. gunicorn's `timeout` (GUNICORN_TIMEOUT, 60 s in gunicorn.conf.py): kills the worker whose
#    request outlives both, streamed export bodies and code stuck in C included. gthread workers
#    heart-beat while a request runs, so this timeout never fired for a long request there
#    (https://docs.gunicorn.org/en/stable/settings.html#timeout): the portal runs sync workers.
# Each is switched off with 0.
DATABASE_STATEMENT_TIMEOUT_SECONDS = float(os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT", "10"))
# Twice the statement timeout: a request that met one slow statement still has time to answer.
REQUEST_TIME_LIMIT_SECONDS = float(os.environ.get("DJANGO_REQUEST_TIME_LIMIT", "20"))

# How long the first request to meet a database that does not answer (down, unreachable, or
# accepting connections and never replying) waits before its 503. Once one request has met it,
# the others get the 503 at once and one thread per process tries again every 2 s
# (wanzhou_police/outages.py DATABASE). A healthy PostgreSQL on the network connects in
# milliseconds; libpq counts whole seconds, and 2 rather than 1 keeps a busy server from being
# taken for a dead one (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNECT-CONNECT-TIMEOUT).
DATABASE_CONNECT_TIMEOUT_SECONDS = int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "2"))

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT_SECONDS)
    # Ours first, so a statement_timeout in DATABASE_URL's own ?options= wins.
    _options["options"] = (
        f"-c statement_timeout={round(DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000)} {_options.get('options', '')}".strip()
    )

# --- A read replica (optional): DATABASE_REPLICA_URL=postgres://…@replica:5433/wanzhou ---------
# A PostgreSQL streaming replica of DATABASE_URL takes the reads of pages, the explorer and exports
# (wanzhou_police/replica.py says which reads, and why the others stay on the primary). Without it
# nothing below is installed and every query goes to the one database, as before.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
# A replica whose replay is further behind than this is not read from (checked once a second per process).
DATABASE_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DJANGO_REPLICA_MAX_LAG", "5"))
DATABASE_REPLICA_CHECK_SECONDS = 1.0
# How long a browser that wrote reads from the primary: past the lag limit and one check, every
# replica the router still reads from has replayed the write (read-your-writes).
READ_YOUR_WRITES_SECONDS = int(DATABASE_REPLICA_MAX_LAG_SECONDS + DATABASE_REPLICA_CHECK_SECONDS) + 2
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    # A replica that does not answer costs at most a second, once per check; reads then use the primary.
    DATABASES["replica"]["OPTIONS"] = {
        "connect_timeout": 1,
        "options": f"-c statement_timeout={round(DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000)}",
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["wanzhou_police.replica.PrimaryReplicaRouter"]
    # Before the session is read, so the request's reads are routed from its first query on.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("wanzhou_police.middleware.DatabaseOutageMiddleware") + 1,
        "wanzhou_police.replica.PrimaryPinMiddleware",
    )

# Local memory by default (one process); CACHE_URL=redis://host:6379/1 shares the
# cache between gunicorn processes and machines. The cache holds only rebuildable
# page fragments: while Redis does not answer, pages render uncached (wanzhou_police/cache.py).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "wanzhou_police.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            # A Redis that stops answering costs a request at most this long, once per retry interval.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Room for every user's permission set and every page variant of several reports.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 10_000}}
    }
# Sessions live in the database only, with or without Redis: a per-process cache would let a
# logout in one worker go unseen in another, and a shared one (cached_db) would fail every
# logged-in page while Redis is down and could hand back a session deleted during an outage.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# A URL name, so a login on /en/… or /zh-hans/… lands on the home page in that language.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hant"
# Traditional Chinese is the source language and stays unprefixed; the others live under /zh-hans/ and /en/.
LANGUAGES = [("zh-hant", _("繁體中文")), ("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for a year by browsers), gzip and brotli copies: `collectstatic` writes them.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The report import's "create" step posts 14 fields a row for up to metrics.importing.MAX_PROPOSALS (500)
# rows, plus the report's fields, one field for each of at most 20 headings and the management forms;
# Django's default of 1,000 refused an import of more than about 89 figures (TooManyFieldsSent, a 400 that
# lost the review). Settings cannot import app code, so tests/metrics/importing/test_admin.py checks that
# this still covers them.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 14 * 500 + 100

# --- Security -------------------------------------------------------------------
# DJANGO_HTTPS=1 (the default unless DEBUG) turns on everything `check --deploy` asks for.
# `make run` sets it to 0 to serve plain http on 127.0.0.1.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
# Django's page has an inline <style> that CONTENT_SECURITY_POLICY blocks; ours is a portal page.
CSRF_FAILURE_VIEW = "wanzhou_police.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Trust X-Forwarded-Proto / X-Forwarded-For only when a proxy we run sets them.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
# How many proxies we run append to X-Forwarded-For: the client is that many entries from
# the end (1: nginx's $proxy_add_x_forwarded_for; wanzhou_police/security.py client_ip).
PROXY_HOPS = int(os.environ.get("DJANGO_PROXY_HOPS", "1"))
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # DJANGO_SECURE_SSL_REDIRECT=0 behind our proxy means the proxy redirects http itself
    # (README "Deploy"), so `check --deploy` (make serve) is told not to warn about it.
    # Without a proxy nothing would redirect, and the warning stays.
    if HTTPS and not SECURE_SSL_REDIRECT:
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Content-Security-Policy (django-csp 4). Scripts only from our origin: chart data
# travels in json_script blocks, drawn by static/js/charts.js. plotly.js's global
# styles come from a vendored stylesheet (metrics/templatetags/plotly_assets.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The PNG download renders the chart to a data:/blob: image first.
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The API (docs/api.md): tokens or the session, read-only, throttled per token in the cache.
API_RATE = os.environ.get("API_RATE", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadsPortal"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": "format",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wanzhou police work reports API",
    "DESCRIPTION": "Read-only figures of the Wanzhou District Public Security Bureau's work reports. "
    "Authenticate with `Authorization: Bearer <token>` (tokens: /api/tokens/). "
    f"Rate limit: {API_RATE} per token; past it, 429 with Retry-After.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": [],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
}

# Login throttling (django-axes, wanzhou_police/security.py LoginThrottle): a user name is
# paused after AXES_FAILURE_LIMIT failures *from one address*, so nobody can lock an account
# from elsewhere; an address is paused after AXES_IP_FAILURE_LIMIT failures for any names,
# which stops guessing across many accounts. Both pauses last AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "wanzhou_police.security.LoginThrottle"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "wanzhou_police.security.client_ip"
AXES_VERBOSE = False

# A change to what the public sees (a published figure's value, qualifier or correction reason; publishing
# a report) takes effect only when a second person with the approver role approves it (metrics/review.py).
# Off for a bureau with a single editor: saves then take effect at once.
SECOND_APPROVAL_REQUIRED = env_bool("WANZHOU_SECOND_APPROVAL", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
