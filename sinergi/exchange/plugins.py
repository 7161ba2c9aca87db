"""What the exchange app adds to core: its menu entry (see sinergi.core.registry)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.demo import register_demo_seeder
from sinergi.core.registry import NavEntry, register_given_up, register_nav, register_provider


def _href(user: Any) -> str | None:
    from sinergi.exchange.agreements.access import may_read_agreements
    from sinergi.exchange.exports.services import may_export
    from sinergi.exchange.imports.access import may_import_any

    # A user who may import nothing sees the module as still to come (core's placeholder).
    if user is not None and (
        may_import_any(user)
        or may_read_agreements(user)
        or may_export(user)
        or getattr(user, "is_superuser", False)
    ):
        return reverse("exchange:index")
    return None


def _intake_matches(*, user: Any, data: Any) -> list:
    from sinergi.exchange.duplicates.selectors import intake_duplicates

    return intake_duplicates(user=user, data=data)


def _export_given_up(*, run_id: int) -> None:
    from sinergi.exchange.exports.services import export_given_up

    export_given_up(run_id=run_id)


def _import_given_up(*, batch_id: int) -> None:
    from sinergi.exchange.imports.services import import_given_up

    import_given_up(batch_id=batch_id)


def _link_run_given_up(run_id: int) -> None:
    from sinergi.exchange.duplicates.services import link_run_given_up

    link_run_given_up(run_id)


def register() -> None:
    from sinergi.cases import access, policy
    from sinergi.exchange.agreements.grants import agreement_source, grants_in_force, log_disclosure
    from sinergi.exchange.duplicates.tasks import run_linkage
    from sinergi.exchange.exports.tasks import run_export
    from sinergi.exchange.imports.tasks import run_import

    # The access policy reads the data-sharing agreements in force and logs every disclosure made under one.
    policy.register_agreement_source(agreement_source)
    access.register_grants_by_lead(grants_in_force)
    access.register_disclosure_hook(log_disclosure)

    # The intake's duplicate warning (sinergi.cases): people the user may view whom record linkage scores as
    # possibly the one being entered.
    register_provider("people.intake_matches", _intake_matches)
    # The bulk tasks whose worker died every time (core/worker.py gives them up): their record ends failed, and a
    # new linkage run can be requested again.
    register_given_up(run_export, _export_given_up)
    register_given_up(run_import, _import_given_up)
    register_given_up(run_linkage, _link_run_given_up)
    # A few agreements between the demo agencies, so that the agreements page and the grants have something.
    register_demo_seeder("exchange", "sinergi.exchange.demo:seed", phase="apps", order=5)
    register_nav(
        NavEntry(key="exchange", label=_("Data exchange"), order=40, href=_href, path_prefix="/exchange/")
    )
