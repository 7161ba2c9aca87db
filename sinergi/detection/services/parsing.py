"""Input checks for posts: one raw item (a JSON line, a CSV row, an API item) becomes a PostItem or a
LineError; an uploaded file becomes numbered rows. No database access."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dt_time
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from sinergi.core.errors import ApplicationError

MAX_TEXT_CHARS = 20_000


MAX_ITEMS_PER_BATCH = 5_000  # one synchronous request; the CLI sends bigger files in chunks of this size


MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass
class PostItem:
    """One post to store, validated: the text and its optional metadata."""

    line: int
    text: str
    external_id: str = ""
    platform: str = ""
    account: str = ""
    url: str = ""
    posted_at: datetime | None = None
    result: Any = None  # a ScreeningResult computed by a trusted caller (the CLI), else screened here


@dataclass
class LineError:
    line: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


def _as_text(value: Any, *, name: str, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(_("“%(field)s” must be text.") % {"field": name})
    text = value.replace("\x00", "").strip()
    if len(text) > limit:
        raise ValueError(
            _("“%(field)s” is longer than %(limit)s characters.") % {"field": name, "limit": limit}
        )
    return text


def _parse_posted_at(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(_("“posted_at” must be a date and time such as 2026-11-01T09:30:00+07:00."))
    value = value.strip()
    try:
        parsed = parse_datetime(value.replace(" ", "T", 1) if len(value) > 10 else value)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise ValueError(_("“posted_at” must be a date and time such as 2026-11-01T09:30:00+07:00."))
        parsed = datetime.combine(day, dt_time(12, 0))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed.year < 2000 or parsed > timezone.now() + timedelta(days=1):
        raise ValueError(_("“posted_at” is not a plausible date."))
    return parsed


def validate_item(raw: Any, *, line: int) -> PostItem:
    """A PostItem from one raw object (a JSON line, a CSV row, an API item); ValueError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError(_("Each item must be an object with at least a “text”."))
    text = _as_text(raw.get("text"), name="text", limit=MAX_TEXT_CHARS)
    if not text:
        raise ValueError(_("“text” is missing or empty."))
    url = _as_text(raw.get("url"), name="url", limit=2000)
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValueError(_("“url” must start with http:// or https://."))
    return PostItem(
        line=line,
        text=text,
        external_id=_as_text(raw.get("id"), name="id", limit=200),
        platform=_as_text(raw.get("platform"), name="platform", limit=40).lower(),
        account=_as_text(raw.get("account"), name="account", limit=200),
        url=url,
        posted_at=_parse_posted_at(raw.get("posted_at")),
    )


def validate_items(
    raw_items: Iterable[tuple[int, Any]], *, limit: int = MAX_ITEMS_PER_BATCH
) -> tuple[list[PostItem], list[LineError]]:
    items: list[PostItem] = []
    errors: list[LineError] = []
    for line, raw in raw_items:
        if isinstance(raw, LineError):
            errors.append(raw)
            continue
        try:
            items.append(validate_item(raw, line=line))
        except ValueError as exc:
            errors.append(LineError(line, str(exc)))
        if len(items) + len(errors) > limit:
            errors.append(LineError(line, _("Too many posts: at most %(n)s per batch.") % {"n": limit}))
            break
    return items, errors


def parse_upload(*, name: str, data: bytes) -> list[tuple[int, Any]]:
    """The rows of an uploaded JSONL or CSV file, each with its line number, or a LineError for that line.

    Raises ApplicationError when the file as a whole cannot be read (type, size, encoding, header).
    """
    lower = (name or "").lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApplicationError(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    if not data.strip():
        raise ApplicationError(_("The file is empty."), code="empty_file")
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        kind = "jsonl"
    elif lower.endswith((".csv", ".txt")):
        kind = "csv"
    else:
        raise ApplicationError(
            _("Only JSON Lines (.jsonl) and CSV (.csv) files can be uploaded."), code="unsupported_file_type"
        )
    if b"\x00" in data[:8192]:
        raise ApplicationError(
            _("This is not a text file. Upload a JSON Lines or CSV file saved as UTF-8."), code="binary_file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            _(
                "The file is not in UTF-8 encoding (problem at byte %(pos)s). Save it as UTF-8 and upload again."
            )
            % {"pos": exc.start},
            code="bad_encoding",
        ) from exc
    if kind == "csv":
        return _parse_csv(text)
    if lower.endswith(".json") and text.lstrip().startswith("["):
        return _parse_json_array(text)
    return _parse_jsonl(text)


def _parse_jsonl(text: str) -> list[tuple[int, Any]]:
    rows: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except (json.JSONDecodeError, RecursionError):
            rows.append((number, LineError(number, _("This line is not valid JSON."))))
    return rows


def _parse_json_array(text: str) -> list[tuple[int, Any]]:
    """A .json file holding one array of objects; items are numbered from 1 like lines."""
    try:
        items = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ApplicationError(
            _("The file is not valid JSON (line %(line)s).") % {"line": getattr(exc, "lineno", "?")},
            code="invalid_json",
        ) from exc
    if not isinstance(items, list):
        raise ApplicationError(_("A .json file must hold a list of posts."), code="invalid_json")
    return list(enumerate(items, start=1))


def _parse_csv(text: str) -> list[tuple[int, Any]]:
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian save CSV with semicolons (the comma is the decimal separator).
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ApplicationError(_("The CSV file has no header row."), code="csv_header") from exc
    columns = [c.strip().lower() for c in header]
    if "text" not in columns:
        raise ApplicationError(
            _("The CSV file needs a “text” column (optional: id, platform, account, url, posted_at)."),
            code="csv_header",
        )
    rows: list[tuple[int, Any]] = []
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            rows.append((start, LineError(start, _("This CSV row cannot be read (check the quotes)."))))
            start = reader.line_num + 1
            continue
        if any(v.strip() for v in values):
            if len(values) > len(columns):
                rows.append((start, LineError(start, _("This row has more values than the header."))))
            else:
                rows.append((start, dict(zip(columns, values, strict=False))))
        start = reader.line_num + 1
    return rows
