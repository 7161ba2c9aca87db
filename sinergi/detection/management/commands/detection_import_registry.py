"""manage.py detection_import_registry {p3mi,job_orders} FILE.csv [--source-date YYYY-MM-DD]"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from sinergi.detection.engine.knowledge_base import DEFAULT_DIR, KNOWLEDGE_DIR_ENV
from sinergi.detection.engine.registry import KINDS, RegistryError, import_registry
from sinergi.detection.engine.screening import reset_default_knowledge


class Command(BaseCommand):
    help = (
        "Validate a CSV of licensed placement companies (p3mi) or official job orders (job_orders) and replace "
        "the versioned registry file with it. Bad rows are reported by line number and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file")
        parser.add_argument("--source-date", help="date of the source list (YYYY-MM-DD); default today")
        parser.add_argument("--source", help="where the list comes from (kept in the file header)")

    def handle(self, *args, kind, file, source_date=None, source=None, **options):
        import os

        date = None
        if source_date:
            try:
                date = dt.date.fromisoformat(source_date)
            except ValueError as exc:
                raise CommandError(f"--source-date harus tanggal YYYY-MM-DD, bukan {source_date!r}") from exc
        directory = os.environ.get(KNOWLEDGE_DIR_ENV) or str(DEFAULT_DIR)
        try:
            registry = import_registry(kind, file, knowledge_dir=directory, source_date=date, source=source)
        except RegistryError as exc:
            lines = "\n".join(f"  baris {line}: {message}" for line, message in exc.problems[:200])
            raise CommandError(
                f"{exc.source}: {len(exc.problems)} masalah; tidak ada yang disimpan.\n{lines}"
            ) from exc
        reset_default_knowledge()
        self.stdout.write(
            self.style.SUCCESS(
                f"Registri {kind} versi {registry.version}: {len(registry.rows)} baris disimpan ke {KINDS[kind]['file']}."
            )
        )
