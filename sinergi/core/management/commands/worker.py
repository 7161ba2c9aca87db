"""`manage.py worker`: the background worker (django-tasks' `db_worker` options), resilient (core/worker.py)."""

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from sinergi.core.worker import ResilientWorker


class Command(DbWorkerCommand):
    help = (
        "Runs background tasks: rides out database outages, keeps a heartbeat so that tasks of a dead worker run "
        "again, releases memory after each task. --queue-name bulk for long jobs, default for the rest."
    )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        worker = ResilientWorker(
            isolated_queues=tuple(settings.SINERGI_WORKER_ISOLATED_QUEUES),
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
