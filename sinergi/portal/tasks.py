"""Background jobs of the portal (django-tasks). They receive ids, never the text of a report."""

from __future__ import annotations

from django_tasks import task


@task()
def intake_report(report_id: int) -> int | None:
    """Registers a community report as a case (and passes on what was added); returns the case id."""
    from sinergi.portal.services import report_intake

    return report_intake(report_id=report_id).case_id


@task()
def send_outbox() -> int:
    """Delivers the queued replies through the configured gateways; returns how many were sent."""
    from sinergi.portal.channels.outbox import outbox_deliver

    return outbox_deliver()
