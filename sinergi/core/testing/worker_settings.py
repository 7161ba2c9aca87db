"""Settings of a background worker that a test runs in a subprocess (sinergi/core/tests/test_worker_kill.py):
the test settings on the database the test hands over (DATABASE_URL), the database task backend, and e-mails
written to files by a backend that can be made to hang."""

import os

from config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}}
EMAIL_BACKEND = "sinergi.core.testing.tasks.HangingFileBackend"
EMAIL_FILE_PATH = os.environ["SINERGI_TEST_MAIL_DIR"]
