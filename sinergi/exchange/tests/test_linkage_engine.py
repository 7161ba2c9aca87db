"""The pure linkage engine: Indonesian name keys, features from the NIK and phones, saved models, scoring."""

from __future__ import annotations

import json
import sys
from datetime import date

import pandas as pd
import pytest

from sinergi.exchange.linkage import model as linkage_model
from sinergi.exchange.linkage.features import (
    normalise_address,
    normalise_birth_date,
    normalise_phone,
    prepare,
)
from sinergi.exchange.linkage.names import name_key
from sinergi.exchange.linkage.scoring import score_candidates
from sinergi.people.nik import nik_build


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Muhammad Yusuf Santoso", "Moh. Yusuf Santoso"),
        ("Muhamad Yusuf Santoso", "M. Yusuf Santoso"),
        ("Mochammad Yusuf Santoso", "Yusuf Santoso"),
        ("Achmad Fauzi", "Ahmad Fauzi"),
        ("Soedjatmiko", "Sujatmiko"),
        ("Tjahjono Djoko", "Cahyono Joko"),
        ("Hj. Siti Fatimah, S.Pd.", "siti fatima"),
        ("Dr. Hendry Wijaya", "Hendri Wijaya"),
        ("Ramadhan Effendi", "Ramadan Efendi"),
        ("Abdoel Rachman", "Abdul Rahman"),
        ("Siti Aminah binti Kasim", "SITI AMINAH"),
    ],
)
def test_name_variants_share_one_key(left, right):
    assert name_key(left).key == name_key(right).key


@pytest.mark.parametrize(
    ("left", "right"),
    [("Siti Aminah", "Siti Aminah Lestari"), ("Muhammad Danuja", "Dadap Danuja"), ("Budi", "Bambang")],
)
def test_different_names_keep_different_keys(left, right):
    assert name_key(left).key != name_key(right).key


def test_bin_part_is_the_fathers_name_and_a_single_name_stays_one_token():
    key = name_key("Sumarni binti Parto")
    assert key.tokens == ("sumarni",)
    assert key.father == ("parto",)
    assert name_key("Muhammad").tokens == ("muhammad",)
    assert name_key("Bin Laden").tokens == ("bin", "laden")  # "bin" as the first word is a name


def test_nik_gives_birth_date_sex_and_region_when_they_are_missing():
    nik = nik_build("637101", date(1990, 8, 15), "F", 12)
    features = prepare(
        pd.DataFrame({"unique_id": [1], "name": ["Rina"], "nik": [f"{nik[:6]}.{nik[6:12]}.{nik[12:]}"]})
    )
    row = features.iloc[0]
    assert (row.nik, row.dob, row.sex, row.region) == (nik, "1990-08-15", "F", "637101")


def test_entered_values_win_over_the_nik_and_regions_keep_their_level():
    nik = nik_build("637101", date(1990, 8, 15), "F", 12)
    frame = pd.DataFrame(
        {
            "unique_id": ["a", "b"],
            "name": ["Rina", "Budi"],
            "nik": [nik, "3.17E+15"],
            "sex": ["Laki-laki", "P"],
            "birth_date": ["05/01/1991", "31/02/1990"],
            "region": ["52.03", "63.71.01.1001"],
        }
    )
    a, b = prepare(frame).itertuples()
    assert (a.sex, a.dob, a.region) == ("M", "1991-01-05", "5203")
    assert (b.nik, b.sex, b.dob, b.region) == (None, "F", None, "637101")


def test_a_nik_that_contradicts_its_record_is_someone_elses_and_is_not_used():
    mother = nik_build("637101", date(1970, 8, 15), "F", 12)
    frame = pd.DataFrame(
        {
            "unique_id": ["son", "daughter", "typo"],
            "name": ["Budi", "Rina", "Rina"],
            "nik": [mother, mother, mother],
            "sex": ["L", "P", "P"],
            "birth_date": ["", "2001-02-03", "1970-08-16"],  # the last one: a day out, a typo, kept
        }
    )
    son, daughter, typo = prepare(frame).itertuples()
    assert (son.nik, son.dob, son.region) == (None, None, None)  # another sex
    assert (daughter.nik, daughter.dob, daughter.region) == (None, "2001-02-03", None)  # 31 years apart
    assert (typo.nik, typo.dob, typo.region) == (mother, "1970-08-16", "637101")


