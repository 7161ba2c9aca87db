"""Quality of the screening engine, the project's corpus and real texts side by side (issue 10).

Prints ``name: value unit`` lines:

    corpus_heldout_macro_f1_combined   the project's own corpus, held-out split (hash of the id), rules + model
    corpus_heldout_macro_f1_rules      the same, rules alone
    real_f1 / real_precision / real_recall   a labelled file of real texts (risky vs safe; sedang or tinggi =
                                       flagged; "unclear" texts left out), rules + model
    real_f1_cross_validated            the flag cut-off chosen on 4 folds, measured on the fifth, 5 times
    real_f1_rules_only                 the same texts, rules alone
    real_f1_naive_keywords             the anchor: thirty keywords an officer would write down in a minute
    real_unclear_flagged               how many "unclear" texts were flagged (not scored)

Usage: python bench/detection_eval.py [--dataset PATH]   (default ../shared/detection-eval/dev.jsonl)
The dataset is read, never copied: only figures are printed.
"""

from __future__ import annotations

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
DEFAULT_DATASET = os.path.join(os.path.dirname(ROOT), "shared", "detection-eval", "dev.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default=DEFAULT_DATASET)
    args = parser.parse_args()

    from sinergi.detection.engine import dataset, evaluate

    corpus = evaluate.evaluate()
    print(f"corpus_heldout_texts: {corpus.held_out} texts")
    print(f"corpus_heldout_macro_f1_combined: {corpus.scorers['combined'].macro_f1:.3f} F1")
    print(f"corpus_heldout_macro_f1_rules: {corpus.scorers['rules'].macro_f1:.3f} F1")
    try:
        real = dataset.evaluate_dataset(args.dataset)
    except dataset.DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = real.counts(real.engine)
    print(f"real_texts: {len(real.decided)} texts")
    print(f"real_f1: {engine.f1:.3f} F1")
    print(f"real_precision: {engine.precision:.3f} ratio")
    print(f"real_recall: {engine.recall:.3f} ratio")
    print(f"real_f1_cross_validated: {real.cv_f1:.3f} F1")
    print(f"real_precision_cross_validated: {real.cv_precision:.3f} ratio")
    print(f"real_f1_rules_only: {real.counts(real.rules).f1:.3f} F1")
    print(f"real_f1_naive_keywords: {real.counts(real.naive).f1:.3f} F1")
    print(
        f"real_unclear_flagged: {sum(1 for s in real.unclear if real.engine(s))} of {len(real.unclear)} texts"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
