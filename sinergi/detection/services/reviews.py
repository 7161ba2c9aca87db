"""An analyst's decisions on campaigns and posts; each one queues the retraining of the learned model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.detection.choices import DECISION_STATUS, ReviewDecision
from sinergi.detection.models import Campaign, Review, ScreenedPost, can_review_posts

if TYPE_CHECKING:
    from sinergi.agencies.models import User

MAX_REASON_CHARS = 2_000


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give a short reason for the decision."),
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    if len(reason) > MAX_REASON_CHARS:
        raise ApplicationError(
            _("The reason is too long (at most %(n)s characters).") % {"n": MAX_REASON_CHARS},
            code="reason_too_long",
            fields={"reason": [_("Too long.")]},
        )
    return reason


def _check_decision(decision: str) -> None:
    if decision not in ReviewDecision.values:
        raise ApplicationError(
            _("Unknown decision."), code="invalid_decision", fields={"decision": [_("Unknown decision.")]}
        )


def _after_review() -> None:
    from sinergi.detection.tasks import schedule_retrain

    transaction.on_commit(schedule_retrain)


@transaction.atomic(durable=True)
def campaign_review(*, actor: User, campaign_id: int, decision: str, reason: str) -> Review:
    """Records an analyst's decision on a whole campaign; every post not reviewed on its own follows it."""
    if not can_review_posts(actor):
        raise PermissionDenied
    _check_decision(decision)
    reason = _clean_reason(reason)
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if Review.objects.filter(campaign=campaign).exists():
        raise ConflictError(_("This campaign has already been reviewed."), code="already_reviewed")
    review = Review(campaign=campaign, decision=decision, reason=reason, analyst=actor, agency=actor.agency)
    review.full_clean()
    review.save()
    old_status = campaign.status
    campaign.status = DECISION_STATUS[decision]
    campaign.updated_at = timezone.now()
    campaign.save(update_fields=["status", "updated_at"])
    changed = campaign.posts.filter(review__isnull=True).update(status=campaign.status)
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=campaign,
        summary=f"Campaign reviewed: {decision}",
        changes={"status": [old_status, campaign.status], "review_id": review.pk, "posts_updated": changed},
    )
    _after_review()
    return review


@transaction.atomic(durable=True)
def post_review(*, actor: User, post_id: int, decision: str, reason: str) -> Review:
    """Records an analyst's decision on one post (overrides its campaign's decision for that post)."""
    if not can_review_posts(actor):
        raise PermissionDenied
    _check_decision(decision)
    reason = _clean_reason(reason)
    post = ScreenedPost.objects.select_for_update().get(pk=post_id)
    if Review.objects.filter(post=post).exists():
        raise ConflictError(_("This post has already been reviewed."), code="already_reviewed")
    review = Review(post=post, decision=decision, reason=reason, analyst=actor, agency=actor.agency)
    review.full_clean()
    review.save()
    old_status = post.status
    post.status = DECISION_STATUS[decision]
    post.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=post,
        summary=f"Post reviewed: {decision}",
        changes={"status": [old_status, post.status], "review_id": review.pk},
    )
    _after_review()
    return review
