"""The background worker: django-tasks' database worker, made to survive what production does to it.

    manage.py worker                          # short jobs: e-mails, notifications (queue "default")
    manage.py worker --queue-name bulk        # long jobs: uploads, retraining, imports, exports, linkage

What it adds to `db_worker` (issue 14 point 9):

- **A database outage is ridden out**: an `OperationalError` or `InterfaceError` closes the connections and the
  worker waits, 1 s, 2 s, 4 s ... up to 30 s, then carries on where it was, instead of exiting.
- **Tasks are leased**: while a worker lives, a thread of its own refreshes its heartbeat (`WorkerHeartbeat`)
  every few seconds, even in the middle of a long task. A task left RUNNING by a worker whose heartbeat is older
  than `LEASE_SECONDS` (killed, machine lost) is put back in the queue by the next worker that looks, up to
  `MAX_ATTEMPTS` runs; after that it is given up: marked failed without running it again, once the handler its
  app registered (`sinergi.core.registry.register_given_up`) has failed the record the task was working on (an
  export, an import, an upload, a linkage run), which would otherwise stay "running" for ever. Tasks must
  therefore be idempotent: a re-run finishes the work without doing twice what was done.
- **Memory is handed back** after each task (`gc.collect()` and glibc's `malloc_trim`). That is not enough
  after a large task (Python keeps fragmented arenas: a worker that screened 20,000 posts kept ~370 MiB,
  bench/crash.py), so the tasks of the queues in SINERGI_WORKER_ISOLATED_QUEUES (the bulk queue) run in a
  forked child process, whose memory goes back to the system when it exits. The parent keeps beating meanwhile
  (the lease holds), the child dies with its parent (a killed worker leaves no orphan still working), and a
  child that dies by itself (out of memory) has its task queued again like a dead worker's.
- **Periodic jobs run without cron**: about once a minute, between tasks, the worker runs the jobs the apps
  registered (`sinergi.core.registry.register_periodic`: the audit trail's signed checkpoints); each decides
  whether it is due and is safe when every worker runs it at once. A failing job is logged, never fatal.
- Long work goes to its own queue (SINERGI_BULK_QUEUE, "bulk"; the demo keeps one queue) and its own worker,
  so it never holds e-mails behind it.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import signal
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.management.commands.db_worker import Worker

from sinergi.core.registry import given_up_handler, periodic_jobs

logger = logging.getLogger("sinergi.worker")

HEARTBEAT_SECONDS = 5
LEASE_SECONDS = 60
MAX_ATTEMPTS = 3
BACKOFF_MAX_SECONDS = 30
PERIODIC_SECONDS = 60

_DATABASE_DOWN = (OperationalError, InterfaceError)
# The exit status of a task's child process that lost the database (EX_TEMPFAIL).
_CHILD_DATABASE_DOWN = 75
_PR_SET_PDEATHSIG = 1


def _release_memory() -> None:
    gc.collect()
    # Not glibc: the allocator keeps its pages, the process still works.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def heartbeat(worker_id: str, queues: str) -> None:
    from sinergi.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"queues": queues[:200], "beat_at": timezone.now()}
    )


def given_up_reason(user: Any = None) -> str:
    """What a given-up task's record says: in the language of `user` (who asked for the work), or in the active
    language (a page that shows it to its reader)."""
    if user is None:
        return _given_up_reason()
    with translation.override(getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE):
        return _given_up_reason()


def _given_up_reason() -> str:
    return gettext("The task was given up after %(attempts)d failed attempts.") % {"attempts": MAX_ATTEMPTS}


def task_given_up(task_path: str, args_kwargs: dict) -> None:
    """Lets the task's app fail the record the task was working on, before the task itself is marked failed.

    The handler comes first: should the worker die in between, the task is still stale and the next sweep calls
    the (idempotent) handler again, where the other order would leave the record "running" for ever. A database
    outage is the caller's to ride out (the task is given up on the next sweep); any other error of the handler
    is logged, without its message or traceback (they may quote the record), and the task is given up anyway.
    """
    handler = given_up_handler(task_path)
    if handler is None:
        return
    try:
        handler(*args_kwargs.get("args", []), **args_kwargs.get("kwargs", {}))
    except _DATABASE_DOWN:
        raise
    except Exception as error:
        logger.error("given-up task %s: its handler failed (%s)", task_path, type(error).__name__)


def expired_leases_requeue(*, now=None) -> dict[str, int]:
    """Puts back in the queue the tasks left RUNNING by a worker that stopped beating; fails those run too often.

    Safe to call from every worker at once: each task changes state in one conditional UPDATE.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from sinergi.core.models import MailHandOff, WorkerHeartbeat

    now = now or timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=now - timedelta(seconds=LEASE_SECONDS)).values_list(
            "worker_id", flat=True
        )
    )
    requeued = failed = 0
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - timedelta(seconds=LEASE_SECONDS)
    ).only("id", "worker_ids", "task_path", "args_kwargs")
    for result in stale:
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        # Conditional on the row still being what was read: another worker's sweep may have been first.
        still_stale = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, worker_ids=result.worker_ids
        )
        if len(result.worker_ids) >= MAX_ATTEMPTS:
            task_given_up(result.task_path, result.args_kwargs)
            if still_stale.update(status=TaskResultStatus.FAILED, finished_at=now):
                failed += 1
                logger.error("task %s failed: its worker died %s times", result.pk, len(result.worker_ids))
            continue
        if still_stale.update(status=TaskResultStatus.READY):
            requeued += 1
            logger.warning("task %s queued again: its worker stopped beating", result.pk)
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    # A task runs again within minutes of its worker's death: a week of sent-mail keys is plenty.
    MailHandOff.objects.filter(created_at__lt=now - timedelta(days=7)).delete()
    return {"requeued": requeued, "failed": failed}


