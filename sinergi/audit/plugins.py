"""What the audit app adds to core: its menu entry and home card, whether a user reads the trail, the
recorder of the API's list reads, the worker's periodic checkpoint and the demo's audit entry; see
sinergi.core.registry and sinergi.core.demo."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.demo import register_demo_seeder
from sinergi.core.registry import (
    NavEntry,
    register_context,
    register_nav,
    register_periodic,
    register_provider,
)


def _href(user: Any) -> str | None:
    from sinergi.audit.models import can_read_audit

    # Only readers of the audit trail see its menu entry.
    return reverse("audit:index") if can_read_audit(user) else None


def _can_read(request: HttpRequest) -> bool:
    from sinergi.audit.models import can_read_audit

    return can_read_audit(getattr(request, "user", None))


def _record_read(**kwargs: Any) -> None:
    from sinergi.audit.services import audit_read

    audit_read(**kwargs)


def _checkpoint_if_due() -> None:
    from sinergi.audit.checkpoints import audit_checkpoint_if_due

    audit_checkpoint_if_due()


def register() -> None:
    register_nav(
        NavEntry(
            key="audit",
            label=_("Audit"),
            order=70,
            href=_href,
            path_prefix="/audit/",
            card_title=_("Audit trail"),
            card_text=_("Who did what, when and from where."),
        )
    )
    register_context("can_read_audit", _can_read)
    # The API's list endpoints live in core, below the audit trail: they record their reads through this.
    register_provider("audit.read", _record_read)
    # The chains' heads are signed by the running worker, not by a cron job that an installation may lack.
    register_periodic("audit.checkpoint", _checkpoint_if_due)
    register_demo_seeder("audit", "sinergi.audit.demo:seed_audit_entry", phase="base", order=90)
