"""Local and demo settings: SQLite under var/, debug on, two-factor optional (the login page says so)."""

from config.env import env_bool, env_str

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env_bool("DEBUG", True)
SINERGI_DEMO = env_bool("SINERGI_DEMO", True)
SINERGI_REQUIRE_2FA = env_bool("SINERGI_REQUIRE_2FA", False)
# `make demo` runs one worker on the default queue: long tasks stay on it here.
SINERGI_BULK_QUEUE = env_str("SINERGI_BULK_QUEUE", "default")
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
STORAGES = {
    "default": {"BACKEND": "sinergi.core.uploads.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