def test_a_names_frequency_comes_from_its_words_not_from_its_copies():
    from sinergi.exchange.linkage.features import name_frequencies

    names = ["Siti", "Siti", "Siti Aminah", "Wasis Hakim Santoso", "Wasis Hakim Santoso", "Budi Santoso"]
    names += [
        "Agus Dwi Prasetyo",
        "Rina Sari Dewi",
        "Joko Tri Widodo",
        "Eko Budi Purnomo",
        "Dewi Ayu Lestari",
    ]
    names += ["Sri Wahyuni Putri"]
    features = prepare(pd.DataFrame({"unique_id": range(len(names)), "name": names}))
    tf = dict(name_frequencies(features).itertuples(index=False))
    # Written twice, both: yet three words are far rarer than one common single name.
    assert tf["wasis hakim santoso"] < tf["siti"] / 10
    assert tf["siti amina"] < tf["siti"] and set(tf) == set(features.name_key)
    assert name_key("Muhammad Yusuf").first == name_key("Yusuf").first == "yusuf"


def test_a_words_share_is_counted_in_its_place_first_or_last():
    from sinergi.exchange.linkage.features import name_frequencies

    names = ["Budi Santoso", "Agus Santoso", "Rina Santoso", "Siti"]
    features = prepare(pd.DataFrame({"unique_id": range(len(names)), "name": names}))
    tf = dict(name_frequencies(features).itertuples(index=False))
    # Two-word names 3/4, "budi" one first word of 3, "santoso" every last word: 0.25 (all words: 0.0625).
    assert tf["budi santoso"] == pytest.approx(0.25)
    assert tf["siti"] == pytest.approx(0.25)


def test_one_letter_typed_wrong_has_its_own_name_level():
    from splink import DuckDBAPI, Linker

    from sinergi.exchange.linkage.pipeline import _arrow

    settings, _ = linkage_model.load(linkage_model.DEFAULT_MODEL, term_frequencies=False)
    settings.retain_intermediate_calculation_columns = True
    names = ["Reza Mahendra", "Reza Mhendra", "Reza Mahendar", "Rezza Mahendraa"]
    features = prepare(pd.DataFrame({"unique_id": range(len(names)), "name": names}))
    linker = Linker(DuckDBAPI().register(_arrow(features)), settings, log_level=None)
    rows = features.to_dict("records")
    scored = linker.inference.score_pairs(rows[:1], rows[1:]).as_pandas_dataframe()  # type: ignore[no-untyped-call]
    levels = scored.sort_values("unique_id_r").gamma_name.tolist()
    # Jaro-Winkler puts the dropped letter at 0.93, below its 0.94 level; "Rezza Mahendraa" folds to the same
    # key (double letters); the one-typo level (8 of 10) takes the dropped and the swapped letter.
    assert levels == [8, 8, 10]


def test_phones_become_e164_whatever_the_format():
    forms = ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456 7890"]
    assert {normalise_phone(f) for f in forms} == {"+6281234567890"}
    assert normalise_phone("021 555 1234") == "+62215551234"
    assert normalise_phone("12") is None
    assert normalise_birth_date("19900105") == "1990-01-05"
    assert normalise_birth_date("kemarin") is None


