"""What the cases app adds to core: its menu entry and home card, the "may open a case" check the apps below it ask,
and its demo data; see sinergi.core.registry and sinergi.core.demo."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.demo import register_demo_seeder
from sinergi.core.registry import (
    NavEntry,
    WorkSection,
    register_check,
    register_nav,
    register_policy,
    register_worklist,
)


def may_open_case(user: Any) -> bool:
    """Whether the user may register a case (case workers, supervisors and investigators of an agency); asked by
    the apps below this one (detection's "Open a case") through `sinergi.core.registry.check("cases.open")`."""
    from sinergi.cases.access import MANAGE_ROLES

    return bool(getattr(user, "agency_id", None)) and user.has_role(*MANAGE_ROLES)


def _href(user: Any) -> str:
    return reverse("cases:index")


def _worklist(user: Any) -> list[WorkSection]:
    from sinergi.cases.worklist import worklist_sections

    return worklist_sections(user)


def _stage_label(code: str) -> str:
    """A stage of the national default flow by its label, for the audit trail's summaries ("" if unknown)."""
    from sinergi.cases.flow import default_flow

    flow = default_flow()
    stage = flow.stage(code)
    return str(stage.label) if stage else ""


def register() -> None:
    from sinergi.audit.summaries import register_labeller
    from sinergi.cases.access import record_allowed

    register_labeller("stage", _stage_label)
    register_check("cases.open", may_open_case)
    register_worklist("cases", _worklist, order=10)
    register_policy(record_allowed)
    register_nav(
        NavEntry(
            key="cases",
            label=_("Cases"),
            order=10,
            href=_href,
            path_prefix="/cases/",
            card_title=_("Cases"),
            card_text=_("Intake, referrals between agencies, deadlines and the timeline of each case."),
        )
    )
    # The order also picks the demo's random stream for cases (seed * 1000 + 1): changing it changes the demo.
    register_demo_seeder("cases", "sinergi.cases.demo:seed", phase="apps", order=1)
