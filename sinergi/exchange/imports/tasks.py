"""Background work of the import: the preview or commit of a large file."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task


# A large workbook keeps the worker for minutes and much memory: the bulk queue, whose worker runs each task in
# a child process (core/worker.py), so that e-mails and notifications do not wait behind it.
@task(queue_name=settings.SINERGI_BULK_QUEUE)
def run_import(*, batch_id: int) -> None:
    from sinergi.exchange.imports.services import import_run

    import_run(batch_id=batch_id)
