"""`bench/crash.py`'s server and worker settings: `bench/load.py`'s (production's, plus the bare anchor view),
with e-mails written to files that the crash test counts instead of handed to a mail server."""

import os

from bench.load_settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["SINERGI_CRASH_MAIL_DIR"]
