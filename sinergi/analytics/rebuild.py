"""Rebuilding the graph tables (GraphEdge, GraphNode, GraphNodeLabel) from cases, people and screened posts.

Most links are copied by the database itself (INSERT ... SELECT compiled from ORM querysets, so it runs on
PostgreSQL and SQLite alike), as pairs of integer node ids (sinergi/analytics/nodes.py): record ends are
computed from the record's id, value ends joined to GraphNode by key; only what needs Python (decrypting an
address, reading companies and bank accounts out of a post) goes through Python, in chunks.

Keys: "case:<id>", "person:<id>", "phone:<blind index>" (people's phones and the phone/WhatsApp contacts of
posts share the index, so one number is one node), "contact:<blind index>" (Telegram, e-mail, other handles
seen in posts), "handle:<platform>:<handle>" (people's accounts and the accounts that posted), "org:<name>"
(a named company or sponsor, the same across cases and posts; an organisation with no real name, such as a
bare "PT", stays one node per case), "bank:<blind index>", "address:<blind index>", "post:<id>".
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction
from django.db.models import BigIntegerField, CharField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Cast, Concat, Lower, Trim, TruncDate
from django.utils import timezone

from sinergi.analytics import dbwork, extract, nodes
from sinergi.analytics.models import GraphBuild, GraphEdge, GraphNode, GraphNodeLabel
from sinergi.core import crypto

CHUNK = 5000
# Names that do not identify an organisation: each stays a node of its own case.
UNNAMED_ORGANISATIONS = frozenset({"", "pt", "cv", "pt.", "sponsor", "agen", "agency", "p3mi", "perusahaan"})
LINK_COLUMNS = ("source", "target", "case_id", "post_id", "person_id", "part", "seen")


def _text(value: str):
    return Value(value, output_field=CharField())


def _key(prefix: str, expression):
    return Concat(_text(prefix), Cast(expression, CharField()), output_field=CharField())


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@contextmanager
def _indexes_built_after(model):
    """On PostgreSQL, drops the table's plain indexes for a bulk insert and creates them again after it, from
    their own definitions: one sort per index instead of millions of index insertions. A role that may not
    drop them keeps them."""
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        definitions = cursor.fetchall()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for name, _definition in definitions:
                cursor.execute(f"DROP INDEX {_q(name)}")
    except DatabaseError:
        definitions = []  # a role that does not own the table (production's app role): keep the indexes
    yield
    with connection.cursor() as cursor:
        for _name, definition in definitions:
            cursor.execute(definition)


def _side(kind: str, expression):
    """One end of a link: a record's node id (an integer expression) or the key of a value (text)."""
    if kind in nodes.RECORD_KINDS:
        # The base is past 32 bits: typed as a bigint, or a parameter bound by the server is sent as a 4-byte
        # integer and the kind is lost.
        base = Value(nodes.base(kind), output_field=BigIntegerField())
        return ExpressionWrapper(base + expression, output_field=BigIntegerField())
    return _key(f"{kind}:", expression)


def _rows(queryset, **columns):
    for name in set(LINK_COLUMNS) - set(columns):
        columns[name] = Cast(Value(None), BigIntegerField())  # typed: the SELECT is a subquery
    aliases = {f"e_{name}": columns[name] for name in LINK_COLUMNS}
    return queryset.order_by().annotate(**aliases).values_list(*aliases)


