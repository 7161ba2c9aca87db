from django.core.management.base import BaseCommand

from sinergi.regions.services import regions_load


class Command(BaseCommand):
    help = "Loads the Kemendagri regions (province to village) shipped in sinergi/regions/data/."

    def add_arguments(self, parser):
        parser.add_argument("--province", action="append", help="Only this province code (repeatable).")

    def handle(self, *args, **options):
        total = regions_load(provinces=options["province"])
        self.stdout.write(self.style.SUCCESS(f"{total} regions loaded."))
