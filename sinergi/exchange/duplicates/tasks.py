"""Background job of the duplicate review (django-tasks): one linkage run over the people table, by id."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task


# Minutes of work for a large people table: the bulk queue, so that e-mails and notifications do not wait.
@task(queue_name=settings.SINERGI_BULK_QUEUE)
def run_linkage(run_id: int) -> str:
    from sinergi.exchange.duplicates.services import link_run_execute

    return link_run_execute(run_id=run_id).status
