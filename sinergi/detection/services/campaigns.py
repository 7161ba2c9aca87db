"""Campaigns: grouping reposts of one job offer (near-duplicate text or a shared contact) and keeping each
campaign's counts, accounts, platforms, time span and highest risk up to date."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from sinergi.detection import neardup
from sinergi.detection.choices import RANK_RISK
from sinergi.detection.models import Campaign, PostBand, PostContact, ScreenedPost
from sinergi.detection.services._common import _chunks, _Prepared

# How many stored posts a new post is compared with at most; the newest first.
MAX_CANDIDATES = 5_000


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
        campaigns: dict[int, Campaign | None] = {}
        for id_chunk in _chunks(newest):
            for post_id, sig, campaign_id in ScreenedPost.objects.filter(id__in=id_chunk).values_list(
                "id", "minhash", "campaign_id"
            ):
                self.signatures[post_id] = np.asarray(sig or [], dtype=np.uint32)
                if campaign_id is not None:
                    campaigns.setdefault(campaign_id, None)
                    self.campaign_of[post_id] = campaign_id
        for id_chunk in _chunks(list(campaigns)):
            for campaign in Campaign.objects.filter(id__in=id_chunk):
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