def _link(queryset, source: tuple, target: tuple, *, part: str, seen, **ids) -> int:
    """Copies one kind of link in the database: `source` and `target` are (kind, expression of the key after
    "kind:"); `ids` the case_id / post_id / person_id expressions the link belongs to. The values named are
    given GraphNode rows first, then the links are written as node ids (a join on key for those ends)."""
    (source_kind, source_key), (target_kind, target_key) = source, target
    rows = _rows(
        queryset,
        source=_side(source_kind, source_key),
        target=_side(target_kind, target_key),
        part=_text(part),
        seen=seen,
        **ids,
    )
    sql, params = rows.query.sql_with_params()
    node_table, edge_table = _q(GraphNode._meta.db_table), _q(GraphEdge._meta.db_table)
    ends, joins = [], ""
    with connection.cursor() as cursor:
        for column, kind in (("e_source", source_kind), ("e_target", target_kind)):
            if kind in nodes.RECORD_KINDS:
                ends.append(f"l.{column}")
                continue
            cursor.execute(
                f"INSERT INTO {node_table} (key, kind) SELECT DISTINCT l.{column}, %s FROM ({sql}) l "  # noqa: S608
                "WHERE true ON CONFLICT (key) DO NOTHING",  # the WHERE: SQLite's parser wants one there
                [kind, *params],
            )
            joins += f" JOIN {node_table} n_{column} ON n_{column}.key = l.{column}"
            ends.append(f"{nodes.base(kind)} + n_{column}.id")
        cursor.execute(
            f"INSERT INTO {edge_table} ({', '.join(_q(c + '_id' if c in ('source', 'target') else c) for c in LINK_COLUMNS)}) "  # noqa: S608
            f"SELECT {ends[0]}, {ends[1]}, l.e_case_id, l.e_post_id, l.e_person_id, l.e_part, l.e_seen "
            f"FROM ({sql}) l{joins}",
            params,
        )
        return cursor.rowcount


def _value_links(rows: list[tuple]) -> int:
    """Links worked out in Python: (source node id, target key, target kind, case_id, post_id, person_id,
    part, seen) tuples; their values get GraphNode rows, then the links are written as node ids."""
    if not rows:
        return 0
    wanted = {(key, kind) for _source, key, kind, *_rest in rows}
    GraphNode.objects.bulk_create([GraphNode(key=k, kind=kind) for k, kind in wanted], ignore_conflicts=True)
    numbers = dict(GraphNode.objects.filter(key__in=[k for k, _kind in wanted]).values_list("key", "id"))
    values = [
        (source, nodes.base(kind) | numbers[key], case_id, post_id, person_id, part, seen)
        for source, key, kind, case_id, post_id, person_id, part, seen in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_q(GraphEdge._meta.db_table)} (source_id, target_id, case_id, post_id, person_id, "  # noqa: S608
            "part, seen) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            values,
        )
    return len(values)


def _handle(platform, account):
    return Concat(Lower(platform), _text(":"), Lower(Trim(account)), output_field=CharField())


def _case_edges() -> int:
    from sinergi.cases.models import CaseOrganisation, CaseParty
    from sinergi.people.models import PersonHandle, PersonPhone

    reported = TruncDate("case__reported_at")
    count = _link(
        CaseParty.objects.all(),
        ("case", F("case_id")),
        ("person", F("person_id")),
        part="parties",
        seen=reported,
        case_id=F("case_id"),
        person_id=F("person_id"),
    )
    # A person's identifiers hang off the person once per case, so a case that loses its access takes them
    # with it (the person of two cases keeps them through the other).
    for model, target in (
        (PersonPhone, ("phone", F("number_index"))),
        (PersonHandle, ("handle", Concat(F("platform"), _text(":"), F("handle_normalised")))),
    ):
        count += _link(
            model.objects.filter(person__case_links__isnull=False),
            ("person", F("person_id")),
            target,
            part="identity",
            seen=TruncDate("person__case_links__case__reported_at"),
            case_id=F("person__case_links__case_id"),
            person_id=F("person_id"),
        )
    organisations = CaseOrganisation.objects.annotate(norm=Lower(Trim("name")))
    for named, key in ((True, F("norm")), (False, _key("#", F("id")))):
        count += _link(
            organisations.exclude(norm__in=UNNAMED_ORGANISATIONS)
            if named
            else organisations.filter(norm__in=UNNAMED_ORGANISATIONS),
            ("case", F("case_id")),
            ("org", key),
            part="investigation",
            seen=reported,
            case_id=F("case_id"),
        )
    return count


