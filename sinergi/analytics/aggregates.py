"""Monthly figures per lead agency (CaseMonthly, CaseDuration), kept equal to the live counts.

Why: counting a million cases through `Case.objects.restrict(...)` on every dashboard or map request costs
seconds. The cases an agency leads are counted ahead, per month, region of origin (every level) and stage;
the few cases a reader sees through a referral or a pending transfer are counted live at the read
(sinergi/analytics/scope.py), so the figures stay exactly the reader's.

How they stay right: each case's contribution is kept as a CaseFact row. A write to a case or its parties marks
the case (DirtyCase, by signals inside the writing transaction); before a read, `fold()` subtracts the marked
cases' old facts, recomputes their facts from the cases and adds them again. `rebuild()` starts over from the
cases (the rebuild job, and after bulk loads that bypass the ORM). Everything is SQL that runs on PostgreSQL and
SQLite alike: the facts are compiled from an ORM queryset, the sums are one INSERT ... SELECT ... ON CONFLICT
per kind of figure over all region levels at once.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth

from sinergi.analytics import dbwork
from sinergi.analytics.models import CaseDuration, CaseFact, CaseMonthly, DirtyCase

# (level, length of the region code at that level); level 0 is "all regions" (code "").
LEVELS = ((0, 0), (1, 2), (2, 5), (3, 8), (4, 13))
LEVEL_OF_LENGTH = {length: level for level, length in LEVELS}
# The deepest level stored per kind of figure: only the map needs villages, and only for the cases reported
# (storing every kind per village would make the tables almost as long as the cases); deeper reads count the
# cases live (sinergi/analytics/scope.py).
STORED_LEVEL = {"reported": 4, "stage": 3, "closed": 3, "repatriated": 3, "first_action": 3, "close": 3}
# Above this many marked cases a fold starts over from the cases (one pass instead of a long IN list).
FOLD_LIMIT = 5000
FACT_COLUMNS = (
    "case_id",
    "agency_id",
    "region",
    "stage",
    "is_open",
    "victims",
    "reported_month",
    "closed_month",
    "reintegrated",
    "repatriated_month",
    "first_action_hours",
    "close_hours",
)
MONTHLY_COLUMNS = (
    "agency_id",
    "level",
    "region",
    "month",
    "kind",
    "stage",
    "cases",
    "open_cases",
    "victims",
    "reintegrated",
    "reintegrated_victims",
)
MONTHLY_SUMS = MONTHLY_COLUMNS[6:]
DURATION_COLUMNS = ("agency_id", "level", "region", "month", "kind", "hours", "cases")


class HoursBetween(Func):
    """Whole hours from `start` to `end`, NULL when either is missing or `end` is before `start`."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        params = [*end_params, *start_params, *end_params, *start_params]
        if connection.vendor == "postgresql":
            hours = f"FLOOR(EXTRACT(EPOCH FROM ({end} - {start})) / 3600)::integer"
        else:
            hours = f"CAST((julianday({end}) - julianday({start})) * 24 AS INTEGER)"
        return f"(CASE WHEN {end} >= {start} THEN {hours} END)", params


