"""Every read of cases. Each selector takes the user and starts from `Case.objects.restrict(user, action)`;
what a user sees inside a case comes from access.CaseView."""

from __future__ import annotations

import contextlib
import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import (
    BooleanField,
    Choices,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    Func,
    IntegerField,
    Max,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.choices import AgencyType, Role
from sinergi.agencies.models import Agency, User
from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.services import audit_read, audit_record
from sinergi.cases import access, policy
from sinergi.cases.access import CaseView, Relation
from sinergi.cases.choices import (
    NOTE_WEIGHTS,
    ApprovalKind,
    ApprovalState,
    CaseEventKind,
    CaseStatus,
    Direction,
    ReferralState,
    Track,
    TransferState,
)
from sinergi.cases.flow import BY_LEAD, Flow, Stage, Transition
from sinergi.cases.models import (
    Approval,
    Case,
    CaseOrganisation,
    CaseParty,
    Document,
    LeadTransfer,
    Note,
    Notification,
    Referral,
    Task,
)
from sinergi.cases.services import flow_of
from sinergi.core.lookups import AnyOf
from sinergi.regions.models import Region
from sinergi.regions.selectors import within_region
from sinergi.regions.textsearch import AnyWordMatch

__all__ = [
    "IntakeReferralTargets",
    "approval_inbox",
    "case_available_transitions",
    "case_detail",
    "case_expected_referrals",
    "case_intake_duplicates",
    "case_list",
    "case_metrics",
    "case_search",
    "case_timeline",
    "cases_awaiting_action",
    "deadline_list",
    "due_soon_list",
    "flow_of",
    "intake_referral_targets",
    "my_open_tasks",
    "notification_list",
    "overdue_list",
    "province_of",
    "referral_eligible_agencies",
    "referral_inbox",
    "referrals_in_service",
]

SEARCH_CANDIDATES = 2000
COMMON_FACTOR = 5  # a word the planner counts in more than five times SEARCH_CANDIDATES cases is common
LIST_RELATED = ("lead_agency", "origin_region", "assigned_to", "flow_version")


def _overdue_q(now: datetime) -> Q:
    late_referral = Referral.objects.filter(case=OuterRef("pk")).filter(
        Q(state=ReferralState.PENDING, accept_by__lt=now) | Q(state=ReferralState.ACCEPTED, due_at__lt=now)
    )
    late_task = Task.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due_at__lt=now)
    return Q(status=CaseStatus.OPEN) & (Q(stage_due_at__lt=now) | Exists(late_referral) | Exists(late_task))


def _parse_date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def case_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Case]:
    """The cases the user may see, newest report first, narrowed by `filters`:
    stage, legal_stage, status, lead_agency (id), origin_region (code; includes the regions below it),
    destination_country, exploitation_type, recruitment_channel, recruitment_app, visa_type, channel,
    overdue (truthy), reported_from / reported_to (ISO dates), mine (assigned to the user), q (full text).
    Unknown or malformed values are ignored rather than failing the page."""
    filters = filters or {}
    qs = _list_rows(user, Case.objects.restrict(user, "view"))
    simple = {
        "stage": "stage",
        "status": "status",
        "destination_country": "destination_country",
        "recruitment_channel": "recruitment_channel",
        "recruitment_app": "recruitment_app",
        "visa_type": "visa_type",
        "channel": "intake_channel",
    }
    for key, field in simple.items():
        value = filters.get(key)
        if value:
            qs = qs.filter(**{field: str(value).upper() if key == "destination_country" else value})
    if filters.get("legal_stage"):
        # The legal track is investigation detail: only cases where the user may see it are filtered on it.
        qs = qs.filter(legal_stage=filters["legal_stage"])
        qs = qs.filter(_investigation_visible_q(user))
    lead = filters.get("lead_agency")
    if lead:
        with contextlib.suppress(TypeError, ValueError):
            qs = qs.filter(lead_agency_id=int(lead))
    region = filters.get("origin_region")
    if region:
        qs = qs.filter(within_region("origin_region", region))
    exploitation = filters.get("exploitation_type")
    if exploitation:
        qs = qs.filter(_json_list_contains("exploitation_types", exploitation))
    if filters.get("overdue") not in (None, "", "0", "false", False):
        qs = qs.filter(_overdue_q(timezone.now()))
    if filters.get("mine") not in (None, "", "0", "false", False):
        qs = qs.filter(assigned_to=user)
    start, end = _parse_date(filters.get("reported_from")), _parse_date(filters.get("reported_to"))
    if start:
        qs = qs.filter(reported_at__date__gte=start)
    if end:
        qs = qs.filter(reported_at__date__lte=end)
    if (filters.get("q") or "").strip():
        qs = case_search(user=user, query=filters["q"], queryset=qs)
    return qs.order_by("-reported_at", "-id")


# What a row of the case list page shows (cases/includes/case_results.html), of the case's 38 columns and its
# relations' own: the flow version without its YAML text (flow_of reads that once per version).
LIST_ROW_FIELDS = (
    "id",
    "reference",
    "status",
    "reported_at",
    "stage",
    "destination_country",
    "destination_city",
    "lead_agency__name",
    "origin_region__name",
    "origin_region__path_name",
    "origin_region__level",
    "assigned_to__username",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "flow_version__sha256",
    "flow_version__source",
)


def case_list_rows(*, user: User, ids: list[int]) -> QuerySet[Case]:
    """The list rows of `ids`, which `case_list` found in the user's scope, read by id (CappedPaginator's
    `rows`): the columns a row shows, the same annotations, no filter run again, and `is_overdue` for the
    row's badge."""
    overdue = ExpressionWrapper(_overdue_q(timezone.now()), output_field=BooleanField())
    rows = _list_rows(user, Case.objects.filter(pk__in=ids)).only(*LIST_ROW_FIELDS)
    return rows.annotate(is_overdue=overdue)


