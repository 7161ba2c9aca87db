"""Reads of the analytics app. Every figure starts from the readers' scope in sinergi/analytics/access.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Q
from django.utils.translation import gettext as _

from sinergi.agencies.models import User
from sinergi.analytics import access, dbwork, graph, nodes, scope
from sinergi.analytics.models import GraphEdge, GraphNodeLabel

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    _Ints = npt.NDArray[np.int64]

MAX_DRAWN_NODES = 400


def _detail_parts(user: User) -> tuple[object | None, object | None, list[int], list[int]]:
    """`access.detail_cases` and `investigation_cases`, each split for fast SQL: a subquery of the cases the
    reader's agency leads (None when the reader sees none), and the ids of the few others (referrals)."""
    reader = scope.reader_cases(user)
    lead_detail = lead_investigation = None
    if reader.lead_agency_id is not None:
        led = {"lead_agency_id": reader.lead_agency_id}
        lead_detail = access.detail_cases(user).filter(**led).values("id")
        lead_investigation = access.investigation_cases(user).filter(**led).values("id")
    others = access.detail_cases(user).filter(id__in=reader.others.values("id"))
    detail = sorted(set(others.values_list("id", flat=True)))
    investigation = sorted(
        set(access.investigation_cases(user).filter(id__in=detail).values_list("id", flat=True))
    )
    return lead_detail, lead_investigation, detail, investigation


def edge_scope(user: User) -> Q:
    """The GraphEdge rows `user` may see, decided again at every read (see models.GraphEdge.part)."""
    nothing = Q(pk__in=[])
    if not access.can_use_analytics(user):
        return nothing
    lead_detail, lead_investigation, detail_ids, investigation_ids = _detail_parts(user)
    detail = Q(case_id__in=detail_ids) if detail_ids else nothing
    investigation = Q(case_id__in=investigation_ids) if investigation_ids else nothing
    if lead_detail is not None:
        detail |= Q(case_id__in=lead_detail)
        investigation |= Q(case_id__in=lead_investigation)
    scope_q = Q(part="parties", post_id__isnull=True) & detail
    scope_q |= Q(part="identity", person_id__in=access.visible_people(user).values("id")) & detail
    scope_q |= Q(part="investigation") & investigation
    if access.may_see_posts(user):
        scope_q |= Q(part="post")
        scope_q |= Q(part="parties", post_id__isnull=False) & detail
    return scope_q


class StoredNames:
    """Names of a reader's network: `node_ids[v]` is vertex v's node id (ascending). Keys are made or read
    (sinergi/analytics/nodes.py) only when asked for, and kept."""

    def __init__(self, node_ids: _Ints) -> None:
        self.node_ids = node_ids
        self._keys: dict[int, str] = {}

    def keys(self, vertices: Sequence[int]) -> list[str]:
        ids = [int(self.node_ids[v]) for v in vertices]
        self._keys.update(nodes.keys_of([i for i in ids if i not in self._keys]))
        return [self._keys[i] for i in ids]

    def vertex(self, key: str) -> int | None:
        import numpy as np

        node = nodes.node_id(key)
        if node is None:
            return None
        position = int(np.searchsorted(self.node_ids, node))
        if position < len(self.node_ids) and self.node_ids[position] == node:
            self._keys[node] = key
            return position
        return None


def _edge_arrays(user: User) -> tuple[_Ints, _Ints, _Ints]:
    """(source node ids, target node ids, date ordinals) of the reader's links, as numpy arrays: read with
    a binary COPY on PostgreSQL (no Python object per row), fetched on SQLite."""
    import numpy as np
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    rows = GraphEdge.objects.filter(edge_scope(user)).values_list("source_id", "target_id", "seen")
    empty = np.zeros(0, dtype=np.int64)
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # the reader's scope is empty on every side: no SQL to run
        return empty, empty, empty
    if connection.vendor != "postgresql":
        found = np.array(
            [(a, b, date.fromisoformat(str(seen)).toordinal() if seen else 0) for a, b, seen in rows],
            dtype=np.int64,
        ).reshape(-1, 3)
        return found[:, 0], found[:, 1], found[:, 2]
    select = (
        "SELECT e.source_id::int8, e.target_id::int8, "  # noqa: S608 (compiled by the ORM)
        f"COALESCE((e.seen - DATE '0001-01-01') + 1, 0)::int4 FROM ({sql}) e"
    )
    buffer = bytearray()
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT BINARY)", params) as copy,
    ):
        for block in copy:
            buffer += block
    # 19 bytes of header, 2 of trailer; each row: field count (int16), then (length int32, value) x 3.
    row = np.dtype(
        [("n", ">i2"), ("la", ">i4"), ("a", ">i8"), ("lb", ">i4"), ("b", ">i8"), ("lc", ">i4"), ("c", ">i4")]
    )
    table = np.frombuffer(bytes(buffer[19:-2]), dtype=row)
    return table["a"].astype(np.int64), table["b"].astype(np.int64), table["c"].astype(np.int64)


