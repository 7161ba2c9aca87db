"""Scores one new person against candidate records with a saved model: the intake duplicate warning.

    from sinergi.exchange.linkage.scoring import score_candidates

    matches = score_candidates(
        {"name": "Moh. Yusuf", "sex": "M", "birth_date": "1990-01-05", "nik": "...", "phone": "0812...",
         "region": "63.71.01"},
        [{"unique_id": "17", "name": "Muhammad Yusuf", ...}, ...],   # e.g. people sharing NIK, phone or name
    )
    # -> [Match(unique_id="17", probability=0.998, band="match"), ...], best first, only >= the review band

The caller chooses the candidates (the records the user may see that share a NIK, a phone, a birth date or a
name word: a few dozen at most) and decides what to show; this function only scores. Every field but the name
is optional. The model is the latest one trained on the people table (`model_path`), else the shipped
default (also when `model_path` is of an older feature version, until the next run retrains). Pure Python (DuckDB in memory), no Django import; a few tens of milliseconds for 50 candidates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker

from sinergi.exchange.linkage import model as linkage_model
from sinergi.exchange.linkage.features import COLUMNS, prepare
from sinergi.exchange.linkage.pipeline import _arrow

NEW_ID = "__new__"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Match:
    unique_id: str
    probability: float
    band: str  # "match" (at or above the match threshold) or "review"


def score_candidates(
    new_record: dict[str, Any], candidates: list[dict[str, Any]], *, model_path: Path | None = None
) -> list[Match]:
    """The candidates that may be the same person as `new_record`, best first (see the module docstring)."""
    if not candidates:
        return []
    # Term frequencies of a few dozen candidates say nothing about how common a name is: scored without them.
    try:
        settings, version = linkage_model.load(
            model_path or linkage_model.DEFAULT_MODEL, term_frequencies=False
        )
    except linkage_model.ModelError:
        if model_path is None:
            raise
        # A run's model of an older feature version (or a damaged file) must not silence the intake warning
        # until the next run retrains: the shipped default scores meanwhile.
        logger.warning("linkage model %s unusable; scoring with the default model", model_path.name)
        settings, version = linkage_model.load(linkage_model.DEFAULT_MODEL, term_frequencies=False)
    rows = [{**dict.fromkeys(COLUMNS), **new_record, "unique_id": NEW_ID}]
    rows += [{**dict.fromkeys(COLUMNS), **c, "unique_id": str(c["unique_id"])} for c in candidates]
    features = prepare(pd.DataFrame(rows, columns=list(COLUMNS), dtype="object"))
    logging.getLogger("splink").setLevel(logging.WARNING)
    db_api = DuckDBAPI()
    records = db_api.register(_arrow(features), table_name="__sinergi_candidates")
    linker = Linker(records, settings, log_level=None)
    left = features.iloc[:1].to_dict("records")
    right = features.iloc[1:].to_dict("records")
    scored = linker.inference.score_pairs(left, right).as_pandas_dataframe()  # type: ignore[no-untyped-call]  # Splink leaves it unannotated
    found = []
    for row in scored.itertuples():
        other = row.unique_id_r if row.unique_id_l == NEW_ID else row.unique_id_l
        probability = float(row.match_probability)
        if probability >= version.review_probability:
            band = "match" if probability >= version.match_probability else "review"
            found.append(Match(unique_id=str(other), probability=probability, band=band))
    return sorted(found, key=lambda m: -m.probability)
