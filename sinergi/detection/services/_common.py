"""What the detection services share: a post ready to store, and chunked queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sinergi.detection.services.parsing import PostItem

_QUERY_CHUNK = 500


def _chunks(values: list, size: int = _QUERY_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class _Prepared:
    item: PostItem
    result: dict
    text_hash: str
    dedup_key: str
    signature: list[int]
    bands: list[str]
    contacts: list[tuple[str, str, str]] = field(default_factory=list)