def network_for(user: User) -> graph.Network:
    """The reader's network: only links from cases and posts the reader may see.

    The links come as integer arrays; numpy numbers the nodes met (ascending node ids), gives each node the
    newest date of the reader's own links to it, and its kind from its id.
    """
    import numpy as np
    from django.db import transaction

    with transaction.atomic():
        dbwork.roomy_transaction()
        sources, targets, seen = _edge_arrays(user)
    node_ids, inverse = np.unique(np.concatenate([sources, targets]), return_inverse=True)
    count = len(sources)
    edges = np.stack([inverse[:count], inverse[count:]], axis=1)
    newest = np.zeros(len(node_ids), dtype=np.int64)
    np.maximum.at(newest, inverse[:count], seen)
    np.maximum.at(newest, inverse[count:], seen)
    return graph.from_arrays(
        vertices=len(node_ids),
        edges=edges,
        kind_codes=((node_ids >> nodes.SHIFT) - 1).astype(np.int16),
        kinds=list(nodes.KINDS),
        seen=newest,
        names=StoredNames(node_ids),
    )


@dataclass
class NodeInfo:
    key: str
    kind: str
    label: str
    url: str = ""


KIND_LABELS = {
    "case": lambda: _("Case"),
    "person": lambda: _("Person"),
    "phone": lambda: _("Phone number"),
    "contact": lambda: _("Contact in posts"),
    "handle": lambda: _("Social-media account"),
    "org": lambda: _("Organisation"),
    "bank": lambda: _("Bank account"),
    "address": lambda: _("Address"),
    "post": lambda: _("Post"),
}


def kind_label(kind: str) -> str:
    maker = KIND_LABELS.get(kind)
    return maker() if maker else kind


def node_labels(user: User, keys: list[str]) -> dict[str, NodeInfo]:
    """Labels of the nodes the reader is shown: case references, names only of people the reader may see,
    phone numbers masked to their last four digits."""
    from django.urls import reverse

    from sinergi.analytics.extract import masked
    from sinergi.detection.models import Contact
    from sinergi.people.models import PersonPhone

    by_kind: dict[str, list[str]] = {}
    for key in keys:
        by_kind.setdefault(key.split(":", 1)[0], []).append(key)
    infos: dict[str, NodeInfo] = {}
    case_ids = [int(k.split(":")[1]) for k in by_kind.get("case", [])]
    references = dict(access.visible_cases(user).filter(pk__in=case_ids).values_list("id", "reference"))
    for case_id in case_ids:
        label = references.get(case_id) or _("case")
        url = reverse("cases:detail", args=[case_id]) if case_id in references else ""
        infos[f"case:{case_id}"] = NodeInfo(f"case:{case_id}", "case", label, url)
    person_ids = [int(k.split(":")[1]) for k in by_kind.get("person", [])]
    names = dict(access.visible_people(user).filter(pk__in=person_ids).values_list("id", "full_name"))
    for person_id in person_ids:
        label = names.get(person_id) or _("person (identity not shared)")
        infos[f"person:{person_id}"] = NodeInfo(f"person:{person_id}", "person", label)
    phones = [k.split(":", 1)[1] for k in by_kind.get("phone", [])]
    numbers: dict[str, str] = {}
    for index, value in Contact.objects.filter(value_index__in=phones).values_list("value_index", "value"):
        numbers.setdefault(index, value)
    for index, value in PersonPhone.objects.filter(number_index__in=phones).values_list(
        "number_index", "number"
    ):
        numbers.setdefault(index, value)
    for index in phones:
        label = _("phone %(end)s") % {"end": masked(numbers[index])} if index in numbers else _("phone")
        infos[f"phone:{index}"] = NodeInfo(f"phone:{index}", "phone", label)
    stored = dict(
        GraphNodeLabel.objects.filter(
            key__in=by_kind.get("bank", []) + by_kind.get("address", [])
        ).values_list("key", "label")
    )
    for key in keys:
        if key in infos:
            continue
        prefix, rest = key.split(":", 1)
        if prefix == "post":
            label, url = _("post %(id)s") % {"id": rest}, reverse("detection:post", args=[int(rest)])
        elif prefix == "handle":
            label, url = rest.replace(":", " @", 1), ""
        elif prefix == "org":
            label, url = (rest.upper() if not rest.startswith("#") else _("unnamed company")), ""
        elif prefix == "contact":
            label, url = _("contact in posts"), ""
        else:
            label, url = stored.get(key) or kind_label(prefix), ""
        infos[key] = NodeInfo(key, prefix, label, url)
    return infos


