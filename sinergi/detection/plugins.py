"""What the detection app adds to core: its menu entry and home card, the pages a user may open (for
the menu and the section's tabs), and its demo data; see sinergi.core.registry and sinergi.core.demo."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.demo import register_demo_seeder
from sinergi.core.registry import (
    NavEntry,
    WorkSection,
    register_context,
    register_given_up,
    register_nav,
    register_worklist,
)


def _href(user: Any) -> str | None:
    from sinergi.detection.models import detection_access

    access = detection_access(user)
    if access["queue"]:
        return reverse("detection:index")
    if access["screen"]:
        return reverse("detection:screen")
    return None


def _links(request: HttpRequest) -> dict[str, bool]:
    from sinergi.detection.models import detection_access

    # The early-detection pages the user may open: the section's tabs show only those.
    return detection_access(getattr(request, "user", None))


def _worklist(user: Any) -> list[WorkSection]:
    from sinergi.detection.worklist import worklist_sections

    return worklist_sections(user)


def _upload_given_up(batch_id: int) -> None:
    from sinergi.detection.services.uploads import post_upload_given_up

    post_upload_given_up(batch_id=batch_id)


def register() -> None:
    from sinergi.detection.tasks import process_uploaded_batch

    register_worklist("detection", _worklist, order=20)
    # An upload whose task the worker gives up (it killed its worker every time) ends "not stored".
    register_given_up(process_uploaded_batch, _upload_given_up)
    register_nav(
        NavEntry(
            key="detection",
            label=_("Early detection"),
            order=20,
            href=_href,
            path_prefix="/detection/",
            card_title=_("Early detection"),
            card_text=_("Screen job offers and posts, review flagged campaigns, screen departing workers."),
        )
    )
    register_context("detection_links", _links)
    # The order also picks the demo's random stream for detection (seed * 1000 + 2).
    register_demo_seeder("detection", "sinergi.detection.demo:seed", phase="apps", order=2)
