"""Evaluate the screening engine on the held-out split of the project's corpus.

    python -m sinergi.detection.engine.evaluate            # (also: sinergi evaluate)
    python -m sinergi.detection.engine.evaluate --errors   # and list the texts each scorer gets wrong
    python -m sinergi.detection.engine.evaluate --json     # the figures as JSON
    python -m sinergi.detection.engine.evaluate --dataset PATH [--errors] [--json]   # real texts (dataset.py)

Three scorers are compared on the same texts: (a) the rules alone (the engine's rule score and the risk level
it gives), (b) the learned model alone (calibrated probability >= 0.5), (c) the combined score through the same
risk levels as the rules. A text counts as flagged "risky" when its level is sedang or tinggi. The held-out
split is fixed by a hash of each record's id (see learned.is_held_out); the model is trained on the rest only,
so these figures are never tuned on the texts they are measured on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sinergi.detection.engine import learned


def level(score: float, thresholds: dict[str, float]) -> str:
    if score >= thresholds["tinggi"]:
        return "tinggi"
    if score >= thresholds["sedang"]:
        return "sedang"
    return "rendah"


@dataclass
class Scores:
    """Confusion counts of one scorer, with per-class precision, recall and F1."""

    name: str
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (true label, predicted label)

    def add(self, truth: str, predicted: str) -> None:
        self.pairs.append((truth, predicted))

    def per_class(self, label: str) -> dict[str, float]:
        tp = sum(1 for t, p in self.pairs if t == label and p == label)
        fp = sum(1 for t, p in self.pairs if t != label and p == label)
        fn = sum(1 for t, p in self.pairs if t == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}

    @property
    def macro_f1(self) -> float:
        return sum(self.per_class(label)["f1"] for label in learned.LABELS) / len(learned.LABELS)

    @property
    def accuracy(self) -> float:
        return sum(1 for t, p in self.pairs if t == p) / len(self.pairs) if self.pairs else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "classes": {label: self.per_class(label) for label in learned.LABELS},
            "macro_f1": self.macro_f1,
            "accuracy": self.accuracy,
        }


@dataclass
class Evaluation:
    records: int
    held_out: int
    scorers: dict[str, Scores]
    errors: dict[str, list[dict[str, Any]]]
    by_modus: dict[str, Counter[str]]
    model_loaded: bool
    thresholds: dict[str, float]
    probabilities: list[tuple[float, int]] = field(default_factory=list)  # (learned proba, 1 if risky)
    by_language: dict[str, Counter[str]] = field(default_factory=dict)

    def calibration(self) -> dict[str, float] | None:
        """Brier score and expected calibration error (5 equal-width bins) of the learned probability."""
        if not self.probabilities:
            return None
        n = len(self.probabilities)
        brier = sum((p - y) ** 2 for p, y in self.probabilities) / n
        bins: dict[int, list[tuple[float, int]]] = {}
        for p, y in self.probabilities:
            bins.setdefault(min(int(p * 5), 4), []).append((p, y))
        ece = sum(
            len(b) / n * abs(sum(p for p, _ in b) / len(b) - sum(y for _, y in b) / len(b))
            for b in bins.values()
        )
        return {"brier": brier, "ece": ece}

    def to_dict(self) -> dict[str, Any]:
        return {
            "corpus_records": self.records,
            "held_out": self.held_out,
            "thresholds": self.thresholds,
            "model_loaded": self.model_loaded,
            "scorers": {key: scores.to_dict() for key, scores in self.scorers.items()},
            "calibration": self.calibration(),
            "combined_by_language": {k: dict(v) for k, v in sorted(self.by_language.items())},
        }


def evaluate(
    records: list[dict[str, Any]] | None = None,
    model: learned.LearnedModel | None = None,
    *,
    use_model: bool = True,
) -> Evaluation:
    """Score the held-out records with the rules, the model and the combination."""
    records = learned.load_corpus() if records is None else records
    _, held_out = learned.split(records)
    if model is None and use_model:
        model = learned.LearnedModel.load_default()
    thresholds = learned.rule_thresholds()
    scorers = {
        "rules": Scores("rules only"),
        "learned": Scores("learned only"),
        "combined": Scores("combined"),
    }
    errors: dict[str, list[dict[str, Any]]] = {key: [] for key in scorers}
    by_modus: dict[str, Counter[str]] = {}
    by_language: dict[str, Counter[str]] = {}
    probabilities: list[tuple[float, int]] = []
    for record in held_out:
        truth = record["label"]
        codes, rule_score = learned.rule_view(record["text"])
        rule_score = 0.0 if rule_score is None else rule_score
        predictions = {"rules": level(rule_score, thresholds) != "rendah"}
        proba = None
        if model is not None:
            # As screen() does: the model may abstain (assess() is None), then the rules decide alone.
            proba = model.assess(record["text"], codes)
            if proba is not None:
                probabilities.append((proba, int(truth == "risky")))
            predictions["learned"] = proba is not None and proba >= model.threshold
            predictions["combined"] = level(model.combine(rule_score, proba), thresholds) != "rendah"
        for key, flagged in predictions.items():
            predicted = "risky" if flagged else "safe"
            scorers[key].add(truth, predicted)
            if predicted != truth:
                errors[key].append(
                    {
                        "id": record["id"],
                        "label": truth,
                        "rule_score": round(rule_score, 3),
                        "learned_proba": None if proba is None else round(proba, 3),
                        "codes": codes,
                        "text": record["text"],
                        "terms": [] if model is None else model.explain(record["text"], codes, top=3),
                    }
                )
        combined_ok = predictions.get("combined", predictions["rules"]) == (truth == "risky")
        for modus in record.get("modus") or ["(none)"]:
            by_modus.setdefault(modus, Counter())["ok" if combined_ok else "wrong"] += 1
        by_language.setdefault(str(record.get("language")), Counter())["ok" if combined_ok else "wrong"] += 1
    if model is None:
        del scorers["learned"], scorers["combined"]
    return Evaluation(
        len(records),
        len(held_out),
        scorers,
        errors,
        by_modus,
        model is not None,
        thresholds,
        probabilities,
        by_language,
    )


def format_report(result: Evaluation, *, show_errors: bool = False) -> str:
    lines = [
        f"Corpus: {result.records} texts; held-out split: {result.held_out} texts "
        f"(hash of the id, {learned.HELD_OUT_PERCENT}%).",
        f"Flagged = risk level sedang or tinggi (sedang >= {result.thresholds['sedang']:.2f}, "
        f"tinggi >= {result.thresholds['tinggi']:.2f}); learned alone: probability >= 0.5.",
    ]
    if not result.model_loaded:
        lines.append("No learned model file: only the rules are evaluated.")
    lines.append("")
    lines.append(f"{'scorer':<14}{'class':<7}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}")
    for scores in result.scorers.values():
        for label in learned.LABELS:
            m = scores.per_class(label)
            lines.append(
                f"{scores.name:<14}{label:<7}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}{m['support']:>9}"
            )
        lines.append(
            f"{scores.name:<14}{'macro F1':<25}{scores.macro_f1:>7.3f}   accuracy {scores.accuracy:.3f}"
        )
    calibration = result.calibration()
    if calibration:
        lines.append(
            f"learned probability calibration: Brier {calibration['brier']:.3f}, "
            f"expected calibration error {calibration['ece']:.3f} (5 bins)"
        )
    if show_errors:
        for key, wrong in result.errors.items():
            if key not in result.scorers:
                continue
            lines.append("")
            lines.append(f"Misclassified by {result.scorers[key].name}: {len(wrong)}")
            for error in wrong:
                text = " ".join(error["text"].split())
                lines.append(
                    f"  {error['id']} [{error['label']}] rules={error['rule_score']} "
                    f"model={error['learned_proba']} codes={','.join(error['codes']) or '-'}"
                )
                lines.append(f"      {text[:160]}")
                if error["terms"]:
                    terms = ", ".join(f"{term} {weight:+.2f}" for term, weight in error["terms"])
                    lines.append(f"      model's heaviest terms: {terms}")
        lines.append("")
        lines.append("Combined score, held-out texts right/wrong per language:")
        for language, counts in sorted(result.by_language.items()):
            lines.append(f"  {language:<30}{counts['ok']:>4} right {counts['wrong']:>3} wrong")
        lines.append("")
        lines.append("Combined score, held-out texts right/wrong per modus tag:")
        for modus, counts in sorted(result.by_modus.items()):
            lines.append(f"  {modus:<30}{counts['ok']:>4} right {counts['wrong']:>3} wrong")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sinergi.detection.engine.evaluate",
        description="Precision, recall and F1 of the screening engine on the corpus's held-out split.",
    )
    parser.add_argument("--corpus", help="directory of *.jsonl corpus files (default: the packaged corpus)")
    parser.add_argument("--model", help="model JSON to evaluate (default: the deployed model)")
    parser.add_argument("--rules-only", action="store_true", help="evaluate the rules without any model")
    parser.add_argument("--errors", action="store_true", help="list the misclassified texts")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--dataset", help="a labelled JSONL file of real texts (id, text, label risky/safe/unclear, ...)"
    )
    args = parser.parse_args(argv)
    if args.dataset:
        return _main_dataset(args)
    try:
        records = learned.load_corpus(args.corpus) if args.corpus else learned.load_corpus()
        model = learned.LearnedModel.load(args.model) if args.model else None
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not records:
        print("error: the corpus is empty", file=sys.stderr)
        return 2
    result = evaluate(records, model, use_model=not args.rules_only)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_report(result, show_errors=args.errors))
    return 0


def _main_dataset(args: argparse.Namespace) -> int:
    from sinergi.detection.engine import dataset

    try:
        result = dataset.evaluate_dataset(args.dataset, use_learned=not args.rules_only)
    except dataset.DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(dataset.format_dataset_report(result, show_errors=args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