def test_engine_imports_no_django():
    import subprocess

    code = (
        "import sys; import sinergi.exchange.linkage.pipeline, sinergi.exchange.linkage.scoring, "
        "sinergi.exchange.linkage.command; print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == "False"


def test_shipped_default_model_loads_with_its_version_record():
    settings, version = linkage_model.load(linkage_model.DEFAULT_MODEL)
    assert version.kind == linkage_model.MODEL_KIND and version.version
    comparisons = settings.create_settings_dict("duckdb")["comparisons"]
    assert {c["output_column_name"] for c in comparisons} >= {"name", "dob", "nik", "contact"}
    # Trained parameters travel with the rebuilt comparisons, in the other backend's SQL dialect too.
    name = settings.create_settings_dict("spark")["comparisons"][0]["comparison_levels"][1]
    assert name["sql_condition"] == "`name_key_l` = `name_key_r`" and 0 < name["m_probability"] < 1


def test_a_model_of_another_feature_version_is_refused(tmp_path):
    path = tmp_path / "old.json"
    saved = json.loads(linkage_model.DEFAULT_MODEL.read_text())
    linkage_model.save_dict(saved, path, version="9", trained_on_records=1)
    assert linkage_model.load(path)[1].version == "9"
    record = json.loads(linkage_model.version_path(path).read_text())
    record["feature_version"] = 0
    linkage_model.version_path(path).write_text(json.dumps(record))
    with pytest.raises(linkage_model.ModelError):
        linkage_model.load(path)
    with pytest.raises(linkage_model.ModelError):
        linkage_model.load(tmp_path / "missing.json")


def test_a_run_model_of_an_older_feature_version_falls_back_to_the_default(tmp_path, caplog):
    path = tmp_path / "run-1.json"
    linkage_model.save_dict(
        json.loads(linkage_model.DEFAULT_MODEL.read_text()), path, version="run-1", trained_on_records=1
    )
    record = json.loads(linkage_model.version_path(path).read_text())
    record["feature_version"] = linkage_model.FEATURE_VERSION - 1
    linkage_model.version_path(path).write_text(json.dumps(record))
    new = {"name": "Moh. Yusuf Santoso", "birth_date": "1990-01-05", "phone": "0812-3456-7890"}
    same = {
        "unique_id": 1,
        "name": "Muhammad Yusuf Santoso",
        "birth_date": "05/01/1990",
        "phone": "081234567890",
    }
    assert [m.unique_id for m in score_candidates(new, [same], model_path=path)] == ["1"]
    assert "unusable" in caplog.text


def test_intake_scoring_finds_the_same_person_written_differently():
    nik = nik_build("637101", date(1990, 1, 5), "M", 77)
    matches = score_candidates(
        {"name": "Moh. Yusuf Santoso", "nik": nik, "phone": "0812-3456-7890"},
        [
            {
                "unique_id": 1,
                "name": "Muhammad Yusuf Santoso",
                "birth_date": "05/01/1990",
                "phone": "+6281234567890",
            },
            {"unique_id": 2, "name": "Siti Aminah", "birth_date": "1975-03-02", "region": "52.03"},
            {
                "unique_id": 3,
                "name": "Yusuf Santoso",
                "birth_date": "1961-02-03",
                "sex": "M",
                "region": "53.01.02",
            },
        ],
    )
    assert [m.unique_id for m in matches] == ["1"]
    assert matches[0].band == "match"
    assert score_candidates({"name": "Rina"}, []) == []


def test_a_file_without_region_nik_or_phone_still_trains():
    from sinergi.exchange.linkage.pipeline import link
    from sinergi.exchange.linkage.synthetic import generate

    records = generate(2100, seed=4)[["unique_id", "name", "birth_date", "true_cluster"]]
    result = link(prepare(records.drop(columns=["true_cluster"])), train=True)
    assert result.trained and len(result.clusters) == len(records)
    truth = dict(zip(records.unique_id, records.true_cluster, strict=True))
    merged = result.pairs[result.pairs.match_probability >= 0.95]
    right = sum(truth[a] == truth[b] for a, b in zip(merged.unique_id_l, merged.unique_id_r, strict=True))
    assert right >= 0.9 * len(merged) > 0


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Jln. Merdeka No. 5, RT.003/RW.005, Kel. Sukamaju", "jalan merdeka 5 rt 3 rw 5 sukamaju"),
        ("JL Merdeka no 5 RT 03 / RW 05", "Jl. Merdeka Nomor 5, rt003rw005"),
        ("Gg. Mawar 12, Desa Cibiru, Kec. Cileunyi, Kab. Bandung", "gang mawar 12 cibiru cileunyi bandung"),
        ("Perumahan Griya Asri Blok C/7, Kota Batam", "Perum Griya Asri Blok C 7 Batam"),
    ],
)
def test_address_variants_share_one_spelling(left, right):
    assert normalise_address(left) == normalise_address(right)


def test_addresses_that_differ_stay_different_and_markers_alone_say_nothing():
    assert normalise_address("Jl. Merdeka No. 5") == "jl merdeka 5"
    assert normalise_address("Jl. Merdeka No. 5") != normalise_address("Jl. Merdeka No. 15")
    assert normalise_address("RT 3 RW 5") != normalise_address("RT 5 RW 3")
    assert normalise_address("No. , Kel. ") is None
    assert normalise_address(None) is None


def test_address_and_postcode_are_prepared_only_when_given():
    with_address = prepare(
        pd.DataFrame(
            {
                "unique_id": [1, 2],
                "name": ["Rina", "Budi"],
                "address": ["Jln. Melati Indah No. 7, RT 2", ""],
                "postcode": ["40 123", "12"],
            }
        )
    )
    assert with_address.address.tolist() == ["jl melati indah 7 rt 2", None]
    assert with_address.address_tokens.tolist() == [["indah", "melati"], []]
    assert with_address.postcode.tolist() == ["40123", None]
    without = prepare(pd.DataFrame({"unique_id": [1], "name": ["Rina"]}))
    assert (without.address.iloc[0], without.address_tokens.iloc[0], without.postcode.iloc[0]) == (
        None,
        [],
        None,
    )


