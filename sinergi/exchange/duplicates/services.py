"""Writes of the duplicate review: request a linkage run, run it (the worker), merge, keep apart, undo.

A merge links two person records as one person; it changes neither record, so undoing it loses nothing. Every
decision is audited with ids and the probability only (no names), in the same transaction as the change.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.models import User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.exchange.duplicates import selectors
from sinergi.exchange.models import CandidatePair, LinkRun
from sinergi.exchange.models.linkage import LinkRunStatus, PairBand, PairStatus

if TYPE_CHECKING:
    import pandas as pd

    from sinergi.exchange.linkage.pipeline import LinkResult

logger = logging.getLogger(__name__)
DECISIONS = {"merge": PairStatus.MERGED, "keep_apart": PairStatus.KEPT_APART}
BULK = 5000


def linkage_dir() -> Path:
    """Where trained models of runs are kept (beside the other run-time files)."""
    return Path(getattr(settings, "SINERGI_LINKAGE_DIR", Path(settings.VAR_DIR) / "linkage"))


def link_run_request(*, actor: User) -> LinkRun:
    """Queues a linkage run over the whole people table; the worker runs it (`tasks.run_linkage`)."""
    if not selectors.may_request_link_run(actor):
        raise ApplicationError(_("Only supervisors and agency administrators can start a linkage run."),
                               code="forbidden", status=403)  # fmt: skip
    with transaction.atomic(durable=True):
        if LinkRun.objects.filter(status__in=(LinkRunStatus.QUEUED, LinkRunStatus.RUNNING)).exists():
            raise ConflictError(_("A linkage run is already waiting or running."), code="run_in_progress")
        run = LinkRun.objects.create(requested_by=actor)
        audit_record(actor=actor, action=AuditAction.CREATE, obj=run, summary="linkage run requested")
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from sinergi.exchange.duplicates.tasks import run_linkage

    run_linkage.enqueue(run_id)


def _people_frame() -> pd.DataFrame:
    import pandas as pd

    from sinergi.people.models import Person, PersonPhone

    phones: dict[int, str] = {}
    for person_id, number in PersonPhone.objects.order_by("person_id", "id").values_list(
        "person_id", "number"
    ):
        phones.setdefault(person_id, number)
    rows = []
    # The NIK is decrypted in the worker's memory only; nothing of it is logged or stored by the run.
    for person in (
        Person.objects.select_related("address_region")
        .only("id", "full_name", "sex", "birth_date", "nik", "address_region__code")
        .iterator(chunk_size=BULK)
    ):
        rows.append(
            (
                str(person.pk),
                person.full_name,
                person.sex if person.sex in ("F", "M") else "",
                person.birth_date.isoformat() if person.birth_date else "",
                person.nik or "",
                phones.get(person.pk, ""),
                person.address_region.code if person.address_region else "",  # select_related
            )
        )
    return pd.DataFrame(rows, columns=["unique_id", "name", "sex", "birth_date", "nik", "phone", "region"])


def link_run_execute(*, run_id: int) -> LinkRun:
    """Runs the linker over every person record and replaces the undecided pairs with the run's (the worker).

    Safe to run twice: a run is claimed while it is unfinished, i.e. waiting, or left "running" by a worker
    killed midway (core/worker.py runs the task again once that worker's lease has expired). The pairs and the
    "done" are one transaction, so such a run has stored nothing yet, and its model file has a name fixed by
    the run; a finished run is left alone.
    """
    from sinergi.exchange.linkage import model as linkage_model
    from sinergi.exchange.linkage.features import prepare
    from sinergi.exchange.linkage.pipeline import link

    claimed = LinkRun.objects.filter(
        pk=run_id, status__in=(LinkRunStatus.QUEUED, LinkRunStatus.RUNNING)
    ).update(status=LinkRunStatus.RUNNING, started_at=timezone.now())
    run = LinkRun.objects.get(pk=run_id)
    if not claimed:
        return run
    try:
        frame = _people_frame()
        result = link(prepare(frame)) if len(frame) > 1 else None
        model_file = ""
        if result is not None and result.trained:
            model_file = f"run-{run.pk}.json"
            linkage_model.save_dict(
                result.model,
                linkage_dir() / model_file,
                version=f"run-{run.pk}",
                trained_on_records=len(frame),
                note="people table",
            )
        with transaction.atomic(durable=True):
            pairs = _store_pairs(run, result)
            run.status = LinkRunStatus.DONE
            run.finished_at = timezone.now()
            run.records = len(frame)
            run.pairs = pairs
            run.clusters = int(result.clusters["cluster_id"].nunique()) if result is not None else len(frame)
            run.trained = bool(result is not None and result.trained)
            run.model_file = model_file
            run.model_version = (
                f"run-{run.pk}"
                if model_file
                else (linkage_model.load(linkage_model.DEFAULT_MODEL)[1].version)
            )
            run.save()
            audit_record(
                actor=run.requested_by,
                action=AuditAction.UPDATE,
                obj=run,
                summary="linkage run finished",
                changes={"records": run.records, "pairs": pairs, "trained": run.trained},
            )
    except Exception as exc:
        logger.exception("linkage run %s failed", run.pk)
        LinkRun.objects.filter(pk=run.pk).update(
            status=LinkRunStatus.FAILED, finished_at=timezone.now(), error=type(exc).__name__[:300]
        )
        run.refresh_from_db()
    return run


def link_run_given_up(run_id: int) -> None:
    """The worker gave the run's task up (its worker died every time): a run still waiting or running fails,
    as a run that raised does, so that a new one can be requested; a finished run is left alone (safe twice)."""
    failed = LinkRun.objects.filter(
        pk=run_id, status__in=(LinkRunStatus.QUEUED, LinkRunStatus.RUNNING)
    ).update(status=LinkRunStatus.FAILED, finished_at=timezone.now(), error=LinkRun.GIVEN_UP)
    if failed:
        logger.warning("linkage run %s failed: its task was given up", run_id)


def _store_pairs(run: LinkRun, result: LinkResult | None) -> int:
    """Replaces the undecided pairs; decided pairs keep their decision (their row wins the unique constraint)."""
    CandidatePair.objects.filter(status=PairStatus.PENDING).delete()
    if result is None or result.pairs.empty:
        return 0
    from sinergi.exchange.linkage.model import MATCH_PROBABILITY

    batch: list[CandidatePair] = []
    stored = 0
    for left, right, probability, weight in result.pairs.itertuples(index=False):
        a, b = sorted((int(left), int(right)))
        batch.append(
            CandidatePair(
                run=run,
                person_a_id=a,
                person_b_id=b,
                probability=float(probability),
                match_weight=float(weight),
                band=PairBand.MATCH if probability >= MATCH_PROBABILITY else PairBand.REVIEW,
            )
        )
        if len(batch) >= BULK:
            stored += len(CandidatePair.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    stored += len(CandidatePair.objects.bulk_create(batch, ignore_conflicts=True))
    return stored


def _decide(
    *, actor: User, pair_id: int | str, version: int, status: str, summary: str, expect_pending: bool
) -> CandidatePair:
    with transaction.atomic(durable=True):
        pair = selectors.pair_get(user=actor, pair_id=pair_id, for_decision=True)
        pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
        if pair.version != version:
            raise ConflictError(_("Someone else decided this pair first. Look at it again."), code="stale")
        if expect_pending and pair.status != PairStatus.PENDING:
            raise ConflictError(_("This pair has already been decided."), code="already_decided")
        if not expect_pending and pair.status == PairStatus.PENDING:
            raise ApplicationError(_("This pair has not been decided yet."), code="not_decided")
        before = pair.status
        pair.status = status
        pair.decided_by = actor if status != PairStatus.PENDING else None
        pair.decided_at = timezone.now() if status != PairStatus.PENDING else None
        pair.version += 1
        pair.full_clean()
        pair.save(update_fields=["status", "decided_by", "decided_at", "version"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=pair,
            summary=summary,
            changes={
                "status": [before, status],
                "person_a": pair.person_a_id,
                "person_b": pair.person_b_id,
                "probability": round(pair.probability, 4),
            },
        )
    return pair


def pair_decide(*, actor: User, pair_id: int | str, decision: str, version: int) -> CandidatePair:
    """Records that the two records are one person ("merge") or two ("keep_apart")."""
    if decision not in DECISIONS:
        raise ApplicationError(
            _("Choose whether the two records are the same person."), code="invalid_decision"
        )
    summary = "people merged" if decision == "merge" else "people kept apart"
    return _decide(
        actor=actor,
        pair_id=pair_id,
        version=version,
        status=DECISIONS[decision],
        summary=summary,
        expect_pending=True,
    )


def pair_undo(*, actor: User, pair_id: int | str, version: int) -> CandidatePair:
    """Undoes a merge (or a keep-apart): the pair is undecided again and back in its queue."""
    return _decide(
        actor=actor,
        pair_id=pair_id,
        version=version,
        status=PairStatus.PENDING,
        summary="decision undone",
        expect_pending=False,
    )
