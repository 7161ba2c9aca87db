"""What waits for a reviewer of early detection, for the home page (`sinergi.core.registry.register_worklist`):
the campaigns of risky posts still to review, the high-risk ones first."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from sinergi.core.registry import WorkItem, WorkSection, counted_head
from sinergi.detection import selectors
from sinergi.detection.choices import ReviewStatus
from sinergi.detection.models import can_review_posts

SHOWN_ITEMS = 5


def worklist_sections(user: Any) -> list[WorkSection]:
    if not can_review_posts(user):
        return []
    count, queue = counted_head(
        selectors.campaign_queue(user=user, filters={"status": ReviewStatus.NEW}), SHOWN_ITEMS
    )
    return [
        WorkSection(
            key="review_queue",
            title=_("Campaigns to review"),
            count=count,
            href=reverse("detection:index") + f"?status={ReviewStatus.NEW}",
            action=_("Review the queue"),
            items=tuple(
                WorkItem(
                    label=Truncator(campaign.representative.text if campaign.representative else "").chars(90)
                    or _("(no text)"),
                    href=reverse("detection:campaign", args=[campaign.pk]),
                    detail=_("%(risk)s risk, %(posts)s posts")
                    % {"risk": campaign.get_highest_risk_display(), "posts": campaign.post_count},
                    on=campaign.last_seen,
                )
                for campaign in queue
            ),
            empty=_("No campaign waits for a review."),
            order=10,
        )
    ]
