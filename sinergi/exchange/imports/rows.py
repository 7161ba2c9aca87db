"""One data row, read through the column mapping into typed values, with a message per bad cell."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from django.utils import translation

from sinergi.exchange.imports import cells
from sinergi.exchange.imports.messages import cell_message
from sinergi.exchange.imports.schema import Column, columns_of


@dataclass
class ParsedRow:
    number: int  # 1-based row number in the sheet, as the user sees it
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def key(self, record_type: str) -> str:
        """The row's identity for "already imported": its normalised values, whatever the file or position."""
        canonical = json.dumps(
            [record_type, sorted((k, _plain(v)) for k, v in self.values.items() if v not in ("", None, []))],
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "code", value)  # a Region by its code


@lru_cache(maxsize=2)
def _country_names() -> dict[str, str]:
    from sinergi.core.countries import nationality_choices

    names: dict[str, str] = {}
    for language in ("en", "id"):
        for code, name in nationality_choices(language):
            names[name.lower()] = code
            names[code.lower()] = code
    return names


@lru_cache(maxsize=32)
def _choice_names(kind: str) -> tuple[dict[str, str], str]:
    """Accepted spellings -> code for a choice column, and the codes to name in the message."""
    from sinergi.cases.choices import IntakeChannel
    from sinergi.detection.choices import CheckpointType
    from sinergi.detection.forms import ANSWER_LABELS

    if kind == "channel":
        options = {c.value: c.label for c in IntakeChannel}
    elif kind == "checkpoint":
        options = {c.value: c.label for c in CheckpointType}
    else:
        options = dict(ANSWER_LABELS[kind.split(":", 1)[1]])
    names: dict[str, str] = {}
    for code, label in options.items():
        names[code.lower()] = code
        for language in ("id", "en"):
            with translation.override(language):
                names[str(label).lower()] = code
    if kind == "checkpoint":
        names.update(
            {
                "bandara": "airport",
                "bandar udara": "airport",
                "pelabuhan": "seaport",
                "pos lintas batas": "plbn",
            }
        )
    return names, ", ".join(options)


def _region(value: Any, regions: dict[str, Any]) -> Any:
    from sinergi.regions.models import Region

    raw = cells.text(value)
    if not raw:
        return None
    digits = "".join(ch for ch in raw if ch.isdigit())
    if digits not in regions:
        regions[digits] = Region.objects.filter(digits=digits).first()
    if regions[digits] is None:
        raise cells.CellError("region", value=raw[:20])
    return regions[digits]


def parse_cell(col: Column, value: Any, regions: dict[str, Any]) -> Any:
    kind = col.kind
    if kind == "text":
        return cells.text(value)
    if kind == "nik":
        return cells.parse_nik(value)
    if kind == "date":
        return cells.parse_date(value)
    if kind == "sex":
        return cells.parse_sex(value)
    if kind == "phones":
        return cells.parse_phones(value)
    if kind == "int":
        return cells.parse_int(value)
    if kind == "list":
        return cells.parse_list(value)
    if kind == "region":
        return _region(value, regions)
    if kind == "country":
        raw = cells.text(value)
        if not raw:
            return ""
        code = _country_names().get(raw.lower())
        if code is None:
            raise cells.CellError("country", value=raw[:30])
        return code
    if kind.startswith("answers:"):
        names, choices = _choice_names("answer:" + kind.split(":", 1)[1])
        picked = []
        for part in cells.parse_list(value):
            if part.lower() not in names:
                raise cells.CellError("choice", value=part[:30], choices=choices)
            picked.append(names[part.lower()])
        return sorted(set(picked))
    names, choices = _choice_names(kind)
    raw = cells.text(value)
    if not raw:
        return ""
    if raw.lower() not in names:
        raise cells.CellError("choice", value=raw[:30], choices=choices)
    return names[raw.lower()]


@lru_cache(maxsize=8)
def _columns_by_key(record_type: str) -> dict[str, Column]:
    return {c.key: c for c in columns_of(record_type)}


def parse_row(
    record_type: str, number: int, row: list[Any], mapping: dict[int, str], regions: dict
) -> ParsedRow:
    parsed = ParsedRow(number=number)
    by_key = _columns_by_key(record_type)
    for position, key in mapping.items():
        col = by_key[key]
        value = row[position] if position < len(row) else None
        try:
            parsed.values[key] = parse_cell(col, value, regions)
        except cells.CellError as exc:
            parsed.errors.append(cell_message(exc.code, {"column": str(col.label), **exc.params}))
    for col in by_key.values():
        if (
            col.required
            and parsed.values.get(col.key) in (None, "", [])
            and not any(str(col.label) in e for e in parsed.errors)
        ):
            parsed.errors.append(cell_message("required", {"column": str(col.label)}))
    return parsed