def _list_rows(user: User, cases: QuerySet[Case]) -> QuerySet[Case]:
    # List rows never show the narrative, and the search vector is only for the database: neither is fetched.
    return access.with_reader_details(
        user, cases.select_related(*LIST_RELATED).defer("narrative", "search_vector", "notes_vector")
    )


def _json_list_contains(field: str, code: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [code]})
    return Q(**{f"{field}__icontains": f'"{code}"'})


def _investigation_visible_q(user: User) -> Q:
    lead = Q(lead_agency_id=user.agency_id)
    if user.agency and user.agency.type in access.INVESTIGATION_AGENCY_TYPES:
        accepted = Referral.objects.filter(to_agency_id=user.agency_id, state=ReferralState.ACCEPTED)
        return lead | Q(id__in=accepted.values("case_id"))
    return lead


def case_search(*, user: User, query: str, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Full-text search over the narratives and notes the user may read: the lead agency searches everything,
    a participant the narrative and the notes of the kinds its agency may read, a pending agency nothing.
    PostgreSQL full-text search (GIN indexes); SQLite falls back to matching every word with LIKE."""
    qs = (
        queryset
        if queryset is not None
        else Case.objects.restrict(user, "view").select_related(*LIST_RELATED)
    )
    words = [w for w in (query or "").split() if w.strip()][:10]
    if not words or getattr(user, "agency_id", None) is None:
        return qs.none() if words else qs
    participant_sensitivities = access.sensitivities_for(user, Relation.PARTICIPANT)
    if connection.vendor == "postgresql":
        search = SearchQuery(" ".join(words), config="simple", search_type="websearch")
        # The notes' words are on the case row, weighted by sensitivity (Case.notes_vector): the lead reads them
        # all, a participant only the weights of the kinds it may read. No subquery over the notes: a common
        # word is in the notes of half the cases, and collecting them cost more than the rest of the page.
        case_match = Q(search_vector=search)
        lead_notes = Q(notes_vector=search)
        weights = sorted(NOTE_WEIGHTS[kind] for kind in participant_sensitivities if kind in NOTE_WEIGHTS)
        participant_notes = Q(pk__in=[])
        if weights:
            qs = qs.alias(
                participant_notes_vector=Func(
                    F("notes_vector"),
                    function="ts_filter",
                    template="%(function)s(%(expressions)s, '{" + ",".join(weights) + "}')",
                    output_field=SearchVectorField(),
                )
            )
            participant_notes = Q(participant_notes_vector=search)
        # Each side's matches are read from its GIN index first. A side with few matches (a name, a place)
        # becomes a list of ids; only a common word walks the scope, newest first, testing the row, and only on
        # the side where it is common (finding a page sooner than listing every match).
        by_case = _few_matches(case_match)
        by_notes = _few_matches(lead_notes)
        if by_case is not None and by_notes is not None:
            qs = qs.filter(AnyOf(F("id"), [*by_case, *by_notes]))
        else:
            if by_case is not None:
                case_match = Q(AnyOf(F("id"), by_case))
            if by_notes is not None:
                lead_notes = Q(AnyOf(F("id"), by_notes))
                participant_notes = lead_notes & participant_notes
    else:
        case_match = Q()
        note_match = Q()
        for word in words:
            case_match &= (
                Q(narrative__icontains=word)
                | Q(reference__icontains=word)
                | Q(promised_job__icontains=word)
                | Q(destination_city__icontains=word)
            )
            note_match &= Q(text__icontains=word)
        notes = Note.objects.filter(note_match)
        lead_notes = Q(id__in=notes.values("case_id"))
        participant_notes = Q(
            id__in=notes.filter(sensitivity__in=participant_sensitivities).values("case_id")
        )
    lead = Q(lead_agency_id=user.agency_id)
    accepted = Referral.objects.filter(to_agency_id=user.agency_id, state=ReferralState.ACCEPTED).values(
        "case_id"
    )
    participant = Q(id__in=accepted) & ~lead
    found = qs.filter((lead & (case_match | lead_notes)) | (participant & (case_match | participant_notes)))
    hidden = _parties_naming_hidden(user, words)
    if hidden is not None:
        found = found.exclude(id__in=hidden.values("case_id"))
    if connection.vendor != "postgresql":
        masked = _cases_matching_only_inside_masked_words(user, words, found, participant_sensitivities)
        found = found.exclude(id__in=masked) if masked else found
    return found


def _few_matches(match: Q) -> list[int] | None:
    """The ids of the cases `match` selects, when there are at most SEARCH_CANDIDATES; None when more.

    A word in half the cases would have its first 2,001 ids read only to learn that they are too many (about
    5 ms of the database's time per side): when the planner's statistics already count it in the tens of
    thousands, that is the answer. Their count of a common word is close (the full-text statistics keep the
    most common words); a rarer word's is rougher and is checked by reading the ids. A wrong estimate costs
    time, never results: both ways find the same cases."""
    ids_query = Case.objects.filter(match).order_by().values_list("id", flat=True)
    if _planner_rows(ids_query) > SEARCH_CANDIDATES * COMMON_FACTOR:
        return None
    ids = list(ids_query[: SEARCH_CANDIDATES + 1])
    return ids if len(ids) <= SEARCH_CANDIDATES else None


def _planner_rows(queryset: QuerySet[Any]) -> float:
    """PostgreSQL's estimate of the rows `queryset` returns (planning only, nothing is read)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _cases_matching_only_inside_masked_words(
    user: User, words: list[str], cases: QuerySet[Case], sensitivities: frozenset[str]
) -> list[int]:
    """SQLite's LIKE matches inside words, so "Marli" finds a narrative naming "Rina Marlina" (and a piece of a
    NIK or phone finds the number) where the reader reads "[Korban 1]": the whole-word exclusion above misses
    it. So, on the cases found where the reader may not see someone's identity, the words are matched again,
    the same way, against the text as that reader reads it (CaseView.mask): what matched only inside a masked
    name or number no longer matches. The demo's scale; PostgreSQL matches whole words and needs none of it."""
    hidden_q = access.party_identity_hidden_q(user)
    if hidden_q is None or hidden_q == access.NO_PARTY:
        return []
    hidden = CaseParty.objects.filter(hidden_q, case_id__in=cases.order_by().values("id"))
    words = [word.lower() for word in words]
    out: list[int] = []
    for case in Case.objects.filter(id__in=hidden.values("case_id")):
        view = access.case_view(user, case)
        if view is None:
            out.append(case.pk)
            continue
        fields = [view.mask(case.narrative), case.reference, case.promised_job, case.destination_city]
        fields = [(text or "").lower() for text in fields]
        notes = Note.objects.filter(case_id=case.pk)
        if not view.is_lead:
            notes = notes.filter(sensitivity__in=sensitivities)
        texts = [view.mask(text).lower() for text in notes.values_list("text", flat=True)]
        in_case = all(any(word in text for text in fields) for word in words)
        if not in_case and not any(all(word in text for word in words) for text in texts):
            out.append(case.pk)
    return out


def _parties_naming_hidden(user: User, words: list[str]) -> QuerySet[CaseParty] | None:
    """The parties in `user`'s scope whose identity it may not see and of whom a searched word is a word of the name,
    or the NIK, passport or phone (None when no word could be one). The narrative and notes that reader reads
    have exactly those masked (CaseView.mask, masking.MIN_NAME_WORD), so the search must not find their cases
    by them either: otherwise "which case mentions Siti Rahayu?" would confirm who the victim is without her
    consent. Starts from the people the words name (indexes: the names' GIN index on PostgreSQL, the blind
    indexes), never from the cases found, which a common word makes tens of thousands."""
    from sinergi.cases.masking import MIN_NAME_WORD
    from sinergi.people import identifiers
    from sinergi.people.models import Person
    from sinergi.people.names import normalise_name

    hidden = access.party_identity_hidden_q(user)
    if hidden is None or hidden == access.NO_PARTY:
        return None  # no scope (no case found), or no party hidden from this reader: nothing to exclude
    hit = Q(pk__in=[])
    searched = False
    names = []
    for word in words:
        name = normalise_name(word)
        if len(name) >= MIN_NAME_WORD and " " not in name:
            names.append(name)
        digits = identifiers.normalise_nik(word)
        if len(digits) == 16:
            hit |= Q(person__nik_index=identifiers.nik_index(digits))
            searched = True
        passport = identifiers.normalise_passport(word)
        if len(passport) >= 6 and any(ch.isdigit() for ch in passport):
            hit |= Q(person__passport_index=identifiers.passport_index(passport))
            searched = True
        with contextlib.suppress(identifiers.InvalidPhoneNumber):
            phone = identifiers.normalise_phone(word)
            hit |= Q(person__phones__number_index=identifiers.phone_index(phone))
            searched = True
    if names:
        searched = True
        if connection.vendor == "postgresql":
            named = Person.objects.filter(AnyWordMatch("search_names", names)).values("id")
            hit |= Q(person_id__in=named)
        else:
            # search_names is " name alias ...": a whole word is preceded by a space and followed by one or
            # by the end.
            for name in names:
                hit |= Q(person__search_names__contains=f" {name} ") | Q(
                    person__search_names__endswith=f" {name}"
                )
    if not searched:
        return None
    return CaseParty.objects.filter(hit).filter(hidden)


# The records of a case that most cases have none of, by the name the case page gives their list, with the
# column that names the case.
RARE_RECORDS: dict[str, tuple[type[Model], str]] = {
    "tasks": (Task, "case_id"),
    "approvals": (Approval, "case_id"),
    "transfers": (LeadTransfer, "case_id"),
    "organisations": (CaseOrganisation, "case_id"),
}


def case_records_present(
    case_id: int, kinds: dict[str, tuple[type[Model], str]] = RARE_RECORDS
) -> frozenset[str]:
    """Which of `kinds` the case has at all, whoever may read them, in one query of EXISTS probes (plain SQL:
    compiling it through the ORM would cost what it saves). The case page reads a list only if it is there:
    building a restricted list costs 1.3-2 ms of CPU even when it comes back empty, or is none(). Whether a kind
    exists is not shown; a list that exists is still read through the CaseView's rules."""
    quote = connection.ops.quote_name
    probes = ", ".join(
        f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s)"  # noqa: S608 (the models' own names)
        for model, column in kinds.values()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {probes}", [case_id] * len(kinds))
        found = cursor.fetchone()
    return frozenset(name for name, present in zip(kinds, found, strict=True) if present)


def case_detail(*, user: User, case_id: int | str, audit: bool = True) -> CaseView:
    """The case as this user may see it (Http404 when out of scope). Every call is written to the audit trail."""
    case = access.access_case_by_id(user, case_id)
    view = access.case_view(user, case)
    if view is None:
        raise Http404
    case.reader_groups = view.groups
    if audit:
        audit_record(
            actor=user, action=AuditAction.VIEW, obj=case, summary=f"case viewed as {view.relation.value}"
        )
    return view


@dataclass(frozen=True)
class CaseReadGroup:
    """One user of another agency and what they read of the case: how often, first and last time, and how."""

    agency: str
    user: str
    count: int
    first_at: datetime
    last_at: datetime
    summaries: tuple[str, ...]


def case_reads_elsewhere(*, view: CaseView, limit: int = 200) -> list[CaseReadGroup]:
    """Who in other agencies read this case (its page, sections, timeline, API) or downloaded its documents,
    from the audit trail, one line per user, the latest first. Empty unless the reader may see it
    (`CaseView.can_see_reads`: the lead). Reads by the lead's own staff are in its own audit page."""
    if not view.can_see_reads:
        return []
    case = view.case
    document_ids = [str(pk) for pk in Document.objects.filter(case_id=case.pk).values_list("pk", flat=True)]
    reads = AuditEntry.objects.filter(
        Q(object_type="cases.case", object_id=str(case.pk))
        | Q(object_type="cases.document", object_id__in=document_ids),
        action=AuditAction.VIEW,
        agency__isnull=False,
    ).exclude(agency_id=case.lead_agency_id)
    grouped = (
        reads.values("agency__name", "actor_label")
        .annotate(count=Count("id"), first_at=Min("at"), last_at=Max("at"))
        .order_by("-last_at", "agency__name", "actor_label")[:limit]
    )
    summaries: dict[tuple[str, str], set[str]] = {}
    for agency, user, summary in reads.values_list("agency__name", "actor_label", "summary").distinct():
        summaries.setdefault((agency, user), set()).add(summary)
    return [
        CaseReadGroup(
            agency=row["agency__name"],
            user=row["actor_label"],
            count=row["count"],
            first_at=row["first_at"],
            last_at=row["last_at"],
            summaries=tuple(sorted(summaries.get((row["agency__name"], row["actor_label"]), ()))),
        )
        for row in grouped
    ]


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    label: str
    detail: str
    actor: str
    agency: str
    sensitivity: str
    event_id: int


def _choice(choices: type[Choices], value: str) -> str:
    """The label of a stored choice value (the value itself if the choices no longer know it)."""
    return str(dict(choices.choices).get(value, value))


def _case_field_label(name: str) -> str:
    try:
        field = Case._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    assert isinstance(field, Field)  # the timeline names the case's own fields, never a reverse relation
    return str(field.verbose_name)


def _stage_label(flow: Flow, code: str | None) -> str:
    if not code or code == "start":
        return "—"
    stage = flow.stage(code)
    return stage.label if stage else code


def case_timeline(*, view: CaseView) -> list[TimelineEntry]:
    """One chronological list of what happened on the case (stage changes, referrals and answers, notes, tasks,
    documents...), limited to what the viewer may see. Entries name agencies and staff, never the people in
    the case; notes themselves are read through `view.notes()`."""
    if not view.can_see_details:
        return []
    flow = flow_of(view.case)
    events = list(view.events().select_related("actor", "agency", "referral__to_agency").order_by("at", "id"))
    agency_ids = {e.data.get(k) for e in events for k in ("to_agency_id", "from_agency_id", "agency_id")} - {
        None
    }
    agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
    entries = []
    for event in events:
        data = event.data or {}
        detail = ""
        if event.kind in (
            CaseEventKind.TRANSITION,
            CaseEventKind.CLOSED,
            CaseEventKind.LEGAL_STEP,
            CaseEventKind.CREATED,
        ):
            if event.kind == CaseEventKind.CREATED:
                detail = _stage_label(flow, data.get("stage"))
            elif not data.get("from") or data.get("from") == "start":
                # The first step of a track (the legal track opens at its first stage) has no stage before it.
                detail = _("started at %(stage)s") % {"stage": _stage_label(flow, data.get("to"))}
            else:
                detail = f"{_stage_label(flow, data.get('from'))} → {_stage_label(flow, data.get('to'))}"
        elif event.referral_id:
            detail = f"{event.referral.get_need_display()} — {event.referral.to_agency.name}"
        elif data.get("to_agency_id"):
            detail = agencies.get(data["to_agency_id"], "")
        elif data.get("fields"):
            detail = ", ".join(_case_field_label(name) for name in data["fields"])
        elif data.get("approval_kind"):
            detail = _choice(ApprovalKind, data["approval_kind"]) + (
                f" — {_choice(ApprovalState, data['state'])}" if data.get("state") else ""
            )
        entries.append(
            TimelineEntry(
                at=event.at,
                kind=event.kind,
                label=event.get_kind_display(),
                detail=view.mask(detail),
                actor=(event.actor.get_full_name() or event.actor.username)
                if event.actor
                else _("Sinergi (automatic)"),
                agency=event.agency.name if event.agency else "",
                sensitivity=event.sensitivity,
                event_id=event.pk,
            )
        )
    return entries


def case_available_transitions(*, view: CaseView) -> list[tuple[Transition, Stage]]:
    """The moves this user may make now, on both tracks (the approval may still be missing: the service says)."""
    case, user = view.case, view.user
    if case.status != CaseStatus.OPEN or view.relation not in (Relation.LEAD, Relation.PARTICIPANT):
        return []
    flow = flow_of(case)
    result: list[tuple[Transition, Stage]] = []
    for track, current in ((Track.CARE, case.stage), (Track.LEGAL, case.legal_stage)):
        for transition in flow.transitions_from(current, track):
            if transition.by == BY_LEAD and view.relation != Relation.LEAD:
                continue
            if not user.has_role(*transition.roles):
                continue
            if transition.agency_types is not None and user.agency.type not in transition.agency_types:
                continue
            target = flow.stage(transition.target)
            assert target is not None  # the flow parser refuses a transition to an unknown stage
            result.append((transition, target))
    return result


@dataclass(frozen=True)
class ExpectedReferral:
    need: str
    label: str
    deadline_source: str
    referrals: tuple[Any, ...]  # this case's referrals for the need that are open or done


def case_expected_referrals(*, view: CaseView) -> list[ExpectedReferral]:
    """The referral needs the case's current stage expects (flow file `expects`), each with the referrals made
    for it so far, so a page can show what is still missing. Only for those who see the details."""
    if not view.can_see_details:
        return []
    flow = flow_of(view.case)
    stage = flow.stage(view.case.stage)
    if stage is None or not stage.expects:
        return []
    made: dict[str, list[Any]] = {}
    for referral in view.referrals().exclude(state__in=[ReferralState.DECLINED, ReferralState.REVOKED]):
        made.setdefault(referral.need, []).append(referral)
    from sinergi.cases.choices import ReferralNeed

    return [
        ExpectedReferral(
            need=need,
            label=str(ReferralNeed(need).label),
            deadline_source=flow.needs[need].deadline.source,
            referrals=tuple(made.get(need, ())),
        )
        for need in stage.expects
    ]


def referral_eligible_agencies(*, case: Case, need: str) -> QuerySet[Agency]:
    """Agencies that may receive a referral for `need` under the case's flow (never the lead itself)."""
    rule = flow_of(case).needs.get(need)
    if rule is None:
        return Agency.objects.none()
    return (
        Agency.objects.filter(is_active=True, type__in=rule.agency_types)
        .exclude(pk=case.lead_agency_id)
        .order_by("name")
    )


def province_of(region_code: str | None) -> str:
    """The province part of a dotted Kemendagri code ("63.71.02" → "63"); "" for none."""
    return (region_code or "").split(".")[0]


@dataclass(frozen=True)
class IntakeReferralTargets:
    """Who the first referrals of a new case may go to, under the flow the case will get: each agency with the
    needs it may receive, and the province whose only agency serving a need is proposed for it."""

    agencies: list[Agency]
    needs_of: dict[int, frozenset[str]]
    province: str

    @cached_property
    def by_id(self) -> dict[int, Agency]:
        return {agency.pk: agency for agency in self.agencies}

    def eligible(self, agency_id: int, need: str) -> bool:
        return need in self.needs_of.get(agency_id, frozenset())

    def proposed(self, need: str) -> Agency | None:
        """The agency to preselect for `need`: the only one of the province that serves it, else None (a choice
        between two is the user's, and an agency elsewhere is never guessed)."""
        local = [
            a
            for a in self.agencies
            if self.eligible(a.pk, need) and self.province and province_of(a.jurisdiction_id) == self.province
        ]
        return local[0] if len(local) == 1 else None


def intake_referral_targets(*, user: User, region: Region | None = None) -> IntakeReferralTargets:
    """The agencies a new case's first referrals may go to (active, in the user's view, not the user's own), with
    the needs each may receive under the flow of the case's region (its origin if known, else the user's
    agency's jurisdiction), the same rule `referral_create` applies."""
    from sinergi.agencies.selectors import agency_list
    from sinergi.cases.flow import parse_flow_cached
    from sinergi.cases.services import flow_version_for_region

    agency = user.agency
    if agency is None:
        return IntakeReferralTargets(agencies=[], needs_of={}, province="")
    region = region or agency.jurisdiction
    version = flow_version_for_region(region)
    flow = parse_flow_cached(version.content, version.source)
    agencies = list(agency_list(user=user).filter(is_active=True).exclude(pk=agency.pk))
    needs_of = {
        other.pk: frozenset(need for need, rule in flow.needs.items() if other.type in rule.agency_types)
        for other in agencies
    }
    return IntakeReferralTargets(
        agencies=agencies, needs_of=needs_of, province=province_of(region.pk if region else "")
    )


def referral_inbox(*, user: User) -> QuerySet[Referral]:
    """Referrals awaiting an answer from the user's agency, oldest deadline first."""
    if getattr(user, "agency_id", None) is None or not user.has_role(*access.VIEW_ROLES):
        return Referral.objects.none()
    return (
        Referral.objects.filter(to_agency_id=user.agency_id, state=ReferralState.PENDING)
        .select_related("case", "from_agency")
        .order_by("accept_by", "id")
    )


def referrals_in_service(*, user: User) -> QuerySet[Referral]:
    """Referrals the user's agency accepted on open cases and still owes services for, soonest due first."""
    if getattr(user, "agency_id", None) is None or not user.has_role(*access.VIEW_ROLES):
        return Referral.objects.none()
    return (
        Referral.objects.restrict(user, "view")
        .filter(to_agency_id=user.agency_id, state=ReferralState.ACCEPTED, case__status=CaseStatus.OPEN)
        .select_related("case", "from_agency")
        .order_by("due_at", "id")
    )


def transfer_inbox(*, user: User) -> QuerySet[LeadTransfer]:
    """Lead transfers awaiting an answer from the user's agency."""
    if getattr(user, "agency_id", None) is None or not user.has_role(*access.MANAGE_ROLES):
        return LeadTransfer.objects.none()
    return LeadTransfer.objects.filter(
        to_agency_id=user.agency_id, state=TransferState.PENDING
    ).select_related("case", "from_agency")


def referral_list(*, user: User, filters: dict[str, Any]) -> QuerySet[Referral]:
    """The referrals the user may see, by the API list's filters (`ReferralListQuerySerializer`). Without
    filters, the inbox (`referral_inbox`): addressed to the user's agency and awaiting its answer."""
    if getattr(user, "agency_id", None) is None or not user.has_role(*access.VIEW_ROLES):
        return Referral.objects.none()
    referrals = _handover_filter(Referral.objects.restrict(user, "view"), user, filters, dated="created_at")
    referrals = referrals.filter(state__in=filters.get("status") or [ReferralState.PENDING])
    if filters.get("overdue"):
        now = timezone.now()
        referrals = referrals.filter(
            Q(state=ReferralState.PENDING, accept_by__lt=now)
            | Q(state=ReferralState.ACCEPTED, due_at__lt=now)
        )
    return referrals.select_related("case", "from_agency", "to_agency").order_by("accept_by", "id")


def transfer_list(*, user: User, filters: dict[str, Any]) -> QuerySet[LeadTransfer]:
    """The lead transfers the user may see, by the API list's filters (`TransferListQuerySerializer`), for the
    roles that answer them, as `transfer_inbox`. Without filters, that inbox."""
    if getattr(user, "agency_id", None) is None or not user.has_role(*access.MANAGE_ROLES):
        return LeadTransfer.objects.none()
    transfers = _handover_filter(
        LeadTransfer.objects.restrict(user, "view"), user, filters, dated="requested_at"
    )
    transfers = transfers.filter(state__in=filters.get("status") or [TransferState.PENDING])
    return transfers.select_related("case", "from_agency").order_by("-requested_at", "-id")


def _handover_filter(
    records: QuerySet[Any], user: User, filters: dict[str, Any], *, dated: str
) -> QuerySet[Any]:
    """The filters referrals and lead transfers share: the side the user's agency is on, case, agencies, dates."""
    direction = filters.get("direction", Direction.INCOMING)
    if direction == Direction.INCOMING:
        records = records.filter(to_agency_id=user.agency_id)
    elif direction == Direction.OUTGOING:
        records = records.filter(from_agency_id=user.agency_id)
    lookups = {"case_id": "case", "from_agency_id": "from_agency", "to_agency_id": "to_agency"}
    records = records.filter(**{field: filters[key] for field, key in lookups.items() if key in filters})
    if "created_from" in filters:
        records = records.filter(**{f"{dated}__date__gte": filters["created_from"]})
    if "created_to" in filters:
        records = records.filter(**{f"{dated}__date__lte": filters["created_to"]})
    return records


@dataclass(frozen=True)
class OverdueItem:
    kind: str  # "referral_answer", "referral_services", "task", "stage"
    case: Case
    due_at: datetime
    responsible_agency_id: int
    referral: Referral | None = None
    task: Task | None = None
    escalated: bool = False


def overdue_list(*, user: User, now: datetime | None = None) -> list[OverdueItem]:
    """Everything late that the user's agency is responsible for or leads: referrals unanswered or with services
    overdue, open tasks past due, and cases past their stage deadline; most overdue first. Each row reads
    through its model's restrict(): an agency whose referral ended, or that handed the lead on, sees none of
    that case's rows (the case itself would answer 404)."""
    return deadline_list(user=user, until=now or timezone.now())


def due_soon_list(*, user: User, now: datetime | None = None, days: int = 7) -> list[OverdueItem]:
    """The same deadlines as `overdue_list`, not yet passed but falling within the next `days` days."""
    now = now or timezone.now()
    return deadline_list(user=user, since=now, until=now + timedelta(days=days))


def deadline_list(*, user: User, until: datetime, since: datetime | None = None) -> list[OverdueItem]:
    """Open deadlines of the user's agency (see `overdue_list`) falling before `until` (and from `since`)."""
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None or not user.has_role(*access.VIEW_ROLES):
        return []

    def window(field: str) -> Q:
        condition = Q(**{f"{field}__lt": until})
        return condition & Q(**{f"{field}__gte": since}) if since is not None else condition

    involved = Q(to_agency_id=agency_id) | Q(case__lead_agency_id=agency_id)
    items: list[OverdueItem] = []
    for referral in (
        Referral.objects.restrict(user, "view")
        .filter(involved, case__status=CaseStatus.OPEN)
        .filter(
            (Q(state=ReferralState.PENDING) & window("accept_by"))
            | (Q(state=ReferralState.ACCEPTED) & window("due_at"))
        )
        .select_related("case", "to_agency", "case__lead_agency")[:500]
    ):
        pending = referral.state == ReferralState.PENDING
        items.append(
            OverdueItem(
                kind="referral_answer" if pending else "referral_services",
                case=referral.case,
                due_at=referral.accept_by if pending else referral.due_at,
                responsible_agency_id=referral.to_agency_id,
                referral=referral,
                escalated=bool(
                    referral.escalated_unanswered_at if pending else referral.escalated_overdue_at
                ),
            )
        )
    tasks = Task.objects.restrict(user, "view").filter(
        window("due_at"), done_at__isnull=True, case__status=CaseStatus.OPEN
    )
    for task in tasks.select_related("case", "owner")[:500]:
        items.append(
            OverdueItem(
                kind="task",
                case=task.case,
                due_at=task.due_at,
                responsible_agency_id=task.owner_agency_id,
                task=task,
                escalated=task.escalated_at is not None,
            )
        )
    # The flow version comes along: a stage deadline is labelled with its stage's name from the case's flow.
    for case in (
        Case.objects.restrict(user, "view")
        .filter(window("stage_due_at"), lead_agency_id=agency_id, status=CaseStatus.OPEN)
        .select_related("flow_version")[:500]
    ):
        items.append(
            OverdueItem(kind="stage", case=case, due_at=case.stage_due_at, responsible_agency_id=agency_id)
        )
    items.sort(key=lambda item: item.due_at)
    return items


def approval_inbox(*, user: User) -> QuerySet[Approval]:
    """Approvals awaiting a supervisor's decision on open cases the user's agency leads, oldest request first;
    empty for anyone but a supervisor (the one who decides, `CaseView.can_decide_approvals`)."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(Role.SUPERVISOR):
        return Approval.objects.none()
    return (
        Approval.objects.restrict(user, "view")
        .filter(state=ApprovalState.PENDING, case__status=CaseStatus.OPEN)
        .select_related("case", "requested_by")
        .order_by("requested_at", "id")
    )


def my_open_tasks(*, user: User) -> QuerySet[Task]:
    """The user's own open tasks on open cases the user may still see, soonest due first."""
    return (
        Task.objects.restrict(user, "view")
        .filter(owner_id=user.pk, done_at__isnull=True, case__status=CaseStatus.OPEN)
        .select_related("case")
        .order_by("due_at", "id")
    )


def cases_awaiting_action(*, user: User) -> QuerySet[Case]:
    """Open cases assigned to the user on which nobody has taken a first handling step yet, oldest first."""
    return (
        case_list(user=user, filters={"status": CaseStatus.OPEN, "mine": "1"})
        .filter(first_action_at__isnull=True)
        .order_by("reported_at", "id")
    )


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first; one about a case the user may no longer open is not shown."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.restrict(user, "view").select_related("case")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


@dataclass(frozen=True)
class DuplicateHint:
    case: Case
    reason: str  # "nik", "phone", "name_birth_date"


@dataclass(frozen=True)
class DuplicateResult:
    """What the duplicate check may tell this caller (docs/decisions/0005): the cases where the caller sees the
    matching person, and whether another agency holds a matching record the caller may not see."""

    hints: list[DuplicateHint]
    elsewhere: bool

    def __bool__(self) -> bool:
        return bool(self.hints) or self.elsewhere


DUPLICATE_CANDIDATES = 50
# A person checking a report types a few identifiers; a script guessing NIKs types thousands.
DUPLICATE_CHECKS_PER_WINDOW = 30
DUPLICATE_CHECK_WINDOW = timedelta(minutes=10)


def duplicate_check_allowed(user: User) -> bool:
    """Counts one duplicate check of this user; False once the user has used up the window's checks."""
    from sinergi.core import throttle

    return throttle.allow(
        "case_duplicates", str(user.pk), limit=DUPLICATE_CHECKS_PER_WINDOW, window=DUPLICATE_CHECK_WINDOW
    )


def _duplicate_filters(
    *, nik: str, phone: str, full_name: str, birth_date: date | None
) -> list[tuple[str, Q, str]]:
    """(reason, condition on CaseParty, canonical value) for each identifier given and well formed."""
    from sinergi.people.identifiers import InvalidPhoneNumber, nik_index, normalise_phone, phone_index
    from sinergi.people.names import normalise_name

    filters: list[tuple[str, Q, str]] = []
    digits = "".join(ch for ch in nik if ch.isdigit())
    if nik and len(digits) == 16:
        filters.append(("nik", Q(person__nik_index=nik_index(nik)), digits))
    if phone:
        with contextlib.suppress(InvalidPhoneNumber):
            e164 = normalise_phone(phone)
            filters.append(("phone", Q(person__phones__number_index=phone_index(e164)), e164))
    name = normalise_name(full_name) if full_name else ""
    if name and birth_date:
        filters.append(
            (
                "name_birth_date",
                Q(person__name_normalised=name, person__birth_date=birth_date),
                f"{name}|{birth_date.isoformat()}",
            )
        )
    return filters


def case_intake_duplicates(
    *, user: User, nik: str = "", phone: str = "", full_name: str = "", birth_date: date | None = None
) -> DuplicateResult:
    """Probable duplicates of a report about to be registered: parties sharing the NIK or a phone number (exact,
    through the blind indexes) or the same name and birth date.

    A match is named (case reference, lead agency) only where the caller sees that person's identity
    (`policy.duplicate_answer`); any other match, a case pending for the caller's agency included, says at most
    "another agency holds a matching record" and only to a user who may open cases. One audit entry per check
    records a keyed hash of what was searched (never the value) and how many cases were named.
    """
    filters = _duplicate_filters(nik=nik, phone=phone, full_name=full_name, birth_date=birth_date)
    if not filters:
        return DuplicateResult(hints=[], elsewhere=False)
    hints: dict[int, DuplicateHint] = {}
    elsewhere = False
    views: dict[int, CaseView | None] = {}
    for reason, condition, _value in filters:
        parties = (
            CaseParty.objects.filter(condition)
            .select_related("case", "case__lead_agency")
            .order_by("-case__reported_at", "id")[:DUPLICATE_CANDIDATES]
        )
        for party in parties:
            if party.case_id not in views:
                views[party.case_id] = access.case_view(user, party.case)
            view = views[party.case_id]
            reader = view.reader if view is not None else access.reader_for(user, None)
            facts = (
                view.party_facts(party)
                if view is not None
                else policy.PartyFacts(
                    is_victim=party.role == "VICTIM",
                    is_child=party.is_child,
                    consent_given=False,
                    override_for_reader=False,
                )
            )
            answer = policy.duplicate_answer(reader, facts)
            if answer == policy.DuplicateAnswer.SHOWN:
                hints.setdefault(party.case_id, DuplicateHint(case=party.case, reason=reason))
            elif answer == policy.DuplicateAnswer.ELSEWHERE:
                elsewhere = True
    audit_read(
        actor=user,
        object_type="cases.duplicate_check",
        summary="duplicate check",
        count=len(hints),
        searched={reason: value for reason, _q, value in filters},
        extra={"elsewhere": elsewhere},
    )
    return DuplicateResult(hints=list(hints.values())[:10], elsewhere=elsewhere)


@dataclass(frozen=True)
class DurationStat:
    count: int
    median_hours: float | None
    mean_hours: float | None


def _durations(pairs: Iterable[tuple[datetime | None, datetime | None]]) -> DurationStat:
    hours = [(end - start).total_seconds() / 3600 for start, end in pairs if start and end and end >= start]
    if not hours:
        return DurationStat(count=0, median_hours=None, mean_hours=None)
    return DurationStat(
        count=len(hours),
        median_hours=round(statistics.median(hours), 1),
        mean_hours=round(statistics.fmean(hours), 1),
    )


def _reads_all_metrics(user: User) -> bool:
    return user.is_superuser or bool(user.agency and user.agency.type == AgencyType.GUGUS_TUGAS)


def navigation_counts(*, user: User) -> dict[str, int | None]:
    """What the section navigation counts on every case page, in one query: referrals and lead transfers
    awaiting the agency's answer, the user's unread notifications, and (supervisors only, else None) approvals
    to decide. Each count is its inbox's own queryset, counted as a subquery of one row."""
    inboxes = {
        "referrals": referral_inbox(user=user),
        "transfers": transfer_inbox(user=user),
        "unread": notification_list(user=user, unread_only=True),
    }
    if user.has_role(Role.SUPERVISOR):
        inboxes["approvals"] = approval_inbox(user=user)
    # An empty inbox (the user's roles allow none) is 0 without asking the database.
    asked = {name: qs for name, qs in inboxes.items() if not qs.query.is_empty()}
    counts: dict[str, int | None] = dict.fromkeys(inboxes, 0)
    counts.setdefault("approvals", None)
    if asked:
        columns = {
            name: Subquery(
                qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
                output_field=IntegerField(),
            )
            for name, qs in asked.items()
        }
        row = User.objects.filter(pk=user.pk).annotate(**columns).values(*columns).first() or {}
        counts.update({name: row.get(name) or 0 for name in asked})
    return counts


def may_read_metrics(user: User) -> bool:
    """Whether metrics_agencies() holds any agency for this user, decided without a query (the menu asks)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _reads_all_metrics(user) or bool(
        user.agency_id and user.has_role(Role.SUPERVISOR, Role.ANALYST, Role.CASE_WORKER, Role.AGENCY_ADMIN)
    )


def metrics_agencies(*, user: User) -> QuerySet[Agency]:
    """Agencies whose handling metrics the user may read: their own; all for the task force and platform staff.
    The metrics are counts and durations, no case content."""
    if not may_read_metrics(user):
        return Agency.objects.none()
    if _reads_all_metrics(user):
        return Agency.objects.all()
    agency_id = user.agency_id
    assert agency_id is not None  # may_read_metrics: a reader who is not the task force reads its own agency
    return Agency.objects.filter(pk=agency_id)


def case_metrics(
    *, user: User, agency: Agency, start: date, end: date, now: datetime | None = None
) -> dict[str, Any]:
    """Handling metrics of one agency for cases reported / referrals sent between start and end (inclusive):
    time from report to first action, time to accept a referral, time to repatriation, share of referrals
    overdue (answered late, or still unanswered / undelivered past their deadline, or escalated); the cases by
    care stage, the same figures month by month, and the referral answer deadlines kept (`cases.metrics`)."""
    if not metrics_agencies(user=user).filter(pk=agency.pk).exists():
        raise Http404
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start_dt = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    end_dt = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    cases = Case.objects.filter(lead_agency=agency, reported_at__gte=start_dt, reported_at__lt=end_dt)
    first_action = _durations(cases.values_list("reported_at", "first_action_at"))
    repatriation = _durations(cases.values_list("reported_at", "repatriated_at"))
    referrals = Referral.objects.filter(to_agency=agency, created_at__gte=start_dt, created_at__lt=end_dt)
    accept = _durations(
        referrals.filter(
            answered_at__isnull=False, state__in=[ReferralState.ACCEPTED, ReferralState.DONE]
        ).values_list("created_at", "answered_at")
    )
    total = referrals.count()
    overdue = referrals.filter(
        Q(escalated_unanswered_at__isnull=False)
        | Q(escalated_overdue_at__isnull=False)
        | Q(state=ReferralState.PENDING, accept_by__lt=now)
        | Q(state=ReferralState.ACCEPTED, due_at__lt=now)
        | Q(answered_at__isnull=False, answered_at__gt=F("accept_by"))
    ).count()
    from sinergi.cases import metrics

    months = metrics.by_month(cases=cases, referrals=referrals, start=start, end=end, now=now)
    return {
        "agency_id": agency.pk,
        "start": start,
        "end": end,
        "by_stage": [
            {"stage": code, "label": label, "count": count} for code, label, count in metrics.by_stage(cases)
        ],
        "months": months,
        "deadlines": metrics.deadlines_of(referrals.values_list("state", "answered_at", "accept_by"), now),
        "cases_reported": cases.count(),
        "report_to_first_action": first_action,
        "referral_acceptance": accept,
        "report_to_repatriation": repatriation,
        "referrals_received": total,
        "referrals_overdue": overdue,
        "referrals_overdue_share": round(overdue / total, 3) if total else None,
    }
