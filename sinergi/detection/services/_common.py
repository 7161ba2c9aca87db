"""What the detection services share: a post ready to store, and chunked queries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sinergi.detection.services.parsing import PostItem

_QUERY_CHUNK = 500
T = TypeVar("T")


def _chunks(values: list[T], size: int = _QUERY_CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class _Prepared:
    item: PostItem
    result: dict[str, Any]
    text_hash: str
    dedup_key: str
    signature: list[int]
    bands: list[str]
    contacts: list[tuple[str, str, str]] = field(default_factory=list)
