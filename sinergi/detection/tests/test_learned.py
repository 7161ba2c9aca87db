"""The learned layer: loading, scoring, explaining, combining and training (no Django needed)."""

import json

import pytest

from sinergi.detection.engine import learned
from sinergi.detection.engine.learned import LearnedModel, combine

RISKY = "Dibutuhkan admin/CS di Kamboja, gaji 15jt, tanpa pengalaman, tiket ditanggung, proses cepat. WA aja"
SAFE = "Pendaftaran ujian EPS-TOPIK program G to G Korea dibuka melalui BP3MI, tidak dipungut biaya selain ujian."


@pytest.fixture(scope="module")
def model():
    found = LearnedModel.load_default()
    assert found is not None, (
        "the packaged model file is missing: run `python -m sinergi.detection.engine.learned train`"
    )
    return found


def test_packaged_model_scores_a_scam_offer_above_a_g2g_announcement(model):
    risky, safe = model.proba(RISKY, []), model.proba(SAFE, [])
    assert 0.0 <= safe < 0.5 < risky <= 1.0


def test_packaged_model_knows_only_the_engine_s_current_rule_codes(model):
    """A renamed or removed indicator leaves a dead weight in the model: retrain when the rules change."""
    from sinergi.detection.engine import load_knowledge

    stale = set(model.rule_value) - set(load_knowledge().rules)
    assert not stale, f"retrain with `python -m sinergi.detection.engine.learned train`: {sorted(stale)}"
    assert model.meta["rule_features"] is True


def test_explain_names_readable_terms_in_the_reader_s_spelling(model):
    ranked = model.explain(SAFE, [], top=5)
    terms = dict(ranked)
    assert len(terms) == 5
    # Ranked by size; the heaviest pulls toward safe, and most of the five do.
    assert ranked[0][1] < 0 and sum(weight < 0 for weight in terms.values()) >= 3, ranked
    assert "BP3MI" in terms or "Korea" in terms or "EPS" in terms  # the post's spelling, not "bp0mi"
    assert abs(ranked[0][1]) >= abs(ranked[-1][1])


def test_explain_top_zero_and_empty_text(model):
    assert model.explain(RISKY, [], top=0) == []
    assert model.explain("", []) == []
    assert 0.0 < model.proba("", []) < 1.0


def test_combine_without_a_probability_returns_the_rule_score():
    assert combine(0.37, None) == 0.37


def test_combine_stays_between_zero_and_one(model):
    for rule in (0.0, 0.4, 1.0):
        for proba in (0.0, 0.5, 1.0):
            assert 0.0 <= combine(rule, proba) <= 1.0
    assert combine(0.2, 0.99) > 0.2 or model.rule_weight == 1.0


def test_missing_or_broken_model_file_means_no_model(tmp_path, monkeypatch):
    monkeypatch.setattr(learned, "DEFAULT_MODEL_PATH", tmp_path / "none.json")
    monkeypatch.delenv(learned.MODEL_PATH_ENV, raising=False)
    assert LearnedModel.load_default() is None
    assert combine(0.6, 0.9) == 0.6
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv(learned.MODEL_PATH_ENV, str(broken))
    assert LearnedModel.load_default() is None
    broken.write_text(json.dumps({"format": learned.FORMAT, "blocks": {}}), encoding="utf-8")
    assert LearnedModel.load_default() is None


