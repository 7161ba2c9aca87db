"""The network engine on small graphs whose answers are known by hand."""

from sinergi.analytics import graph


def _net(edges, kinds=None):
    keys = sorted({k for edge in edges for k in edge} | set(kinds or {}))
    nodes = {k: {"kind": (kinds or {}).get(k, k.split(":")[0]), "seen": ""} for k in keys}
    return graph.build(nodes, edges)


def test_a_path_of_five_has_betweenness_known_by_hand():
    # a - b - c - d - e: b lies on 3 shortest paths (a-c, a-d, a-e), c on 4, d on 3.
    net = _net([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    assert graph.brokers(net) == [("c", 4.0), ("b", 3.0), ("d", 3.0)]
    assert graph.shortest_path(net, "a", "e") == ["a", "b", "c", "d", "e"]


def test_a_star_centre_is_the_only_broker():
    # Centre of a star with 4 leaves: C(4, 2) = 6 pairs of leaves, all through the centre.
    net = _net([("hub", "l1"), ("hub", "l2"), ("hub", "l3"), ("hub", "l4")])
    assert graph.brokers(net) == [("hub", 6.0)]


def test_groups_are_ranked_by_size_then_recency():
    nodes = {
        "case:1": {"kind": "case", "seen": "2026-01-05"},
        "phone:x": {"kind": "phone", "seen": "2026-01-05"},
        "case:2": {"kind": "case", "seen": "2026-03-01"},
        "phone:y": {"kind": "phone", "seen": "2026-03-01"},
        "case:3": {"kind": "case", "seen": "2025-01-01"},
        "post:4": {"kind": "post", "seen": "2025-01-01"},
        "org:z": {"kind": "org", "seen": "2025-01-01"},
        "lonely": {"kind": "case", "seen": "2026-05-01"},
    }
    net = graph.build(
        nodes, [("case:1", "phone:x"), ("case:2", "phone:y"), ("case:3", "org:z"), ("post:4", "org:z")]
    )
    ranked = graph.groups(net)
    assert [(g.rank, g.size) for g in ranked] == [(1, 3), (2, 2), (3, 2)]
    assert ranked[0].cases == 1 and ranked[0].posts == 1
    # Two groups of two: the one seen in March 2026 comes before the one of January.
    assert ranked[1].nodes == ["case:2", "phone:y"]
    assert ranked[1].last_seen == "2026-03-01"
    assert all("lonely" not in g.nodes for g in ranked)  # a node without a link is no group


def test_one_phone_in_many_records_is_one_node():
    edges = [(f"case:{i}", "phone:same") for i in range(3)] + [(f"post:{i}", "phone:same") for i in range(40)]
    net = _net(edges)
    assert net.graph.vcount() == 44
    assert net.graph.degree(net.index["phone:same"]) == 43
    assert graph.groups(net)[0].size == 44


def test_duplicate_edges_and_loops_are_dropped():
    net = _net([("a", "b"), ("b", "a"), ("a", "a")])
    assert net.graph.ecount() == 1


def test_two_cliques_joined_by_a_bridge_are_two_communities_and_the_bridge_ends_are_brokers():
    left = [f"l{i}" for i in range(7)]
    right = [f"r{i}" for i in range(7)]
    edges = [(a, b) for i, a in enumerate(left) for b in left[i + 1 :]]
    edges += [(a, b) for i, a in enumerate(right) for b in right[i + 1 :]]
    edges.append(("l0", "r0"))
    net = _net(edges)
    parts = graph.communities(net, left + right)
    assert sorted(map(sorted, parts)) == [sorted(left), sorted(right)]
    # Every one of the 7 x 7 left-right pairs crosses l0-r0; l0 is inside 6 x 7 + 6 x 1... by hand: l0 is an
    # intermediate on paths from l1..l6 (6) to r0..r6 (7) = 42; the same for r0.
    assert graph.brokers(net, top=2) == [("l0", 42.0), ("r0", 42.0)]


def test_no_path_between_separate_groups_or_unknown_keys():
    net = _net([("a", "b"), ("c", "d")])
    assert graph.shortest_path(net, "a", "d") is None
    assert graph.shortest_path(net, "a", "nope") is None
    assert graph.shortest_path(net, "a", "a") == ["a"]


def test_graphml_carries_kinds_and_labels():
    net = _net([("case:1", "phone:p")])
    text = graph.graphml(net, {"case:1": "BP3MI/2026/1"})
    assert "BP3MI/2026/1" in text and ">phone<" in text
