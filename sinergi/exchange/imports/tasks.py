"""Background work of the import: the preview or commit of a large file."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(*, batch_id: int) -> None:
    from sinergi.exchange.imports.services import import_run

    import_run(batch_id=batch_id)
