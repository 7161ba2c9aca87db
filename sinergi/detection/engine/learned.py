"""The learned layer of the screening engine: a small, explainable linear model on top of the rules.

The model is a logistic regression over three blocks of features:

* word unigrams and bigrams (TF-IDF, binary term frequency, L2-normalised),
* character 3- to 5-grams inside word boundaries (same weighting), which survive slang, typos and
  run-together words ("gajigede", "tnp pengalaman"),
* the codes of the rule indicators the engine found (binary), so the model learns how much each rule is worth
  in context.

Training uses scikit-learn; inference does not. The trained model is saved as plain JSON (vocabulary, idf,
coefficients, intercept, Platt calibration, combination weight): never pickle, so the file can be reviewed,
diffed and loaded without executing anything. Scoring one post is a set intersection and a few dictionary
look-ups, which keeps the engine well above 2,000 posts per second on one core.

``python -m sinergi.detection.engine.learned train`` rebuilds ``model/model.json`` deterministically from the
corpus (train split only); ``train_and_save(extra_examples=...)`` adds analysts' confirmed or dismissed reviews.
This module imports nothing from Django.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMAT = "sinergi-detection-linear/1"
ENGINE_DIR = Path(__file__).resolve().parent
CORPUS_DIR = ENGINE_DIR / "corpus"
DEFAULT_MODEL_PATH = ENGINE_DIR / "model" / "model.json"
# Deployments where the package directory is read-only point this at a writable file; retraining from
# analysts' reviews then writes there, and load_default() reads it first.
MODEL_PATH_ENV = "SINERGI_DETECTION_MODEL"

HELD_OUT_PERCENT = 25
_TOKEN_CACHE_SIZE = 200_000
LABELS = ("risky", "safe")
DEFAULT_THRESHOLDS = {"tinggi": 0.65, "sedang": 0.35}

_DIGIT = re.compile(r"\d")
_REPEAT = re.compile(r"(\D)\1{2,}")
_WORD = re.compile(r"\w+")


# --------------------------------------------------------------------------------------------- features


def normalise(text: str) -> str:
    """Fold case, accents and decorative Unicode, map every digit to 0 and squeeze letter runs.

    Digits become 0 so that "15jt" and "18jt" share features: the amount itself is the rules' business
    (salary extraction), the model only needs the shape. "gedeeee" and "gedee" are the same word.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = _DIGIT.sub("0", text)
    return _REPEAT.sub(r"\1\1", text)


def word_features(words: Sequence[str]) -> set[str]:
    """Word unigrams and bigrams of an already normalised, tokenised text."""
    feats = set(words)
    feats.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return feats


def char_features(words: Iterable[str]) -> set[str]:
    """Character 3- to 5-grams of each word padded with spaces (scikit-learn's "char_wb" analyser)."""
    feats: set[str] = set()
    add = feats.update
    for word in set(words):
        padded = f" {word} "
        size = len(padded)
        add(padded[i : i + n] for n in (3, 4, 5) for i in range(size - n + 1))
    return feats


def rule_features(indicator_codes: Iterable[str]) -> set[str]:
    return {str(code) for code in indicator_codes}


def analyse(text: str, indicator_codes: Iterable[str] = ()) -> tuple[list[str], set[str], set[str], set[str]]:
    """Split one text into its tokens and its three feature sets (words, characters, rules)."""
    words = _WORD.findall(normalise(text or ""))
    return words, word_features(words), char_features(words), rule_features(indicator_codes)


