"""One linkage run: features in, pairs and clusters out, on DuckDB (default) or Spark (no Django import).

The same settings, training and clustering run on both backends; only `_register` differs, because each
engine wants its typed table (DuckDB a pyarrow table, Spark a Spark DataFrame with an explicit schema: an
all-empty column must still be text, never a column of type NULL).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
from splink import Linker

from sinergi.exchange.linkage import model as linkage_model
from sinergi.exchange.linkage.features import FEATURE_COLUMNS, LIST_COLUMNS, name_frequencies

BACKENDS = ("duckdb", "spark")
# Splink names each source of a link_only run after its table; "src_1" and "src_2" become sources "1" and "2".
_SOURCE_TABLES = ("src_1", "src_2")


@dataclass
class LinkResult:
    """Clusters of every record, the scored pairs worth a look, and the model that scored them."""

    # unique_id, cluster_id (one row per input record); with two sources also `source` ("1" or "2")
    clusters: pd.DataFrame
    # unique_id_l, unique_id_r, match_probability, match_weight (>= review threshold); two sources: source_l/_r
    pairs: pd.DataFrame
    model: dict
    version: linkage_model.ModelVersion | None
    trained: bool


def _arrow(features: pd.DataFrame) -> pa.Table:
    schema = pa.schema(
        [(c, pa.list_(pa.string())) if c in LIST_COLUMNS else (c, pa.string()) for c in FEATURE_COLUMNS]
    )
    return pa.Table.from_pandas(features[list(FEATURE_COLUMNS)], schema=schema, preserve_index=False)


def local_spark_session(*, cores: int = 2, app_name: str = "sinergi-link"):
    """A Spark session: local (this machine's cores) unless spark-submit or SINERGI_SPARK_MASTER names a cluster."""
    import os
    import tempfile

    from pyspark import SparkConf
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder = (
        SparkSession.builder.appName(app_name)
        # Splink's string-similarity functions (Jaro-Winkler, Damerau-Levenshtein) ship as a jar in the package.
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
    )
    master = os.environ.get("SINERGI_SPARK_MASTER")
    if master:
        builder = builder.master(master)
    elif not SparkConf().contains("spark.master"):
        builder = (
            builder.master(f"local[{cores}]")
            .config("spark.sql.shuffle.partitions", str(cores))
            .config("spark.default.parallelism", str(cores))
            .config("spark.driver.memory", "2g")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    # Splink breaks long query lineages by checkpointing; a cluster passes a shared directory in
    # SINERGI_SPARK_CHECKPOINT_DIR (HDFS, S3...), a local run uses a temporary one.
    if not session.sparkContext.getCheckpointDir():
        checkpoint = os.environ.get("SINERGI_SPARK_CHECKPOINT_DIR") or tempfile.mkdtemp(
            prefix="sinergi-spark-"
        )
        session.sparkContext.setCheckpointDir(checkpoint)
    return session


def make_db_api(backend: str, *, spark_session=None):
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if backend == "spark":
        from splink import SparkAPI

        # Splink's default breaks the lineage of every intermediate table by writing it to parquet: caching
        # instead ("persist") keeps the plans growing with each clustering iteration, much slower.
        return SparkAPI(spark_session=spark_session or local_spark_session())
    raise ValueError(f"unknown backend {backend!r}; one of {', '.join(BACKENDS)}")


def _register(db_api, features: pd.DataFrame, name: str):
    table = _arrow(features)
    if db_api.sql_dialect.sql_dialect_str == "spark":
        from pyspark.sql import types as T

        schema = T.StructType(
            [
                T.StructField(c, T.ArrayType(T.StringType()) if c in LIST_COLUMNS else T.StringType(), True)
                for c in FEATURE_COLUMNS
            ]
        )
        rows = table.to_pylist()
        frame = db_api.spark.createDataFrame([tuple(r[c] for c in FEATURE_COLUMNS) for r in rows], schema)
        return db_api.register(frame, table_name=name)
    return db_api.register(table, table_name=name)


def _register_name_frequencies(db_api, linker: Linker, features: pd.DataFrame, other: pd.DataFrame | None):
    """Gives Splink the name frequencies estimated from the words (features.name_frequencies) instead of the
    ones it would count itself; both sources together when there are two."""
    frame = features if other is None else pd.concat([features, other], ignore_index=True)
    table = pa.Table.from_pandas(name_frequencies(frame), preserve_index=False)
    if db_api.sql_dialect.sql_dialect_str == "spark":
        table = db_api.spark.createDataFrame(table.to_pandas())
    lookup = db_api.register(table, table_name="__sinergi_tf_name_key")
    linker.table_management.register_term_frequency_lookup(lookup, "name_key")


def _noop(_stage: str) -> None:
    return None


def link(
    features: pd.DataFrame,
    *,
    other: pd.DataFrame | None = None,
    one_to_one: bool = False,
    backend: str = "duckdb",
    model_path: Path | None = None,
    train: bool | None = None,
    spark_session=None,
    on_stage: Callable[[str], None] = _noop,
    match_probability: float = linkage_model.MATCH_PROBABILITY,
    review_probability: float = linkage_model.REVIEW_PROBABILITY,
) -> LinkResult:
    """Links `features` (features.prepare) into clusters; with `other`, links the two sources to each other.

    Without `other` the records are deduplicated (Splink's dedupe_only). With it, only pairs across the two
    sources are scored (link_only): source "1" is `features`, source "2" is `other`, ids need only be unique
    within their source. `one_to_one` (two sources only) keeps each record's best match at or above
    `match_probability`, taken greedily best first, instead of connected components: for sources that each
    hold a person at most once, where a chain a1-b1-a2 would otherwise join two people.

    `train=None` trains on the input when it has at least MIN_TRAIN_ROWS records and no `model_path` was given;
    otherwise the saved model (`model_path`, else the shipped default) scores it as it is.
    """
    if one_to_one and other is None:
        raise ValueError("one_to_one needs two sources")
    logging.getLogger("splink").setLevel(logging.WARNING)
    rows = len(features) + (0 if other is None else len(other))
    link_type = "dedupe_only" if other is None else "link_only"
    if train is None:
        train = model_path is None and rows >= linkage_model.MIN_TRAIN_ROWS
    db_api = make_db_api(backend, spark_session=spark_session)
    if other is None:
        records = _register(db_api, features, "__sinergi_people")
    else:
        records = [
            _register(db_api, frame, name)
            for frame, name in zip((features, other), _SOURCE_TABLES, strict=True)
        ]
    version = None
    if train:
        linker = Linker(records, linkage_model.settings(link_type=link_type), log_level=None)
        _register_name_frequencies(db_api, linker, features, other)
        on_stage("train")
        linkage_model.train(linker)
    else:
        term_frequencies = rows >= linkage_model.MIN_TRAIN_ROWS
        settings, version = linkage_model.load(
            model_path or linkage_model.DEFAULT_MODEL,
            term_frequencies=term_frequencies,
            link_type=link_type,
        )
        linker = Linker(records, settings, log_level=None)
        if term_frequencies:
            _register_name_frequencies(db_api, linker, features, other)
    on_stage("predict")
    predictions = linker.inference.predict(threshold_match_probability=review_probability)
    sources = "" if other is None else ", source_dataset_l, source_dataset_r"
    pairs = linker.misc.query_sql(
        f"select unique_id_l, unique_id_r, match_probability, match_weight{sources} from {predictions.physical_name}",  # noqa: S608 (Splink's own table name)
        output_type="pandas",
    )
    on_stage("cluster")
    if one_to_one:
        clusters = _one_to_one(features, other, pairs, match_probability)
    else:
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=match_probability
        )
        clusters = linker.misc.query_sql(
            f"select unique_id, cluster_id{'' if other is None else ', source_dataset'} from {clustered.physical_name}",  # noqa: S608
            output_type="pandas",
        )
        if other is None:
            clusters = attach_singletons(clusters, pairs)
    if other is not None:
        pairs = _name_sources(pairs, ("source_dataset_l", "source_l"), ("source_dataset_r", "source_r"))
        if "source_dataset" in clusters:
            clusters = _name_sources(clusters, ("source_dataset", "source"))
            clusters["cluster_id"] = clusters["cluster_id"].map(_cluster_key)
    return LinkResult(
        clusters=clusters,
        pairs=pairs,
        model=linker.misc.save_model_to_json(),
        version=version,
        trained=bool(train),
    )


def attach_singletons(
    clusters: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    probability: float = linkage_model.ATTACH_PROBABILITY,
    share: float = linkage_model.ATTACH_SHARE,
) -> pd.DataFrame:
    """Joins a record the clustering left alone to the one cluster its pairs point to, when sure enough.

    At a million records the prior is ten times smaller than at a hundred thousand, so a twin with a name
    contained in the other's or nothing but a name and a regency stays just under the match threshold while
    nothing else comes close. Such a record joins a cluster when all its pairs (from the review threshold)
    go to that one cluster (a record that also pairs with another cluster is left to a person), its best
    pair reaches `probability`, and it pairs with at least `share` of the cluster's records (one pair with
    one record of many is more often a relative of that one). Developed on seeds 2 and 3 (docs/linkage.md);
    only singletons: moving clusters of two or three records too lost precision for no recall.
    """
    cluster_of = pd.Series(clusters["cluster_id"].to_numpy(), index=clusters["unique_id"].to_numpy())
    size = clusters["cluster_id"].value_counts()
    left, right = pairs["unique_id_l"], pairs["unique_id_r"]
    edges = pd.DataFrame(
        {
            "record": pd.concat([left, right], ignore_index=True),
            "other": pd.concat([right.map(cluster_of), left.map(cluster_of)], ignore_index=True),
            "probability": pd.concat([pairs["match_probability"]] * 2, ignore_index=True),
        }
    )
    edges["own"] = edges["record"].map(cluster_of)
    edges = edges[(edges["own"] != edges["other"]) & (edges["own"].map(size) == 1)]
    if edges.empty:
        return clusters
    per_record = edges.groupby("record").agg(
        clusters=("other", "nunique"),
        best=("probability", "max"),
        target=("other", "first"),
        links=("probability", "size"),
    )
    chosen = per_record[
        (per_record["clusters"] == 1)
        & (per_record["best"] >= probability)
        & (per_record["links"] >= share * per_record["target"].map(size))
    ]
    target = dict(zip(chosen.index.map(cluster_of), chosen["target"], strict=True))
    # Two lone records that choose each other become one cluster under the smaller key; no longer chain can
    # form, since a lone record chosen by another has that one among its clusters and so chooses it or none.
    moves = {
        own: min(own, cluster) if target.get(cluster) == own else cluster for own, cluster in target.items()
    }
    clusters = clusters.copy()
    clusters["cluster_id"] = clusters["cluster_id"].map(lambda c: moves.get(c, c))
    return clusters


def _source(table: str) -> str:
    return table.removeprefix("src_")


def _cluster_key(splink_key: str) -> str:
    """Splink's "src_1-__-17" as "1:17" (the source, then the record's id within it)."""
    table, _, unique_id = splink_key.partition("-__-")
    return f"{_source(table)}:{unique_id}"


def _name_sources(frame: pd.DataFrame, *renames: tuple[str, str]) -> pd.DataFrame:
    frame = frame.rename(columns=dict(renames))
    for _, column in renames:
        frame[column] = frame[column].map(_source)
    return frame


def _one_to_one(
    left: pd.DataFrame, right: pd.DataFrame, pairs: pd.DataFrame, match_probability: float
) -> pd.DataFrame:
    """Each record with its best partner at or above `match_probability`, best pairs first, each used once."""
    sure = pairs[pairs.match_probability >= match_probability].sort_values(
        ["match_probability", "unique_id_l", "unique_id_r"], ascending=[False, True, True], kind="stable"
    )
    partner: dict[str, str] = {}
    taken: set[str] = set()
    for l_table, l_id, r_table, r_id in zip(
        sure.source_dataset_l, sure.unique_id_l, sure.source_dataset_r, sure.unique_id_r, strict=True
    ):
        one, two = f"{_source(l_table)}:{l_id}", f"{_source(r_table)}:{r_id}"
        if one not in taken and two not in taken:
            taken.update((one, two))
            partner[two] = one if one < two else two
            partner[one] = partner[two]
    frames = []
    for source, frame in (("1", left), ("2", right)):
        keys = source + ":" + frame["unique_id"].astype(str)
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": frame["unique_id"].to_numpy(),
                    "source": source,
                    "cluster_id": keys.map(lambda k: partner.get(k, k)).to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def train_and_save(
    features: pd.DataFrame, path: Path, *, version: str, note: str = "", backend: str = "duckdb"
) -> linkage_model.ModelVersion:
    """Trains the Indonesian-aware model on `features` and saves it (JSON + version record) at `path`."""
    logging.getLogger("splink").setLevel(logging.WARNING)
    db_api = make_db_api(backend)
    linker = Linker(_register(db_api, features, "__sinergi_train"), linkage_model.settings(), log_level=None)
    linkage_model.train(linker)
    return linkage_model.save(linker, path, version=version, trained_on_records=len(features), note=note)
