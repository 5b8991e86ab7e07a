"""Rumbo settings.

One module, configured from the environment so that the same code runs as the embedded
default (SQLite, local files, DEBUG) and in production (PostgreSQL via DATABASE_URL, secret
key from the environment, HTTPS-only cookies). See README.md, "Production".
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("RUMBO_VAR_DIR", BASE_DIR.parent / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("RUMBO_DEBUG", False)
_DEV_SECRET = "insecure-development-key-only-for-local-use-never-in-production-0123456789"  # nosec B105 # only with RUMBO_DEBUG=1
SECRET_KEY = os.environ.get("RUMBO_SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    # Refuse to start a production instance with a guessable key.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set RUMBO_SECRET_KEY (or RUMBO_DEBUG=1 for local use).")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("RUMBO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("RUMBO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",  # the tasks' queue (`rumbo db_worker`)
    "axes",
    "rumbo.core",
    "rumbo.organisations",
    "rumbo.plans",
    "rumbo.indicators",
    "rumbo.obligations",
    "rumbo.reminders",
    "rumbo.pledges",
    "rumbo.approvals",
    "rumbo.meetings",
    "rumbo.practices",
    "rumbo.tracking",
    "rumbo.estimate",
    "rumbo.iati",
    "rumbo.jobs",
    "rumbo.reports",
    "rumbo.api",
    "rumbo.seeds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a log-in refused because of a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rumbo.urls"
WSGI_APPLICATION = "rumbo.wsgi.application"
AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out attempt before the next backend hashes any password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rumbo.core.context_processors.viewer",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rumbo.sqlite3'}"),
        conn_max_age=int(os.environ.get("RUMBO_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded SQLite with several writers at once (web workers, commands, tasks): WAL lets
    # reads go on beside the one writer; a writer waits up to `timeout` seconds for the lock
    # instead of failing at once with "database is locked"; and each transaction takes the
    # write lock when it begins (IMMEDIATE), since a transaction that has read and then wants
    # to write cannot wait for it: SQLite refuses it at once, whatever the timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Spanish is the source language of the process's documents; English is the other
# working language. User content is stored in both, falling back to the other one.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("es", "en"), "es": ("en",), "en": ("es",)}
TIME_ZONE = "America/Guatemala"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "rumbo.api.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # HTTP Basic with the lock-out answered as 429 (see "Brute force" below).
        "rumbo.core.lockout_api.LockoutBasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rumbo.api.pagination.LimitOffsetPagination",  # limit <= 500
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rumbo API",
    "DESCRIPTION": "Read access to plans, plan elements, activities and organisations. "
    "Every response shows only what the caller may see.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ActivityStatusEnum": "rumbo.plans.models.activity.Activity.Status",
        "PlanStatusEnum": "rumbo.plans.models.plan.Plan.Status",
        "ConceptNoteStatusEnum": "rumbo.tracking.models.ConceptNote.Status",
        "GoodPracticeStatusEnum": "rumbo.practices.models.GoodPractice.Status",
        "MeetingStatusEnum": "rumbo.meetings.models.Meeting.Status",
        "FollowUpStatusEnum": "rumbo.meetings.models_agreements.FollowUp.Status",
        "MeasurementStatusEnum": "rumbo.indicators.models.values.Measurement.Status",
        "DatePrecisionEnum": "rumbo.plans.models.activity.Activity.Precision",
        "OccurrenceStatusEnum": "rumbo.obligations.occurrences.STATUS_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "rumbo.core.lockout_api.document_lockout",  # the 429 of a locked-out Basic caller
    ],
}

# Background tasks (the scheduled cleaning of abandoned uploads, rumbo/tracking/tasks.py):
# in production kept in the database and run by `rumbo db_worker`; in the embedded default
# (RUMBO_DEBUG=1) and the tests, run in-process when enqueued. RUMBO_TASKS_BACKEND overrides.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("RUMBO_TASKS_BACKEND")
        or (
            "django_tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Content Security Policy: everything is served by Rumbo itself; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Brute force (django-axes; rumbo/core/lockout.py, docs/security.md). Every failed
# authentication (log-in page, admin, HTTP Basic on the API) is counted; at the limit further
# attempts are refused before any password is hashed, so they cost neither a guess nor the
# server's time.
# Failures are counted per (user name, client address) pair. Per user name alone, anyone
# could lock any account, the secretariat's included, by failing on purpose; per address
# alone, one person's typos, or one attacker, would lock out a whole country office or meeting
# venue behind one NAT address. The pair stops guessing at an account from one place and
# leaves everyone else alone.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)  # after the last failure; a new one restarts it
AXES_RESET_ON_SUCCESS = True  # a successful log-in forgets that pair's earlier failures
AXES_USERNAME_CALLABLE = "rumbo.core.lockout.username_key"  # case-folded
AXES_CLIENT_IP_CALLABLE = "rumbo.core.lockout.client_address"
AXES_HANDLER = "rumbo.core.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "rumbo.core.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429  # Too Many Requests (with Retry-After): wait, rather than 403
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure kept, for the secretariat to review
# Each failure before the limit still costs a password hash (about 2 s of CPU with the
# production hasher) and trying a new user name each time never reaches the per-pair limit:
# past this many failures from one address within the cool-off time, whatever the names, the
# address is locked out too. It is far above what people sharing an address mistype.
RUMBO_ADDRESS_FAILURE_LIMIT = 50
# Reverse proxies in front of Rumbo that append to X-Forwarded-For (1 for one nginx). With 0,
# the client address is REMOTE_ADDR: behind a proxy every client would share the proxy's.
RUMBO_PROXY_COUNT = int(os.environ.get("RUMBO_PROXY_COUNT", "0"))

# Mail (password resets): printed on the console unless a mail server is configured.
EMAIL_HOST = os.environ.get("RUMBO_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("RUMBO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("RUMBO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("RUMBO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("RUMBO_EMAIL_TLS", True)  # STARTTLS
    EMAIL_USE_SSL = _env_bool("RUMBO_EMAIL_SSL", False)  # implicit TLS (port 465)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("RUMBO_DEFAULT_FROM_EMAIL", "rumbo@localhost")
# The address people reach Rumbo at, for links in emails and calendar feeds ("https://host").
RUMBO_SITE_URL = os.environ.get("RUMBO_SITE_URL", "")
# The publisher of the IATI activity files (docs/iati.md). The CRM has no registered IATI
# organisation identifier in the sources: "XM-CRM" stands in until one is confirmed.
RUMBO_IATI_ORG_REF = os.environ.get("RUMBO_IATI_ORG_REF", "XM-CRM")
RUMBO_IATI_ORG_TYPE = os.environ.get("RUMBO_IATI_ORG_TYPE", "40")  # IATI OrganisationType
RUMBO_IATI_ORG_NAME = {
    "es": os.environ.get("RUMBO_IATI_ORG_NAME_ES", "Conferencia Regional sobre Migración"),
    "en": os.environ.get("RUMBO_IATI_ORG_NAME_EN", "Regional Conference on Migration"),
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = _env_bool("RUMBO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("RUMBO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("RUMBO_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RUMBO_LOG_LEVEL", "WARNING")},
}