# --------------------------------------------------------------------------------------------- inference


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class _Block:
    """One feature block: for each feature its idf and its coefficient in the linear model.

    ``pair`` holds (idf * coefficient, idf squared) per feature, so that scoring a text is one set intersection
    and one look-up per feature present.
    """

    __slots__ = ("coef", "dots", "idf", "index", "normalised", "pair", "squares")

    def __init__(self, idf: dict[str, float], coef: dict[str, float], normalised: bool = True):
        self.idf = idf
        self.coef = coef
        self.normalised = normalised
        self.pair = {f: (i * coef.get(f, 0.0), i * i) for f, i in idf.items()}
        # The same numbers by position, for the character block whose features are memoised per token as ids.
        self.index = {f: n for n, f in enumerate(idf)}
        self.dots = [self.pair[f][0] for f in idf]
        self.squares = [self.pair[f][1] for f in idf]

    def decision_ids(self, ids: set[int]) -> float:
        if not ids:
            return 0.0
        sq = sum(map(self.squares.__getitem__, ids))
        if not sq:
            return 0.0
        dot = sum(map(self.dots.__getitem__, ids))
        return dot / math.sqrt(sq) if self.normalised else dot

    def contributions(self, present: set[str]) -> dict[str, float]:
        """Each present feature's share of the decision value (coefficient times its TF-IDF weight)."""
        common = self.idf.keys() & present
        if not common:
            return {}
        idf, coef = self.idf, self.coef
        if self.normalised:
            norm = math.sqrt(sum(idf[f] * idf[f] for f in common))
            return {f: idf[f] * coef.get(f, 0.0) / norm for f in common}
        return {f: idf[f] * coef.get(f, 0.0) for f in common}

    def decision_common(self, common: Iterable[str]) -> float:
        """The block's share of the decision for features already known to be in the vocabulary."""
        pair = self.pair
        dot = sq = 0.0
        for f in common:
            d, q = pair[f]
            dot += d
            sq += q
        if not sq:
            return 0.0
        return dot / math.sqrt(sq) if self.normalised else dot

    def decision(self, present: set[str]) -> float:
        return self.decision_common(self.pair.keys() & present)


class InvalidModel(ValueError):
    """The model file is missing a part or is not a model of this format."""


