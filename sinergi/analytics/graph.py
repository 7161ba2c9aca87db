"""The network engine: plain Python over igraph, no Django.

Nodes are string keys ("case:12", "phone:<blind index>", "org:pt maju jaya"), each with a kind; edges are
undirected pairs of keys. One key is one node however many cases and posts name it, so a phone number in three
cases and forty posts is one node with 43 edges. igraph does the work in C: components, communities (Leiden,
modularity), betweenness, shortest paths.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import igraph as ig
import numpy as np

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


class Names(Protocol):
    """The keys of a network's vertices (read only for the vertices shown: a network may have millions)."""

    def keys(self, vertices: Sequence[int]) -> list[str]: ...

    def vertex(self, key: str) -> int | None: ...


class KeyList:
    """Names held in memory: a sorted list of keys."""

    def __init__(self, keys: list[str]):
        self._keys = keys
        self._index = {key: position for position, key in enumerate(keys)}

    def keys(self, vertices: Sequence[int]) -> list[str]:
        return [self._keys[v] for v in vertices]

    def vertex(self, key: str) -> int | None:
        return self._index.get(key)


class _Index(Mapping[str, int]):
    """key -> vertex, asking the names only for the keys looked up (a network may have millions)."""

    def __init__(self, network: Network):
        self._network = network

    def __getitem__(self, key: str) -> int:
        vertex = self._network.names.vertex(key)
        if vertex is None:
            raise KeyError(key)
        return vertex

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._network.names.vertex(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._network.keys)

    def __len__(self) -> int:
        return int(self._network.graph.vcount())


@dataclass
class Network:
    """The graph, each vertex's kind (`kinds[kind_codes[v]]`) and newest date as a proleptic ordinal (0 when
    none), and the names of the vertices."""

    graph: ig.Graph
    kind_codes: np.ndarray
    kinds: list[str]
    seen: np.ndarray
    names: Names

    @property
    def index(self) -> Mapping[str, int]:
        return _Index(self)

    @property
    def keys(self) -> list[str]:
        return self.names.keys(range(self.graph.vcount()))

    def kind(self, key: str) -> str:
        return self.kinds[int(self.kind_codes[self.index[key]])]

    def neighbours(self, key: str) -> list[str]:
        return self.names.keys(self.graph.neighbors(self.index[key]))


def from_arrays(
    *,
    vertices: int,
    edges: np.ndarray,
    kind_codes: np.ndarray,
    kinds: list[str],
    seen: np.ndarray,
    names: Names,
) -> Network:
    """A network from integer arrays: `edges` (m x 2 vertex numbers), per vertex its kind code and date."""
    graph = ig.Graph(n=vertices, directed=False)
    if len(edges):
        graph.add_edges(edges)  # a third quicker than the constructor's edges= on millions of pairs
    graph.simplify(multiple=True, loops=True)  # a-b and b-a, or the same link from two records: one edge
    return Network(graph=graph, kind_codes=kind_codes, kinds=kinds, seen=seen, names=names)


def build(nodes: dict[str, dict[str, str]], edges: Iterable[tuple[str, str]]) -> Network:
    """A network of `nodes` (key -> {"kind":, "seen": ISO date or ""}) and undirected `edges`.

    Duplicate edges and self-loops are dropped; an edge naming an unknown key is an error of the caller.
    """
    keys = sorted(nodes)  # vertex order is key order: ties between groups fall to the first key
    index = {key: position for position, key in enumerate(keys)}
    pairs = np.array([(index[a], index[b]) for a, b in edges], dtype=np.int64).reshape(-1, 2)
    kinds = sorted({nodes[key].get("kind", "") for key in keys})
    code = {kind: position for position, kind in enumerate(kinds)}
    return from_arrays(
        vertices=len(keys),
        edges=pairs,
        kind_codes=np.array([code[nodes[key].get("kind", "")] for key in keys], dtype=np.int16),
        kinds=kinds,
        seen=np.array([_ordinal(nodes[key].get("seen", "")) for key in keys], dtype=np.int64),
        names=KeyList(keys),
    )


def _ordinal(iso: str) -> int:
    return date.fromisoformat(iso).toordinal() if iso else 0


def _iso(ordinal: int) -> str:
    return date.fromordinal(int(ordinal)).isoformat() if ordinal else ""