@dataclass
class GroupView:
    group: graph.Group
    brokers: list[tuple[NodeInfo, float]]
    communities: list[int]


def network_summary(user: User, *, limit: int = 20) -> tuple[graph.Network, list[GroupView]]:
    """The reader's groups ranked by size and recency, each with its brokers and community sizes."""
    network = network_for(user)
    groups = graph.groups(network, limit=limit)
    wanted: list[str] = []
    found = []
    for group in groups:
        brokers = graph.brokers(network, group.nodes, top=5)
        parts = graph.communities(network, group.nodes)
        group.communities = parts
        wanted.extend(key for key, _score in brokers)
        found.append((group, brokers, [len(p) for p in parts]))
    labels = node_labels(user, wanted)
    return network, [
        GroupView(group, [(labels[key], score) for key, score in brokers], sizes)
        for group, brokers, sizes in found
    ]


def group_elements(
    user: User, network: graph.Network, group: graph.Group
) -> list[dict[str, dict[str, str | int]]]:
    """Cytoscape elements (nodes and edges) of one group, at most MAX_DRAWN_NODES nodes."""
    keys = group.nodes[:MAX_DRAWN_NODES]
    kept = set(keys)
    labels = node_labels(user, keys)
    community_of = {}
    for number, part in enumerate(group.communities, start=1):
        for key in part:
            community_of[key] = number
    elements: list[dict[str, dict[str, str | int]]] = [
        {
            "data": {
                "id": key,
                "label": labels[key].label,
                "kind": labels[key].kind,
                "kindLabel": kind_label(labels[key].kind),
                "community": community_of.get(key, 0),
                "url": labels[key].url,
            }
        }
        for key in keys
    ]
    graph_ = network.graph
    ids = sorted(network.index[key] for key in keys)
    names = dict(zip(ids, network.names.keys(ids), strict=True))
    for edge in graph_.es.select(_within=ids):
        a, b = names[edge.source], names[edge.target]
        if a in kept and b in kept:
            elements.append({"data": {"id": f"{a}|{b}", "source": a, "target": b}})
    return elements


class CaseRef(TypedDict):
    id: int
    reference: str


class NodeRecords(TypedDict):
    cases: list[CaseRef]
    posts: list[int]


def node_records(user: User, key: str) -> NodeRecords:
    """The cases and posts (the reader may see) behind one node."""
    node = nodes.node_id(key)
    rows = GraphEdge.objects.filter(edge_scope(user)).filter(Q(source_id=node) | Q(target_id=node))
    case_ids = sorted({c for c in rows.values_list("case_id", flat=True) if c})
    post_ids = sorted({p for p in rows.values_list("post_id", flat=True) if p})
    if key.startswith("case:"):
        case_ids = sorted(set(case_ids) | {int(key.split(":")[1])})
    if key.startswith("post:"):
        post_ids = sorted(set(post_ids) | {int(key.split(":")[1])})
    cases = list(access.visible_cases(user).filter(pk__in=case_ids).values("id", "reference"))
    posts = post_ids if access.may_see_posts(user) else []
    return {"cases": cases, "posts": posts}
