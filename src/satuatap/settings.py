"""SatuAtap settings: every knob comes from the environment (django-environ).

Defaults are safe for the embedded SQLite mode on one machine: DEBUG is off unless asked for,
and a missing SECRET_KEY is only tolerated when DEBUG is on (a per-install key is then generated
and kept in the data directory).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
environ.Env.read_env(env.str("SATUATAP_ENV_FILE", default=".env"), overwrite=False)

DATA_DIR = Path(env.str("SATUATAP_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
# Former secret keys, still accepted for what they signed (sessions, the purpose form's tokens)
# while SECRET_KEY is rotated (docs/operations.md, "Key rotation"): newest first.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])


def _field_encryption_keys() -> tuple[list[str], bool]:
    """Fernet keys for encrypted columns, newest first, and whether they came from the
    environment. Without FIELD_ENCRYPTION_KEYS a per-install key is generated in the data
    directory (fine for a demo; `check --deploy` warns, because a key kept beside the database
    file does not protect a stolen copy of it)."""
    keys = env.list("FIELD_ENCRYPTION_KEYS", default=[])
    if keys:
        return keys, True
    key_file = DATA_DIR / "field_encryption_key"
    if not key_file.exists():
        from cryptography.fernet import Fernet

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Fernet.generate_key().decode("ascii"))
        key_file.chmod(0o600)
    return [key_file.read_text().strip()], False


FIELD_ENCRYPTION_KEYS, FIELD_ENCRYPTION_KEYS_FROM_ENV = _field_encryption_keys()

# Mail (referral reminders to partners). Without EMAIL_URL mail is written to the console.
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SatuAtap <noreply@localhost>")
# The address people reach the site at, for links in mail (e.g. https://satuatap.example.id).
SATUATAP_SITE_URL = env.str("SATUATAP_SITE_URL", default="http://127.0.0.1:8000")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "satuatap.core.admin_site.SatuAtapAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The form widgets' templates, so that templates/django/forms/ can override one of them.
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "django_bootstrap5",
    "django_countries",
    "js_lib_bootstrap5",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "csp",
    "huey.contrib.djhuey",
    "satuatap.regions",
    "satuatap.core",
    "satuatap.people",
    "satuatap.frontdesk",
    "satuatap.placement",
    "satuatap.cases",
    "satuatap.outreach",
    "satuatap.privacy",
    "satuatap.notifications",
    "satuatap.reports",
    "satuatap.portal",
]
# The demo dataset (`seed_demo`, `demo_otp_code`: the satuatap.demo app) for development and
# demos. Off unless DEBUG is on or SATUATAP_DEMO=true: production neither installs nor imports it
# (the demo accounts share a published password and two-factor secret).
SATUATAP_DEMO = env.bool("SATUATAP_DEMO", default=DEBUG)
if SATUATAP_DEMO:
    INSTALLED_APPS.append("satuatap.demo")

MIDDLEWARE = [
    # First: every later middleware's log lines carry the request's id (core/request_id.py).
    "satuatap.core.request_id.RequestIdMiddleware",
    # Second: requests and their latency by URL pattern, for /metrics (core/metrics.py).
    "satuatap.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "satuatap.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "satuatap.core.middleware.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
    "satuatap.core.middleware_two_factor.TwoFactorMiddleware",
    # A refusal for lack of access that leaves a view: the 403 or 404 page (core/errors.py).
    "satuatap.core.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "satuatap.urls"
WSGI_APPLICATION = "satuatap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "satuatap.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'satuatap.sqlite3'}")
}
# WAL + synchronous=NORMAL keeps every committed write through a crash or kill of the server
# (tests/durability/test_sigkill.py); only a power cut can lose the last commits. FULL also
# survives that, at one fsync per commit (about 6 ms on the benchmark machine's disk).
SQLITE_SYNCHRONOUS = env.str("SQLITE_SYNCHRONOUS", default="NORMAL").upper()
if SQLITE_SYNCHRONOUS not in ("NORMAL", "FULL", "EXTRA"):
    raise ValueError("SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE transactions take the write
    # lock up front so concurrent writers queue on busy_timeout instead of failing mid-way.
    # Writers queue on a file lock and are woken the moment the lock is free
    # (core/db/sqlite3/base.py), instead of polling in SQLite's busy handler.
    DATABASES["default"]["ENGINE"] = "satuatap.core.db.sqlite3"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS}; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        }
    )
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# Persistent connections: a new connection per request costs more than most queries here.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Sessions: in the database by default. With several app servers and Redis as the cache,
# `django.contrib.sessions.backends.cache` keeps them in Redis only (a Redis restart, or an
# evicting `maxmemory-policy`, signs everyone out), `…backends.cached_db` reads them from Redis
# and writes them through to the database (deploy/README.md).
SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.cached_db",
)
SESSION_ENGINE = env.str("SESSION_ENGINE", default=SESSION_ENGINES[0])
if SESSION_ENGINE not in SESSION_ENGINES:
    raise ValueError("SESSION_ENGINE must be one of " + ", ".join(SESSION_ENGINES) + ".")

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "satuatap.core.lockout.lockout_response"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "satuatap.core.client_ip.client_ip"

API_TOKEN_LIFETIME_HOURS = env.int("API_TOKEN_LIFETIME_HOURS", default=12)

# Two-factor sign-in (TOTP, django-otp) for everyone who can read survivors' data or administer
# (the rule: core/two_factor/). Turning it off makes `check --deploy` warn (satuatap.W002).
SATUATAP_REQUIRE_2FA = env.bool("SATUATAP_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "SatuAtap"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Audit ----------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_MASK_CALLABLE = "satuatap.core.audit.mask_fully"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "id"
# Widgets render through the project's template engine: templates/django/forms/widgets/
# select_option.html names the empty choice in words instead of Django's "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
# Our catalogue first; the Indonesian country names (scripts/country_names.py) after it.
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "locale_countries"]
USE_I18N = True
# Dates are typed and shown in fields as dd/mm/yyyy in both languages (satuatap/formats).
FORMAT_MODULE_PATH = ["satuatap.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "satuatap_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))


def _private_storage() -> dict:
    """Where uploads and exports are kept: `SATUATAP_STORAGE=local` (the default: MEDIA_ROOT on
    this machine) or `s3` (an S3-compatible bucket shared by every app server). Never served
    directly either way (core/storage.py, docs/security.md "Object storage")."""
    kind = env.str("SATUATAP_STORAGE", default="local").lower()
    if kind == "local":
        return {"BACKEND": "satuatap.core.storage.PrivateFileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured("SATUATAP_STORAGE must be local or s3.")
    return {
        "BACKEND": "satuatap.core.storage_s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env.str("SATUATAP_S3_BUCKET"),
            # Empty: Amazon S3 itself; else the store's address (https://s3.example.id).
            "endpoint_url": env.str("SATUATAP_S3_ENDPOINT_URL", default="") or None,
            # Empty: boto3 looks for credentials itself (instance role, AWS_* variables).
            "access_key": env.str("SATUATAP_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("SATUATAP_S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("SATUATAP_S3_REGION", default="us-east-1"),
            # A folder inside the bucket, for a bucket shared with something else.
            "location": env.str("SATUATAP_S3_PREFIX", default=""),
            # "path" (https://host/bucket/key) suits MinIO, SeaweedFS and Ceph; or "virtual".
            "addressing_style": env.str("SATUATAP_S3_ADDRESSING_STYLE", default="path"),
            # A CA bundle for a store with a private certificate authority.
            "verify": env.str("SATUATAP_S3_CA_BUNDLE", default="") or None,
            "connect_timeout": env.float("SATUATAP_S3_CONNECT_TIMEOUT", default=5.0),
            "read_timeout": env.float("SATUATAP_S3_READ_TIMEOUT", default=30.0),
            "max_attempts": env.int("SATUATAP_S3_MAX_ATTEMPTS", default=3),
        },
    }


STORAGES = {
    "default": _private_storage(),
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Uploaded personal documents live outside any served directory and are only reachable
# through permission-checked views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "private")))
WHITENOISE_USE_FINDERS = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Security -------------------------------------------------------------------------------
# Behind the reverse proxy (deploy/nginx): trust what it says about the request, the scheme
# (X-Forwarded-Proto) and the client's address (the last X-Forwarded-For entry, core/client_ip.py:
# the sign-in lock-out and the audit trail). Without it both headers are the client's own word.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes and Prometheus reach each app server directly on the private network, in plain HTTP.
SECURE_SSL_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): every script and style is a file of ours, so neither
# 'unsafe-inline' nor 'unsafe-eval' is needed; downloads send their own stricter policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Logging: records by id only, never names, NIKs or narratives ----------------------------
# Every handler redacts what it writes (core/redaction.py): query strings of URLs (a registry
# search's NIK or name), long numbers, values a database error quotes. Django's own loggers
# write through these handlers only: its default `mail_admins` (unfiltered request data) and
# runserver's plain handler are replaced. gunicorn's logs: satuatap/gunicorn_conf.py.
# LOG_FORMAT=json (the default unless DEBUG): one JSON object per line with the request's id
# (core/json_logs.py, core/request_id.py); `plain` for a developer's console.
LOG_LEVEL = env.str("LOG_LEVEL", default="WARNING")
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json").lower()
if LOG_FORMAT not in ("json", "plain"):
    raise ValueError("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "satuatap.core.redaction.RedactPersonalData"},
        "request_id": {"()": "satuatap.core.request_id.RequestIdFilter"},
    },
    "formatters": {
        "json": {"()": "satuatap.core.json_logs.JsonLines"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact", "request_id"],
        },
        "server": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "server",
            "filters": ["redact", "request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        # Never DEBUG, whatever LOG_LEVEL says: at DEBUG these quote a whole template context
        # (the names on the page) and every SQL statement with its parameters (a search term).
        "django.template": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # The task consumer (`run_huey`) adds its own, unfiltered handler unless one is set.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# Error reports (DEBUG pages, mails to ADMINS) without request values or local variables.
DEFAULT_EXCEPTION_REPORTER = "satuatap.core.error_reports.PersonalDataExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "satuatap.core.error_reports.PersonalDataReporterFilter"

# The bearer token Prometheus scrapes /metrics with (docs/operations.md); without it only a
# signed-in administrator reads them. At least 32 characters (`check --deploy` warns); two,
# comma-separated, while Prometheus moves from the old one to the new one.
SATUATAP_METRICS_TOKEN = env.str("SATUATAP_METRICS_TOKEN", default="")

SATUATAP_DEMO_PASSWORD = env.str("SATUATAP_DEMO_PASSWORD", default="satuatap-demo-2026")


COUNTRIES_FIRST = ["HK", "TW", "MY", "SG", "JP", "KR", "SA"]
COUNTRIES_FIRST_REPEAT = True

# Uploaded document scans: what is accepted, decided by content, not by file name.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)

# How records travel to and from the national placement system (SISKOP2MI),
# placement/national/adapters.py. "file": CSV/JSON files an officer carries between the two
# systems (docs/national-exchange.md).
SATUATAP_NATIONAL_ADAPTER = env.str("SATUATAP_NATIONAL_ADAPTER", default="file")

# Fraud signals: an open placement file in one preparation stage longer than this is "stuck".
PLACEMENT_STUCK_AFTER_DAYS = env.int("PLACEMENT_STUCK_AFTER_DAYS", default=30)
# The departure reminder goes this many days before a file's planned departure date.
NOTIFICATION_DEPARTURE_REMINDER_DAYS = env.int(
    "SATUATAP_NOTIFICATION_DEPARTURE_REMINDER_DAYS", default=3
)
# A village profile shows no case figure for a village with fewer registered people than this
# (reports.village): a registry count beside a case count would name the person.
VILLAGE_PROFILE_MIN_PEOPLE = env.int("VILLAGE_PROFILE_MIN_PEOPLE", default=10)
# How long a purpose given for a sensitive record lasts (core.sensitive); every read in that
# time is still logged with it.
SENSITIVE_READ_GRANT_SECONDS = env.int("SENSITIVE_READ_GRANT_SECONDS", default=600)

# Retention periods per record class, overriding the defaults (core/retention/, table in
# docs/security.md): "visits=3y,survey_answers=1y,exports=7d,audit_entries=never". Days (30,
# 30d) or years (5y); `satuatap check` refuses an unknown class or an unreadable period.
SATUATAP_RETENTION = env.dict("SATUATAP_RETENTION", default={})

# How long the office has to answer each kind of data-subject request, overriding the defaults
# (privacy/deadlines.py, table in docs/security.md): "erasure=7d,objection=72h". Hours (72h) or
# days (14d); `satuatap check` refuses an unknown request type or an unreadable period.
SATUATAP_REQUEST_DEADLINES = env.dict("SATUATAP_REQUEST_DEADLINES", default={})
# The authority the written notices of a personal-data breach go to (UU 27/2022 Pasal 46(1)b,
# "lembaga"), as it is to be named in the letter.
SATUATAP_PDP_AUTHORITY = env.str(
    "SATUATAP_PDP_AUTHORITY", default="Lembaga Pelindungan Data Pribadi"
)

# Roll-ups follow the records through a background refresh queued after each commit, at most
# once per this many seconds per app-server thread (0: at once, in the committing thread); a
# sweep every minute takes whatever a refresh left (docs/reports.md, "Roll-ups").
ROLLUP_REFRESH_DELAY_SECONDS = env.int("ROLLUP_REFRESH_DELAY_SECONDS", default=5)

# Offline capture of outreach events and MRC contacts on a phone (docs/offline.md): the most
# days a record stays on the phone, sent or not (sent ones leave at once).
OUTREACH_OFFLINE_DAYS = env.int("OUTREACH_OFFLINE_DAYS", default=7)
if not 1 <= OUTREACH_OFFLINE_DAYS <= 90:
    raise ValueError("OUTREACH_OFFLINE_DAYS must be between 1 and 90.")

# Background work (imports now; exports and roll-ups later): huey, one small task module in core.
# SQLite queue in the data directory by default; Redis when REDIS_URL is set (production).
_redis_url = env.str("REDIS_URL", default="")
# Notifications (satuatap/notifications/, README "Configuration"): which gateway each channel
# uses ("email=smtp,whatsapp=whatsapp_cloud,sms=http_sms"); a channel left out sends nothing.
NOTIFICATION_GATEWAYS = env.dict("SATUATAP_NOTIFICATION_GATEWAYS", default={})
NOTIFICATION_MAX_ATTEMPTS = env.int("SATUATAP_NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_BASE_SECONDS = env.int("SATUATAP_NOTIFICATION_RETRY_BASE_SECONDS", default=60)
NOTIFICATION_HTTP_TIMEOUT_SECONDS = env.int(
    "SATUATAP_NOTIFICATION_HTTP_TIMEOUT_SECONDS", default=10
)
NOTIFICATION_DOCUMENT_EXPIRY_DAYS = env.int(
    "SATUATAP_NOTIFICATION_DOCUMENT_EXPIRY_DAYS", default=30
)
WHATSAPP_API_URL = env.str("WHATSAPP_API_URL", default="https://graph.facebook.com/v21.0")
WHATSAPP_PHONE_NUMBER_ID = env.str("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_ACCESS_TOKEN = env.str("WHATSAPP_ACCESS_TOKEN", default="")
WHATSAPP_APP_SECRET = env.str("WHATSAPP_APP_SECRET", default="")
WHATSAPP_VERIFY_TOKEN = env.str("WHATSAPP_VERIFY_TOKEN", default="")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_USERNAME = env.str("SMS_GATEWAY_USERNAME", default="")
SMS_GATEWAY_PASSWORD = env.str("SMS_GATEWAY_PASSWORD", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_FORMAT = env.str("SMS_GATEWAY_FORMAT", default="json")
SMS_GATEWAY_PAYLOAD = env.str(
    "SMS_GATEWAY_PAYLOAD", default='{"to": "{to}", "text": "{text}", "reference": "{reference}"}'
)
SMS_GATEWAY_ID_FIELD = env.str("SMS_GATEWAY_ID_FIELD", default="id")
SMS_GATEWAY_WEBHOOK_SECRET = env.str("SMS_GATEWAY_WEBHOOK_SECRET", default="")

HUEY = {
    "name": "satuatap",
    "immediate": env.bool("HUEY_IMMEDIATE", default=False),
    **(
        {"huey_class": "huey.RedisHuey", "url": _redis_url}
        if _redis_url
        else {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "tasks.sqlite3")}
    ),
    "consumer": {"workers": 2, "worker_type": "thread"},
}
