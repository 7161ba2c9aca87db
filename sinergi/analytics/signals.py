"""Marks the cases whose monthly figures must be folded again (sinergi/analytics/aggregates.py).

Signals rather than calls in the case services: every write of a case or a party, by any service, import or
admin, marks its case inside the same transaction, so a figure can never miss a write that was committed.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _case_written(sender, instance, **kwargs) -> None:
    from sinergi.analytics import aggregates

    aggregates.mark(instance.pk)


def _party_written(sender, instance, **kwargs) -> None:
    from sinergi.analytics import aggregates

    aggregates.mark(instance.case_id)


def connect() -> None:
    from sinergi.cases.models import Case, CaseParty

    for signal in (post_save, post_delete):
        signal.connect(_case_written, sender=Case, dispatch_uid=f"analytics-case-{signal is post_save}")
        signal.connect(
            _party_written, sender=CaseParty, dispatch_uid=f"analytics-party-{signal is post_save}"
        )
