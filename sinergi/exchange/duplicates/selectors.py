"""Reads of linkage runs and candidate pairs. A pair is visible only when the user may view both people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from sinergi.agencies.choices import Role
from sinergi.agencies.models import User
from sinergi.exchange.models import CandidatePair, LinkRun
from sinergi.exchange.models.linkage import LinkRunStatus, PairBand, PairStatus
from sinergi.people.choices import PersonAction
from sinergi.people.models import Person

if TYPE_CHECKING:
    from sinergi.people.services import PersonData

REVIEW_ROLES = (
    Role.CASE_WORKER,
    Role.SUPERVISOR,
    Role.INVESTIGATOR,
    Role.CHILD_PROTECTION,
    Role.AGENCY_ADMIN,
)
RUN_ROLES = (Role.SUPERVISOR, Role.AGENCY_ADMIN)
QUEUES = ("review", "match", "decided")


def _staff(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def may_review_duplicates(user: User) -> bool:
    """Whether the user may open the review page (what they see there is still limited to their people)."""
    return _staff(user) and (user.is_superuser or user.has_role(*REVIEW_ROLES))


def may_request_link_run(user: User) -> bool:
    return _staff(user) and (user.is_superuser or user.has_role(*RUN_ROLES))


def pair_list(*, user: User, queue: str = "review") -> QuerySet[CandidatePair]:
    """The pairs of a queue: "review" (unsure, undecided), "match" (likely, undecided), "decided"."""
    visible = Person.objects.restrict(user, PersonAction.VIEW).values("pk")
    pairs = CandidatePair.objects.filter(person_a__in=visible, person_b__in=visible)
    if queue == "match":
        pairs = pairs.filter(status=PairStatus.PENDING, band=PairBand.MATCH)
    elif queue == "decided":
        pairs = pairs.exclude(status=PairStatus.PENDING).order_by("-decided_at", "-id")
    else:
        pairs = pairs.filter(status=PairStatus.PENDING, band=PairBand.REVIEW)
    return pairs.select_related(
        "person_a__owner_agency",
        "person_b__owner_agency",
        "person_a__address_region",
        "person_b__address_region",
    )


def pair_get(*, user: User, pair_id: int | str, for_decision: bool = False) -> CandidatePair:
    """One pair the user may see (and, `for_decision`, decide: may change at least one of the two); else 404."""
    try:
        pk = int(pair_id)
    except (TypeError, ValueError):
        raise Http404 from None
    pair = (
        CandidatePair.objects.select_related("person_a__owner_agency", "person_b__owner_agency")
        .filter(pk=pk)
        .first()
    )
    visible = Person.objects.restrict(user, PersonAction.VIEW)
    if pair is None or visible.filter(pk__in=(pair.person_a_id, pair.person_b_id)).count() != 2:
        raise Http404
    if for_decision:
        changeable = Person.objects.restrict(user, PersonAction.CHANGE)
        if not changeable.filter(pk__in=(pair.person_a_id, pair.person_b_id)).exists():
            raise Http404
    return pair


def latest_runs(*, limit: int = 5) -> list[LinkRun]:
    """The last runs: when, how many records and pairs (no personal data), for the review page's header."""
    return list(LinkRun.objects.order_by("-created_at", "-id")[:limit])


def latest_model_run() -> LinkRun | None:
    """The newest finished run that trained a model: intake scores with its model."""
    return LinkRun.objects.filter(status=LinkRunStatus.DONE, trained=True).exclude(model_file="").first()


def same_person(*, user: User, person: Person) -> list[Person]:
    """The other records the user may view that merges say are this same person (following merge chains)."""
    merged = CandidatePair.objects.filter(status=PairStatus.MERGED)
    seen = {person.pk}
    frontier = {person.pk}
    while frontier:
        links = (
            merged.filter(person_a__in=frontier)
            .order_by()
            .values_list("person_b", flat=True)
            .union(merged.filter(person_b__in=frontier).order_by().values_list("person_a", flat=True))
        )
        frontier = set(links) - seen
        seen |= frontier
    seen.discard(person.pk)
    return list(
        Person.objects.restrict(user, PersonAction.VIEW).filter(pk__in=seen).select_related("owner_agency")
    )


MAX_INTAKE_CANDIDATES = 50


def intake_duplicates(*, user: User, data: PersonData) -> list[tuple[Person, float, str]]:
    """People the user may view who may be the person being entered: (person, probability, band), best first.

    For the intake duplicate warning. `data` is a `sinergi.people.services.PersonData` (as typed: the NIK and
    phones are normalised here). Candidates are the visible records sharing the NIK, a phone, or the birth date
    and a name word (at most MAX_INTAKE_CANDIDATES), scored with the model of the latest trained run (else the
    shipped default) by `sinergi.exchange.linkage.scoring.score_candidates`. Band "match" means warn strongly,
    "review" means "possibly the same person". Reads only; nothing is written or logged.
    """
    from django.db.models import Q

    from sinergi.exchange.duplicates.services import linkage_dir
    from sinergi.exchange.linkage.names import name_key
    from sinergi.exchange.linkage.scoring import score_candidates
    from sinergi.people import identifiers
    from sinergi.people.models import PersonPhone

    words = [w for w in name_key(data.full_name).tokens if len(w) > 2]
    scope = Q(pk__in=[])
    if data.nik:
        scope |= Q(nik_index=identifiers.nik_index(data.nik))
    numbers = []
    for phone in data.phones or []:
        try:
            numbers.append(identifiers.phone_index(identifiers.normalise_phone(phone.number)))
        except identifiers.InvalidPhoneNumber:
            continue
    if numbers:
        scope |= Q(pk__in=PersonPhone.objects.filter(number_index__in=numbers).values("person_id"))
    if data.birth_date and words:
        by_name = Q()
        for word in words:
            by_name |= Q(search_names__contains=" " + word[:4])
        scope |= Q(birth_date=data.birth_date) & by_name
    candidates = list(
        Person.objects.restrict(user, PersonAction.VIEW)
        .filter(scope)
        .select_related("address_region")
        .prefetch_related("phones")
        .order_by("-id")[:MAX_INTAKE_CANDIDATES]
    )
    if not candidates:
        return []

    def record(person: Person) -> dict[str, str | None]:
        phones = [p.number for p in person.phones.all()]
        return {
            "unique_id": str(person.pk),
            "name": person.full_name,
            "sex": person.sex if person.sex in ("F", "M") else None,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "nik": person.nik or None,
            "phone": phones[0] if phones else None,
            "region": person.address_region.code if person.address_region else None,  # select_related
        }

    region = getattr(data.address_region, "code", None)
    new = {
        "name": data.full_name,
        "sex": data.sex if data.sex in ("F", "M") else None,
        "birth_date": data.birth_date.isoformat() if data.birth_date else None,
        "nik": data.nik or None,
        "phone": data.phones[0].number if data.phones else None,
        "region": region,
    }
    run = latest_model_run()
    model_path = linkage_dir() / run.model_file if run is not None else None
    if model_path is not None and not model_path.exists():
        model_path = None
    by_id = {str(p.pk): p for p in candidates}
    return [
        (by_id[m.unique_id], m.probability, m.band)
        for m in score_candidates(new, [record(p) for p in candidates], model_path=model_path)
    ]
