"""The links a case intake makes back to the post or departure screening it was opened from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.detection.models import DepartureScreening, ScreenedPost

if TYPE_CHECKING:
    from sinergi.agencies.models import User


@transaction.atomic(durable=True)
def post_link_case(*, actor: User, post_id: int, case_id: int) -> ScreenedPost:
    """Records the case opened from a post (a case opened elsewhere, linked afterwards)."""
    return post_link_case_in_transaction(actor=actor, post_id=post_id, case_id=case_id)


def post_link_case_in_transaction(*, actor: User, post_id: int, case_id: int) -> ScreenedPost:
    """The body of post_link_case, for the case intake's own transaction (cases.services.case_intake)."""
    from sinergi.detection.models import can_view_posts

    if not can_view_posts(actor):
        raise PermissionDenied
    post = ScreenedPost.objects.select_for_update().get(pk=post_id)
    old = post.linked_case_id
    post.linked_case_id = case_id
    post.save(update_fields=["linked_case_id"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=post,
        summary="Case opened from post",
        changes={"linked_case_id": [old, case_id]},
    )
    return post


@transaction.atomic(durable=True)
def departure_screening_link_case(*, actor: User, screening_id: int, case_id: int) -> DepartureScreening:
    """Records the case opened from a departure screening (linked afterwards)."""
    return departure_screening_link_case_in_transaction(
        actor=actor, screening_id=screening_id, case_id=case_id
    )


def departure_screening_link_case_in_transaction(
    *, actor: User, screening_id: int, case_id: int
) -> DepartureScreening:
    """The body of departure_screening_link_case, for the case intake's own transaction."""
    screening: DepartureScreening = (
        DepartureScreening.objects.restrict(actor, "change").select_for_update().get(pk=screening_id)
    )
    old = screening.linked_case_id
    screening.linked_case_id = case_id
    screening.save(update_fields=["linked_case_id"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=screening,
        summary="Case opened from departure screening",
        changes={"linked_case_id": [old, case_id]},
    )
    return screening