class ResilientWorker(Worker):
    """`db_worker`'s loop with a heartbeat, lease recovery, database back-off and memory release."""

    def __init__(self, *, beat_in_background: bool = True, isolated_queues: tuple[str, ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.beat_in_background = beat_in_background
        self.isolated_queues = set(isolated_queues)
        self._stop_beating = threading.Event()
        self._last_sweep = 0.0
        self._last_periodic: float | None = None  # None: run the periodic jobs at start-up
        # Tasks this worker claimed when the database went away mid-task: queued again once it is back.
        self._orphans: set = set()

    def _beat_forever(self) -> None:
        queues = ",".join(self.queue_names)
        while not self._stop_beating.is_set():
            try:
                heartbeat(self.worker_id, queues)
            except _DATABASE_DOWN:
                logger.warning("heartbeat: database unavailable")
            finally:
                connections.close_all()  # this thread's own connection: never left half-open
            self._stop_beating.wait(HEARTBEAT_SECONDS)

    def _sweep(self) -> None:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        if self._orphans:
            DBTaskResult.objects.filter(pk__in=self._orphans, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY
            )
            self._orphans.clear()
        if time.monotonic() - self._last_sweep >= HEARTBEAT_SECONDS:
            self._last_sweep = time.monotonic()
            expired_leases_requeue()

    def _periodic(self) -> None:
        """The registered periodic jobs, at most once every PERIODIC_SECONDS (a database outage is the loop's)."""
        if self._last_periodic is not None and time.monotonic() - self._last_periodic < PERIODIC_SECONDS:
            return
        self._last_periodic = time.monotonic()
        for name, job in periodic_jobs():
            try:
                job()
            except _DATABASE_DOWN:
                raise
            except Exception:
                logger.exception("periodic job %s failed", name)

    def _claim(self):
        """The next ready task of this worker's queues, marked as running by it (db_worker's own claim)."""
        from django_tasks_db.models import DBTaskResult
        from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                result = tasks.get_locked()
                if result is not None:
                    result.claim(self.worker_id)
                return result
            except OperationalError as error:
                if is_locked_database_exception(error):
                    return None
                raise

    def run_task(self, db_task_result) -> None:
        try:
            if db_task_result.queue_name in self.isolated_queues:
                self._run_in_child(db_task_result)
            else:
                super().run_task(db_task_result)
        except _DATABASE_DOWN:
            self._orphans.add(db_task_result.pk)
            raise
        finally:
            _release_memory()

    def _run_in_child(self, db_task_result) -> None:
        """Runs the task in a forked process (its memory is returned when it exits); waits for it."""
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        connections.close_all()  # a connection must never be shared across a fork: each side opens its own
        pid = os.fork()
        if pid == 0:  # the child
            status = 0
            try:
                with contextlib.suppress(OSError, AttributeError):
                    ctypes.CDLL("libc.so.6").prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
                signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the parent decides when to stop
                super().run_task(db_task_result)
            except _DATABASE_DOWN:
                status = _CHILD_DATABASE_DOWN
            except BaseException:
                logger.exception("task %s: its process failed", db_task_result.pk)
                status = 1
            finally:
                with contextlib.suppress(Exception):
                    connections.close_all()
                os._exit(status)
        self._run_tasks += 1
        _pid, wait_status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(wait_status)
        if code == 0:
            return
        if code == _CHILD_DATABASE_DOWN:
            raise OperationalError(f"task {db_task_result.pk}: its process lost the database")
        # Killed (out of memory) or crashed before recording an outcome: like a dead worker's task.
        logger.error("task %s: its process ended with %s; queued again", db_task_result.pk, code)
        running = DBTaskResult.objects.filter(pk=db_task_result.pk, status=TaskResultStatus.RUNNING)
        if len(db_task_result.worker_ids) >= MAX_ATTEMPTS:
            if running.exists():  # not if the child recorded an outcome before it died
                task_given_up(db_task_result.task_path, db_task_result.args_kwargs)
            running.update(status=TaskResultStatus.FAILED, finished_at=timezone.now())
        else:
            running.update(status=TaskResultStatus.READY)

    def run(self) -> None:
        logger.info("worker %s starting on queues %s", self.worker_id, ",".join(self.queue_names))
        if self.beat_in_background:
            threading.Thread(target=self._beat_forever, name="worker-heartbeat", daemon=True).start()
        delay = 1.0
        try:
            while self.running:
                result = None
                try:
                    close_old_connections()
                    self._sweep()
                    self._periodic()
                    result = self._claim()
                    if result is not None:
                        self.run_task(result)
                    delay = 1.0
                except _DATABASE_DOWN as error:
                    logger.warning(
                        "database unavailable (%s); retrying in %.0f s", type(error).__name__, delay
                    )
                    connections.close_all()
                    time.sleep(delay)
                    delay = min(delay * 2, BACKOFF_MAX_SECONDS)
                    continue
                if self.batch and result is None:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                if self.running and result is None:
                    time.sleep(self.interval)
        finally:
            self._stop_beating.set()
