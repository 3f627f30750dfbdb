"""Settings shared by every environment. Production and test settings extend these."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from masar.settings.env import (
    BASE_DIR,
    VAR_DIR,
    database_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    masar_env,
    secret_key,
)

MASAR_ENV = masar_env()
PRODUCTION = MASAR_ENV == "production"

SECRET_KEY = secret_key(required=PRODUCTION)
DEBUG = env_bool("MASAR_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("MASAR_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("MASAR_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Index expressions with an operator class (the trigram name-search indexes).
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "masar.core",
    "masar.accounts",
    "masar.integration",
    "masar.operators",
    "masar.seasons",
    "masar.applications",
    "masar.photos",
    "masar.screening",
    "masar.training",
    "masar.visas",
    "masar.border",
    "masar.lodging",
    "masar.whereabouts",
    "masar.compliance",
    "masar.reporting",
    "masar.web",
    "masar.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "masar.accounts.middleware.SessionIdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "masar.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "masar.core.middleware.RequestOriginMiddleware",
    "masar.core.idempotency.IdempotencyMiddleware",
    "masar.core.api.deprecation.DeprecationMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "masar.urls"
WSGI_APPLICATION = "masar.wsgi.application"
ASGI_APPLICATION = "masar.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of third-party templates (e.g. Swagger UI with CSP nonces).
        "DIRS": [BASE_DIR / "web" / "overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masar.web.context_processors.masar",
            ],
        },
    }
]

# Storage: SQLite under var/ is the zero-set-up default; PostgreSQL is production, where
# DATABASE_URL is required (ADR 0102).
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'masar.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        database_url(required=PRODUCTION, default=DEFAULT_DATABASE_URL),
        conn_max_age=env_int("MASAR_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend with PostgreSQL's integer ranges (masar/core/sqlite/base.py).
    # Its test database stays in memory, one per process (named, since test runners
    # recognise only Django's own engine path).
    DATABASES["default"]["ENGINE"] = "masar.core.sqlite"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    # WAL lets the worker and the web process write without "database is locked" errors,
    # and IMMEDIATE transactions take the write lock up front instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
# A session idle this long signs its person out (ADR 0102): staff of the ministries after
# 30 minutes, everyone else after four hours.
MASAR_SESSION_IDLE_MINUTES_MINISTRY = env_int("MASAR_SESSION_IDLE_MINUTES_MINISTRY", 30)
MASAR_SESSION_IDLE_MINUTES = env_int("MASAR_SESSION_IDLE_MINUTES", 240)
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Second factor: staff of the three ministries must enrol a TOTP device in production.
MASAR_REQUIRE_MINISTRY_OTP = env_bool("MASAR_REQUIRE_MINISTRY_OTP", default=PRODUCTION)
OTP_TOTP_ISSUER = "Masar"
# Enrolling a device needs a one-time code from a supervisor or an administrator (ADR 0100).
MASAR_ENROLMENT_CODE_HOURS = env_int("MASAR_ENROLMENT_CODE_HOURS", 72)
# Bearer tokens expire (ADR 0101): 90 days unless asked otherwise, a year at most; only a
# service account's token may be long-lived, and only through an explicit flag.
MASAR_TOKEN_DEFAULT_DAYS = env_int("MASAR_TOKEN_DEFAULT_DAYS", 90)
MASAR_TOKEN_MAX_DAYS = env_int("MASAR_TOKEN_MAX_DAYS", 365)

# Failed sign-ins are throttled per user name and address.
AXES_FAILURE_LIMIT = env_int("MASAR_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("MASAR_AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Numbers on Arabic pages in Arabic-Indic digits (٢٬٠٠٠) instead of Western ones (2,000):
# off by default, as the ministry's own forms write them (masar.core.numbers).
MASAR_ARABIC_INDIC_DIGITS = env_bool("MASAR_ARABIC_INDIC_DIGITS", False)
TIME_ZONE = "Asia/Riyadh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Pilgrims' portraits and photo archives: private, outside MEDIA_ROOT, served only by a
    # view that checks who asks (docs/photos.md has the S3-compatible set-up).
    "portraits": {
        "BACKEND": env_str(
            "MASAR_PORTRAITS_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None}
        if not env_str("MASAR_PORTRAITS_STORAGE")
        else {},
    },
}

# Content security policy: everything is served from this site; no CDN anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Rate limits (masar.core.throttling). Behind N reverse proxies, set MASAR_TRUSTED_PROXIES
# to N so that the client address is read from X-Forwarded-For; with 0 (no proxy) the
# header is ignored, as any client can forge it.
MASAR_TRUSTED_PROXIES = env_int("MASAR_TRUSTED_PROXIES", 0)
MASAR_THROTTLE_RATES = {
    # The public tracker, per client address and per application number asked for.
    "track": env_str("MASAR_THROTTLE_TRACK", "30/minute"),
    "track_application": env_str("MASAR_THROTTLE_TRACK_APPLICATION", "20/hour"),
    # Anonymous API callers (seal verification, open data, certificates), per address.
    "anon": env_str("MASAR_THROTTLE_ANON", "120/minute"),
    # Every authenticated API client, per user; carrier checks on top, per carrier user.
    "user": env_str("MASAR_THROTTLE_USER", "1200/minute"),
    "carrier": env_str("MASAR_THROTTLE_CARRIER", "600/minute"),
}
# Failed sign-ins are counted per the same address.
AXES_CLIENT_IP_CALLABLE = "masar.core.throttling.client_address"

# How deep lists and objects may nest in a JSON request body.
MASAR_JSON_MAX_DEPTH = env_int("MASAR_JSON_MAX_DEPTH", 32)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "masar.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "masar.core.api.openapi.MasarAutoSchema",
    # OPTIONS names the endpoint and its methods; bodies are in the schema.
    "DEFAULT_METADATA_CLASS": "masar.core.api.metadata.MasarMetadata",
    "DEFAULT_PAGINATION_CLASS": "masar.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "masar.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["masar.core.throttling.ClientThrottle"],
    # JSON bodies bounded in depth and in integer size (masar.core.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "masar.core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # DRF's own throttles (if any view uses them) read the address the same way.
    "NUM_PROXIES": MASAR_TRUSTED_PROXIES,
    "DEFAULT_THROTTLE_RATES": MASAR_THROTTLE_RATES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Masar API",
    "DESCRIPTION": (
        "The e-services API of the ministry of Hajj and Umrah: organizations, operators, "
        "seasons, applications, screening, visas, the border e-track and events. Every error "
        'has the shape {"code", "message", "fields"}.'
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ScreeningDecisionEnum": "masar.screening.models.Decision",
        "ScreeningRejectionCodeEnum": "masar.screening.models.RejectionCode",
        "ScreeningReviewStatusEnum": "masar.screening.models.ReviewStatus",
        "WatchlistImportStatusEnum": "masar.screening.models.ImportStatus",
        "WatchlistImportFormatEnum": "masar.screening.models.ImportFormat",
        "CompanyStatusEnum": "masar.operators.models.CompanyStatus",
        "AgentStatusEnum": "masar.operators.models.AgentStatus",
        "ContractStatusEnum": "masar.operators.models.ContractStatus",
        "ApplicationStatusEnum": "masar.applications.states.ApplicationStatus",
        # An application's status as its viewer may see it (`under_review` for the
        # submitting side while the authorities review it).
        "ShownApplicationStatusEnum": "masar.applications.api.serializers.STATUS_CHOICES",
        "CarrierCodeEnum": "masar.border.error_codes.CarrierCode",
        # Names kept stable now that lodging's fields share these names ("kind", "mode",
        # "source") with other choice sets.
        "KindEnum": "masar.seasons.models.SeasonKind",
        "ModeEnum": "masar.applications.models.ManifestMode",
        "SourceEnum": ["gate", "api"],
        "CityEnum": "masar.lodging.models.City",
        "ProviderStatusEnum": "masar.lodging.models.ProviderStatus",
        "TransportModeEnum": "masar.lodging.models.TransportMode",
        "StayEventKindEnum": "masar.lodging.models.StayEventKind",
        "FieldSourceEnum": "masar.lodging.models.FieldSource",
        "WhereaboutsAlertKindEnum": "masar.whereabouts.models.AlertKind",
        "WhereaboutsAlertStatusEnum": "masar.whereabouts.models.AlertStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "masar.core.api.openapi.postprocess",
    ],
}

# Background work: Django's own tasks framework on the database queue of django-tasks-db.
TASKS = {
    "default": {
        # django-tasks-db's backend, recording the enqueuing request's id (core.taskqueue).
        "BACKEND": "masar.core.taskqueue.DatabaseBackend",
        "QUEUES": ["default", "integration", "imports"],
    }
}

# The database cache's table is made by a migration (core 0003): `masar migrate` is all the
# set-up the default cache needs.
MASAR_DB_CACHE_TABLE = "masar_cache"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": MASAR_DB_CACHE_TABLE,
    }
}
if env_str("MASAR_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("MASAR_REDIS_URL"),
    }

# Django 6.1 mailers. SMTP in production: MASAR_EMAIL_BACKEND and the SMTP options below.
MAILERS = {
    "default": {
        "BACKEND": env_str("MASAR_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": env_str("MASAR_SMTP_HOST"),
                "port": env_int("MASAR_SMTP_PORT", 587) if env_str("MASAR_SMTP_HOST") else None,
                "username": env_str("MASAR_SMTP_USER"),
                "password": env_str("MASAR_SMTP_PASSWORD"),
                "use_tls": env_bool("MASAR_SMTP_TLS", True) if env_str("MASAR_SMTP_HOST") else None,
            }.items()
            if value not in ("", None)
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("MASAR_FROM_EMAIL", "masar@localhost")

# Webhooks: plain-HTTP endpoints on loopback for the demo and tests; private networks
# refused in production (see docs/integration.md for the other MASAR_WEBHOOK_* settings).
MASAR_WEBHOOKS_ALLOW_HTTP_LOCALHOST = env_bool(
    "MASAR_WEBHOOKS_ALLOW_HTTP_LOCALHOST", default=not PRODUCTION
)
# Private and loopback addresses are refused whenever plain-HTTP loopback is not allowed,
# unless MASAR_WEBHOOKS_BLOCK_PRIVATE_NETWORKS says otherwise.
if env_str("MASAR_WEBHOOKS_BLOCK_PRIVATE_NETWORKS"):
    MASAR_WEBHOOKS_BLOCK_PRIVATE_NETWORKS = env_bool("MASAR_WEBHOOKS_BLOCK_PRIVATE_NETWORKS")

# Manifest imports an agent may have queued or running at once.
MASAR_MANIFEST_IMPORTS_PER_AGENT = env_int("MASAR_MANIFEST_IMPORTS_PER_AGENT", 2)

# Manifests and crossing batches are posted as large bodies.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MASAR_MAX_REQUEST_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Portrait checks: every threshold of `masar.photos.checks.Thresholds` may be overridden
# here by name (defaults and their meaning in docs/photos.md).
MASAR_PHOTO_CHECKS: dict[str, int | float] = {}
# A group's archive of photos: its size, how many files, how many bytes once unpacked.
MASAR_PHOTO_ARCHIVE_MAX_BYTES = env_int("MASAR_PHOTO_ARCHIVE_MAX_BYTES", 200 * 1024 * 1024)
MASAR_PHOTO_ARCHIVE_MAX_FILES = env_int("MASAR_PHOTO_ARCHIVE_MAX_FILES", 2000)
MASAR_PHOTO_ARCHIVE_MAX_UNPACKED = env_int("MASAR_PHOTO_ARCHIVE_MAX_UNPACKED", 1024 * 1024 * 1024)

# Review deadline of referrals raised by Masar's own records (bans, previous refusals);
# watchlist hits use their list's own deadline.
MASAR_SCREENING_RECORDS_SLA_HOURS = env_int("MASAR_SCREENING_RECORDS_SLA_HOURS", 24)
# Open data never publishes a cell counting fewer people than this (reporting).
MASAR_OPEN_DATA_MIN_CELL = env_int("MASAR_OPEN_DATA_MIN_CELL", 10)

# Visa seal signing keys live outside the database (docs/visa-seal.md).
MASAR_KEYS_DIR = Path(env_str("MASAR_KEYS_DIR", str(VAR_DIR / "keys")))
MASAR_KEYS_PASSPHRASE = env_str("MASAR_KEYS_PASSPHRASE")
# Signed checkpoints of the audit chain head and their key, outside the database too
# (docs/security.md); written by `masar tick` every this many minutes and at verify.
MASAR_AUDIT_CHECKPOINT_DIR: Path | None = Path(
    env_str("MASAR_AUDIT_CHECKPOINT_DIR", str(MASAR_KEYS_DIR / "audit"))
)
MASAR_AUDIT_CHECKPOINT_MINUTES = env_int("MASAR_AUDIT_CHECKPOINT_MINUTES", 15)

# How long Idempotency-Key records are kept before they may be pruned.
MASAR_IDEMPOTENCY_TTL_HOURS = env_int("MASAR_IDEMPOTENCY_TTL_HOURS", 48)

# Operations (docs/operations.md): probes, metrics, logs and the worker's shutdown.
# /readyz fails when the current visa seal signer stops signing within this many days.
MASAR_READY_KEY_DAYS = env_int("MASAR_READY_KEY_DAYS", 14)
# /metrics answers a request bearing this token, or coming from one of these addresses
# or networks (the scraper's own address, not the public proxy's).
MASAR_METRICS_TOKEN = env_str("MASAR_METRICS_TOKEN")
MASAR_METRICS_ALLOWED_IPS = env_list("MASAR_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
# Seconds `masar worker` lets its current task go on after SIGTERM before handing it back.
MASAR_WORKER_GRACE_SECONDS = env_int("MASAR_WORKER_GRACE_SECONDS", 20)
# JSON lines in production, readable lines in development (MASAR_LOG_FORMAT=json|plain).
MASAR_LOG_FORMAT = env_str("MASAR_LOG_FORMAT", "json" if PRODUCTION else "plain")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "masar.core.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "masar.core.logs.JsonFormatter"},
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s%(context)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": MASAR_LOG_FORMAT if MASAR_LOG_FORMAT in {"json", "plain"} else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("MASAR_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own default config gives the "django" logger a console handler of its
        # own; its records already reach the root's, so each would be printed twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
