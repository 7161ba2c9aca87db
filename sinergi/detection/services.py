"""Writes of the detection app: storing screened posts (with campaign grouping and contacts), reviews, departure
screenings, and the links a case intake makes back to a post or a screening.

Every service runs in one transaction with its audit row; the retraining task leaves through on_commit.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as dt_time
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core import crypto
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.detection import departure, neardup
from sinergi.detection.choices import (
    DECISION_STATUS,
    RANK_RISK,
    RISK_RANK,
    BatchStatus,
    ContactKind,
    PostSource,
    ReviewDecision,
    ReviewStatus,
    RiskLevel,
)
from sinergi.detection.models import (
    Campaign,
    Contact,
    DepartureScreening,
    PostBand,
    PostBatch,
    PostContact,
    Review,
    ScreenedPost,
    agency_province_code,
    can_create_departure_screening,
    can_review_posts,
)
from sinergi.people.identifiers import InvalidPhoneNumber, normalise_phone, phone_index

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000
MAX_ITEMS_PER_BATCH = 5_000  # one synchronous request; the CLI sends bigger files in chunks of this size
MAX_ITEMS_PER_UPLOAD = 20_000  # an uploaded file is screened by the background worker, not in the request
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_REASON_CHARS = 2_000
# How many stored posts a new post is compared with at most; the newest first.
MAX_CANDIDATES = 5_000
_QUERY_CHUNK = 500


# ------------------------------------------------------------------------------------------ input checks


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

    def to_dict(self) -> dict:
        return {"line": self.line, "message": self.message}


def _as_text(value: Any, *, name: str, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(_("“%(field)s” must be text.") % {"field": name})
    value = value.replace("\x00", "").strip()
    if len(value) > limit:
        raise ValueError(
            _("“%(field)s” is longer than %(limit)s characters.") % {"field": name, "limit": limit}
        )
    return value


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
    if parsed.year < 2000 or parsed > timezone.now() + timezone.timedelta(days=1):
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


# ------------------------------------------------------------------------------------------ storing posts


def _screen(item: PostItem):
    from sinergi.detection.engine import screen

    return screen(
        item.text,
        platform=item.platform or None,
        account=item.account or None,
        url=item.url or None,
        posted_at=item.posted_at.isoformat() if item.posted_at else None,
    )


def _engine_version() -> str:
    """ "sinergi-<package version>" plus the first digits of the learned model file's SHA-256, if there is one:
    enough to tell later which code and which trained model scored a stored post."""
    import importlib.metadata
    import os

    try:
        version = importlib.metadata.version("sinergi")
    except importlib.metadata.PackageNotFoundError:
        version = "dev"
    try:
        from sinergi.detection.engine import learned

        path = os.environ.get(learned.MODEL_PATH_ENV) or str(learned.DEFAULT_MODEL_PATH)
        model = _file_digest(path, os.stat(path).st_mtime)
    except (ImportError, AttributeError, OSError):
        model = ""
    return (f"sinergi-{version}" + (f" model-{model}" if model else ""))[:40]


@functools.lru_cache(maxsize=4)
def _file_digest(path: str, mtime: float) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


def _dedup_key(item: PostItem, text_hash: str) -> str:
    parts = [
        item.platform,
        item.account.lower(),
        item.url,
        item.posted_at.isoformat() if item.posted_at else "",
        text_hash,
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _contacts_of(extracted: dict) -> list[tuple[str, str, str]]:
    """(kind, normalised value, blind index) of every contact in the engine's extracted fields."""
    found: dict[tuple[str, str], str] = {}

    def add_phone(kind: str, raw: str) -> None:
        try:
            e164 = normalise_phone(raw)
        except InvalidPhoneNumber:
            return
        found[(kind, e164)] = phone_index(e164)

    for raw in extracted.get("phones") or []:
        add_phone(ContactKind.PHONE, str(raw))
    for raw in extracted.get("wa_links") or []:
        digits = "".join(ch for ch in str(raw).rsplit("/", 1)[-1].split("?")[0] if ch.isdigit())
        if digits:
            add_phone(ContactKind.WHATSAPP, "+" + digits if not digits.startswith("0") else digits)
    for kind, key in (
        (ContactKind.TELEGRAM, "telegram_handles"),
        (ContactKind.HANDLE, "other_handles"),
        (ContactKind.EMAIL, "emails"),
    ):
        for raw in extracted.get(key) or []:
            value = str(raw).strip().lower()
            if kind != ContactKind.EMAIL:
                value = value.lstrip("@")
            if value and len(value) <= 200:
                found[(kind, value)] = crypto.blind_index(f"{kind}:{value}", purpose="contact")
    return [(kind, value, index) for (kind, value), index in found.items()]


@dataclass
class _Prepared:
    item: PostItem
    result: dict
    text_hash: str
    dedup_key: str
    signature: list[int]
    bands: list[str]
    contacts: list[tuple[str, str, str]] = field(default_factory=list)


def _result_dict(result: Any) -> dict:
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    if data.get("risk_level") not in RISK_RANK:
        raise ValueError("unknown risk level from the engine")
    return data


def _prepare(items: list[PostItem]) -> tuple[list[_Prepared], list[LineError]]:
    prepared: list[_Prepared] = []
    errors: list[LineError] = []
    for item in items:
        try:
            result = _result_dict(item.result if item.result is not None else _screen(item))
        except Exception:  # the engine must never take the whole batch down with one odd text
            logger.exception("detection: screening failed for line %s", item.line)
            errors.append(LineError(item.line, _("This post could not be screened.")))
            continue
        text_hash = neardup.text_fingerprint(item.text)
        sig = neardup.signature(item.text)
        prepared.append(
            _Prepared(
                item=item,
                result=result,
                text_hash=text_hash,
                dedup_key=_dedup_key(item, text_hash),
                signature=sig,
                bands=neardup.band_keys(sig),
                contacts=_contacts_of(result),
            )
        )
    return prepared, errors


def _chunks(values: list, size: int = _QUERY_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _CampaignIndex:
    """Candidate lookup over stored posts (by LSH band and by contact) and the posts of this batch."""

    def __init__(self, prepared: list[_Prepared]):
        self.by_band: dict[str, list[int]] = {}
        self.by_contact: dict[str, list[int]] = {}
        self.signatures: dict[int, np.ndarray] = {}
        self.campaign_of: dict[int, Any] = {}  # key -> Campaign (stored) or a new unsaved Campaign
        self._next_new = -1
        keys = sorted({k for p in prepared for k in p.bands})
        contact_indexes = sorted({c[2] for p in prepared for c in p.contacts})
        post_ids: set[int] = set()
        for chunk in _chunks(keys):
            for post_id, key in PostBand.objects.filter(key__in=chunk).values_list("post_id", "key"):
                self.by_band.setdefault(key, []).append(post_id)
                post_ids.add(post_id)
        for chunk in _chunks(contact_indexes):
            rows = PostContact.objects.filter(contact__value_index__in=chunk).values_list(
                "post_id", "contact__value_index"
            )
            for post_id, index in rows:
                self.by_contact.setdefault(index, []).append(post_id)
                post_ids.add(post_id)
        newest = sorted(post_ids, reverse=True)[:MAX_CANDIDATES]
        campaigns: dict[int, Campaign] = {}
        for chunk in _chunks(newest):
            for post_id, sig, campaign_id in ScreenedPost.objects.filter(id__in=chunk).values_list(
                "id", "minhash", "campaign_id"
            ):
                self.signatures[post_id] = np.asarray(sig or [], dtype=np.uint32)
                if campaign_id is not None:
                    campaigns.setdefault(campaign_id, None)
                    self.campaign_of[post_id] = campaign_id
        for chunk in _chunks(list(campaigns)):
            for campaign in Campaign.objects.filter(id__in=chunk):
                campaigns[campaign.id] = campaign
        self.campaign_of = {
            pid: campaigns[cid] for pid, cid in self.campaign_of.items() if campaigns.get(cid)
        }

    def assign(self, prepared: _Prepared) -> tuple[Campaign, bool]:
        """The campaign of this post (existing or new) and whether the campaign is new."""
        shared_contact_posts = {pid for c in prepared.contacts for pid in self.by_contact.get(c[2], [])}
        candidates = {pid for key in prepared.bands for pid in self.by_band.get(key, [])}
        candidates |= shared_contact_posts
        best: int | None = None
        signature = np.asarray(prepared.signature, dtype=np.uint32)
        ids = [
            pid
            for pid in candidates
            if pid in self.campaign_of and len(self.signatures.get(pid, ())) == len(signature)
        ]
        if ids and len(signature):
            # One vectorised comparison against every candidate: batches of template-like posts can have
            # thousands of candidates, and a Python loop over each signature would dominate the upload.
            scores = (np.stack([self.signatures[pid] for pid in ids]) == signature).mean(axis=1)
            thresholds = np.array(
                [
                    neardup.WITH_SHARED_CONTACT if pid in shared_contact_posts else neardup.SAME_CAMPAIGN
                    for pid in ids
                ]
            )
            scores = np.where(scores >= thresholds, scores, -1.0)
            top = int(scores.argmax())
            if scores[top] >= 0:
                best = ids[top]
        key = self._next_new
        self._next_new -= 1
        if best is not None:
            campaign, is_new = self.campaign_of[best], False
        else:
            campaign, is_new = Campaign(), True
        # The post joins the index at once, so later posts of the same batch find it.
        self.signatures[key] = signature
        self.campaign_of[key] = campaign
        for band in prepared.bands:
            self.by_band.setdefault(band, []).append(key)
        for contact in prepared.contacts:
            self.by_contact.setdefault(contact[2], []).append(key)
        return campaign, is_new


def post_store_batch(
    *,
    actor,
    results: Iterable[Any],
    source: str,
    filename: str = "",
    errors: Iterable[dict] | None = None,
) -> PostBatch:
    """Stores screened posts in one transaction, grouping reposts into campaigns and recording contacts.

    `results` holds raw items (dicts with `text` and optional `id`, `platform`, `account`, `url`,
    `posted_at`), which are validated and screened here, or pairs `(item, ScreeningResult)` as the CLI's
    `sinergi screen --store` produces, which are stored with the result given. Any invalid item refuses the
    whole batch (ApplicationError listing the lines; nothing stored). `errors` are lines the caller already
    skipped (the CLI's broken lines), kept on the batch. Posts already stored (same text, account, platform,
    URL and time) are counted, not stored twice.
    """
    numbered: list[tuple[int, Any, Any]] = []
    for line, entry in enumerate(results, start=1):
        if isinstance(entry, tuple) and len(entry) == 2:
            numbered.append((line, entry[0], entry[1]))
        else:
            numbered.append((line, entry, None))
    return _store_items(actor=actor, numbered=numbered, source=source, filename=filename, errors=errors)


def post_upload(*, actor, name: str, data: bytes) -> PostBatch:
    """Checks an uploaded JSONL or CSV file now and queues it: the worker screens and stores its posts.

    Everything a user can get wrong (type, size, encoding, header, any line) is refused here, with the lines,
    and nothing is kept. A file that passes becomes a batch "waiting to be screened"; `post_upload_process`
    (a background task, queued once the batch is committed) then stores all its posts or, should something
    still fail, none. `manage.py detection_uploads_resume` queues again a batch whose task was lost.
    """
    from sinergi.detection.tasks import process_uploaded_batch

    if not can_review_posts(actor):
        raise PermissionDenied
    rows = parse_upload(name=name, data=data)
    items, line_errors = validate_items(rows, limit=MAX_ITEMS_PER_UPLOAD)
    if line_errors:
        raise _invalid_lines(line_errors)
    if not items:
        raise ApplicationError(_("There are no posts to store."), code="empty_batch")
    with transaction.atomic(durable=True):
        batch = PostBatch(
            source=PostSource.UPLOAD,
            filename=(name or "")[-255:],
            created_by=actor,
            agency=getattr(actor, "agency", None),
            total_count=len(items),
            status=BatchStatus.QUEUED,
        )
        batch.full_clean(exclude=["upload"])
        batch.save()
        batch.upload.save("upload", ContentFile(data), save=True)
        batch_id = batch.pk
        transaction.on_commit(lambda: process_uploaded_batch.enqueue(batch_id=batch_id))
    batch.refresh_from_db()
    return batch


def post_upload_process(*, batch_id: int) -> PostBatch | None:
    """The worker's half of an upload: screens the queued file and stores all its posts, or none.

    Safe to run twice: only a batch still waiting is claimed. The file is removed once handled either way (the
    posts are in the database, or were refused); a refusal is kept on the batch for the user to read.
    """
    claimed = PostBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING
    )
    batch = PostBatch.objects.select_related("created_by").filter(pk=batch_id).first()
    if not claimed or batch is None:
        return batch
    failure, line_errors = "", []
    try:
        with batch.upload.open("rb") as fh:
            data = fh.read()
        rows = parse_upload(name=batch.filename, data=data)
        _store_items(
            actor=batch.created_by,
            numbered=[(line, row, None) for line, row in rows],
            source=PostSource.UPLOAD,
            filename=batch.filename,
            batch=batch,
            limit=MAX_ITEMS_PER_UPLOAD,
        )
    except ApplicationError as exc:
        failure = exc.message
        line_errors = [{"line": e.line, "message": e.message[:300]} for e in getattr(exc, "line_errors", [])]
    except PermissionDenied:
        failure = _("The person who uploaded the file may no longer store posts.")
    except Exception:
        # Not the user's doing: the worker logs it (without the posts) and the batch says it was not stored.
        logger.exception("upload batch %s could not be stored", batch_id)
        failure = _("The file could not be screened because of an error on the server. Upload it again.")
    if failure:
        PostBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, failure=str(failure)[:500], errors=line_errors[:1000]
        )
    with contextlib.suppress(OSError, ValueError):
        batch.upload.delete(save=False)
    PostBatch.objects.filter(pk=batch_id).update(upload="")
    batch.refresh_from_db()
    return batch


def post_uploads_resume(*, older_than_minutes: int = 30) -> int:
    """Queues again the uploads whose task was lost: still waiting, or claimed by a worker that stopped midway
    (the store is one transaction, so nothing of such a batch was written). Returns how many were queued."""
    from datetime import timedelta

    from sinergi.detection.tasks import process_uploaded_batch

    stale = PostBatch.objects.filter(
        source=PostSource.UPLOAD,
        status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING],
        created_at__lt=timezone.now() - timedelta(minutes=older_than_minutes),
    ).exclude(upload="")
    ids = list(stale.values_list("pk", flat=True))
    PostBatch.objects.filter(pk__in=ids).update(status=BatchStatus.QUEUED)
    for batch_id in ids:
        process_uploaded_batch.enqueue(batch_id=batch_id)
    return len(ids)


def _invalid_lines(line_errors: list[LineError]) -> ApplicationError:
    """The refusal of a batch with invalid lines; it carries the LineErrors for a queued upload's page."""
    line_errors.sort(key=lambda e: e.line)
    exc = ApplicationError(
        _("%(n)s line(s) are not valid; nothing was stored. Correct them and send the batch again.")
        % {"n": len(line_errors)},
        code="invalid_lines",
        fields={"lines": [f"{e.line}: {e.message}" for e in line_errors[:200]]},
    )
    exc.line_errors = line_errors[:1000]
    return exc


def _store_items(
    *,
    actor,
    numbered: list[tuple[int, Any, Any]],
    source: str,
    filename: str,
    errors=None,
    batch: PostBatch | None = None,
    limit: int = MAX_ITEMS_PER_BATCH,
) -> PostBatch:
    if source not in PostSource.values:
        raise ValueError(f"unknown source {source!r}")
    if actor is not None and not can_review_posts(actor):
        raise PermissionDenied
    if not numbered:
        raise ApplicationError(_("There are no posts to store."), code="empty_batch")
    items, line_errors = validate_items([(line, raw) for line, raw, _result in numbered], limit=limit)
    given = {line: result for line, _raw, result in numbered if result is not None}
    for item in items:
        item.result = given.get(item.line)
    prepared, screen_errors = _prepare(items)
    line_errors += screen_errors
    if line_errors:
        raise _invalid_lines(line_errors)
    return _store(
        actor=actor, prepared=prepared, source=source, filename=filename, errors=errors, batch=batch
    )


@transaction.atomic(durable=True)
def _store(
    *, actor, prepared: list[_Prepared], source: str, filename: str, errors, batch: PostBatch | None = None
) -> PostBatch:
    """Writes the posts of one batch; `batch` is a queued upload's row, filled in here, else a new one."""
    now = timezone.now()
    batch = batch or PostBatch(source=source, filename=filename, created_by=actor, created_at=now)
    batch.agency = getattr(actor, "agency", None)
    batch.total_count = len(prepared)
    batch.status = BatchStatus.DONE
    batch.errors = [{"line": int(e["line"]), "message": str(e["message"])[:300]} for e in (errors or [])][
        :1000
    ]
    batch.full_clean(exclude=["upload"])
    batch.save()

    known: set[str] = set()
    keys = [p.dedup_key for p in prepared]
    for chunk in _chunks(keys):
        known.update(ScreenedPost.objects.filter(dedup_key__in=chunk).values_list("dedup_key", flat=True))
    fresh: list[_Prepared] = []
    for p in prepared:
        if p.dedup_key in known:
            batch.duplicate_count += 1
            continue
        known.add(p.dedup_key)
        fresh.append(p)

    index = _CampaignIndex(fresh)
    engine_version = _engine_version()
    posts: list[ScreenedPost] = []
    new_campaigns: list[Campaign] = []
    for p in fresh:
        campaign, is_new = index.assign(p)
        if is_new:
            new_campaigns.append(campaign)
        level = p.result["risk_level"]
        extracted = {k: v for k, v in p.result.items() if k not in _RESULT_KEYS}
        posts.append(
            ScreenedPost(
                batch=batch,
                campaign=campaign,
                external_id=p.item.external_id,
                text=p.item.text,
                text_hash=p.text_hash,
                dedup_key=p.dedup_key,
                platform=p.item.platform,
                account=p.item.account,
                url=p.item.url,
                posted_at=p.item.posted_at,
                received_at=now,
                source=source,
                risk_level=level,
                risk_rank=RISK_RANK[level],
                score=float(p.result.get("score") or 0),
                rule_score=p.result.get("rule_score"),
                indicators=p.result.get("indicators") or [],
                extracted=extracted,
                warnings=p.result.get("warnings") or [],
                destination_country=str(extracted.get("destination_country") or "")[:80],
                engine_version=engine_version,
                knowledge_version=str(p.result.get("knowledge_version") or "")[:255],
                minhash=p.signature,
                status=campaign.status if not is_new else ReviewStatus.NEW,
                created_by=actor,
            )
        )
    for campaign in new_campaigns:
        campaign.created_at = now
    Campaign.objects.bulk_create(new_campaigns)
    for post in posts:
        post.campaign_id = post.campaign.pk
    ScreenedPost.objects.bulk_create(posts, batch_size=500)
    if connection_needs_ids(posts):
        _reload_ids(posts)

    _insert_bands([(post.pk, key) for post, p in zip(posts, fresh, strict=True) for key in p.bands])
    touched_contacts = _store_contacts(posts, fresh, now)
    touched = {post.campaign_id for post in posts}
    first_post: dict[int, int] = {}
    for post in posts:
        first_post.setdefault(post.campaign_id, post.pk)
    for campaign in new_campaigns:
        campaign.representative_id = first_post[campaign.pk]
    Campaign.objects.bulk_update(new_campaigns, ["representative"], batch_size=500)
    campaign_refresh(campaign_ids=sorted(touched))

    batch.stored_count = len(posts)
    batch.flagged_count = sum(1 for post in posts if post.risk_rank >= RISK_RANK[RiskLevel.SEDANG])
    batch.campaign_count = len(touched)
    batch.save(update_fields=["duplicate_count", "stored_count", "flagged_count", "campaign_count"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=batch,
        summary=f"Stored {len(posts)} screened posts ({source})",
        changes={
            "stored": len(posts),
            "duplicates": batch.duplicate_count,
            "campaigns": len(touched),
            "new_campaigns": len(new_campaigns),
            "contacts": touched_contacts,
        },
    )
    return batch


_RESULT_KEYS = frozenset(
    {
        "id",
        "risk_level",
        "score",
        "rule_score",
        "learned_proba",
        "indicators",
        "warnings",
        "knowledge_version",
    }
)


def _insert_bands(rows: list[tuple[int, str]]) -> None:
    # Twenty-one rows per post: plain executemany, because building model instances costs more than the insert.
    quote = connection.ops.quote_name
    sql = f"INSERT INTO {quote(PostBand._meta.db_table)} ({quote('post_id')}, {quote('key')}) VALUES (%s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 5000):
            cursor.executemany(sql, chunk)


def connection_needs_ids(posts: list[ScreenedPost]) -> bool:
    return any(post.pk is None for post in posts)


def _reload_ids(posts: list[ScreenedPost]) -> None:
    # Only for databases whose bulk insert does not return ids: match rows back by their unique dedup key.
    ids = dict(
        ScreenedPost.objects.filter(dedup_key__in=[p.dedup_key for p in posts]).values_list("dedup_key", "id")
    )
    for post in posts:
        post.pk = post.id = ids[post.dedup_key]


def _store_contacts(posts: list[ScreenedPost], prepared: list[_Prepared], now) -> int:
    wanted: dict[tuple[str, str], str] = {}
    for p in prepared:
        for kind, value, index in p.contacts:
            wanted[(kind, index)] = value
    if not wanted:
        return 0
    existing: dict[tuple[str, str], int] = {}
    for chunk in _chunks(sorted({index for _kind, index in wanted})):
        for kind, index, pk in Contact.objects.filter(value_index__in=chunk).values_list(
            "kind", "value_index", "id"
        ):
            existing[(kind, index)] = pk
    missing = [
        Contact(kind=kind, value=wanted[(kind, index)], value_index=index, first_seen=now, last_seen=now)
        for (kind, index) in wanted
        if (kind, index) not in existing
    ]
    Contact.objects.bulk_create(missing, ignore_conflicts=True)
    for chunk in _chunks(sorted({index for _kind, index in wanted})):
        for kind, index, pk in Contact.objects.filter(value_index__in=chunk).values_list(
            "kind", "value_index", "id"
        ):
            existing[(kind, index)] = pk
    links = {
        (post.pk, existing[(kind, index)])
        for post, p in zip(posts, prepared, strict=True)
        for kind, _value, index in p.contacts
    }
    PostContact.objects.bulk_create(
        [PostContact(post_id=post_id, contact_id=contact_id) for post_id, contact_id in links],
        batch_size=2000,
        ignore_conflicts=True,
    )
    contact_ids = sorted({contact_id for _post_id, contact_id in links})
    contact_refresh(contact_ids=contact_ids)
    return len(contact_ids)


def contact_refresh(*, contact_ids: list[int]) -> None:
    """Recounts posts and first/last sighting of contacts (called inside the storing transaction)."""
    seen = Coalesce("posts__posted_at", "posts__received_at")
    for chunk in _chunks(contact_ids):
        rows = Contact.objects.filter(id__in=chunk).annotate(
            n=Count("posts", distinct=True), first=Min(seen), last=Max(seen)
        )
        updated = []
        for contact in rows:
            contact.post_count, contact.first_seen, contact.last_seen = contact.n, contact.first, contact.last
            updated.append(contact)
        Contact.objects.bulk_update(updated, ["post_count", "first_seen", "last_seen"])


def campaign_refresh(*, campaign_ids: list[int]) -> None:
    """Recomputes a campaign's counts, accounts, platforms, time span and highest risk from its posts."""
    seen = Coalesce("posted_at", "received_at")
    now = timezone.now()
    for chunk in _chunks(campaign_ids):
        stats = {
            row["campaign_id"]: row
            for row in ScreenedPost.objects.filter(campaign_id__in=chunk)
            .values("campaign_id")
            .annotate(
                n=Count("id"),
                accounts_n=Count("account", distinct=True, filter=~Q(account="")),
                first=Min(seen),
                last=Max(seen),
                rank=Max("risk_rank"),
                top=Max("score"),
            )
        }
        accounts: dict[int, list[str]] = {}
        platforms: dict[int, list[str]] = {}
        for campaign_id, account, platform in (
            ScreenedPost.objects.filter(campaign_id__in=chunk)
            .values_list("campaign_id", "account", "platform")
            .order_by("campaign_id", "received_at", "id")
        ):
            known_accounts = accounts.setdefault(campaign_id, [])
            if account and account not in known_accounts and len(known_accounts) < 200:
                known_accounts.append(account)
            if platform and platform not in platforms.setdefault(campaign_id, []):
                platforms[campaign_id].append(platform)
        destinations: dict[int, str] = {}
        for campaign_id, country in (
            ScreenedPost.objects.filter(campaign_id__in=chunk)
            .exclude(destination_country="")
            .values_list("campaign_id", "destination_country")
            .order_by("campaign_id", "received_at", "id")
        ):
            destinations.setdefault(campaign_id, country)
        campaigns = list(Campaign.objects.select_for_update().filter(id__in=chunk).order_by("id"))
        for campaign in campaigns:
            row = stats.get(campaign.id)
            if row is None:
                continue
            campaign.post_count = row["n"]
            campaign.account_count = row["accounts_n"]
            campaign.accounts = accounts.get(campaign.id, [])
            campaign.platforms = platforms.get(campaign.id, [])
            campaign.first_seen, campaign.last_seen = row["first"], row["last"]
            campaign.risk_rank = row["rank"]
            campaign.highest_risk = RANK_RISK[row["rank"]]
            campaign.max_score = row["top"]
            campaign.updated_at = now
            if not campaign.destination_country:
                campaign.destination_country = destinations.get(campaign.id, "")
        Campaign.objects.bulk_update(
            campaigns,
            [
                "post_count",
                "account_count",
                "accounts",
                "platforms",
                "first_seen",
                "last_seen",
                "risk_rank",
                "highest_risk",
                "max_score",
                "updated_at",
                "destination_country",
            ],
        )


# ------------------------------------------------------------------------------------------ reviews


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give a short reason for the decision."),
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    if len(reason) > MAX_REASON_CHARS:
        raise ApplicationError(
            _("The reason is too long (at most %(n)s characters).") % {"n": MAX_REASON_CHARS},
            code="reason_too_long",
            fields={"reason": [_("Too long.")]},
        )
    return reason


def _check_decision(decision: str) -> None:
    if decision not in ReviewDecision.values:
        raise ApplicationError(
            _("Unknown decision."), code="invalid_decision", fields={"decision": [_("Unknown decision.")]}
        )


def _after_review() -> None:
    from sinergi.detection.tasks import schedule_retrain

    transaction.on_commit(schedule_retrain)


@transaction.atomic(durable=True)
def campaign_review(*, actor, campaign_id: int, decision: str, reason: str) -> Review:
    """Records an analyst's decision on a whole campaign; every post not reviewed on its own follows it."""
    if not can_review_posts(actor):
        raise PermissionDenied
    _check_decision(decision)
    reason = _clean_reason(reason)
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if Review.objects.filter(campaign=campaign).exists():
        raise ConflictError(_("This campaign has already been reviewed."), code="already_reviewed")
    review = Review(campaign=campaign, decision=decision, reason=reason, analyst=actor, agency=actor.agency)
    review.full_clean()
    review.save()
    old_status = campaign.status
    campaign.status = DECISION_STATUS[decision]
    campaign.updated_at = timezone.now()
    campaign.save(update_fields=["status", "updated_at"])
    changed = campaign.posts.filter(review__isnull=True).update(status=campaign.status)
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=campaign,
        summary=f"Campaign reviewed: {decision}",
        changes={"status": [old_status, campaign.status], "review_id": review.pk, "posts_updated": changed},
    )
    _after_review()
    return review