def fact_rows(cases):
    """The facts of a Case queryset, as a values_list in FACT_COLUMNS order (months in the current zone)."""
    from sinergi.cases.choices import CaseStatus, ClosureReason, PartyRole
    from sinergi.cases.models import CaseParty

    victims = (
        CaseParty.objects.filter(case_id=OuterRef("pk"), role=PartyRole.VICTIM)
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    annotated = cases.order_by().annotate(
        f_case_id=F("id"),
        f_agency_id=F("lead_agency_id"),
        f_region=Coalesce(F("origin_region_id"), Value("")),
        f_stage=F("stage"),
        f_is_open=Q(status=CaseStatus.OPEN),
        f_victims=Coalesce(Subquery(victims, output_field=IntegerField()), Value(0)),
        f_reported_month=Cast(TruncMonth("reported_at"), DateField()),
        f_closed_month=Cast(TruncMonth("closed_at"), DateField()),
        f_reintegrated=Q(closure_reason=ClosureReason.REINTEGRATED, closed_at__isnull=False),
        f_repatriated_month=Cast(TruncMonth("repatriated_at"), DateField()),
        f_first_action_hours=HoursBetween("reported_at", "first_action_at"),
        f_close_hours=HoursBetween("reported_at", "closed_at"),
    )
    return annotated.values_list(*(f"f_{name}" for name in FACT_COLUMNS))


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _insert_facts(cases) -> None:
    from django.core.exceptions import EmptyResultSet

    try:
        sql, params = fact_rows(cases).query.sql_with_params()
    except EmptyResultSet:
        return
    columns = ", ".join(_q(c) for c in FACT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_q(CaseFact._meta.db_table)} ({columns}) {sql}", params)


def _levels_sql(kind: str, every_level: bool) -> str:
    deepest = len(LEVELS) - 1 if every_level else STORED_LEVEL[kind]
    return "(VALUES " + ", ".join(f"({level}, {length})" for level, length in LEVELS[: deepest + 1]) + ") lv"


def _region_sql() -> str:
    return "CASE WHEN lv.column1 = 0 THEN '' ELSE substr(f.region, 1, lv.column2) END"


def monthly_select(source: str, sign: int = 1, *, every_level: bool = False) -> str:
    """SELECT of CaseMonthly rows (MONTHLY_COLUMNS, named) summing the facts of `source` (a table or a subquery
    aliased f), the stored levels (or `every_level`) at once; `sign` -1 gives the rows to subtract."""
    region = _region_sql()

    def levels(kind: str) -> str:
        return _levels_sql(kind, every_level)

    where = "WHERE (lv.column1 = 0 OR f.region <> '')"
    opened = "CASE WHEN f.is_open THEN 1 ELSE 0 END"
    reintegrated = "CASE WHEN f.reintegrated THEN 1 ELSE 0 END"
    reintegrated_victims = "CASE WHEN f.reintegrated THEN f.victims ELSE 0 END"
    group = f"f.agency_id, lv.column1, {region}"
    s = int(sign)
    # Identifiers and numbers of this module only; values go as parameters.
    return (
        f"SELECT f.agency_id AS agency_id, lv.column1 AS level, {region} AS region, "  # noqa: S608
        "f.reported_month AS month, "
        f"'reported' AS kind, '' AS stage, {s} * COUNT(*) AS cases, {s} * SUM({opened}) AS open_cases, "
        f"{s} * SUM(f.victims) AS victims, 0 AS reintegrated, 0 AS reintegrated_victims "
        f"FROM {source} CROSS JOIN {levels('reported')} {where} "
        f"GROUP BY {group}, f.reported_month "
        "UNION ALL "
        f"SELECT f.agency_id, lv.column1, {region}, f.reported_month, 'stage', f.stage, {s} * COUNT(*), 0, 0, "
        f"0, 0 FROM {source} CROSS JOIN {levels('stage')} {where} GROUP BY {group}, f.reported_month, f.stage "
        "UNION ALL "
        f"SELECT f.agency_id, lv.column1, {region}, f.closed_month, 'closed', '', {s} * COUNT(*), 0, 0, "
        f"{s} * SUM({reintegrated}), {s} * SUM({reintegrated_victims}) FROM {source} CROSS JOIN {levels('closed')} "
        f"{where} AND f.closed_month IS NOT NULL GROUP BY {group}, f.closed_month "
        "UNION ALL "
        f"SELECT f.agency_id, lv.column1, {region}, f.repatriated_month, 'repatriated', '', {s} * COUNT(*), "
        f"0, {s} * SUM(f.victims), 0, 0 FROM {source} CROSS JOIN {levels('repatriated')} {where} "
        f"AND f.repatriated_month IS NOT NULL GROUP BY {group}, f.repatriated_month"
    )


def duration_select(source: str, sign: int = 1, *, every_level: bool = False) -> str:
    """SELECT of CaseDuration rows (DURATION_COLUMNS) over the facts of `source`, the stored levels (or
    `every_level`) at once."""
    region = _region_sql()

    def levels(kind: str) -> str:
        return _levels_sql(kind, every_level)

    where = "WHERE (lv.column1 = 0 OR f.region <> '')"
    group = f"f.agency_id, lv.column1, {region}"
    s = int(sign)
    # Identifiers and numbers of this module only; values go as parameters.
    return (
        f"SELECT f.agency_id AS agency_id, lv.column1 AS level, {region} AS region, "  # noqa: S608
        "f.reported_month AS month, "
        f"'first_action' AS kind, f.first_action_hours AS hours, {s} * COUNT(*) AS cases "
        f"FROM {source} CROSS JOIN {levels('first_action')} {where} AND f.first_action_hours IS NOT NULL "
        f"GROUP BY {group}, f.reported_month, f.first_action_hours "
        "UNION ALL "
        f"SELECT f.agency_id, lv.column1, {region}, f.closed_month, 'close', f.close_hours, {s} * COUNT(*) "
        f"FROM {source} CROSS JOIN {levels('close')} {where} AND f.closed_month IS NOT NULL "
        f"AND f.close_hours IS NOT NULL GROUP BY {group}, f.closed_month, f.close_hours"
    )


def _add(source: str, params: list, sign: int, *, empty: bool = False) -> None:
    """Adds (sign 1) or subtracts (-1) the facts of `source` to the monthly tables. Into `empty` tables the
    rows go by plain INSERT, in the order the reads scan them (agency, level, kind, month: a year of one
    level is then a few contiguous pages)."""
    for model, columns, select, sums in (
        (CaseMonthly, MONTHLY_COLUMNS, monthly_select(source, sign), MONTHLY_SUMS),
        (CaseDuration, DURATION_COLUMNS, duration_select(source, sign), ("cases",)),
    ):
        table = _q(model._meta.db_table)
        keys = [c for c in columns if c not in sums]
        updates = ", ".join(f"{_q(c)} = {table}.{_q(c)} + excluded.{_q(c)}" for c in sums)
        insert = f"INSERT INTO {table} ({', '.join(_q(c) for c in columns)}) SELECT * FROM ({select}) x "  # noqa: S608
        if empty:
            statement = insert + "ORDER BY agency_id, level, kind, month"
        else:
            # The WHERE: SQLite's parser needs one before ON CONFLICT after a SELECT.
            statement = (
                f"{insert}WHERE true ON CONFLICT ({', '.join(_q(c) for c in keys)}) DO UPDATE SET {updates}"
            )
        with connection.cursor() as cursor:
            cursor.execute(statement, params * select.count(source))


def _take_lock() -> None:
    """Serialises folds and rebuilds: PostgreSQL by a transaction-level advisory lock, SQLite by taking its
    write lock at once (a DELETE that matches nothing)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [20261212])
        else:
            cursor.execute(f"DELETE FROM {_q(DirtyCase._meta.db_table)} WHERE id < 0")  # noqa: S608


def rebuild() -> int:
    """Recomputes every fact and monthly figure from the cases; returns the number of cases counted."""
    from sinergi.cases.models import Case

    with transaction.atomic():
        _take_lock()
        dbwork.roomy_transaction()
        last = DirtyCase.objects.order_by("-id").values_list("id", flat=True).first()
        for model in (CaseMonthly, CaseDuration, CaseFact):
            _clear(model)
        _insert_facts(Case.objects.all())
        _add(_q(CaseFact._meta.db_table) + " f", [], 1, empty=True)
        if last is not None:
            DirtyCase.objects.filter(id__lte=last).delete()
        _analyze()
        return CaseFact.objects.count()


def _clear(model) -> None:
    """TRUNCATE where the role may, DELETE otherwise (the production role has no TRUNCATE right)."""
    from django.db import DatabaseError

    if connection.vendor != "postgresql":
        model.objects.all().delete()
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {_q(model._meta.db_table)}")
    except DatabaseError:
        model.objects.all().delete()


def _analyze() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (CaseFact, CaseMonthly, CaseDuration):
            cursor.execute(f"ANALYZE {_q(model._meta.db_table)}")


def fold() -> int:
    """Folds the cases written since the last fold into the monthly figures; returns how many were folded."""
    from sinergi.cases.models import Case

    if not DirtyCase.objects.exists():
        return 0
    with transaction.atomic():
        _take_lock()
        marks = list(DirtyCase.objects.order_by("id").values_list("id", "case_id")[: FOLD_LIMIT + 1])
        if not marks:
            return 0  # another fold took them while this one waited for the lock
        if len(marks) > FOLD_LIMIT:
            return rebuild()  # nested: the lock is already held by this transaction
        last = marks[-1][0]
        ids = sorted({case_id for _id, case_id in marks})
        placeholders = ", ".join(["%s"] * len(ids))
        facts = f"(SELECT * FROM {_q(CaseFact._meta.db_table)} WHERE case_id IN ({placeholders})) f"  # noqa: S608
        _add(facts, ids, -1)
        CaseFact.objects.filter(case_id__in=ids).delete()
        _insert_facts(Case.objects.filter(id__in=ids))
        _add(facts, ids, 1)
        DirtyCase.objects.filter(id__lte=last).delete()
        return len(ids)


def mark(case_id: int | None) -> None:
    """Marks one case for the next fold (called inside the transaction that writes it)."""
    if case_id:
        DirtyCase.objects.create(case_id=case_id)
