"""Reads of the detection app. Every query starts from `restrict(user, action)`; out of scope is a 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from sinergi.core.registry import check
from sinergi.detection.models import (
    Campaign,
    Contact,
    DepartureScreening,
    PostBatch,
    Review,
    ScreenedPost,
)


def campaign_queue(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Campaign]:
    """Campaigns for the review queue, most risky first, then the most recently seen."""
    from sinergi.detection.filtersets import CampaignFilterSet

    queryset = Campaign.objects.restrict(user, "view").select_related("representative", "review__analyst")
    queue: QuerySet[Campaign] = CampaignFilterSet(filters or {}, queryset=queryset).qs
    return queue


def access_campaign(*, user: Any, pk: Any, action: str = "view") -> Campaign:
    try:
        campaign: Campaign = (
            Campaign.objects.restrict(user, action)
            .select_related("representative", "review__analyst", "review__agency")
            .get(pk=pk)
        )
    except (Campaign.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    return campaign


def campaign_posts(*, user: Any, campaign: Campaign, limit: int = 200) -> QuerySet[ScreenedPost]:
    """The campaign's posts in the order they were seen (its timeline)."""
    return (
        ScreenedPost.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .select_related("review__analyst")
        .order_by("posted_at", "received_at", "id")[:limit]
    )


def post_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[ScreenedPost]:
    from sinergi.detection.filtersets import PostFilterSet

    queryset = ScreenedPost.objects.restrict(user, "view").select_related("campaign")
    posts: QuerySet[ScreenedPost] = PostFilterSet(filters or {}, queryset=queryset).qs
    return posts


def access_post(*, user: Any, pk: Any, action: str = "view", audit: bool = False) -> ScreenedPost:
    """One post the user may `action`; 404 otherwise. With `audit`, records who opened it (a post names the
    accounts and phone numbers of the people behind it)."""
    try:
        post: ScreenedPost = (
            ScreenedPost.objects.restrict(user, action)
            .select_related("campaign", "batch", "review__analyst", "review__agency")
            .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("kind", "id")))
            .get(pk=pk)
        )
    except (ScreenedPost.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if audit:
        _record_view(user, post, "post viewed")
    return post


def batch_list(*, user: Any) -> QuerySet[PostBatch]:
    return PostBatch.objects.restrict(user, "view").select_related("created_by", "agency")


def access_batch(*, user: Any, pk: Any) -> PostBatch:
    try:
        return batch_list(user=user).get(pk=pk)
    except (PostBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def contact_list(*, user: Any) -> QuerySet[Contact]:
    return Contact.objects.restrict(user, "view")


def access_contact(*, user: Any, pk: Any, audit: bool = False) -> Contact:
    """One contact the user may see; 404 otherwise. With `audit`, records who opened it (a phone number or an
    account is a person's)."""
    try:
        contact = contact_list(user=user).get(pk=pk)
    except (Contact.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if audit:
        _record_view(user, contact, "contact viewed")
    return contact


def contact_posts(*, user: Any, contact: Contact) -> QuerySet[ScreenedPost]:
    """The posts that give this contact, newest first: the campaigns one recruiter runs."""
    return (
        ScreenedPost.objects.restrict(user, "view")
        .filter(contacts=contact)
        .select_related("campaign")
        .order_by("-received_at", "-id")
    )


def review_list(*, user: Any) -> QuerySet[Review]:
    return Review.objects.restrict(user, "view").select_related("analyst", "agency")


def departure_screening_list(*, user: Any) -> QuerySet[DepartureScreening]:
    return DepartureScreening.objects.restrict(user, "view").select_related("officer", "agency")


def access_departure_screening(
    *, user: Any, pk: Any, action: str = "view", audit: bool = False
) -> DepartureScreening:
    """One screening the user may `action`; 404 otherwise. With `audit`, records who opened it: a screening
    is about a named traveller, so reading it is logged like reading a person's record."""
    try:
        screening: DepartureScreening = (
            DepartureScreening.objects.restrict(user, action).select_related("officer", "agency").get(pk=pk)
        )
    except (DepartureScreening.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if audit:
        _record_view(user, screening, "departure screening viewed")
    return screening


def _record_view(user: Any, record: Any, summary: str) -> None:
    from sinergi.audit.choices import AuditAction
    from sinergi.audit.services import audit_record

    audit_record(actor=user, action=AuditAction.VIEW, obj=record, summary=summary)


def can_change_departure_screening(*, user: Any, screening: DepartureScreening) -> bool:
    changeable: bool = DepartureScreening.objects.restrict(user, "change").filter(pk=screening.pk).exists()
    return changeable


def may_open_case(user: Any) -> bool:
    """Whether the user may register a case: the cases app's own rule, which it registers with core (the cases app
    sits above this one); False when the installation has no cases app."""
    return check("cases.open", user)


def case_action(*, user: Any, **params: Any) -> dict[str, Any]:
    """What the "Open a case" button shows: the intake link, or why it is disabled."""
    url = case_intake_url(**params)
    if url is None:
        return {"case_url": None, "case_blocked": "no_intake"}
    if not may_open_case(user):
        return {"case_url": None, "case_blocked": "no_role"}
    return {"case_url": url, "case_blocked": None}


def case_intake_url(**params: Any) -> str | None:
    """Address of the case intake with a post or screening attached, or None while cases has no intake."""
    try:
        base = reverse("cases:intake")
    except NoReverseMatch:
        return None
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{base}?{query}" if query else base


# ------------------------------------------------------------------------------------------ highlighting


@dataclass
class Segment:
    """A piece of a post's text; `indicators` is empty for plain text and lists the flags of a <mark>."""

    text: str
    indicators: list[dict[str, Any]] = field(default_factory=list)

    @property
    def numbers(self) -> str:
        return ", ".join(str(i["number"]) for i in self.indicators)

    @property
    def titles(self) -> str:
        return "; ".join(str(i.get("title", "")) for i in self.indicators)


def numbered_indicators(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The indicators of a result, numbered, with their texts in the reader's language (detection/texts.py)."""
    from sinergi.detection.texts import localized

    return [{**localized(indicator), "number": n} for n, indicator in enumerate(indicators or [], start=1)]


def _span(text: str, indicator: dict[str, Any]) -> tuple[int, int] | None:
    try:
        start, end = int(indicator.get("span_start")), int(indicator.get("span_end"))  # type: ignore[arg-type]  # None is caught below
    except (TypeError, ValueError):
        start = end = -1
    if 0 <= start < end <= len(text):
        return start, end
    # A span that does not fit the text (a result screened from another version of it): find the words.
    needle = str(indicator.get("span_text") or "")
    found = text.find(needle) if needle else -1
    return (found, found + len(needle)) if found >= 0 else None


def highlight_segments(text: str, indicators: list[dict[str, Any]]) -> list[Segment]:
    """The text cut into plain and highlighted segments; overlapping spans are merged into one <mark>.

    Templates render each segment escaped, so a post can never inject markup.
    """
    spans = []
    for indicator in indicators:
        span = _span(text, indicator)
        if span:
            spans.append((span[0], span[1], indicator))
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[list[Any]] = []
    for start, end, indicator in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append(indicator)
        else:
            merged.append([start, end, [indicator]])
    segments: list[Segment] = []
    cursor = 0
    for start, end, flags in merged:
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], flags))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments
