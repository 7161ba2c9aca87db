"""Storing screened posts: one batch in one transaction, with its duplicates counted, its posts grouped into
campaigns, its contacts recorded and its audit entry."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.errors import ApplicationError
from sinergi.detection import neardup
from sinergi.detection.choices import RISK_RANK, BatchStatus, PostSource, ReviewStatus, RiskLevel
from sinergi.detection.models import Campaign, PostBand, PostBatch, ScreenedPost, can_review_posts
from sinergi.detection.services._common import _chunks, _Prepared
from sinergi.detection.services.campaigns import _CampaignIndex, campaign_refresh
from sinergi.detection.services.contacts import _contacts_of, _store_contacts
from sinergi.detection.services.parsing import MAX_ITEMS_PER_BATCH, LineError, PostItem, validate_items

if TYPE_CHECKING:
    from sinergi.agencies.models import User

logger = logging.getLogger(__name__)


def _screen(item: PostItem) -> Any:
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


def _result_dict(result: Any) -> dict[str, Any]:
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


def post_store_batch(
    *,
    actor: User | None,
    results: Iterable[Any],
    source: str,
    filename: str = "",
    errors: Iterable[dict[str, Any]] | None = None,
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
    actor: User | None,
    numbered: list[tuple[int, Any, Any]],
    source: str,
    filename: str,
    errors: Iterable[dict[str, Any]] | None = None,
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
    *,
    actor: User | None,
    prepared: list[_Prepared],
    source: str,
    filename: str,
    errors: Iterable[dict[str, Any]] | None,
    batch: PostBatch | None = None,
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
        post.campaign_id = cast(Campaign, post.campaign).pk  # every post was given its campaign above
    ScreenedPost.objects.bulk_create(posts, batch_size=500)
    if connection_needs_ids(posts):
        _reload_ids(posts)

    _insert_bands([(post.pk, key) for post, p in zip(posts, fresh, strict=True) for key in p.bands])
    touched_contacts = _store_contacts(posts, fresh, now)
    touched = {cast(int, post.campaign_id) for post in posts}
    first_post: dict[int, int] = {}
    for post in posts:
        first_post.setdefault(cast(int, post.campaign_id), post.pk)
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
