"""Production settings: every secret from the environment, HTTPS only, two-factor required for all staff."""

from config.env import env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
SINERGI_FIELD_KEY = env_str("SINERGI_FIELD_KEY", required=True)
# Without it no checkpoint is signed and audit_verify cannot see a cut tail or a rebuilt chain: refuse to start.
SINERGI_AUDIT_CHECKPOINT_KEY = env_str("SINERGI_AUDIT_CHECKPOINT_KEY", required=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
SINERGI_REQUIRE_2FA = True
SINERGI_DEMO = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
