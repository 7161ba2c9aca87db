"""Reads of the analytics app. Every figure starts from the readers' scope in sinergi/analytics/access.py."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from sinergi.analytics import access, graph
from sinergi.analytics.models import GraphEdge, GraphNodeLabel

MAX_DRAWN_NODES = 400


def edge_scope(user) -> Q:
    """The GraphEdge rows `user` may see, decided again at every read (see models.GraphEdge.part)."""
    nothing = Q(pk__in=[])
    if not access.can_use_analytics(user):
        return nothing
    detail = access.detail_cases(user).values("id")
    scope = Q(part="parties", post_id__isnull=True, case_id__in=detail)
    scope |= Q(part="identity", case_id__in=detail, person_id__in=access.visible_people(user).values("id"))
    scope |= Q(part="investigation", case_id__in=access.investigation_cases(user).values("id"))
    if access.may_see_posts(user):
        scope |= Q(part="post")
        scope |= Q(part="parties", post_id__isnull=False, case_id__in=detail)
    return scope


def network_for(user) -> graph.Network:
    """The reader's network: only links from cases and posts the reader may see.

    The database lists the distinct nodes (with the newest date of their records) and the links; Python only
    hands both to igraph.
    """
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    scoped = GraphEdge.objects.filter(edge_scope(user))
    columns = ("source", "source_kind", "target", "target_kind", "seen")
    try:
        sql, params = scoped.values(*columns).query.sql_with_params()
    except EmptyResultSet:  # the reader's scope is empty on every side: no SQL to run
        return graph.build({}, [])
    nodes_sql = (
        "SELECT k, kind, MAX(seen) FROM ("  # noqa: S608 (compiled by the ORM)
        f"SELECT e.source AS k, e.source_kind AS kind, e.seen AS seen FROM ({sql}) e "
        f"UNION ALL SELECT e.target, e.target_kind, e.seen FROM ({sql}) e"
        ") x GROUP BY k, kind"
    )
    nodes: dict[str, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(nodes_sql, [*params, *params])
        for key, kind, seen in cursor.fetchall():
            nodes[key] = {
                "kind": kind,
                "seen": seen.isoformat() if hasattr(seen, "isoformat") else (seen or ""),
            }
    pairs = scoped.values_list("source", "target").iterator(chunk_size=50_000)
    return graph.build(nodes, pairs)


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


def node_labels(user, keys: list[str]) -> dict[str, NodeInfo]:
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


def network_summary(user, *, limit: int = 20) -> tuple[graph.Network, list[GroupView]]:
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


def group_elements(user, network: graph.Network, group: graph.Group) -> list[dict]:
    """Cytoscape elements (nodes and edges) of one group, at most MAX_DRAWN_NODES nodes."""
    keys = group.nodes[:MAX_DRAWN_NODES]
    kept = set(keys)
    labels = node_labels(user, keys)
    community_of = {}
    for number, part in enumerate(group.communities, start=1):
        for key in part:
            community_of[key] = number
    elements = [
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
    ids = [network.index[key] for key in keys]
    for edge in graph_.es.select(_within=ids):
        a, b = graph_.vs[edge.source]["name"], graph_.vs[edge.target]["name"]
        if a in kept and b in kept:
            elements.append({"data": {"id": f"{a}|{b}", "source": a, "target": b}})
    return elements


def node_records(user, key: str) -> dict:
    """The cases and posts (the reader may see) behind one node."""
    rows = GraphEdge.objects.filter(edge_scope(user)).filter(Q(source=key) | Q(target=key))
    case_ids = sorted({c for c in rows.values_list("case_id", flat=True) if c})
    post_ids = sorted({p for p in rows.values_list("post_id", flat=True) if p})
    if key.startswith("case:"):
        case_ids = sorted(set(case_ids) | {int(key.split(":")[1])})
    if key.startswith("post:"):
        post_ids = sorted(set(post_ids) | {int(key.split(":")[1])})
    cases = list(access.visible_cases(user).filter(pk__in=case_ids).values("id", "reference"))
    posts = post_ids if access.may_see_posts(user) else []
    return {"cases": cases, "posts": posts}
