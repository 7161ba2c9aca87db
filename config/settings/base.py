"""Settings shared by every environment. Environment-specific modules import this and override."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.database import database_settings
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SINERGI_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "insecure-local-only-key-do-not-use-in-production")
# Key for field-level encryption (NIK, passport, phone) and their blind indexes; see sinergi/core/crypto.py.
SINERGI_FIELD_KEY = env_str("SINERGI_FIELD_KEY", "insecure-local-only-field-key")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "sinergi.core",
    "sinergi.agencies",
    "sinergi.regions",
    "sinergi.audit",
    "sinergi.people",
    "sinergi.cases",
    "sinergi.detection",
    "sinergi.exchange",
    "sinergi.outreach",
    "sinergi.analytics",
    "sinergi.portal",
]

MIDDLEWARE = [
    # First: a request that waited too long in the queue is answered 503 before any work (core/shedding.py).
    "sinergi.core.shedding.LoadSheddingMiddleware",
    # Pages compress to a fifth (a case page: 53 KiB, 9 KiB compressed) for offices on slow lines; Django's
    # GZip middleware pads each response at random against BREACH, which a proxy's gzip does not.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sinergi.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sinergi.core.middleware.SessionRenewalMiddleware",  # the idle expiry, renewed once a minute at most
    "sinergi.core.session_memo.SessionMemoMiddleware",  # the user's own write forgets the menu's counts
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sinergi.agencies.middleware.AccountStateMiddleware",
    "sinergi.core.middleware.RejectNulCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sinergi.core.middleware.RequestContextMiddleware",
    "sinergi.core.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sinergi.core.context_processors.platform",
                "sinergi.exchange.context_processors.exchange",
            ],
        },
    },
]

# <select> written in Python, byte for byte what the templates write (sinergi/core/renderers.py).
FORM_RENDERER = "sinergi.core.renderers.SinergiFormRenderer"

DATABASES = {
    "default": database_settings(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sinergi.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = ["sinergi.agencies.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
CSRF_FAILURE_VIEW = "sinergi.core.views.csrf_failure"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end when idle: the expiry is pushed forward on every request.
SESSION_COOKIE_AGE = env_int("SINERGI_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False  # core.middleware.SessionRenewalMiddleware renews the idle expiry
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor authentication and lock-out (sinergi/agencies).
SINERGI_REQUIRE_2FA = env_bool("SINERGI_REQUIRE_2FA", True)
SINERGI_LOCKOUT_THRESHOLD = env_int("SINERGI_LOCKOUT_THRESHOLD", 5)
SINERGI_LOCKOUT_SECONDS = env_int("SINERGI_LOCKOUT_SECONDS", 15 * 60)
# Each lock-out in a row lasts twice as long as the one before, up to this.
SINERGI_LOCKOUT_MAX_SECONDS = env_int("SINERGI_LOCKOUT_MAX_SECONDS", 24 * 60 * 60)
# A browser that completed a sign-in is trusted for this account this long (its device cookie): the lock-out
# above stops only the other clients, so guessing from many addresses cannot keep the owner out of it.
SINERGI_DEVICE_COOKIE_DAYS = env_int("SINERGI_DEVICE_COOKIE_DAYS", 180)
# Sign-in attempts (password step, second-factor step) per client address per 15 minutes, whatever the account.
SINERGI_LOGIN_PER_IP = env_int("SINERGI_LOGIN_PER_IP", 60)
SINERGI_OTP_PER_IP = env_int("SINERGI_OTP_PER_IP", 30)
# Password-reset requests per hour: per address asked for, and per client address.
SINERGI_RESET_PER_EMAIL = env_int("SINERGI_RESET_PER_EMAIL", 3)
SINERGI_RESET_PER_IP = env_int("SINERGI_RESET_PER_IP", 20)
SINERGI_DEMO = env_bool("SINERGI_DEMO", False)
# Signed checkpoints of the audit chain's head (sinergi/audit/checkpoints.py): the key never enters the database,
# the file belongs on another disk or machine.
# Audited writes take one of this many chains, each with its own lock, instead of all queueing on one (decision
# 0014); the checkpoints sign every chain's head. Raising it later is safe; lowering it leaves chains that stop.
SINERGI_AUDIT_CHAINS = env_int("SINERGI_AUDIT_CHAINS", 8)
SINERGI_AUDIT_CHECKPOINT_KEY = env_str("SINERGI_AUDIT_CHECKPOINT_KEY", "")
SINERGI_AUDIT_CHECKPOINT_FILE = env_str(
    "SINERGI_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")
)
# The background worker signs the heads this often, when they moved (0: only `manage.py audit_checkpoint`).
SINERGI_AUDIT_CHECKPOINT_MINUTES = env_int("SINERGI_AUDIT_CHECKPOINT_MINUTES", 60)
# Behind a reverse proxy the audit trail records the client from X-Forwarded-For (sinergi/core/middleware.py);
# only turn this on when the proxy overwrites that header, or clients could write their own address.
SINERGI_TRUST_X_FORWARDED_FOR = env_bool("SINERGI_TRUST_X_FORWARDED_FOR", False)
# The public portal's messaging channels (sinergi/portal/channels); a channel without its secret is off.
SINERGI_PORTAL_WHATSAPP_APP_SECRET = env_str("SINERGI_PORTAL_WHATSAPP_APP_SECRET")
SINERGI_PORTAL_WHATSAPP_VERIFY_TOKEN = env_str("SINERGI_PORTAL_WHATSAPP_VERIFY_TOKEN")
SINERGI_PORTAL_WHATSAPP_ACCESS_TOKEN = env_str("SINERGI_PORTAL_WHATSAPP_ACCESS_TOKEN")
SINERGI_PORTAL_WHATSAPP_PHONE_NUMBER_ID = env_str("SINERGI_PORTAL_WHATSAPP_PHONE_NUMBER_ID")
SINERGI_PORTAL_SMS_SECRET = env_str("SINERGI_PORTAL_SMS_SECRET")
SINERGI_PORTAL_SMS_SEND_URL = env_str("SINERGI_PORTAL_SMS_SEND_URL")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sinergi" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    # Sealed with AES-256-GCM (sinergi/core/uploads.py), like the identifiers in the database.
    "default": {"BACKEND": "sinergi.core.uploads.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded documents live outside the web root and are served only through permission-checked views.
MEDIA_ROOT = Path(env_str("SINERGI_MEDIA_ROOT", str(VAR_DIR / "protected")))
# Never routed: documents are served only by permission-checked views, never by URL.
MEDIA_URL = "/_protected-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
SINERGI_MAX_UPLOAD_BYTES = env_int("SINERGI_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sinergi <noreply@sinergi.localhost>")

# Two queues: "default" for short jobs (e-mails, notifications), "bulk" for long ones (screening uploads,
# retraining), each with its own worker (`manage.py worker --queue-name bulk`), so long work never delays mail.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}}
# The queue of the long tasks; the demo (local settings) keeps them on "default", served by its one worker.
SINERGI_BULK_QUEUE = env_str("SINERGI_BULK_QUEUE", "bulk")
# Queues whose tasks the worker runs each in a forked process, so that their memory returns (core/worker.py).
SINERGI_WORKER_ISOLATED_QUEUES = env_list("SINERGI_WORKER_ISOLATED_QUEUES", ["bulk"])
# Load shedding (core/shedding.py): a request the proxy stamped more than this long ago gets 503 (0: never).
SINERGI_SHED_AFTER_MS = env_int("SINERGI_SHED_AFTER_MS", 1000)
SINERGI_SHED_RETRY_AFTER = env_int("SINERGI_SHED_RETRY_AFTER", 2)
# The case menu's badge counts are kept this many seconds in the session (core/session_memo.py; 0: never).
SINERGI_NAV_COUNTS_SECONDS = env_int("SINERGI_NAV_COUNTS_SECONDS", 30)
# Event delivery to other agencies' systems (sinergi/exchange/events/delivery.py): seconds.
SINERGI_WEBHOOK_TIMEOUT_SECONDS = env_int("SINERGI_WEBHOOK_TIMEOUT_SECONDS", 10)
SINERGI_WEBHOOK_CLAIM_SECONDS = env_int("SINERGI_WEBHOOK_CLAIM_SECONDS", 60)
SINERGI_WEBHOOK_FIRST_RETRY_SECONDS = env_int("SINERGI_WEBHOOK_FIRST_RETRY_SECONDS", 15)
SINERGI_WEBHOOK_MAX_RETRY_SECONDS = env_int("SINERGI_WEBHOOK_MAX_RETRY_SECONDS", 6 * 3600)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sinergi.core.api.authentication.SessionAuthentication",
        "sinergi.core.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "sinergi.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "sinergi.core.api.schema.ScopedAutoSchema",
    "EXCEPTION_HANDLER": "sinergi.core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"public": "30/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sinergi API",
    "DESCRIPTION": "Inter-agency API for preventing and handling trafficking of Indonesian migrant workers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ApprovalKindEnum": "sinergi.cases.choices.ApprovalKind",
        "UserKindEnum": "sinergi.agencies.choices.UserKind",
        "ExportKindEnum": "sinergi.exchange.choices.ExportKind",
        # The case list's filters are also the case search's body (POST /cases/search/): one name per set.
        "CaseStatusEnum": "sinergi.cases.choices.CaseStatus",
        "ExploitationTypeEnum": "sinergi.cases.choices.ExploitationType",
        "IntakeChannelEnum": "sinergi.cases.choices.IntakeChannel",
        "VictimStatusEnum": "sinergi.cases.choices.VictimStatus",
    },
}

# Personal data never reaches the logs: only ids and codes are logged (see sinergi/core/logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "sinergi.core.logging.RedactPersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