def _post_edges() -> int:
    from sinergi.detection.models import PostContact, ScreenedPost

    contacts = PostContact.objects.all()
    phones = Q(contact__kind__in=("phone", "wa"))
    count = 0
    for links, kind in ((contacts.filter(phones), "phone"), (contacts.exclude(phones), "contact")):
        count += _link(
            links,
            ("post", F("post_id")),
            (kind, F("contact__value_index")),
            part="post",
            seen=TruncDate("post__received_at"),
            post_id=F("post_id"),
        )
    posted = TruncDate("received_at")
    count += _link(
        ScreenedPost.objects.exclude(account="").exclude(platform=""),
        ("post", F("id")),
        ("handle", _handle("platform", "account")),
        part="post",
        seen=posted,
        post_id=F("id"),
    )
    # A post linked to a case: the link belongs to the case (its visibility), and to the post.
    count += _link(
        ScreenedPost.objects.filter(linked_case_id__isnull=False),
        ("post", F("id")),
        ("case", F("linked_case_id")),
        part="parties",
        seen=posted,
        post_id=F("id"),
        case_id=F("linked_case_id"),
    )
    return count + _post_text_edges()


def _post_text_edges() -> int:
    """Companies (from the engine's extraction) and bank accounts (from the text) named by risky posts."""
    from sinergi.detection.models import ScreenedPost

    rows: list[tuple] = []
    labels: dict[str, str] = {}
    count = 0
    posts = ScreenedPost.objects.filter(risk_rank__gte=2).values_list(
        "id", "text", "extracted", "received_at"
    )
    for post_id, text, extracted, received in posts.iterator(chunk_size=CHUNK):
        key = nodes.record_node("post", post_id)
        seen = received.date() if received else None
        for company in (extracted or {}).get("company_names") or []:
            name = str(company).strip().lower()[:70]
            if name and name not in UNNAMED_ORGANISATIONS:
                rows.append(_edge(key, f"org:{name}", "org", post_id=post_id, seen=seen))
        for bank, digits in extract.bank_accounts(text):
            bank_key = "bank:" + crypto.blind_index(f"{bank}:{digits}", purpose="bank")[:40]
            labels[bank_key] = f"{bank} {extract.masked(digits)}"
            rows.append(_edge(key, bank_key, "bank", post_id=post_id, seen=seen))
        if len(rows) >= CHUNK:
            count += _value_links(rows)
            rows = []
    count += _value_links(rows)
    GraphNodeLabel.objects.bulk_create(
        [GraphNodeLabel(key=k, label=v) for k, v in labels.items()], ignore_conflicts=True
    )
    return count


def _address_edges() -> int:
    """A street address written the same way for two people is one node (keyed by a blind index)."""
    from sinergi.cases.models import CaseParty

    rows: list[tuple] = []
    labels: dict[str, str] = {}
    count = 0
    parties = (
        CaseParty.objects.exclude(person__address_detail="")
        .select_related("person__address_region", "case")
        .only("case_id", "person_id", "case__reported_at", "person__address_detail", "person__address_region")
    )
    for party in parties.iterator(chunk_size=CHUNK):
        person = party.person
        normalised = " ".join(person.address_detail.lower().replace(",", " ").split())
        if not normalised:
            continue
        area = person.address_region_id or ""
        key = "address:" + crypto.blind_index(f"{area}|{normalised}", purpose="address")[:40]
        if person.address_region is not None:
            labels[key] = person.address_region.name
        rows.append(
            _edge(
                nodes.record_node("person", person.pk),
                key,
                "address",
                case_id=party.case_id,
                person_id=person.pk,
                part="identity",
                seen=party.case.reported_at.date(),
            )
        )
        if len(rows) >= CHUNK:
            count += _value_links(rows)
            rows = []
    count += _value_links(rows)
    GraphNodeLabel.objects.bulk_create(
        [GraphNodeLabel(key=k, label=v) for k, v in labels.items()], ignore_conflicts=True
    )
    return count


def _edge(source, target, target_kind, *, case_id=None, post_id=None, person_id=None, part="post", seen=None):
    return (source, target, target_kind, case_id, post_id, person_id, part, seen)


