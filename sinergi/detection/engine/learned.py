"""The learned layer of the screening engine: a small, explainable linear model on top of the rules.

The model is a logistic regression over three blocks of features (see analyse()):

* word unigrams and bigrams (TF-IDF, present or not, L2-normalised),
* character 3- and 4-grams inside word boundaries, counted once per distinct word, which survive slang, typos
  and run-together words ("gajigede", "tnp pengalaman"),
* the codes of the rule indicators the engine found, each a small constant, so the model can learn how much a
  rule is worth in context without drowning the text.

Its Platt-calibrated probability is blended with the rule score by combine(). Training uses scikit-learn;
scoring does not. The trained model is saved as plain JSON (vocabulary, idf, coefficients, intercept,
calibration, blend weight): never pickle, so the file can be reviewed, diffed and loaded without executing
anything. Scoring a post adds up one memoised share per distinct word: tens of microseconds.

``python -m sinergi.detection.engine.learned train`` rebuilds ``model/model.json`` deterministically from the
corpus (train split only); ``train_and_save(extra_examples=...)`` adds analysts' confirmed or dismissed reviews.
See docs/detection-model.md. This module imports nothing from Django.
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
import time
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

FORMAT = "sinergi-detection-linear/2"
ENGINE_DIR = Path(__file__).resolve().parent
CORPUS_DIR = ENGINE_DIR / "corpus"
DEFAULT_MODEL_PATH = ENGINE_DIR / "model" / "model.json"
# Deployments where the package directory is read-only point this at a writable file; retraining from
# analysts' reviews then writes there, and load_default() reads it first.
MODEL_PATH_ENV = "SINERGI_DETECTION_MODEL"

HELD_OUT_PERCENT = 25
# Character n-gram sizes for new models (a trained model keeps its own in its file). Cross-validation on the
# train split scored 3-5, 3-4 and 4 alike; 3-4 keeps typo tolerance at two thirds of the cost of 3-5.
CHAR_NGRAMS = (3, 4)
_TOKEN_CACHE_SIZE = 200_000
_RECHECK_SECONDS = 1.0
LABELS = ("risky", "safe")
DEFAULT_THRESHOLDS = {"tinggi": 0.65, "sedang": 0.35}

_DIGIT = re.compile(r"\d")
_REPEAT = re.compile(r"(\D)\1{2,}")
_WORD = re.compile(r"\w+")
_LETTER = re.compile(r"[^\W\d_]")
# The learned layer's abstention (LearnedModel.assess): content words it must know, in number and in share.
MIN_KNOWN_WORDS = 2
MIN_KNOWN_SHARE = 0.3


# --------------------------------------------------------------------------------------------- features


def normalise_token(raw: str) -> str:
    """One case-folded token as the model sees it: every digit 0, letter runs squeezed to two.

    Digits become 0 so that "15jt" and "18jt" share features: the amount itself is the rules' business
    (salary extraction), the model only needs the shape. "gedeeee" and "gedee" are the same word.
    """
    return _REPEAT.sub(r"\1\1", _DIGIT.sub("0", raw))


def raw_tokens(text: str) -> list[str]:
    """The word tokens of a text after Unicode (NFKC) folding and lower-casing, before normalise_token()."""
    return _WORD.findall(unicodedata.normalize("NFKC", text or "").lower())


def tokens(text: str) -> list[str]:
    return [normalise_token(raw) for raw in raw_tokens(text)]


def word_features(words: Sequence[str]) -> set[str]:
    """Word unigrams and bigrams ("a b") of a normalised, tokenised text, present or not."""
    feats = set(words)
    feats.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return feats


def word_char_grams(word: str, sizes: Sequence[int]) -> set[str]:
    """The character n-grams of one word padded with spaces (scikit-learn's "char_wb" analyser)."""
    padded = f" {word} "
    size = len(padded)
    return {padded[i : i + n] for n in sizes for i in range(size - n + 1)}


def char_features(words: Iterable[str], sizes: Sequence[int] = ()) -> dict[str, int]:
    """Character n-grams of a text, each counted once per distinct word that contains it.

    Counting per distinct word (rather than "present or not" over the whole text) lets scoring add up one
    memoised sum per word instead of merging hundreds of n-grams per post.
    """
    sizes = tuple(sizes) or CHAR_NGRAMS
    counts: dict[str, int] = {}
    for word in set(words):
        for gram in word_char_grams(word, sizes):
            counts[gram] = counts.get(gram, 0) + 1
    return counts


def rule_features(indicator_codes: Iterable[str]) -> set[str]:
    return {str(code) for code in indicator_codes}


def analyse(
    text: str, indicator_codes: Iterable[str] = (), char_ngrams: Sequence[int] = ()
) -> tuple[list[str], set[str], dict[str, int], set[str]]:
    """One text's tokens and its three feature sets (words, character n-gram counts, rule codes).

    Training builds its matrix from this; LearnedModel.decision() computes the same value faster.
    """
    words = tokens(text)
    return words, word_features(words), char_features(words, char_ngrams), rule_features(indicator_codes)


def block_values(
    features: Iterable[str] | dict[str, int], idf: dict[str, float], normalised: bool
) -> dict[str, float]:
    """The feature values of one block: count x idf, divided by sqrt(sum of count x idf squared).

    For features that are present or not (count 1) this is the usual L2-normalised TF-IDF; the rule block is
    not normalised and its "idf" is the constant value of a rule code.
    """
    counts = features if isinstance(features, dict) else dict.fromkeys(features, 1)
    present = {f: c for f, c in counts.items() if f in idf}
    if not present:
        return {}
    if not normalised:
        return {f: c * idf[f] for f, c in present.items()}
    norm = math.sqrt(sum(c * idf[f] * idf[f] for f, c in present.items()))
    return {f: c * idf[f] / norm for f, c in present.items()}


# --------------------------------------------------------------------------------------------- inference


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class InvalidModel(ValueError):
    """The model file is missing a part or is not a model of this format."""


def _read_block(raw: dict[str, Any]) -> tuple[dict[str, float], dict[str, float]]:
    terms, idf, coef = raw["terms"], raw["idf"], raw["coef"]
    if not (isinstance(terms, list) and len(terms) == len(idf) == len(coef)):
        raise InvalidModel("terms, idf and coef differ in length")
    return (
        {str(t): float(i) for t, i in zip(terms, idf, strict=True)},
        {str(t): float(c) for t, c in zip(terms, coef, strict=True)},
    )


class LearnedModel:
    """A trained linear model loaded from JSON; scores texts in pure Python (no scikit-learn needed).

    For speed the parameters are rearranged at load time: per word unigram and bigram the pair
    (idf x coefficient, idf squared), per rule code its weight, and per distinct token a memoised
    (normalised word, sum of idf x coefficient of its character n-grams, sum of their idf squared).
    """

    def __init__(self, data: dict[str, Any]):
        try:
            if data.get("format") != FORMAT:
                raise InvalidModel(f"unknown model format {data.get('format')!r}")
            blocks = data["blocks"]
            self.word_idf, self.word_coef = _read_block(blocks["words"])
            self.char_idf, self.char_coef = _read_block(blocks["chars"])
            self.rule_value, self.rule_coef = _read_block(blocks["rules"])
            self.intercept = float(data["intercept"])
            self.platt_a = float(data["calibration"]["a"])
            self.platt_b = float(data["calibration"]["b"])
            self.rule_weight = float(data["combine"]["rule_weight"])
            self.threshold = float(data.get("threshold", 0.5))
            self.char_ngrams = tuple(int(n) for n in data["char_ngrams"])
        except (KeyError, TypeError, AttributeError) as exc:
            raise InvalidModel(f"incomplete model: {exc}") from exc
        if not self.char_ngrams or not all(1 <= n <= 10 for n in self.char_ngrams):
            raise InvalidModel("char_ngrams must list n-gram sizes between 1 and 10")
        if not (0.0 <= self.rule_weight <= 1.0):
            raise InvalidModel("combine.rule_weight must lie between 0 and 1")
        self.meta = data.get("meta", {})

        self._unigrams: dict[str, tuple[float, float]] = {}
        self._bigrams: dict[tuple[str, str], tuple[float, float]] = {}
        for term, idf in self.word_idf.items():
            pair = (idf * self.word_coef[term], idf * idf)
            if " " in term:  # a bigram; tokens never contain spaces
                first, second = term.split(" ", 1)
                self._bigrams[(first, second)] = pair
            else:
                self._unigrams[term] = pair
        self._bigram_keys = frozenset(self._bigrams)
        self._rule_weights = {c: v * self.rule_coef[c] for c, v in self.rule_value.items()}
        self._token_cache: dict[str, tuple[str, float, float, float, float, int, int]] = {}

    # loading ------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LearnedModel:
        """Load a model file; raises OSError, ValueError (bad JSON) or InvalidModel."""
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if not isinstance(data, dict):
            raise InvalidModel("the model file does not hold a JSON object")
        return cls(data)

    # Per process, keyed by path: (file modification time, model, when the file was last looked at).
    _cache: dict[str, tuple[float, LearnedModel, float]] = {}

    @classmethod
    def load_default(cls) -> LearnedModel | None:
        """The deployed model, or None when the file is missing or invalid, so that the rules keep working.

        The file named by $SINERGI_DETECTION_MODEL wins over the packaged one. The model is cached per process;
        the file is looked at again at most once a second (the engine calls this for every post) and reloaded
        when it changed, after analysts' reviews retrained it.
        """
        now = time.monotonic()
        for candidate in (os.environ.get(MODEL_PATH_ENV), DEFAULT_MODEL_PATH):
            if not candidate:
                continue
            path = str(candidate)
            cached = cls._cache.get(path)
            if cached and now - cached[2] < _RECHECK_SECONDS:
                return cached[1]
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                cls._cache.pop(path, None)
                continue
            if cached and cached[0] == mtime:
                cls._cache[path] = (mtime, cached[1], now)
                return cached[1]
            try:
                model = cls.load(path)
            except (OSError, ValueError, RecursionError):
                # ValueError covers broken JSON and InvalidModel alike; a damaged file must not stop screening.
                cls._cache.pop(path, None)
                continue
            cls._cache[path] = (mtime, model, now)
            return model
        return None

    # scoring ------------------------------------------------------------------------------------------

    def _token(self, raw: str) -> tuple[str, float, float, float, float, int, int]:
        """What one case-folded token adds to a score, memoised since posts reuse a small vocabulary.

        (normalised word, its character n-grams' sum of idf x coefficient and of idf squared, the same two
        numbers for the word as a unigram, 1 if it is a content word (three characters or more, with a
        letter), 1 if it is a content word the model knows as a unigram).
        """
        entry = self._token_cache.get(raw)
        if entry is None:
            word = normalise_token(raw)
            if word != raw:
                # Phone numbers, amounts and handles with digits are one-off tokens: they are memoised under
                # their normal form ("0812…" -> "0000…"), which keeps the memo, and the memory, flat on a stream.
                entry = self._token_cache.get(word)
                if entry is not None:
                    return entry
            idf, coef = self.char_idf, self.char_coef
            known = [g for g in word_char_grams(word, self.char_ngrams) if g in idf]
            unigram_dot, unigram_sq = self._unigrams.get(word, (0.0, 0.0))
            content = int(len(word) >= 3 and _LETTER.search(word) is not None)
            entry = (
                word,
                sum(idf[g] * coef[g] for g in known),
                sum(idf[g] * idf[g] for g in known),
                unigram_dot,
                unigram_sq,
                content,
                int(content and word in self._unigrams),
            )
            if len(self._token_cache) >= _TOKEN_CACHE_SIZE:
                self._token_cache.clear()
            self._token_cache[word] = entry
        return entry

    def _decision(
        self, text: str, indicator_codes: Iterable[str], terms: list[Any] | None = None
    ) -> tuple[float, int, int]:
        """(decision value, distinct content words, distinct content words in the vocabulary).

        With ``terms`` (a list), every distinct word's share of the decision value is appended to it as
        (word, share): its character n-grams and its unigram, each over its block's norm (bigrams are left
        out of the shares, so they add up to a little less than the decision minus the intercept).
        """
        cache, token = self._token_cache, self._token
        raws = raw_tokens(text)
        content = known = 0
        if not raws:
            char_dot = char_sq = word_dot = word_sq = 0.0
        else:
            entries = {raw: cache.get(raw) or token(raw) for raw in set(raws)}
            # Distinct normalised words: two spellings that normalise alike ("gedeee", "gedee") count once.
            distinct = {e[0]: e for e in entries.values()}
            _, c_dot, c_sq, u_dot, u_sq, is_content, is_known = zip(*distinct.values(), strict=True)
            char_dot, char_sq, word_dot, word_sq = sum(c_dot), sum(c_sq), sum(u_dot), sum(u_sq)
            content, known = sum(is_content), sum(is_known)
            words = [entries[raw][0] for raw in raws]
            bigrams = self._bigrams
            for pair in set(itertools.pairwise(words)) & self._bigram_keys:
                dot, sq = bigrams[pair]
                word_dot += dot
                word_sq += sq
        score = self.intercept
        if char_sq:
            score += char_dot / math.sqrt(char_sq)
        if word_sq:
            score += word_dot / math.sqrt(word_sq)
        if indicator_codes:
            weights = self._rule_weights
            score += sum(weights.get(code, 0.0) for code in set(indicator_codes))
        if terms is not None and raws:
            char_norm = math.sqrt(char_sq) if char_sq else 1.0
            word_norm = math.sqrt(word_sq) if word_sq else 1.0
            for word, entry in distinct.items():
                share = entry[1] / char_norm + entry[3] / word_norm
                if share:
                    terms.append((word, share))
        return score, content, known

    def decision(self, text: str, indicator_codes: Iterable[str] = ()) -> float:
        """The uncalibrated linear decision value (log-odds before Platt scaling).

        The same value as the dot product of the training features of analyse() with the coefficients, added
        up per distinct word so that a post costs a few dictionary look-ups per word.
        """
        return self._decision(text, indicator_codes)[0]

    def calibrate(self, decision: float) -> float:
        return _sigmoid(self.platt_a * decision + self.platt_b)

    def proba(self, text: str, indicator_codes: Iterable[str] = ()) -> float:
        """Calibrated probability that the text is a risky offer (0..1)."""
        return self.calibrate(self.decision(text, indicator_codes))

    def assess(self, text: str, indicator_codes: Iterable[str] = ()) -> float | None:
        """proba(), or None when the model does not know enough of the text's words to have an opinion.

        A linear model over L2-normalised blocks turns one or two stray matches into a confident score: random
        bytes or a text in a language it never saw could come out as "risky" on a single character n-gram. So
        the model abstains unless it knows at least MIN_KNOWN_WORDS of the text's distinct content words and
        at least MIN_KNOWN_SHARE of them. Every text of the corpus knows over half; junk knows under a fifth.
        """
        score, content, known = self._decision(text, indicator_codes)
        if known < MIN_KNOWN_WORDS or known < MIN_KNOWN_SHARE * content:
            return None
        return self.calibrate(score)

    def assess_detail(
        self, text: str, indicator_codes: Iterable[str] = (), top: int = 3
    ) -> tuple[float, float, list[tuple[str, float]]] | None:
        """(probability, familiarity, heaviest words) or None where assess() abstains.

        familiarity is the share of the text's distinct content words the model knows (0..1): the engine
        narrows the model's band by it, since a model is only worth what it has seen. The words are the
        ``top`` heaviest (word, log-odds share), in the text's normalised spelling; cheap, unlike explain().
        """
        shares: list[tuple[str, float]] = []
        score, content, known = self._decision(text, indicator_codes, shares)
        if known < MIN_KNOWN_WORDS or known < MIN_KNOWN_SHARE * content:
            return None
        shares.sort(key=lambda kv: (-abs(kv[1]), kv[0]))
        terms = [(word, round(share, 3)) for word, share in shares[: max(top, 0)]]
        return self.calibrate(score), (known / content if content else 0.0), terms

    def combine(self, rule_score: float, learned_proba: float | None) -> float:
        """Blend the rule score (0..1) with the calibrated probability using this model's fitted weight."""
        if learned_proba is None:
            return rule_score
        w = self.rule_weight
        return _clip(w * rule_score + (1.0 - w) * learned_proba)

    def explain(
        self, text: str, indicator_codes: Iterable[str] = (), top: int = 5
    ) -> list[tuple[str, float]]:
        """The terms that moved this text's score most, as (term, weight), weight > 0 toward risky.

        A word's weight adds its own and its character n-grams' shares, so a reviewer reads words in the
        post's own spelling ("15jt", "Kamboja"), bigrams ("tanpa paspor") and rule codes
        ("rule:NON_PLACEMENT_COUNTRY"), not fragments. The weights add up to the decision value minus the
        intercept.
        """
        words, word_feats, char_counts, rule_feats = analyse(text, indicator_codes, self.char_ngrams)
        shown: dict[str, str] = {}
        for raw in _WORD.findall(unicodedata.normalize("NFKC", text or "")):
            shown.setdefault(normalise_token(raw.lower()), raw)

        def display(feature: str) -> str:
            return " ".join(shown.get(part, part) for part in feature.split(" "))

        scores: dict[str, float] = {}
        for feature, value in block_values(word_feats, self.word_idf, True).items():
            key = display(feature)
            scores[key] = scores.get(key, 0.0) + value * self.word_coef[feature]
        char_values = block_values(char_counts, self.char_idf, True)
        if char_values:
            # Each n-gram's value is its count (distinct words holding it) x idf / norm: one count per word.
            for word in set(words):
                share = sum(
                    char_values[g] / char_counts[g] * self.char_coef[g]
                    for g in word_char_grams(word, self.char_ngrams)
                    if g in char_values
                )
                if share:
                    key = display(word)
                    scores[key] = scores.get(key, 0.0) + share
        for code in rule_feats:
            if code in self._rule_weights:
                scores[f"rule:{code}"] = self._rule_weights[code]
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


def load_corpus(directory: str | os.PathLike[str] = CORPUS_DIR) -> list[dict[str, Any]]:
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


def split(records: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(train, held_out) by the hash of each record's id."""
    train: list[dict[str, Any]] = []
    held_out: list[dict[str, Any]] = []
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
    result = screen(text, use_learned=False)
    return [ind.code for ind in result.indicators], float(result.rule_score)


# --------------------------------------------------------------------------------------------- training

SEED = 20260601
# The rules always keep at least this share of the combined score, however the fit on the corpus and the
# reviews comes out: the corpus is written by the project, and the rules carry legal knowledge that a few
# hundred texts cannot teach.
MIN_RULE_WEIGHT = 0.25
MIN_DF = 2
C = 16.0
# A rule code enters the model as a small constant, not an idf weight. Chosen by cross-validation on the train
# split: at full weight the codes crowd out the text (warnings and news quote the very red flags the rules
# look for), while the rules already reach the final score through combine().
RULE_FEATURE_VALUE = 0.1


def _label_value(label: object) -> int:
    """1 for risky, 0 for safe; analysts' decisions may also say confirmed / dismissed."""
    value = str(label).strip().lower()
    if value in {"risky", "confirmed", "1", "true"}:
        return 1
    if value in {"safe", "dismissed", "0", "false"}:
        return 0
    raise ValueError(f"unknown label {label!r}: expected 'risky' or 'safe'")


def _fit_block(docs: Sequence[Iterable[str]], min_df: int) -> tuple[list[str], list[float]]:
    """Vocabulary (features in at least min_df documents) and smoothed idf, as scikit-learn computes it."""
    df: dict[str, int] = {}
    for doc in docs:
        for f in doc:
            df[f] = df.get(f, 0) + 1
    n = len(docs)
    terms = sorted(f for f, count in df.items() if count >= min_df)
    idf = [math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms]
    return terms, idf


def _matrix(
    docs_by_block: Sequence[tuple[Sequence[Iterable[str] | dict[str, int]], bool]],
    vocabularies: Sequence[tuple[list[str], list[float]]],
) -> Any:
    """Sparse design matrix: the three blocks side by side, valued by block_values() as scoring does."""
    import numpy as np
    from scipy import sparse

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    offset = 0
    for (docs, normalised), (terms, idf) in zip(docs_by_block, vocabularies, strict=True):
        index = {t: i for i, t in enumerate(terms)}
        idf_of = dict(zip(terms, idf, strict=True))
        for r, doc in enumerate(docs):
            for feature, value in block_values(doc, idf_of, normalised).items():
                rows.append(r)
                cols.append(offset + index[feature])
                vals.append(value)
        offset += len(terms)
    n_rows = len(docs_by_block[0][0])
    return sparse.csr_matrix((np.array(vals, dtype=float), (rows, cols)), shape=(n_rows, offset))


def _fit_platt(decisions: Sequence[float] | Any, labels: Sequence[int] | Any) -> tuple[float, float]:
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


def knowledge_version() -> str | None:
    """The version of the engine's knowledge files the rule codes came from (kept in the model's meta)."""
    try:
        from sinergi.detection.engine import load_knowledge

        return str(load_knowledge().version)
    except (ImportError, AttributeError, TypeError, ValueError, OSError):
        return None


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


def _fit_rule_weight(
    rule_scores: Sequence[float], probas: Sequence[float], labels: Sequence[int], flag_at: float
) -> float:
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


def _round(values: Iterable[float], digits: int = 6) -> list[float]:
    return [float(f"{v:.{digits}g}") for v in values]


def train(examples: Sequence[dict[str, Any]], *, folds: int = 5, with_rules: bool = True) -> dict[str, Any]:
    """Fit the model on examples ({"text", "label", optional "indicator_codes"}); returns the JSON data.

    with_rules=False trains on the text alone (no engine call): for tests and for an engine-less checkout.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    if not examples:
        raise ValueError("no training examples")
    labels = np.array([_label_value(e["label"]) for e in examples])
    if len(set(labels.tolist())) < 2:
        raise ValueError("training needs both risky and safe examples")

    rule_scores: list[float | None] = []
    word_docs: list[set[str]] = []
    char_docs: list[dict[str, int]] = []
    rule_docs: list[set[str]] = []
    for example in examples:
        codes = example.get("indicator_codes")
        score = example.get("rule_score")
        if codes is None:
            codes, score = rule_view(example["text"]) if with_rules else ([], None)
        _, w, c, r = analyse(example["text"], codes, CHAR_NGRAMS)
        word_docs.append(w)
        char_docs.append(c)
        rule_docs.append(r)
        rule_scores.append(score)

    Design = list[tuple[Sequence[set[str] | dict[str, int]], bool]]

    def fit(idx: Any) -> tuple[list[tuple[list[str], list[float]]], Any, Design]:
        blocks: list[tuple[Sequence[set[str] | dict[str, int]], int]] = [
            (word_docs, MIN_DF),
            (char_docs, MIN_DF),
        ]
        vocabularies = [_fit_block([docs[i] for i in idx], min_df) for docs, min_df in blocks]
        rule_terms, _ = _fit_block([rule_docs[i] for i in idx], 1)
        vocabularies.append((rule_terms, [RULE_FEATURE_VALUE] * len(rule_terms)))
        design: Design = [(word_docs, True), (char_docs, True), (rule_docs, False)]
        x = _matrix([([docs[i] for i in idx], norm) for docs, norm in design], vocabularies)
        clf = LogisticRegression(C=C, solver="liblinear", random_state=SEED, max_iter=1000)
        clf.fit(x, labels[idx])
        return vocabularies, clf, design

    def decide(
        vocabularies: list[tuple[list[str], list[float]]],
        clf: Any,
        design: Design,
        idx: Any,
    ) -> Any:
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
    known_scores = {i: s for i, s in enumerate(rule_scores) if s is not None}
    known = list(known_scores)
    flag_at = rule_thresholds()["sedang"]
    rule_weight = (
        _fit_rule_weight(
            list(known_scores.values()), [oof_proba[i] for i in known], labels[known].tolist(), flag_at
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
        # Every term stays, even with a tiny coefficient: it still counts in its block's norm.
        blocks[name] = {"terms": terms, "idf": _round(idf), "coef": _round(block_coef)}
    return {
        "format": FORMAT,
        "blocks": blocks,
        "intercept": float(f"{clf.intercept_[0]:.6g}"),
        "calibration": {"method": "platt", "a": float(f"{platt_a:.6g}"), "b": float(f"{platt_b:.6g}")},
        "combine": {"rule_weight": rule_weight, "fitted_for_threshold": flag_at},
        "threshold": 0.5,
        "char_ngrams": list(CHAR_NGRAMS),
        "meta": {
            "examples": len(labels),
            "risky": int(labels.sum()),
            "safe": int(len(labels) - labels.sum()),
            "folds": n_folds,
            "C": C,
            "min_df": MIN_DF,
            "seed": SEED,
            "rule_features": with_rules,
            "knowledge_version": knowledge_version() if with_rules else None,
        },
    }


def _write_json(data: dict[str, Any], path: Path) -> None:
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


class ModelRejected(ValueError):
    """A retrained model scores worse on the held-out split than the rules alone: it is not deployed."""


# A retrained model is deployed only if its combined score's held-out macro F1 stays within this much of the
# rules alone; otherwise a bad batch of reviews could silently make screening worse than no model at all.
MAX_LOSS_AGAINST_RULES = 0.05


def train_and_save(
    extra_examples: list[dict[str, Any]] | None = None,
    path: str | os.PathLike[str] | None = None,
    *,
    corpus_dir: str | os.PathLike[str] = CORPUS_DIR,
    with_rules: bool = True,
) -> Path:
    """Train on the corpus's train split plus extra examples (analysts' reviews) and write the model JSON.

    extra_examples: [{"text": ..., "label": "risky" | "safe"}] (also "confirmed" / "dismissed"); they all go
    to training, the held-out split of the corpus stays untouched and measures the new model: its figures go
    into the model's meta ("held_out"), and a model whose combined score falls more than
    MAX_LOSS_AGAINST_RULES below the rules alone raises ModelRejected and leaves the deployed file as it was.
    Returns the path written: ``path``, else $SINERGI_DETECTION_MODEL, else the packaged model file.
    """
    train_records, held_out = split(load_corpus(corpus_dir))
    examples = [{"text": r["text"], "label": r["label"]} for r in train_records]
    for extra in extra_examples or []:
        text = extra.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        examples.append({"text": text, "label": extra["label"]})
    data = train(examples, with_rules=with_rules)
    if with_rules and held_out:
        from sinergi.detection.engine import evaluate

        result = evaluate.evaluate(held_out, LearnedModel(data))
        figures = {key: round(scores.macro_f1, 4) for key, scores in result.scorers.items()}
        data["meta"]["held_out"] = {"texts": result.held_out, "macro_f1": figures}
        if figures["combined"] < figures["rules"] - MAX_LOSS_AGAINST_RULES:
            raise ModelRejected(
                f"held-out macro F1 {figures['combined']:.3f} for the combined score against "
                f"{figures['rules']:.3f} for the rules alone: the model was not saved"
            )
    target = Path(path or os.environ.get(MODEL_PATH_ENV) or DEFAULT_MODEL_PATH)
    _write_json(data, target)
    # This process sees the new model at once, even within the file system's timestamp resolution.
    LearnedModel._cache.pop(str(target), None)
    return target


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m sinergi.detection.engine.learned")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("train", help="train on the corpus's train split and write the model JSON")
    cmd.add_argument("-o", "--output", help=f"model file (default {DEFAULT_MODEL_PATH})")
    cmd = sub.add_parser("explain", help="score a text and show the terms behind the score")
    cmd.add_argument("text")
    cmd = sub.add_parser("bench", help="time proba() on ~300-character posts built from the corpus")
    cmd.add_argument("-n", type=int, default=20000, help="number of posts (default 20000)")
    args = parser.parse_args(argv)
    if args.command == "bench":
        return _bench(args.n)
    if args.command == "train":
        try:
            target = train_and_save(path=args.output)
        except ModelRejected as exc:
            print(f"rejected: {exc}", file=sys.stderr)
            return 1
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


def _bench(n: int) -> int:
    """Print `name: value unit` lines: proba() per post and a plain tokenising pass over the same posts."""
    import random

    model = LearnedModel.load_default()
    if model is None:
        print("no model: run `python -m sinergi.detection.engine.learned train` first", file=sys.stderr)
        return 1
    texts = [record["text"] for record in load_corpus()]
    rng = random.Random(SEED)
    posts = []
    for _ in range(max(n, 1)):
        post = rng.choice(texts)
        while len(post) < 300:
            post += " " + rng.choice(texts)
        posts.append(post[:300])
    codes = ["NON_PLACEMENT_COUNTRY", "NO_EXPERIENCE"]
    for post in posts[:1000]:  # the per-token memo fills the way it does on a long stream
        model.proba(post, codes)
    start = time.process_time()
    for post in posts:
        _WORD.findall(post.lower())
    tokenise = (time.process_time() - start) / len(posts) * 1e6
    start = time.process_time()
    for post in posts:
        model.proba(post, codes)
    proba = (time.process_time() - start) / len(posts) * 1e6
    print(f"learned_proba_per_post: {proba:.1f} us")
    print(f"tokenise_per_post: {tokenise:.1f} us")
    print(f"learned_vs_tokenise: {proba / tokenise:.1f} x")
    return 0


if __name__ == "__main__":
    # The engine package imports this module before `python -m` runs it again as __main__ (hence runpy's
    # RuntimeWarning); run the package's copy so that there is one LearnedModel class and one cache.
    from sinergi.detection.engine import learned as _package_copy

    sys.exit(_package_copy.main())
