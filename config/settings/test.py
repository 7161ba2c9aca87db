"""Test settings: in-memory SQLite unless DATABASE_URL points at PostgreSQL (as in CI)."""

import os
import tempfile

from config.database import database_settings

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
SINERGI_FIELD_KEY = "test-field-key"
SINERGI_REQUIRE_2FA = True
SINERGI_DEMO = False
ALLOWED_HOSTS = ["*"]
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_settings(os.environ["DATABASE_URL"], conn_max_age=0)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "bulk"]}
}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sinergi-test-media-"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "sinergi.core.uploads.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
