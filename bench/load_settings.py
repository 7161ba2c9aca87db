"""`bench/load.py`'s server settings: production's, unchanged, plus the bare anchor view."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
