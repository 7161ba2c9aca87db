"""The network engine: plain Python over igraph, no Django.

Nodes are string keys ("case:12", "phone:<blind index>", "org:pt maju jaya"), each with a kind; edges are
undirected pairs of keys. One key is one node however many cases and posts name it, so a phone number in three
cases and forty posts is one node with 43 edges. igraph does the work in C: components, communities (Leiden,
modularity), betweenness, shortest paths.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import igraph as ig

# Betweenness is exact on groups up to this many nodes; above it only paths up to BETWEENNESS_CUTOFF hops
# count (igraph's cutoff), which keeps a rebuild of millions of edges within minutes.
EXACT_BETWEENNESS_NODES = 5_000
BETWEENNESS_CUTOFF = 6
COMMUNITY_MIN_NODES = 12


@dataclass
class Group:
    """A connected group of entities: a possible syndicate."""

    rank: int
    nodes: list[str]
    size: int
    edges: int
    cases: int
    posts: int
    last_seen: str  # ISO date of the newest case or post in the group, "" when none has a date
    communities: list[list[str]] = field(default_factory=list)


@dataclass
class Network:
    graph: ig.Graph
    index: dict[str, int]

    @property
    def keys(self) -> list[str]:
        return self.graph.vs["name"]

    def kind(self, key: str) -> str:
        return self.graph.vs[self.index[key]]["kind"]

    def neighbours(self, key: str) -> list[str]:
        vertex = self.index[key]
        return [self.graph.vs[n]["name"] for n in self.graph.neighbors(vertex)]


def build(nodes: dict[str, dict], edges: Iterable[tuple[str, str]]) -> Network:
    """A network of `nodes` (key -> {"kind":, "seen": ISO date or ""}) and undirected `edges`.

    Duplicate edges and self-loops are dropped; an edge naming an unknown key is an error of the caller.
    """
    keys = list(nodes)
    index = {key: position for position, key in enumerate(keys)}
    pairs = {(index[a], index[b]) for a, b in edges if a != b}
    graph = ig.Graph(n=len(keys), edges=list(pairs), directed=False)
    graph.simplify(multiple=True, loops=True)  # a-b and b-a, or the same link from two records: one edge
    graph.vs["name"] = keys
    graph.vs["kind"] = [nodes[key].get("kind", "") for key in keys]
    graph.vs["seen"] = [nodes[key].get("seen", "") or "" for key in keys]
    return Network(graph=graph, index=index)


def groups(network: Network, *, min_size: int = 2, limit: int | None = None) -> list[Group]:
    """Connected groups ranked by size, then by the newest case or post, then by key (stable)."""
    graph = network.graph
    names, kinds, seen = graph.vs["name"], graph.vs["kind"], graph.vs["seen"]
    degrees = graph.degree()
    found = []
    for members in graph.connected_components():
        if len(members) < min_size:
            continue
        member_kinds = [kinds[m] for m in members]
        found.append(
            Group(
                rank=0,
                nodes=sorted(names[m] for m in members),
                size=len(members),
                edges=sum(degrees[m] for m in members) // 2,
                cases=member_kinds.count("case"),
                posts=member_kinds.count("post"),
                last_seen=max(seen[m] for m in members),
            )
        )
    found.sort(key=lambda g: (-g.size, _desc(g.last_seen), g.nodes[0]))
    if limit is not None:
        found = found[:limit]
    for rank, group in enumerate(found, start=1):
        group.rank = rank
    return found


def _desc(iso: str) -> str:
    # Sorting newest first with an ascending key: invert each character of the ISO date.
    return "".join(chr(0x10FFFF - ord(ch)) for ch in iso) if iso else "\U0010ffff"


def communities(network: Network, members: list[str], *, seed: int = 1) -> list[list[str]]:
    """Communities inside one group (Leiden on modularity), largest first; a small group is one community."""
    if len(members) < COMMUNITY_MIN_NODES:
        return [sorted(members)]
    sub = network.graph.subgraph([network.index[key] for key in members])
    import random

    random.seed(seed)  # Leiden starts from a random order: fixed, so a rebuild gives the same answer
    partition = sub.community_leiden(objective_function="modularity", n_iterations=-1)
    result = [sorted(sub.vs[m]["name"] for m in part) for part in partition]
    result.sort(key=lambda c: (-len(c), c[0]))
    return result


def brokers(network: Network, members: list[str] | None = None, *, top: int = 10) -> list[tuple[str, float]]:
    """The nodes that bridge the most shortest paths (betweenness), highest first, zero scores left out.

    On a group larger than EXACT_BETWEENNESS_NODES only paths up to BETWEENNESS_CUTOFF hops are counted.
    """
    graph = network.graph if members is None else network.graph.subgraph([network.index[k] for k in members])
    if graph.vcount() == 0:
        return []
    cutoff = None if graph.vcount() <= EXACT_BETWEENNESS_NODES else BETWEENNESS_CUTOFF
    scores = graph.betweenness(directed=False, cutoff=cutoff)
    ranked = sorted(
        ((graph.vs[i]["name"], score) for i, score in enumerate(scores) if score > 0),
        key=lambda item: (-item[1], item[0]),
    )
    return ranked[:top]


def shortest_path(network: Network, source: str, target: str) -> list[str] | None:
    """The keys on one shortest path from source to target (both included), or None when not connected."""
    if source not in network.index or target not in network.index:
        return None
    a, b = network.index[source], network.index[target]
    if a == b:
        return [source]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # igraph warns when b is unreachable: that is None
        path = network.graph.get_shortest_path(a, b, mode="all", output="vpath")
    if not path:
        return None
    return [network.graph.vs[i]["name"] for i in path]


def graphml(network: Network, labels: dict[str, str]) -> str:
    """The network as GraphML text, with each node's kind and label."""
    import os
    import tempfile

    graph = network.graph.copy()
    graph.vs["label"] = [labels.get(key, key) for key in graph.vs["name"]]
    del graph.vs["seen"]
    # igraph writes GraphML through a C file handle only, never to a Python buffer.
    handle, path = tempfile.mkstemp(suffix=".graphml")
    os.close(handle)
    try:
        graph.write_graphml(path)
        with open(path, encoding="utf-8") as written:
            return written.read()
    finally:
        os.unlink(path)
