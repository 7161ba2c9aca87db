"""Reads of the detection app. Every query starts from `restrict(user, action)`; out of scope is a 404."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from sinergi.detection.models import (
    Campaign,
    Contact,
    DepartureScreening,
    PostBatch,
    Review,
    ScreenedPost,
)


def campaign_queue(*, user, filters: dict | None = None):
    """Campaigns for the review queue, most risky first, then the most recently seen."""
    from sinergi.detection.filtersets import CampaignFilterSet

    queryset = Campaign.objects.restrict(user, "view").select_related("representative", "review__analyst")
    return CampaignFilterSet(filters or {}, queryset=queryset).qs


def access_campaign(*, user, pk, action: str = "view") -> Campaign:
    try:
        return (
            Campaign.objects.restrict(user, action)
            .select_related("representative", "review__analyst", "review__agency")
            .get(pk=pk)
        )
    except (Campaign.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def campaign_posts(*, user, campaign: Campaign, limit: int = 200):
    """The campaign's posts in the order they were seen (its timeline)."""
    return (
        ScreenedPost.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .select_related("review__analyst")
        .order_by("posted_at", "received_at", "id")[:limit]
    )


def post_list(*, user, filters: dict | None = None):
    from sinergi.detection.filtersets import PostFilterSet

    queryset = ScreenedPost.objects.restrict(user, "view").select_related("campaign")
    return PostFilterSet(filters or {}, queryset=queryset).qs


def access_post(*, user, pk, action: str = "view") -> ScreenedPost:
    try:
        return (
            ScreenedPost.objects.restrict(user, action)
            .select_related("campaign", "batch", "review__analyst", "review__agency")
            .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("kind", "id")))
            .get(pk=pk)
        )
    except (ScreenedPost.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def batch_list(*, user):
    return PostBatch.objects.restrict(user, "view").select_related("created_by", "agency")


def access_batch(*, user, pk) -> PostBatch:
    try:
        return batch_list(user=user).get(pk=pk)
    except (PostBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def contact_list(*, user):
    return Contact.objects.restrict(user, "view")


def access_contact(*, user, pk) -> Contact:
    try:
        return contact_list(user=user).get(pk=pk)
    except (Contact.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def contact_posts(*, user, contact: Contact):
    """The posts that give this contact, newest first: the campaigns one recruiter runs."""
    return (
        ScreenedPost.objects.restrict(user, "view")
        .filter(contacts=contact)
        .select_related("campaign")
        .order_by("-received_at", "-id")
    )


def review_list(*, user):
    return Review.objects.restrict(user, "view").select_related("analyst", "agency")


def departure_screening_list(*, user):
    return DepartureScreening.objects.restrict(user, "view").select_related("officer", "agency")


def access_departure_screening(*, user, pk, action: str = "view", audit: bool = False) -> DepartureScreening:
    """One screening the user may `action`; 404 otherwise. With `audit`, records who opened it: a screening
    is about a named traveller, so reading it is logged like reading a person's record."""
    try:
        screening = (
            DepartureScreening.objects.restrict(user, action).select_related("officer", "agency").get(pk=pk)
        )
    except (DepartureScreening.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if audit:
        from sinergi.audit.choices import AuditAction
        from sinergi.audit.services import audit_record

        audit_record(actor=user, action=AuditAction.VIEW, obj=screening, summary="departure screening viewed")
    return screening


def can_change_departure_screening(*, user, screening: DepartureScreening) -> bool:
    return DepartureScreening.objects.restrict(user, "change").filter(pk=screening.pk).exists()


def may_open_case(user) -> bool:
    """Whether the user may register a case (the cases app's own rule: case workers, supervisors and
    investigators of an agency); False when the installation has no cases app."""
    try:
        from sinergi.cases.access import MANAGE_ROLES
    except ImportError:
        return False
    return bool(getattr(user, "agency_id", None)) and user.has_role(*MANAGE_ROLES)


def case_action(*, user, **params) -> dict:
    """What the "Open a case" button shows: the intake link, or why it is disabled."""
    url = case_intake_url(**params)
    if url is None:
        return {"case_url": None, "case_blocked": "no_intake"}
    if not may_open_case(user):
        return {"case_url": None, "case_blocked": "no_role"}
    return {"case_url": url, "case_blocked": None}


def case_intake_url(**params) -> str | None:
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
    indicators: list[dict] = field(default_factory=list)

    @property
    def numbers(self) -> str:
        return ", ".join(str(i["number"]) for i in self.indicators)

    @property
    def titles(self) -> str:
        return "; ".join(str(i.get("title", "")) for i in self.indicators)


def numbered_indicators(indicators: list[dict]) -> list[dict]:
    return [{**indicator, "number": n} for n, indicator in enumerate(indicators or [], start=1)]


def _span(text: str, indicator: dict) -> tuple[int, int] | None:
    try:
        start, end = int(indicator.get("span_start")), int(indicator.get("span_end"))
    except (TypeError, ValueError):
        start = end = -1
    if 0 <= start < end <= len(text):
        return start, end
    # A span that does not fit the text (a result screened from another version of it): find the words.
    needle = str(indicator.get("span_text") or "")
    found = text.find(needle) if needle else -1
    return (found, found + len(needle)) if found >= 0 else None


def highlight_segments(text: str, indicators: list[dict]) -> list[Segment]:
    """The text cut into plain and highlighted segments; overlapping spans are merged into one <mark>.

    Templates render each segment escaped, so a post can never inject markup.
    """
    spans = []
    for indicator in indicators:
        span = _span(text, indicator)
        if span:
            spans.append((span[0], span[1], indicator))
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[list] = []
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
