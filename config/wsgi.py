"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# A page allocates tens of thousands of short-lived objects: at Python's default threshold (700) the cyclic
# collector ran dozens of times per page, and every full pass walked all the modules, models and compiled
# templates loaded at start. Those are frozen out of its sight, and it runs on 50,000 new objects instead
# (about 5% of the CPU of bench/load.py's mix, measured in one process alternating both settings).
gc.freeze()
gc.set_threshold(50_000, 50, 100)
