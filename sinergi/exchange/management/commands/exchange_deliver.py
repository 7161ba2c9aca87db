"""Delivers due events to subscribers, once or in a loop (the sender process beside the worker)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from sinergi.exchange.events.delivery import deliver_due


class Command(BaseCommand):
    help = "Sends due events to subscribed agencies' systems (retries with back-off)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, checking every --interval s")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, loop: bool = False, interval: float = 5.0, **options):
        while True:
            attempted = deliver_due()
            if options["verbosity"] > 1:
                self.stdout.write(f"attempted {attempted}")
            if not loop:
                return
            time.sleep(interval)
