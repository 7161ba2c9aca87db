"""Statistical tables for leadership: victims by year, destination and type of exploitation. A count below k
is left empty (small numbers can identify a person), the same threshold as the case-level dataset."""

from __future__ import annotations

import io
from collections import Counter

from sinergi.exchange.exports.htcds import EXPLOITATION_FIELDS

FIELDS = [("year", "string"), ("destination", "string"), ("exploitation", "string"), ("victims", "integer")]


def statistics_rows(records: list[dict], *, k: int) -> list[dict]:
    counts: Counter = Counter()
    for record in records:
        kinds = [name for name in EXPLOITATION_FIELDS.values() if record.get(name)] or ["unknown"]
        for kind in kinds:
            counts[(record["yearOfRegistration"], record["CountryOfExploitation"] or "unknown", kind)] += 1
    return [
        {"year": y, "destination": d, "exploitation": e, "victims": n if n >= k else None}
        for (y, d, e), n in sorted(counts.items())
    ]


def statistics_xlsx(rows: list[dict], *, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([name for name, _t in FIELDS])
    for row in rows:
        sheet.append([row[name] for name, _t in FIELDS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