def groups(network: Network, *, min_size: int = 2, limit: int | None = None) -> list[Group]:
    """Connected groups ranked by size, then by the newest case or post, then by first vertex (stable; for a
    network from `build`, the first key). Each group's nodes are its keys, sorted.

    Sizes, counts and dates of every group are numpy sums over igraph's membership vector; only the groups
    returned are turned into lists of keys.
    """
    graph = network.graph
    if graph.vcount() == 0:
        return []
    membership = np.asarray(graph.connected_components().membership, dtype=np.int64)
    count = int(membership.max()) + 1
    sizes = np.bincount(membership, minlength=count)
    links = np.bincount(membership, weights=np.asarray(graph.degree()), minlength=count) // 2

    def of_kind(kind: str) -> np.ndarray:
        if kind not in network.kinds:
            return np.zeros(count, dtype=np.int64)
        mask = network.kind_codes == network.kinds.index(kind)
        return np.bincount(membership, weights=mask, minlength=count)

    cases, posts = of_kind("case"), of_kind("post")
    last_seen = np.zeros(count, dtype=np.int64)
    np.maximum.at(last_seen, membership, network.seen)
    first = np.full(count, graph.vcount(), dtype=np.int64)
    np.minimum.at(first, membership, np.arange(graph.vcount()))
    kept = np.nonzero(sizes >= min_size)[0]
    ranked = kept[np.lexsort((first[kept], -last_seen[kept], -sizes[kept]))]
    if limit is not None:
        ranked = ranked[:limit]
    by_group = np.argsort(membership, kind="stable")
    starts = np.searchsorted(membership[by_group], ranked)
    found = []
    for rank, (group, start) in enumerate(zip(ranked, starts, strict=True), start=1):
        members = by_group[start : start + int(sizes[group])]
        found.append(
            Group(
                rank=rank,
                nodes=sorted(network.names.keys(members.tolist())),
                size=int(sizes[group]),
                edges=int(links[group]),
                cases=int(cases[group]),
                posts=int(posts[group]),
                last_seen=_iso(last_seen[group]),
            )
        )
    return found


def _vertices(network: Network, members: list[str]) -> list[int]:
    index = network.index
    return sorted(index[key] for key in members)


def communities(network: Network, members: list[str], *, seed: int = 1) -> list[list[str]]:
    """Communities inside one group (Leiden on modularity), largest first; a small group is one community."""
    if len(members) < COMMUNITY_MIN_NODES:
        return [sorted(members)]
    vertices = _vertices(network, members)
    sub = network.graph.subgraph(vertices)  # keeps the vertices' order
    import random

    random.seed(seed)  # Leiden starts from a random order: fixed, so a rebuild gives the same answer
    partition = sub.community_leiden(objective_function="modularity", n_iterations=-1)
    result = [sorted(network.names.keys([vertices[m] for m in part])) for part in partition]
    result.sort(key=lambda c: (-len(c), c[0]))
    return result


def brokers(network: Network, members: list[str] | None = None, *, top: int = 10) -> list[tuple[str, float]]:
    """The nodes that bridge the most shortest paths (betweenness), highest first, zero scores left out.

    On a group larger than EXACT_BETWEENNESS_NODES only paths up to BETWEENNESS_CUTOFF hops are counted.
    """
    vertices = list(range(network.graph.vcount())) if members is None else _vertices(network, members)
    graph = network.graph if members is None else network.graph.subgraph(vertices)
    if graph.vcount() == 0:
        return []
    cutoff = None if graph.vcount() <= EXACT_BETWEENNESS_NODES else BETWEENNESS_CUTOFF
    scores = graph.betweenness(directed=False, cutoff=cutoff)
    # Highest first, then by key: the nodes tied with the last one kept are named too, to break the tie.
    positive = sorted(((-score, i) for i, score in enumerate(scores) if score > 0))
    if len(positive) > top:
        cut = positive[top - 1][0]
        positive = [item for item in positive if item[0] <= cut]
    names = network.names.keys([vertices[i] for _score, i in positive])
    ranked = sorted((score, name) for name, (score, _i) in zip(names, positive, strict=True))
    return [(name, -score) for score, name in ranked[:top]]


def shortest_path(network: Network, source: str, target: str) -> list[str] | None:
    """The keys on one shortest path from source to target (both included), or None when not connected."""
    a, b = network.names.vertex(source), network.names.vertex(target)
    if a is None or b is None:
        return None
    if a == b:
        return [source]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # igraph warns when b is unreachable: that is None
        path = network.graph.get_shortest_path(a, b, mode="all", output="vpath")
    if not path:
        return None
    return network.names.keys(path)


def graphml(network: Network, labels: dict[str, str]) -> str:
    """The network as GraphML text, with each node's kind and label."""
    import os
    import tempfile

    graph = network.graph.copy()
    keys = network.keys
    graph.vs["name"] = keys
    graph.vs["kind"] = [network.kinds[int(code)] for code in network.kind_codes]
    graph.vs["label"] = [labels.get(key, key) for key in keys]
    # igraph writes GraphML through a C file handle only, never to a Python buffer.
    handle, path = tempfile.mkstemp(suffix=".graphml")
    os.close(handle)
    try:
        graph.write_graphml(path)
        with open(path, encoding="utf-8") as written:
            return written.read()
    finally:
        os.unlink(path)
