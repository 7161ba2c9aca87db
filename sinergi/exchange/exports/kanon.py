"""k-anonymity by generalisation first, then suppression. Pure Python, no Django.

Each quasi-identifier has a ladder of ever coarser forms (level 0 = as recorded, the last level = "*"). The
quasi-identifier with the most distinct values is raised one level at a time while more records than the
suppression budget sit in groups smaller than k; the records still in such groups at the end are suppressed.
Every group of identical quasi-identifiers in the output therefore has at least k records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Ladder = Sequence[Callable[[object], object]]


@dataclass
class Report:
    k: int
    total: int
    kept: int = 0
    suppressed: int = 0
    levels: dict[str, int] = field(default_factory=dict)  # quasi-identifier -> ladder level used
    level_names: dict[str, str] = field(default_factory=dict)


def _key(
    record: dict[str, Any], quasi: Sequence[str], ladders: dict[str, Ladder], levels: dict[str, int]
) -> tuple[Any, ...]:
    return tuple(ladders[q][levels[q]](record.get(q)) for q in quasi)


def anonymise(
    records: list[dict[str, Any]],
    *,
    quasi: Sequence[str],
    ladders: dict[str, Ladder],
    k: int,
    suppression_budget: float = 0.05,
    level_names: dict[str, Sequence[str]] | None = None,
) -> tuple[list[dict[str, Any]], Report]:
    """The records with their quasi-identifiers generalised and the rest suppressed, and what was done."""
    if k < 1:
        raise ValueError("k must be at least 1")
    levels = dict.fromkeys(quasi, 0)
    budget = int(len(records) * suppression_budget)

    def small_groups() -> tuple[Counter[tuple[Any, ...]], int]:
        counts = Counter(_key(r, quasi, ladders, levels) for r in records)
        return counts, sum(n for n in counts.values() if n < k)

    counts, at_risk = small_groups()
    while at_risk > budget:
        raisable = [q for q in quasi if levels[q] < len(ladders[q]) - 1]
        if not raisable:
            break

        def distinct(q: str) -> int:
            return len({ladders[q][levels[q]](r.get(q)) for r in records})

        target = max(raisable, key=distinct)
        levels[target] += 1
        counts, at_risk = small_groups()
    out = []
    for record in records:
        key = _key(record, quasi, ladders, levels)
        if counts[key] < k:
            continue
        row = dict(record)
        for q, value in zip(quasi, key, strict=True):
            row[q] = value
        out.append(row)
    report = Report(k=k, total=len(records), kept=len(out), suppressed=len(records) - len(out), levels=levels)
    if level_names:
        report.level_names = {q: level_names[q][levels[q]] for q in quasi if q in level_names}
    return out, report