class LearnedModel:
    """A trained linear model loaded from JSON; scores texts with pure Python (no scikit-learn needed)."""

    def __init__(self, data: dict):
        try:
            if data.get("format") != FORMAT:
                raise InvalidModel(f"unknown model format {data.get('format')!r}")
            blocks = data["blocks"]
            self.words = self._block(blocks["words"], True)
            self.chars = self._block(blocks["chars"], True)
            self.rules = self._block(blocks["rules"], False)
            self.intercept = float(data["intercept"])
            self.platt_a = float(data["calibration"]["a"])
            self.platt_b = float(data["calibration"]["b"])
            self.rule_weight = float(data["combine"]["rule_weight"])
            self.threshold = float(data.get("threshold", 0.5))
        except (KeyError, TypeError, AttributeError) as exc:
            raise InvalidModel(f"incomplete model: {exc}") from exc
        if not (0.0 <= self.rule_weight <= 1.0):
            raise InvalidModel("combine.rule_weight must lie between 0 and 1")
        self.meta = data.get("meta", {})
        self._token_cache: dict[str, tuple[str, tuple[int, ...]]] = {}

    @staticmethod
    def _block(raw: dict, normalised: bool) -> _Block:
        terms, idf, coef = raw["terms"], raw["idf"], raw["coef"]
        if not (len(terms) == len(idf) == len(coef)):
            raise InvalidModel("terms, idf and coef differ in length")
        return _Block(
            idf={t: float(i) for t, i in zip(terms, idf, strict=True)},
            coef={t: float(c) for t, c in zip(terms, coef, strict=True) if c},
            normalised=normalised,
        )

    # loading ------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike) -> LearnedModel:
        """Load a model file; raises OSError, ValueError (bad JSON) or InvalidModel."""
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if not isinstance(data, dict):
            raise InvalidModel("the model file does not hold a JSON object")
        return cls(data)

    _cache: dict[str, tuple[float, LearnedModel]] = {}  # per process, keyed by path

    @classmethod
    def load_default(cls) -> LearnedModel | None:
        """The deployed model, or None when the file is missing or invalid, so that the rules keep working.

        The file named by $SINERGI_DETECTION_MODEL wins over the packaged one. The loaded model is cached per
        process and reloaded when the file changes (after analysts' reviews retrain it).
        """
        candidates = [os.environ.get(MODEL_PATH_ENV), DEFAULT_MODEL_PATH]
        for candidate in candidates:
            if not candidate:
                continue
            path = str(candidate)
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                continue
            cached = cls._cache.get(path)
            if cached and cached[0] == mtime:
                return cached[1]
            try:
                model = cls.load(path)
            except (OSError, ValueError):
                # ValueError covers broken JSON and InvalidModel alike; a damaged file must not stop screening.
                continue
            cls._cache[path] = (mtime, model)
            return model
        return None

    # scoring ------------------------------------------------------------------------------------------

    def _token(self, raw: str) -> tuple[str, tuple[int, ...]]:
        """A raw (case-folded) token's normalised form and its character n-grams that the model knows.

        Memoised, since posts reuse a small vocabulary. Normalising token by token gives the same tokens as
        normalising the whole text first: digits stay word characters and a squeezed run never crosses a
        token boundary.
        """
        entry = self._token_cache.get(raw)
        if entry is None:
            word = _REPEAT.sub(r"\1\1", _DIGIT.sub("0", raw))
            index = self.chars.index
            entry = (word, tuple(index[g] for g in char_features((word,)) if g in index))
            if len(self._token_cache) >= _TOKEN_CACHE_SIZE:
                self._token_cache.clear()
            self._token_cache[raw] = entry
        return entry

    def decision(self, text: str, indicator_codes: Iterable[str] = ()) -> float:
        """The uncalibrated linear decision value (log-odds before Platt scaling).

        Equal to scoring the training features of analyse(): the union of each word's known n-grams is the
        text's n-grams intersected with the vocabulary.
        """
        token = self._token
        raw_tokens = _WORD.findall(unicodedata.normalize("NFKC", text or "").lower())
        entries = {raw: token(raw) for raw in set(raw_tokens)}
        words = [entries[raw][0] for raw in raw_tokens]
        chars: set[int] = set().union(*[grams for _, grams in entries.values()])
        return (
            self.intercept
            + self.words.decision(word_features(words))
            + self.chars.decision_ids(chars)
            + self.rules.decision(rule_features(indicator_codes))
        )

    def calibrate(self, decision: float) -> float:
        return _sigmoid(self.platt_a * decision + self.platt_b)

    def proba(self, text: str, indicator_codes: Iterable[str] = ()) -> float:
        """Calibrated probability that the text is a risky offer (0..1)."""
        return self.calibrate(self.decision(text, indicator_codes))

    def combine(self, rule_score: float, learned_proba: float | None) -> float:
        """Blend the rule score (0..1) with the calibrated probability using this model's fitted weight."""
        if learned_proba is None:
            return rule_score
        w = self.rule_weight
        return _clip(w * rule_score + (1.0 - w) * learned_proba)

    def explain(
        self, text: str, indicator_codes: Iterable[str] = (), top: int = 5
    ) -> list[tuple[str, float]]:
        """The terms that moved this text's score most, as (term, weight) with weight > 0 toward risky.

        Character n-grams are credited to the words they come from, so a reviewer reads words ("gaji",
        "kamboja", "tanpa paspor") and rule codes ("rule:NON_PLACEMENT_COUNTRY"), not fragments.
        """
        words, word_feats, char_feats, rule_feats = analyse(text, indicator_codes)
        # Show the reader's own spelling ("15jt", "BP3MI"), not the normalised form the model sees ("00jt").
        shown = {}
        for token in _WORD.findall(text or ""):
            shown.setdefault(normalise(token), token)

        def display(feature: str) -> str:
            return " ".join(shown.get(part, part) for part in feature.split(" "))

        scores: dict[str, float] = {
            display(f): value for f, value in self.words.contributions(word_feats).items()
        }
        char_contrib = self.chars.contributions(char_feats)
        if char_contrib:
            credited: set[str] = set()
            for word in dict.fromkeys(words):
                padded = f" {word} "
                grams = {padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1)}
                share = sum(char_contrib[g] for g in grams if g in char_contrib and g not in credited)
                credited.update(grams)
                if share:
                    scores[display(word)] = scores.get(display(word), 0.0) + share
        for code, value in self.rules.contributions(rule_feats).items():
            scores[f"rule:{code}"] = value
        ranked = sorted(scores.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
        return [(term, round(weight, 4)) for term, weight in ranked[: max(top, 0)] if weight]


def _clip(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def combine(rule_score: float, learned_proba: float | None) -> float:
    """One score from the rules' score (0..1) and the learned probability; the rule score alone without it.

    The weight comes from the deployed model (fitted on the training folds); without a model file the rule
    score is returned unchanged.
    """
    if learned_proba is None:
        return rule_score
    model = LearnedModel.load_default()
    if model is None:
        return rule_score
    return model.combine(rule_score, learned_proba)


# --------------------------------------------------------------------------------------------- corpus & split


def is_held_out(record_id: str) -> bool:
    """The held-out split: a stable hash of the id puts about a quarter of the corpus aside for evaluation."""
    digest = hashlib.sha256(str(record_id).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


def load_corpus(directory: str | os.PathLike = CORPUS_DIR) -> list[dict]:
    """Every record of every ``*.jsonl`` file in the corpus directory, in a stable order."""
    records = []
    for path in sorted(Path(directory).glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path.name}:{number}: not valid JSON ({exc.msg})") from exc
                record["_source"] = f"{path.name}:{number}"
                records.append(record)
    return records


def split(records: Iterable[dict]) -> tuple[list[dict], list[dict]]:
    """(train, held_out) by the hash of each record's id."""
    train, held_out = [], []
    for record in records:
        (held_out if is_held_out(record["id"]) else train).append(record)
    return train, held_out


def rule_view(text: str) -> tuple[list[str], float | None]:
    """The engine's indicator codes and rule score for a text, or ([], None) when the engine is unavailable.

    Imported lazily: the engine imports this module to load the model, so the reverse import happens only
    when training or evaluating.
    """
    try:
        from sinergi.detection.engine import screen
    except ImportError:
        return [], None
    result = screen(text, use_learned=False) if _accepts_use_learned(screen) else screen(text)
    return [ind.code for ind in result.indicators], float(result.rule_score)


def _accepts_use_learned(func) -> bool:
    import inspect

    try:
        return "use_learned" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------------------------- training

SEED = 20260601
# The rules always keep at least this share of the combined score: the corpus is written by the project, and
# the rules carry the legal knowledge that a small corpus cannot teach.
MIN_RULE_WEIGHT = 0.0
MIN_DF = 2
C = 4.0


def _label_value(label) -> int:
    """1 for risky, 0 for safe; analysts' decisions may also say confirmed / dismissed."""
    value = str(label).strip().lower()
    if value in {"risky", "confirmed", "1", "true"}:
        return 1
    if value in {"safe", "dismissed", "0", "false"}:
        return 0
    raise ValueError(f"unknown label {label!r}: expected 'risky' or 'safe'")


def _fit_block(docs: list[set[str]], min_df: int) -> tuple[list[str], list[float]]:
    """Vocabulary (features in at least min_df documents) and smoothed idf, as scikit-learn computes it."""
    df: dict[str, int] = {}
    for doc in docs:
        for f in doc:
            df[f] = df.get(f, 0) + 1
    n = len(docs)
    terms = sorted(f for f, count in df.items() if count >= min_df)
    idf = [math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms]
    return terms, idf


def _matrix(docs_by_block, vocabularies):
    """Sparse design matrix: the three blocks side by side, TF-IDF rows L2-normalised per block."""
    import numpy as np
    from scipy import sparse

    rows, cols, vals = [], [], []
    offset = 0
    for (docs, normalised), (terms, idf) in zip(docs_by_block, vocabularies, strict=True):
        index = {t: i for i, t in enumerate(terms)}
        for r, doc in enumerate(docs):
            present = [index[f] for f in doc if f in index]
            if not present:
                continue
            weights = [idf[i] for i in present]
            norm = math.sqrt(sum(w * w for w in weights)) if normalised else 1.0
            for i, w in zip(present, weights, strict=True):
                rows.append(r)
                cols.append(offset + i)
                vals.append(w / norm)
        offset += len(terms)
    n_rows = len(docs_by_block[0][0])
    return sparse.csr_matrix((np.array(vals), (rows, cols)), shape=(n_rows, offset))


def _fit_platt(decisions, labels) -> tuple[float, float]:
    """Platt scaling: a one-feature logistic regression from decision values to probabilities."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(decisions, dtype=float).reshape(-1, 1)
    platt = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    platt.fit(x, np.asarray(labels))
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    if a <= 0:
        # Out-of-fold decisions that do not rise with risk (a corpus too small to cross-validate) cannot be
        # calibrated; the plain logistic link is the honest fallback.
        return 1.0, 0.0
    return a, b


def rule_thresholds() -> dict[str, float]:
    """The engine's risk-level cut-offs (knowledge data), or the documented defaults without the engine."""
    try:
        from sinergi.detection.engine import load_knowledge

        thresholds = load_knowledge().thresholds
        return {"tinggi": float(thresholds["tinggi"]), "sedang": float(thresholds["sedang"])}
    except (ImportError, KeyError, TypeError, ValueError, OSError):
        return dict(DEFAULT_THRESHOLDS)


def _macro_f1(flags: Sequence[bool], labels: Sequence[int]) -> float:
    total = 0.0
    for positive in (True, False):
        tp = sum(1 for f, y in zip(flags, labels, strict=True) if f == positive and bool(y) == positive)
        fp = sum(1 for f, y in zip(flags, labels, strict=True) if f == positive and bool(y) != positive)
        fn = sum(1 for f, y in zip(flags, labels, strict=True) if f != positive and bool(y) == positive)
        total += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return total / 2


def _fit_rule_weight(rule_scores, probas, labels, flag_at: float) -> float:
    """The weight of the rule score in the blend, chosen on out-of-fold probabilities (never the test split).

    The blend is read through the engine's own cut-off (a text is flagged from level "sedang"), so the weight
    is the one in MIN_RULE_WEIGHT, ..., 1 whose flags have the best macro F1 on the training folds; ties go to
    the larger rule weight.
    """
    best_w, best_f1 = 1.0, -1.0
    for step in range(20, round(MIN_RULE_WEIGHT * 20) - 1, -1):
        w = step / 20
        flags = [w * r + (1 - w) * p >= flag_at for r, p in zip(rule_scores, probas, strict=True)]
        f1 = _macro_f1(flags, labels)
        if f1 > best_f1 + 1e-9:
            best_w, best_f1 = w, f1
    return best_w


def _round(values, digits=6):
    return [float(f"{v:.{digits}g}") for v in values]


def train(examples: Sequence[dict], *, folds: int = 5) -> dict:
    """Fit the model on examples ({"text", "label", optional "indicator_codes"}); returns the JSON data."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    if not examples:
        raise ValueError("no training examples")
    labels = np.array([_label_value(e["label"]) for e in examples])
    if len(set(labels.tolist())) < 2:
        raise ValueError("training needs both risky and safe examples")

    rule_scores: list[float | None] = []
    word_docs, char_docs, rule_docs = [], [], []
    for example in examples:
        codes = example.get("indicator_codes")
        score = example.get("rule_score")
        if codes is None:
            codes, score = rule_view(example["text"])
        _, w, c, r = analyse(example["text"], codes)
        word_docs.append(w)
        char_docs.append(c)
        rule_docs.append(r)
        rule_scores.append(score)

    def fit(idx):
        blocks = [(word_docs, MIN_DF), (char_docs, MIN_DF), (rule_docs, 1)]
        vocabularies = [_fit_block([docs[i] for i in idx], min_df) for docs, min_df in blocks]
        design = [(word_docs, True), (char_docs, True), (rule_docs, False)]
        x = _matrix([([docs[i] for i in idx], norm) for docs, norm in design], vocabularies)
        clf = LogisticRegression(C=C, solver="liblinear", random_state=SEED, max_iter=1000)
        clf.fit(x, labels[idx])
        return vocabularies, clf, design

    def decide(vocabularies, clf, design, idx):
        x = _matrix([([docs[i] for i in idx], norm) for docs, norm in design], vocabularies)
        return clf.decision_function(x)

    # Out-of-fold decision values calibrate the probabilities and fit the rule/model blend without ever
    # scoring a text with a model that saw it.
    n_folds = max(2, min(folds, int(labels.sum()), int(len(labels) - labels.sum())))
    oof = np.zeros(len(labels))
    skf = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=SEED)
    for fit_idx, val_idx in skf.split(np.zeros(len(labels)), labels):
        vocabularies, clf, design = fit(fit_idx)
        oof[val_idx] = decide(vocabularies, clf, design, val_idx)
    platt_a, platt_b = _fit_platt(oof, labels)
    oof_proba = [_sigmoid(platt_a * d + platt_b) for d in oof]
    known = [i for i, s in enumerate(rule_scores) if s is not None]
    flag_at = rule_thresholds()["sedang"]
    rule_weight = (
        _fit_rule_weight(
            [rule_scores[i] for i in known], [oof_proba[i] for i in known], labels[known].tolist(), flag_at
        )
        if known
        else 0.5
    )

    vocabularies, clf, _ = fit(np.arange(len(labels)))
    coef = clf.coef_[0]
    blocks, offset = {}, 0
    for name, (terms, idf) in zip(("words", "chars", "rules"), vocabularies, strict=True):
        block_coef = coef[offset : offset + len(terms)]
        offset += len(terms)
        # Features the model gave no weight cannot change a score; dropping them keeps the file small.
        keep = [i for i, c in enumerate(block_coef) if abs(c) >= 1e-4]
        blocks[name] = {
            "terms": [terms[i] for i in keep],
            "idf": _round([idf[i] for i in keep]),
            "coef": _round([block_coef[i] for i in keep]),
        }
    return {
        "format": FORMAT,
        "blocks": blocks,
        "intercept": float(f"{clf.intercept_[0]:.6g}"),
        "calibration": {"method": "platt", "a": float(f"{platt_a:.6g}"), "b": float(f"{platt_b:.6g}")},
        "combine": {"rule_weight": rule_weight, "fitted_for_threshold": flag_at},
        "threshold": 0.5,
        "meta": {
            "examples": len(labels),
            "risky": int(labels.sum()),
            "safe": int(len(labels) - labels.sum()),
            "folds": n_folds,
            "C": C,
            "min_df": MIN_DF,
            "seed": SEED,
        },
    }


def _write_json(data: dict, path: Path) -> None:
    """Write atomically: a reader never sees half a model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".model-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            fh.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the model is package data any worker must read
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def train_and_save(
    extra_examples: list[dict] | None = None,
    path: str | os.PathLike | None = None,
    *,
    corpus_dir: str | os.PathLike = CORPUS_DIR,
) -> Path:
    """Train on the corpus's train split plus extra examples (analysts' reviews) and write the model JSON.

    extra_examples: [{"text": ..., "label": "risky" | "safe"}] (also "confirmed" / "dismissed"); they all go
    to training, the held-out split of the corpus stays untouched. Returns the path written: ``path``, else
    $SINERGI_DETECTION_MODEL, else the packaged model file.
    """
    train_records, _ = split(load_corpus(corpus_dir))
    examples = [{"text": r["text"], "label": r["label"]} for r in train_records]
    for extra in extra_examples or []:
        text = extra.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        examples.append({"text": text, "label": extra["label"]})
    data = train(examples)
    target = Path(path or os.environ.get(MODEL_PATH_ENV) or DEFAULT_MODEL_PATH)
    _write_json(data, target)
    return target


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m sinergi.detection.engine.learned")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("train", help="train on the corpus's train split and write the model JSON")
    cmd.add_argument("-o", "--output", help=f"model file (default {DEFAULT_MODEL_PATH})")
    cmd = sub.add_parser("explain", help="score a text and show the terms behind the score")
    cmd.add_argument("text")
    args = parser.parse_args(argv)
    if args.command == "train":
        target = train_and_save(path=args.output)
        meta = LearnedModel.load(target).meta
        print(
            f"wrote {target} ({meta.get('examples')} examples: {meta.get('risky')} risky, {meta.get('safe')} safe)"
        )
        return 0
    model = LearnedModel.load_default()
    if model is None:
        print("no model: run `python -m sinergi.detection.engine.learned train` first", file=sys.stderr)
        return 1
    codes, _ = rule_view(args.text)
    print(f"proba: {model.proba(args.text, codes):.3f}")
    for term, weight in model.explain(args.text, codes, top=10):
        print(f"  {weight:+.3f}  {term}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
