"""The Indonesian-aware Splink model: settings, training, saved and versioned models (no Django import).

Comparisons (each on the columns made by features.py):

- name: exact key (term-frequency adjusted by the frequency its words give, `features.name_frequencies`:
  "siti aminah" says less than "wasis hakim santoso"), same words in another order, Jaro-Winkler >= 0.94, one
  name's words all in the other's with the same first name (a dropped middle name or surname), the same but
  another first name (a shared family name), Jaro-Winkler >= 0.85, the same first name, another word in
  common, else;
- birth date: exact, one digit typed wrong or swapped, within a month, within a year, else;
- NIK: exact, one digit wrong or two swapped, else (a NIK shared by two people is a known error: the other
  fields outvote it);
- contact: phone and region together (same phone and district, same phone — each with the same first name
  or another —, same district with another phone, same district, regency, province, ...): the Kemendagri
  hierarchy read from the codes, and one comparison rather than two because a household shares both its
  number and its district (and a relative's first name differs);
- sex: exact, else;
- address (optional): exact normalised text, Jaro-Winkler >= 0.9, two place words in common, else;
- postcode (optional): exact, one digit wrong or two swapped, else.

A column a file does not have is null on every record: its comparison sits at its null level, weight 0, and
the other comparisons decide as before.

Candidate pairs come from the blocking rules in `BLOCKING_RULES`: any pair sharing a NIK, a phone, a birth
date with the first letter of the first name or with the last name word, the name words in any order, a birth
date and regency, the first or last name word and regency, the first or last name word or the birth date and postcode, the same address, or
the same first 12 letters of the address and postcode.

A model is saved as Splink's own JSON (`<name>.json`) beside a version record (`<name>.version.json`: version,
when, on how many records, with which Splink and feature version). `trained/default.json` ships with the
product, trained on synthetic records, for inputs too small to train on.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.exceptions import SplinkException

FEATURE_VERSION = 4
MODEL_KIND = "sinergi-id-person"
TRAINED_DIR = Path(__file__).resolve().parent / "trained"
DEFAULT_MODEL = TRAINED_DIR / "default.json"
# Below this many records the input cannot train a model of its own (EM needs pairs in every level).
MIN_TRAIN_ROWS = 2000
# Pairs at or above MATCH_PROBABILITY are the same person; between REVIEW_PROBABILITY and it, a person decides.
MATCH_PROBABILITY = 0.95
REVIEW_PROBABILITY = 0.5
# A record left alone by the clustering joins the one cluster it has pairs with when its best pair reaches this
# and it pairs (from REVIEW_PROBABILITY) with at least ATTACH_SHARE of that cluster's records (pipeline).
ATTACH_PROBABILITY = 0.8
ATTACH_SHARE = 0.5
SEED = 20261201

logger = logging.getLogger(__name__)

LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]

# Typed as SettingsCreator takes it (a list of rules or their dict form).
BLOCKING_RULES: list[BlockingRuleCreator | dict[str, Any]] = [
    block_on("nik"),
    block_on("phone"),
    # The first letter only: "Yunita" / "Yiunita", "Lil" / "Lili" born the same day.
    block_on("dob", "substr(name_first, 1, 1)"),
    block_on("dob", "name_last"),
    block_on("name_sorted"),
    # The regency (4 digits), not the district: a record moved within the regency, or written to it only.
    block_on("dob", "substr(region, 1, 4)"),
    block_on("name_first", "substr(region, 1, 4)"),
    block_on("name_last", "substr(region, 1, 4)"),
    # A mistyped name in the same district: a typo leaves the first or the last three letters as they were
    # (the district, not the regency: "...ati" in a whole regency is too many pairs at 1,000,000 records).
    block_on("substr(name_key, 1, 3)", "region"),
    block_on("right(name_key, 3)", "region"),
    block_on("name_first", "postcode"),
    block_on("name_last", "postcode"),
    block_on("dob", "postcode"),
    # The same address, or the same start of it in one postcode ("7 erldunda circuit bellbird ctge" and
    # "... bellbirdctge"): catches records whose name, birth date and number are all mistyped or swapped.
    block_on("address"),
    block_on("substr(address, 1, 12)", "postcode"),
]


def _name_comparison(term_frequencies: bool) -> cl.CustomComparison:
    def rare(level: ComparisonLevelCreator) -> ComparisonLevelCreator:
        # Adjusted by how common the name is (the commoner of the two: Splink takes the greater frequency
        # on a level that is not an exact match): "rini farah hasanah" / "rini fraah hasanah" is one person,
        # "rahel" / "racel" often two. Not on the looser levels, where it merged households (seed 2).
        return level.configure(tf_adjustment_column="name_key") if term_frequencies else level

    # A household shares its family name, so "Karimah" inside "Hafshah Kamaria Karimah" says less than
    # "Ahmad Virman" inside "Ahmad Virman Santoso": separate levels for a shared first (given) name.
    same_first = cll.ExactMatchLevel("name_first")
    # Random pairs are most of what is compared (training samples millions of them) and array operations
    # cost far more than string equality: each array level sits behind a cheap condition it implies (one
    # name's words inside the other's puts the shorter one's first word among the other's words).
    first_inside = cll.CustomLevel(
        "strpos(concat(' ', name_key_r, ' '), concat(' ', name_first_l, ' ')) > 0"
        " or strpos(concat(' ', name_key_l, ' '), concat(' ', name_first_r, ' ')) > 0",
        base_dialect_str="duckdb",
    )
    # One letter typed wrong, left out, added or two swapped. Jaro-Winkler misses many of them ("reza
    # mhendra" / "reza mahendra" is 0.93); the edit distance sits behind what one edit leaves: lengths
    # at most one apart and the first or the last two letters as they were.
    one_typo = cll.And(
        cll.CustomLevel(
            "abs(length(name_key_l) - length(name_key_r)) <= 1 and (left(name_key_l, 2) = left(name_key_r, 2)"
            " or right(name_key_l, 2) = right(name_key_r, 2))"
        ),
        cll.DamerauLevenshteinLevel("name_key", 1),
    ).configure(label_for_charts="one letter typed wrong, left out, added or swapped")
    # Words rotated and one of them mistyped ("raina namaga" / "namga raina"): the sorted words one edit apart.
    sorted_typo = cll.And(
        cll.CustomLevel(
            "abs(length(name_sorted_l) - length(name_sorted_r)) <= 1 and (left(name_sorted_l, 2) ="
            " left(name_sorted_r, 2) or right(name_sorted_l, 2) = right(name_sorted_r, 2))"
        ),
        cll.DamerauLevenshteinLevel("name_sorted", 1),
    ).configure(label_for_charts="one typo, words in another order")
    # The first name alone, as written or one letter off ("karman widodo" / "karmkn"): a surname dropped and
    # a typo in what is left.
    first_or_typo = cll.Or(
        same_first,
        cll.And(
            cll.CustomLevel(
                "abs(length(name_first_l) - length(name_first_r)) <= 1 and length(name_first_l) >= 4"
            ),
            cll.DamerauLevenshteinLevel("name_first", 1),
        ),
    )
    family = cll.CustomLevel(
        "name_last_l = name_last_r or name_first_l = name_last_r or name_last_l = name_first_r"
    )
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="Indonesian-aware name key",
        comparison_levels=[
            cll.NullLevel("name_key"),
            rare(cll.ExactMatchLevel("name_key")),
            rare(cll.ExactMatchLevel("name_sorted").configure(label_for_charts="same words, other order")),
            rare(one_typo),
            rare(sorted_typo),
            rare(cll.JaroWinklerLevel("name_key", 0.94)),
            rare(
                cll.And(same_first, cll.ArraySubsetLevel("name_tokens")).configure(
                    label_for_charts="words of one inside the other, same first name"
                )
            ),
            cll.And(first_inside, cll.ArraySubsetLevel("name_tokens")).configure(
                label_for_charts="words of one inside the other, another first name"
            ),
            cll.JaroWinklerLevel("name_key", 0.85),
            first_or_typo.configure(label_for_charts="the same first name (or one letter off), other words"),
            family.configure(label_for_charts="the same last name, or one's first the other's last"),
            cll.ElseLevel(),
        ],
    )


def _contact_comparison() -> cl.CustomComparison:
    # Phone and region in one comparison: a household shares its number *and* its district, so scoring them
    # as independent evidence (Fellegi-Sunter's assumption) would add the same clue twice and merge siblings.
    district = "length(region_l) = 6 and region_l = region_r"
    regency = (
        "substr(region_l, 1, 4) = substr(region_r, 1, 4) and length(region_l) >= 4 and length(region_r) >= 4"
    )
    province = "substr(region_l, 1, 2) = substr(region_r, 1, 2)"
    phone = "phone_l = phone_r"
    # A household shares its phone too: the same number says less when the first names differ (one of
    # the family), so the phone levels are split by the first name.
    same_first = cll.Or(cll.ExactMatchLevel("name_first"), cll.JaroWinklerLevel("name_first", 0.9))
    return cl.CustomComparison(
        output_column_name="contact",
        comparison_description="phone and Kemendagri region hierarchy",
        comparison_levels=[
            cll.CustomLevel(
                "(phone_l is null or phone_r is null) and (region_l is null or region_r is null)"
            ).configure(is_null_level=True, label_for_charts="nothing to compare"),
            cll.And(cll.CustomLevel(f"{phone} and {district}"), same_first).configure(
                label_for_charts="same phone, same district, same first name"
            ),
            cll.CustomLevel(
                f"{phone} and {district}", label_for_charts="same phone, same district, other first name"
            ),
            cll.And(cll.CustomLevel(phone), same_first).configure(
                label_for_charts="same phone, same first name"
            ),
            cll.CustomLevel(f"{phone}", label_for_charts="same phone, other first name"),
            cll.CustomLevel(
                f"{district} and phone_l <> phone_r", label_for_charts="same district, other phone"
            ),
            cll.CustomLevel(district, label_for_charts="same district"),
            cll.CustomLevel(regency, label_for_charts="same regency"),
            cll.CustomLevel(province, label_for_charts="same province"),
            cll.CustomLevel("phone_l <> phone_r", label_for_charts="other phone, other region"),
            cll.ElseLevel(),
        ],
    )


def settings(*, term_frequencies: bool = True, link_type: LinkType = "dedupe_only") -> SettingsCreator:
    """The untrained Indonesian-aware model.

    Without `term_frequencies` a common name weighs as much as a rare one: for inputs too small to say which
    names are common (a few hundred records, the candidates of one intake), where frequencies would mislead.
    `link_type="link_only"` links two sources without looking for duplicates inside either.
    """
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1e-6,
        comparisons=[
            _name_comparison(term_frequencies),
            cl.DateOfBirthComparison(
                "dob", input_is_string=True, datetime_thresholds=[1, 1], datetime_metrics=["month", "year"]
            ),
            cl.CustomComparison(
                output_column_name="nik",
                comparison_levels=[
                    cll.NullLevel("nik"),
                    cll.ExactMatchLevel("nik"),
                    # One digit wrong or two swapped leaves the first or the last four digits as they were:
                    # checked first, it spares the edit distance on almost every pair.
                    cll.And(
                        cll.CustomLevel(
                            "left(nik_l, 4) = left(nik_r, 4) or right(nik_l, 4) = right(nik_r, 4)"
                            " or length(nik_l) < 9"
                        ),
                        cll.DamerauLevenshteinLevel("nik", 1),
                    ).configure(label_for_charts="one digit wrong or two swapped"),
                    cll.ElseLevel(),
                ],
            ),
            _contact_comparison(),
            cl.ExactMatch("sex"),
            cl.CustomComparison(
                output_column_name="address",
                comparison_description="normalised free-text address",
                comparison_levels=[
                    cll.NullLevel("address"),
                    cll.ExactMatchLevel("address"),
                    cll.JaroWinklerLevel("address", 0.9),
                    cll.ArrayIntersectLevel("address_tokens", 2).configure(
                        label_for_charts="two place words in common"
                    ),
                    cll.ElseLevel(),
                ],
            ),
            cl.CustomComparison(
                output_column_name="postcode",
                comparison_levels=[
                    cll.NullLevel("postcode"),
                    cll.ExactMatchLevel("postcode"),
                    cll.DamerauLevenshteinLevel("postcode", 1),
                    cll.ElseLevel(),
                ],
            ),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def train(linker: Linker, *, max_pairs: float = 5e6) -> None:
    """Unsupervised training (Fellegi-Sunter by expectation maximisation) on the linker's own records.

    The prior comes from pairs that share a NIK or the same name key and birth date; u from random pairs; m from
    two EM passes, each blocking on what the other one estimates, so every comparison is trained once. A file
    without some column (no region, no NIK) gives an empty training block: the next rule of the pass is tried.
    """
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("nik"), block_on("name_key", "dob")], recall=0.8
        )
    except SplinkException:
        logger.warning("no deterministic matches to estimate the prior from; keeping the default")
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=SEED)
    for rules in (
        [block_on("name_sorted"), block_on("name_first")],
        [block_on("dob", "region"), block_on("dob"), block_on("nik"), block_on("phone")],
    ):
        for rule in rules:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
                break
            except SplinkException:
                continue


@dataclass(frozen=True)
class ModelVersion:
    """What a saved model is: the record kept beside Splink's JSON."""

    version: str
    kind: str
    trained_at: str
    trained_on_records: int
    splink_version: str
    feature_version: int
    match_probability: float
    review_probability: float
    note: str = ""


