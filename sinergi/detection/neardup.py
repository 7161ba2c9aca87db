"""Near-duplicate detection for campaign grouping: MinHash over word shingles with LSH banding. Pure Python.

A campaign is the same offer reposted, often by many accounts, with small edits: another phone number, an
emoji more, "15jt" instead of "12jt", a different hashtag. So the text is normalised first (case and accents
folded, every run of digits replaced by "#", punctuation and emoji dropped) and cut into overlapping word
3-grams (shingles). Two posts are near duplicates when the Jaccard similarity of their shingle sets is high.

MinHash estimates that similarity from a 64-value signature per post; LSH banding (21 bands of 3 values)
finds candidates without comparing every pair: two posts sharing one band key are compared. With 3 rows per
band, a pair at Jaccard 0.5 becomes a candidate with probability 1-(1-0.5^3)^21 ≈ 0.94, at 0.6 ≈ 0.99.

Thresholds (estimated Jaccard over the signatures):
- SAME_CAMPAIGN = 0.5: reposts with a changed number, emoji or a few hashtags stay above it (measured 0.6-1.0
  on the demo's reposts); two different offers written in the same recruiting jargon ("dibutuhkan segera...")
  stay well below (0.0-0.2).
- WITH_SHARED_CONTACT = 0.3: when two posts give the same phone, WhatsApp, Telegram or e-mail, the contact is
  strong evidence of one source, so a looser textual match is enough (a rewritten version of the same offer).
  Posts that share only a contact and little text are not merged: they are linked through the contact entity.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

NUM_PERM = 64
ROWS = 3
BANDS = NUM_PERM // ROWS  # 21 bands; the 64th value only sharpens the Jaccard estimate
SHINGLE = 3
SAME_CAMPAIGN = 0.5
WITH_SHARED_CONTACT = 0.3

_rng = np.random.default_rng(20261128)
# Multiply-shift hashing (a*x + b mod 2^64, high 32 bits) with odd multipliers: a universal family.
_A = (_rng.integers(1, 2**63 - 1, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)).astype(np.uint64)
_B = _rng.integers(0, 2**63 - 1, size=NUM_PERM, dtype=np.uint64)
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W_]+|#")


def normalise(text: str) -> list[str]:
    """Tokens of a post as compared for near duplicates: folded words, digit runs as "#", no URLs."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _URL.sub(" ", text)
    text = _DIGITS.sub(" # ", text)
    return _WORD.findall(text)


def text_fingerprint(text: str) -> str:
    """SHA-256 of the normalised text: identical after normalisation means the same wording."""
    return hashlib.sha256(" ".join(normalise(text)).encode("utf-8")).hexdigest()


def shingles(tokens: list[str]) -> set[str]:
    if len(tokens) < SHINGLE:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def _hash64(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "little")


def signature(text: str) -> list[int]:
    """The MinHash signature (NUM_PERM ints below 2^32); empty for a text without words."""
    items = shingles(normalise(text))
    if not items:
        return []
    values = np.fromiter((_hash64(s) for s in items), dtype=np.uint64, count=len(items))
    with np.errstate(over="ignore"):
        hashed = (values[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return [int(v) for v in hashed.min(axis=0)]


def band_keys(sig: list[int]) -> list[str]:
    """One key per LSH band: "band number + hash of its values"; posts sharing a key are candidates."""
    if not sig:
        return []
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(repr(chunk).encode("ascii"), digest_size=8).hexdigest()
        keys.append(f"{band:02d}{digest}")
    return keys


def similarity(sig_a: list[int], sig_b: list[int]) -> float:
    """Estimated Jaccard similarity of the two posts' shingle sets."""
    if not sig_a or not sig_b or len(sig_a) != len(sig_b):
        return 0.0
    return sum(1 for a, b in zip(sig_a, sig_b, strict=True) if a == b) / len(sig_a)
