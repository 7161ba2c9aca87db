"""The same linkage pipeline on Splink's Spark backend (a local Spark, as CI runs it) gives DuckDB's clusters."""

from __future__ import annotations

import shutil

import pytest

from sinergi.exchange.linkage.features import prepare
from sinergi.exchange.linkage.pipeline import link, local_spark_session
from sinergi.exchange.linkage.synthetic import generate

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="Java is not installed: the Spark backend needs a JVM (make system-deps)",
)


@pytest.fixture(scope="module")
def spark():
    session = local_spark_session(cores=2, app_name="sinergi-link-test")
    yield session
    session.stop()


def test_spark_and_duckdb_link_the_same_records_into_the_same_clusters(spark):
    records = generate(300, seed=21)
    features = prepare(records)
    on_spark = link(features, backend="spark", spark_session=spark, train=False)
    on_duckdb = link(features, backend="duckdb", train=False)

    def groups(result):
        members: dict[str, set[str]] = {}
        for uid, cluster in zip(result.clusters.unique_id, result.clusters.cluster_id, strict=True):
            members.setdefault(cluster, set()).add(uid)
        return {frozenset(m) for m in members.values()}

    assert len(on_spark.clusters) == len(records)
    assert groups(on_spark) == groups(on_duckdb)
    # And the clusters are the people: most true duplicates were found.
    assert len(groups(on_spark)) < len(records) * 0.7