def _tiny_corpus(directory):
    risky = [
        "Lowongan admin Kamboja gaji 15jt tiket ditanggung",
        "Kerja CS di Myanmar gaji gede tanpa pengalaman",
        "ART ke Saudi pakai visa umroh, semua diurus sponsor",
        "Kerja sawit Malaysia lewat jalur tikus tanpa paspor",
        "Operator game Kamboja berangkat minggu ini gratis tiket",
        "ABK kapal ikan asing biaya 5jt potong gaji",
    ]
    safe = [
        "Pendaftaran EPS-TOPIK G to G Korea lewat BP3MI",
        "Lowongan kasir di Surabaya gaji UMR BPJS",
        "Job order caregiver Taiwan P3MI berizin resmi",
        "Ujian JFT-Basic untuk Tokutei Ginou di LPK terdaftar",
        "Sosialisasi migrasi aman oleh Disnaker di balai desa",
        "Admin gudang di Jakarta Timur kirim lamaran ke email",
    ]
    lines = [{"id": f"r{i}", "text": t, "label": "risky"} for i, t in enumerate(risky)]
    lines += [{"id": f"s{i}", "text": t, "label": "safe"} for i, t in enumerate(safe)]
    (directory / "tiny.jsonl").write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8"
    )


def test_train_on_a_tiny_corpus_writes_a_loadable_deterministic_model(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _tiny_corpus(corpus)
    first = learned.train_and_save(path=tmp_path / "a.json", corpus_dir=corpus, with_rules=False)
    second = learned.train_and_save(path=tmp_path / "b.json", corpus_dir=corpus, with_rules=False)
    assert first.read_bytes() == second.read_bytes()
    model = LearnedModel.load(first)
    assert model.proba("gaji gede di Kamboja tiket ditanggung", []) > model.proba(
        "lamaran kasir Surabaya BPJS", []
    )


def test_analysts_reviews_change_the_model(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _tiny_corpus(corpus)
    base = LearnedModel.load(
        learned.train_and_save(path=tmp_path / "base.json", corpus_dir=corpus, with_rules=False)
    )
    reviews = [
        {"text": "kerja ladang di Zambesia, bayar agen dulu", "label": "confirmed"},
        {"text": "kerja ladang di Zambesia lewat perahu malam", "label": "risky"},
        {"text": "", "label": "risky"},  # an empty review is skipped, not an error
    ]
    tuned = LearnedModel.load(
        learned.train_and_save(reviews, path=tmp_path / "tuned.json", corpus_dir=corpus, with_rules=False)
    )
    text = "lowongan ladang Zambesia"
    assert tuned.proba(text, []) > base.proba(text, [])
    assert tuned.meta["examples"] == base.meta["examples"] + 2


def test_unknown_review_label_is_rejected(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _tiny_corpus(corpus)
    with pytest.raises(ValueError, match="unknown label"):
        learned.train_and_save(
            [{"text": "x y z", "label": "maybe"}], path=tmp_path / "m.json", corpus_dir=corpus
        )


def test_split_is_stable_and_about_a_quarter():
    ids = [f"id-{i}" for i in range(2000)]
    held = [i for i in ids if learned.is_held_out(i)]
    assert held == [i for i in ids if learned.is_held_out(i)]
    assert 0.2 < len(held) / len(ids) < 0.3


def test_blend_weight_keeps_the_rules_floor_even_when_they_add_nothing():
    labels = [1, 1, 1, 0, 0, 0]
    backwards_rules = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    assert learned._fit_rule_weight(backwards_rules, [0.99] * 3 + [0.1] * 3, labels, 0.35) == 0.25
    # Below the floor the blend would do better still, but the rules keep their share.
    assert (
        learned._fit_rule_weight(backwards_rules, [0.99] * 3 + [0.2] * 3, labels, 0.35)
        >= learned.MIN_RULE_WEIGHT
    )
    perfect_model = [0.99, 0.98, 0.97, 0.01, 0.02, 0.03]
    # Rules that separate the classes as well as the model win the tie: the larger rule weight is kept.
    assert learned._fit_rule_weight([0.9, 0.8, 0.7, 0.0, 0.1, 0.0], perfect_model, labels, 0.35) == 1.0


def test_decision_equals_the_training_features_dot_product(model):
    """The fast per-word scoring gives exactly the value of the features training fits on."""
    texts = [RISKY, SAFE, "GAJIIII 15JT!!! gajiii 15jt Kamboja", "ＡＢＣ１２３ ﬁle", "😀", ""]
    for text in texts:
        codes = ["NON_PLACEMENT_COUNTRY", "NOT_A_CODE"]
        _, words, chars, rules = learned.analyse(text, codes, model.char_ngrams)
        expected = model.intercept
        expected += sum(
            v * model.word_coef[f] for f, v in learned.block_values(words, model.word_idf, True).items()
        )
        expected += sum(
            v * model.char_coef[f] for f, v in learned.block_values(chars, model.char_idf, True).items()
        )
        expected += sum(
            v * model.rule_coef[f] for f, v in learned.block_values(rules, model.rule_value, False).items()
        )
        assert model.decision(text, codes) == pytest.approx(expected, abs=1e-9)
        explained = sum(weight for _, weight in model.explain(text, codes, top=10_000))
        assert explained == pytest.approx(expected - model.intercept, abs=5e-3)


def test_training_with_the_engine_learns_rule_codes_and_the_blend(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _tiny_corpus(corpus)
    model = LearnedModel.load(learned.train_and_save(path=tmp_path / "m.json", corpus_dir=corpus))
    assert model.meta["rule_features"] is True
    assert model.meta["knowledge_version"]
    assert model.rule_value, "the engine found no indicator in the tiny corpus"
    assert all(value == learned.RULE_FEATURE_VALUE for value in model.rule_value.values())
    assert learned.MIN_RULE_WEIGHT <= model.rule_weight <= 1.0


def test_scoring_needs_neither_scikit_learn_nor_numpy_nor_django():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sinergi.detection.engine.learned import LearnedModel\n"
        "m = LearnedModel.load_default()\n"
        "assert m is not None and 0 <= m.proba('Lowker admin Kamboja gaji 15jt', ['NON_PLACEMENT_COUNTRY']) <= 1\n"
        "m.explain('Lowker admin Kamboja gaji 15jt', [])\n"
        "print(sorted(n for n in ('sklearn', 'numpy', 'scipy', 'django') if n in sys.modules))\n"
    )
    # A fresh interpreter: this test process has scikit-learn loaded already. The command is a constant.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert out.strip() == "[]"


def test_reviews_that_would_make_screening_worse_than_the_rules_are_rejected(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _tiny_corpus(corpus)
    good = learned.train_and_save(path=tmp_path / "model.json", corpus_dir=corpus)
    before = good.read_bytes()
    assert json.loads(before)["meta"]["held_out"]["macro_f1"]["combined"] >= 0.9
    # Every text of the corpus, labelled the wrong way round, several times over: a poisoned batch of reviews.
    flipped = [
        {"text": r["text"], "label": "safe" if r["label"] == "risky" else "risky"}
        for r in learned.load_corpus(corpus)
    ] * 3
    with pytest.raises(learned.ModelRejected, match="not saved"):
        learned.train_and_save(flipped, path=good, corpus_dir=corpus)
    assert good.read_bytes() == before


def test_random_bytes_and_characters_are_never_flagged_by_the_model():
    """Junk used to come out "sedang" on a stray character n-gram; now the model abstains and says so."""
    import os
    import random

    from sinergi.detection.engine import screen

    rng = random.Random(7)
    flagged = []
    for i in range(200):
        junk = os.urandom(300) if i % 2 else "".join(chr(rng.randint(32, 0x3000)) for _ in range(300))
        result = screen(junk)
        if result.risk_level != "rendah" and not result.indicators:
            flagged.append(result)
    assert flagged == []
    result = screen(bytes(range(256)) * 2)
    assert result.learned_proba is None
    assert any("Model statistik tidak dipakai" in warning for warning in result.warnings)


def test_model_abstains_on_too_few_known_words_but_not_on_a_real_post(model):
    assert model.assess("lowker", []) is None
    assert model.assess("zzqx vbnm qwrtp plokij", []) is None
    assert model.assess(RISKY, []) == pytest.approx(model.proba(RISKY, []))
