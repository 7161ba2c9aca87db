"""Background work of the exports page: building a large agency's export."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task


@task(queue_name=settings.SINERGI_BULK_QUEUE)
def run_export(*, run_id: int) -> None:
    from sinergi.exchange.exports.services import export_run

    export_run(run_id=run_id)
