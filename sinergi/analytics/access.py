"""Who may open the analytics pages, and the per-reader scope of every figure and node they show.

No rule is decided here: cases come from `Case.objects.restrict(user, "view")`, the cases whose details or
investigation a reader sees from the policy's field groups (`cases.access.case_group_q`, the same
`policy.decide` the case page reads), people from `Person.objects.restrict(user, "view")`, posts and campaigns
from the policy through detection (`can_view_posts`). What this module adds is the reading of those rules for
aggregates: a figure counts only rows the reader could open one by one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sinergi.agencies.choices import Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from sinergi.agencies.models import User
    from sinergi.cases.models import Case
    from sinergi.cases.policy import FieldGroup
    from sinergi.people.models import Person

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


def visible_cases(user: User) -> QuerySet[Case]:
    """Cases the reader may see at all: the base of every count."""
    from sinergi.cases.models import Case

    return Case.objects.restrict(user, "view")


def _cases_with(user: User, group: FieldGroup) -> QuerySet[Case]:
    from sinergi.cases.access import case_group_q

    if not _active(user) or not user.agency_id:
        return visible_cases(user).none()
    return visible_cases(user).filter(case_group_q(user, group))


def detail_cases(user: User) -> QuerySet[Case]:
    """Cases whose details (parties, route) the reader may see: the policy's NARRATIVE group (CaseView's
    `can_see_details`): lead or accepted referral, not an agency still deciding a pending referral."""
    from sinergi.cases.policy import FieldGroup

    return _cases_with(user, FieldGroup.NARRATIVE)


def investigation_cases(user: User) -> QuerySet[Case]:
    """Cases whose perpetrator organisations the reader may see: the policy's INVESTIGATION group (CaseView's
    `can_see_investigation`)."""
    from sinergi.cases.policy import FieldGroup

    return _cases_with(user, FieldGroup.INVESTIGATION)


def visible_people(user: User) -> QuerySet[Person]:
    from sinergi.people.models import Person

    return Person.objects.restrict(user, "view")


def may_see_posts(user) -> bool:
    from sinergi.detection.models import can_view_posts

    return bool(can_view_posts(user))