def _clear() -> None:
    """Empties the graph tables: TRUNCATE where the role may (fast on millions of rows), DELETE otherwise (the
    production app role has no TRUNCATE right, sinergi/audit/dbrole.py)."""

    if connection.vendor == "postgresql":
        models = (GraphEdge, GraphNode, GraphNodeLabel)
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {tables}")
            return
        except DatabaseError:
            pass  # no TRUNCATE privilege: the savepoint is rolled back, DELETE below
    GraphEdge.objects.all().delete()
    GraphNode.objects.all().delete()
    GraphNodeLabel.objects.all().delete()


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (GraphNode, GraphEdge):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def graph_rebuild() -> GraphBuild:
    """Replaces the graph tables with a fresh copy of the links; returns the build's record."""
    started = time.monotonic()
    with transaction.atomic():
        dbwork.roomy_transaction()
        _clear()
        with _indexes_built_after(GraphEdge):
            edges = sum(links() for links in (_case_edges, _post_edges, _address_edges))
        _analyze()
        build = GraphBuild.objects.create(
            built_at=timezone.now(), edges=edges, seconds=time.monotonic() - started
        )
    return build


def _regency_patterns():
    """One regular expression of every regency's name (without "Kabupaten"/"Kota"), and name -> codes."""
    import re

    from sinergi.regions.choices import RegionLevel
    from sinergi.regions.models import Region

    codes: dict[str, dict[str, str]] = {}
    for code, name, _kind in Region.objects.filter(level=RegionLevel.REGENCY).values_list(
        "code", "name", "kind"
    ):
        base = name.lower()
        for prefix in ("kabupaten ", "kota "):
            if base.startswith(prefix):
                base = base[len(prefix) :]
        if len(base) >= 4:
            codes.setdefault(base, {})["kota" if name.lower().startswith("kota ") else "kab"] = code
    if not codes:
        return None, codes
    names = sorted(codes, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(kota\s+)?(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
    return pattern, codes


def post_regions_rebuild() -> int:
    """Fills PostRegion: the regencies named in each flagged post (a "Kota X" mention is the city, a bare X
    the regency when both exist)."""
    from sinergi.analytics.models import PostRegion
    from sinergi.analytics.periods import month_of
    from sinergi.detection.models import ScreenedPost

    PostRegion.objects.all().delete()
    pattern, codes = _regency_patterns()
    if pattern is None:
        return 0
    rows: list[PostRegion] = []
    count = 0
    posts = ScreenedPost.objects.filter(risk_rank__gte=2).values_list("id", "text", "received_at")
    for post_id, text, received in posts.iterator(chunk_size=CHUNK):
        found = set()
        for match in pattern.finditer((text or "").lower()):
            options = codes[match.group(2)]
            code = options.get("kota") if match.group(1) and "kota" in options else options.get("kab")
            found.add(code or next(iter(options.values())))
        month = month_of(received.date())
        rows.extend(PostRegion(post_id=post_id, regency=code, month=month) for code in found)
        if len(rows) >= CHUNK:
            count += len(PostRegion.objects.bulk_create(rows, ignore_conflicts=True))
            rows = []
    count += len(PostRegion.objects.bulk_create(rows, ignore_conflicts=True))
    _post_region_months()
    return count


def _post_region_months() -> None:
    from django.db.models import Count
    from django.db.models.functions import Substr

    from sinergi.analytics.models import PostRegion, PostRegionMonth

    PostRegionMonth.objects.all().delete()
    for level, length in ((1, 2), (2, 5)):
        counted = (
            PostRegion.objects.order_by()
            .annotate(region=Substr("regency", 1, length))
            .values_list("region", "month")
            .annotate(n=Count("post_id", distinct=True))
        )
        PostRegionMonth.objects.bulk_create(
            [PostRegionMonth(level=level, region=r, month=m, posts=n) for r, m, n in counted],
            batch_size=CHUNK,
        )


def analytics_rebuild() -> GraphBuild:
    """The graph tables, the post-region mentions and the monthly figures, in one go (the command and the task
    call this)."""
    from sinergi.analytics import aggregates

    build = graph_rebuild()
    with transaction.atomic():
        post_regions_rebuild()
    aggregates.rebuild()
    return build