@transaction.atomic(durable=True)
def post_review(*, actor, post_id: int, decision: str, reason: str) -> Review:
    """Records an analyst's decision on one post (overrides its campaign's decision for that post)."""
    if not can_review_posts(actor):
        raise PermissionDenied
    _check_decision(decision)
    reason = _clean_reason(reason)
    post = ScreenedPost.objects.select_for_update().get(pk=post_id)
    if Review.objects.filter(post=post).exists():
        raise ConflictError(_("This post has already been reviewed."), code="already_reviewed")
    review = Review(post=post, decision=decision, reason=reason, analyst=actor, agency=actor.agency)
    review.full_clean()
    review.save()
    old_status = post.status
    post.status = DECISION_STATUS[decision]
    post.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=post,
        summary=f"Post reviewed: {decision}",
        changes={"status": [old_status, post.status], "review_id": review.pk},
    )
    _after_review()
    return review


# ------------------------------------------------------------------------------------------ departure


def checkpoint_province(name: str) -> str:
    from sinergi.detection.checkpoints import CHECKPOINTS

    for checkpoint in CHECKPOINTS:
        if checkpoint.name == name:
            return checkpoint.province
    return ""


@transaction.atomic(durable=True)
def departure_screening_create(
    *, actor, checkpoint_type: str, checkpoint_name: str, answers: dict, traveller_name: str = ""
) -> DepartureScreening:
    """Scores a departure interview (sinergi.detection.departure) and stores it with its result."""
    if not can_create_departure_screening(actor):
        raise PermissionDenied
    try:
        result = departure.assess(answers)
        clean = departure.clean_answers(answers)
    except departure.InvalidAnswers as exc:
        messages = {
            "required": _("This answer is required."),
            "invalid_choice": _("This answer is not one of the choices."),
            "invalid_number": _("Enter a whole number."),
            "out_of_range": _("This number is out of range."),
            "invalid_country": _("Use the two-letter country code (ISO 3166), for example MY."),
        }
        raise ApplicationError(
            _("Some answers are missing or not valid."),
            code="invalid_answers",
            fields={name: [str(messages.get(code, code))] for name, code in exc.errors.items()},
        ) from exc
    checkpoint_name = (checkpoint_name or "").strip()
    screening = DepartureScreening(
        officer=actor,
        agency=actor.agency,
        checkpoint_type=checkpoint_type,
        checkpoint_name=checkpoint_name,
        province_code=checkpoint_province(checkpoint_name) or agency_province_code(actor.agency),
        traveller_name=(traveller_name or "").strip()[:200],
        destination_country=clean.get("destination_country", ""),
        answers=clean,
        risk_level=result.risk_level,
        risk_rank=RISK_RANK[result.risk_level],
        score=result.score,
        reasons=[
            {
                "code": r.code,
                "weight": r.weight,
                "reason_id": r.reason_id,
                "reason_en": r.reason_en,
                "basis": r.basis,
                "ilo": r.ilo,
            }
            for r in result.reasons
        ],
        recommended_action=result.recommended_action,
        rules_version=result.rules_version,
    )
    screening.full_clean()
    screening.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=screening,
        summary=f"Departure screening: {result.risk_level}, {result.recommended_action}",
        changes={
            "checkpoint_type": checkpoint_type,
            "risk_level": result.risk_level,
            "recommended_action": result.recommended_action,
            "rules": [r.code for r in result.reasons],
        },
    )
    return screening


# ------------------------------------------------------------------------------------------ case links


@transaction.atomic(durable=True)
def post_link_case(*, actor, post_id: int, case_id: int) -> ScreenedPost:
    """Records the case opened from a post. Called by the case intake once the case exists."""
    from sinergi.detection.models import can_view_posts

    if not can_view_posts(actor):
        raise PermissionDenied
    post = ScreenedPost.objects.select_for_update().get(pk=post_id)
    old = post.linked_case_id
    post.linked_case_id = case_id
    post.save(update_fields=["linked_case_id"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=post,
        summary="Case opened from post",
        changes={"linked_case_id": [old, case_id]},
    )
    return post


@transaction.atomic(durable=True)
def departure_screening_link_case(*, actor, screening_id: int, case_id: int) -> DepartureScreening:
    """Records the case opened from a departure screening. Called by the case intake."""
    screening = DepartureScreening.objects.restrict(actor, "change").select_for_update().get(pk=screening_id)
    old = screening.linked_case_id
    screening.linked_case_id = case_id
    screening.save(update_fields=["linked_case_id"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=screening,
        summary="Case opened from departure screening",
        changes={"linked_case_id": [old, case_id]},
    )
    return screening
