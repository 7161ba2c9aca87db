"""The demo's audit entry: one row saying what the demo run wrote, in the base transaction (after the people)."""

from __future__ import annotations

from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.demo import DemoRun


def seed_audit_entry(run: DemoRun) -> None:
    """Base phase, last."""
    audit_record(
        actor=None,
        action=AuditAction.CREATE if run.first_run else AuditAction.UPDATE,
        object_type="system.demo",
        summary=(
            f"demo data: {run.agencies} agencies, {len(run.users) + 1} users, "
            f"{run.people_created} people created"
        ),
        changes={"seed": run.seed, "people": run.people_created, "scale": run.scale},
    )
