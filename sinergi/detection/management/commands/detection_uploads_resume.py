"""manage.py detection_uploads_resume [--minutes N]"""

from django.core.management.base import BaseCommand

from sinergi.detection.services import post_uploads_resume


class Command(BaseCommand):
    help = (
        "Queue again the uploaded files still waiting, or left half-way by a worker that stopped, for more than "
        "N minutes (default 30). Safe to run twice; run it hourly beside the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *args, minutes, **options):
        count = post_uploads_resume(older_than_minutes=max(1, minutes))
        self.stdout.write(f"{count} uploaded file(s) queued again")
