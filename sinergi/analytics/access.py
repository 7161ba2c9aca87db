"""Who may open the analytics pages, and the per-reader scope of every figure and node they show.

No rule is decided here that the owning apps do not already decide: cases come from
`Case.objects.restrict(user, "view")`, people from `Person.objects.restrict(user, "view")`, posts and campaigns
from the detection rules (`can_view_posts`). What this module adds is the reading of those rules for
aggregates: a figure counts only rows the reader could open one by one.
"""

from __future__ import annotations

from django.db.models import Q

from sinergi.agencies.choices import Role
from sinergi.cases.choices import ReferralState

ANALYTICS_ROLES = frozenset(
    {
        Role.ANALYST,
        Role.SUPERVISOR,
        Role.INVESTIGATOR,
        Role.CASE_WORKER,
        Role.READ_ONLY,
        Role.OUTREACH_OFFICER,
    }
)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_use_analytics(user) -> bool:
    return _active(user) and (user.is_superuser or (bool(user.agency_id) and user.has_role(*ANALYTICS_ROLES)))


def visible_cases(user):
    """Cases the reader may see at all: the base of every count."""
    from sinergi.cases.models import Case

    return Case.objects.restrict(user, "view")


def detail_cases(user):
    """Cases whose details (parties, route) the reader may see: lead or accepted referral (CaseView's
    `can_see_details`), not an agency still deciding a pending referral."""
    if not _active(user) or not user.agency_id:
        return visible_cases(user).none()
    accepted = Q(referrals__to_agency_id=user.agency_id, referrals__state=ReferralState.ACCEPTED)
    return visible_cases(user).filter(Q(lead_agency_id=user.agency_id) | accepted).distinct()


def investigation_cases(user):
    """Cases whose perpetrator organisations the reader may see (CaseView's `can_see_investigation`)."""
    from sinergi.cases.access import INVESTIGATION_AGENCY_TYPES

    cases = detail_cases(user)
    if user.agency_id and user.agency.type in INVESTIGATION_AGENCY_TYPES:
        return cases
    return cases.filter(lead_agency_id=user.agency_id)


def visible_people(user):
    from sinergi.people.models import Person

    return Person.objects.restrict(user, "view")


def may_see_posts(user) -> bool:
    from sinergi.detection.models import can_view_posts

    return bool(can_view_posts(user))
