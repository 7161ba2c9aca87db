"""Integer ids of the graph's entities: `kind code << 40 | number`.

Cases, people and posts are numbered by their own record id ("case:12" is `CODE["case"] << 40 | 12`), so most
links are written from integer columns without any lookup. Entities known by a value (a phone's blind index, a
handle, a company name, a bank account, an address) get a GraphNode row whose id is the number; their links are
joined to that one small table by key. The kind of any node is its id >> 40.
"""

from __future__ import annotations

KINDS = ("address", "bank", "case", "contact", "handle", "org", "person", "phone", "post")
CODE = {kind: position + 1 for position, kind in enumerate(KINDS)}
RECORD_KINDS = frozenset({"case", "person", "post"})
SHIFT = 40
NUMBER = (1 << SHIFT) - 1


def base(kind: str) -> int:
    return CODE[kind] << SHIFT


def kind_of(node_id: int) -> str:
    return KINDS[(int(node_id) >> SHIFT) - 1]


def record_node(kind: str, number: int) -> int:
    return base(kind) | int(number)


def split_key(key: str) -> tuple[str, str] | None:
    kind, sep, rest = key.partition(":")
    return (kind, rest) if sep and kind in CODE else None


def node_id(key: str) -> int | None:
    """The id of the node with this key, or None when there is none."""
    from sinergi.analytics.models import GraphNode

    parts = split_key(key)
    if parts is None:
        return None
    kind, rest = parts
    if kind in RECORD_KINDS:
        return record_node(kind, int(rest)) if rest.isdigit() and int(rest) <= NUMBER else None
    number = GraphNode.objects.filter(key=key).values_list("id", flat=True).first()
    return None if number is None else base(kind) | number


def keys_of(node_ids: list[int]) -> dict[int, str]:
    """node id -> key, reading only the value-keyed nodes from GraphNode."""
    from sinergi.analytics.models import GraphNode

    found: dict[int, str] = {}
    stored: list[int] = []
    for node in node_ids:
        kind = kind_of(node)
        if kind in RECORD_KINDS:
            found[node] = f"{kind}:{node & NUMBER}"
        else:
            stored.append(node)
    for start in range(0, len(stored), 10_000):
        chunk = stored[start : start + 10_000]
        rows = GraphNode.objects.filter(id__in=[n & NUMBER for n in chunk]).values_list("id", "key", "kind")
        for number, key, kind in rows:
            found[base(kind) | number] = key
    return found