def test_same_address_and_postcode_are_evidence_and_missing_ones_are_neutral():
    home = {"address": "jalan melati 7 rt 002 rw 004", "postcode": "40123"}
    new = {"name": "Siti Rahayu", "address": "Jl. Melati No. 7, RT 2/RW 4", "postcode": "40123"}

    def probability(candidate: dict, **extra) -> float:
        found = score_candidates({**new, **extra}, [{"unique_id": "x", "name": "Siti Rahayu", **candidate}])
        return found[0].probability if found else 0.0  # 0: below the review band

    # A common name alone is no duplicate; the same home written another way makes it one.
    assert probability({}) == 0.0
    assert probability(home) >= linkage_model.MATCH_PROBABILITY
    born = {"birth_date": "1990-01-05"}
    # With a birth date in common: the same home adds to it, no address is neutral, another home outvotes it.
    with_home, unknown = probability({**home, **born}, **born), probability(born, **born)
    assert with_home > unknown >= linkage_model.MATCH_PROBABILITY
    assert probability({**born, "address": "Jl. Sudirman No. 80", "postcode": "61211"}, **born) < unknown


def _clusters_by_source(result) -> dict[tuple[str, str], str]:
    frame = result.clusters
    return {(s, i): c for s, i, c in zip(frame.source, frame.unique_id, frame.cluster_id, strict=True)}


def test_two_sources_are_linked_across_only_and_one_to_one_breaks_chains():
    from sinergi.exchange.linkage.pipeline import link

    nik = nik_build("637101", date(1990, 1, 5), "M", 77)
    left = prepare(
        pd.DataFrame(
            {
                "unique_id": ["1", "2", "3"],
                "name": ["Muhammad Yusuf Santoso", "Moh. Yusuf Santoso", "Siti Aminah"],
                "nik": [nik, nik, ""],
                "birth_date": ["1990-01-05", "05/01/1990", "1975-03-02"],
            }
        )
    )
    right = prepare(
        pd.DataFrame(
            {"unique_id": ["1"], "name": ["M. Yusuf Santoso"], "nik": [nik], "birth_date": ["1990-01-05"]}
        )
    )
    components = link(left, other=right)
    assert set(components.pairs.source_l) == {"1"} and set(components.pairs.source_r) == {"2"}
    cluster = _clusters_by_source(components)
    # The two left records are never compared with each other, but the right one joins both into one cluster.
    assert cluster["1", "1"] == cluster["1", "2"] == cluster["2", "1"] != cluster["1", "3"]
    paired = link(left, other=right, one_to_one=True)
    cluster = _clusters_by_source(paired)
    assert cluster["2", "1"] in (cluster["1", "1"], cluster["1", "2"])
    assert cluster["1", "1"] != cluster["1", "2"]
    assert len(paired.clusters) == 4
    with pytest.raises(ValueError, match="two sources"):
        link(left, one_to_one=True)


def _attached(clusters: dict[str, str], pairs: list[tuple[str, str, float]]) -> dict[str, str]:
    from sinergi.exchange.linkage.pipeline import attach_singletons

    frame = pd.DataFrame({"unique_id": list(clusters), "cluster_id": list(clusters.values())})
    scored = pd.DataFrame(pairs, columns=["unique_id_l", "unique_id_r", "match_probability"])
    out = attach_singletons(frame, scored)
    return dict(zip(out.unique_id, out.cluster_id, strict=True))


def test_a_lone_record_joins_the_one_cluster_its_pairs_point_to():
    clusters = {"a": "a", "b": "a", "s": "s"}
    # Paired with both of the cluster's records, the best at 0.85: joins it.
    assert _attached(clusters, [("s", "a", 0.85), ("b", "s", 0.6)])["s"] == "a"
    # Its best pair below the attach probability: stays alone.
    assert _attached(clusters, [("s", "a", 0.7), ("b", "s", 0.6)])["s"] == "s"


def test_a_lone_record_stays_alone_when_two_clusters_come_close_or_it_pairs_with_few_of_one():
    two = {"a": "a", "b": "a", "c": "c", "d": "c", "s": "s"}
    assert _attached(two, [("s", "a", 0.9), ("s", "b", 0.9), ("s", "c", 0.55)])["s"] == "s"
    # One pair with one record of four (a relative of that one, more likely than the fourth's twin).
    big = {"a": "a", "b": "a", "c": "a", "d": "a", "s": "s"}
    assert _attached(big, [("s", "a", 0.9)])["s"] == "s"
    assert _attached(big, [("s", "a", 0.9), ("s", "b", 0.6)])["s"] == "a"


def test_two_lone_records_that_choose_each_other_become_one_cluster_and_clusters_are_not_moved():
    clusters = {"x": "x", "y": "y", "a": "a", "b": "a", "c": "c", "d": "c"}
    out = _attached(clusters, [("y", "x", 0.9), ("a", "c", 0.9), ("b", "d", 0.9)])
    assert out["x"] == out["y"] == "x"
    assert out["a"] == out["b"] == "a" and out["c"] == out["d"] == "c"