def version_path(model_path: Path) -> Path:
    return model_path.with_suffix(".version.json")


def save(
    linker: Linker, path: Path, *, version: str, trained_on_records: int, note: str = ""
) -> ModelVersion:
    """Writes the linker's model JSON and its version record (see save_dict)."""
    return save_dict(
        linker.misc.save_model_to_json(),
        path,
        version=version,
        trained_on_records=trained_on_records,
        note=note,
    )


def save_dict(
    model: dict[str, Any], path: Path, *, version: str, trained_on_records: int, note: str = ""
) -> ModelVersion:
    """Writes a model JSON and its version record, each atomically (a reader never sees half a model)."""
    record = ModelVersion(
        version=version,
        kind=MODEL_KIND,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        trained_on_records=trained_on_records,
        splink_version=splink.__version__,
        feature_version=FEATURE_VERSION,
        match_probability=MATCH_PROBABILITY,
        review_probability=REVIEW_PROBABILITY,
        note=note,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_json(path, model)
    _write_json(version_path(path), asdict(record))
    return record


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=1, sort_keys=True)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; a model is no secret and the worker must read it
    os.replace(tmp, path)


class ModelError(ValueError):
    """A saved model that cannot be used (missing, not JSON, another kind or an older feature version)."""


def load(
    path: Path, *, term_frequencies: bool = True, link_type: LinkType = "dedupe_only"
) -> tuple[SettingsCreator, ModelVersion]:
    """The settings (for any backend) and version record of a saved model; ModelError if it does not fit."""
    try:
        model = json.loads(Path(path).read_text(encoding="utf-8"))
        record = ModelVersion(**json.loads(version_path(Path(path)).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise ModelError(f"{path}: {exc}") from exc
    if record.kind != MODEL_KIND or record.feature_version != FEATURE_VERSION:
        raise ModelError(
            f"{path}: model {record.kind} v{record.feature_version}, need {MODEL_KIND} v{FEATURE_VERSION}"
        )
    try:
        return settings_from_saved(model, term_frequencies=term_frequencies, link_type=link_type), record
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path}: not a model of these comparisons ({exc})") from exc


def settings_from_saved(
    saved: dict[str, Any], *, term_frequencies: bool = True, link_type: LinkType = "dedupe_only"
) -> SettingsCreator:
    """The comparisons rebuilt for any SQL dialect, carrying the trained parameters of a saved model.

    Splink's JSON holds SQL in the dialect it was trained on (DuckDB quotes names with "", Spark with ``):
    loaded as it is into another backend, a level would silently compare string literals. The parameters are
    what was learnt; the comparisons are code, so they are rebuilt here and given those parameters.
    """
    creator = settings(term_frequencies=term_frequencies, link_type=link_type)
    saved_by_name = {c["output_column_name"]: c for c in saved["comparisons"]}
    for comparison in creator.comparisons:
        assert isinstance(comparison, ComparisonCreator)  # settings() builds creators, never the dict form
        name = comparison.get_comparison("duckdb").output_column_name
        levels = [
            level for level in saved_by_name[name]["comparison_levels"] if not level.get("is_null_level")
        ]
        m = [level.get("m_probability") for level in levels]
        u = [level.get("u_probability") for level in levels]
        if len(levels) != len(comparison.get_comparison("duckdb").comparison_levels) - 1:
            raise ValueError(f"comparison {name} has {len(levels)} levels")
        if None not in m and None not in u:
            comparison.configure(m_probabilities=m, u_probabilities=u)
    creator.probability_two_random_records_match = saved["probability_two_random_records_match"]
    return creator
