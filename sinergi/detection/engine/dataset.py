"""Evaluation of the screening engine on a labelled file of real texts (``sinergi evaluate --dataset PATH``).

The file is JSONL, one object a line: ``id``, ``text``, ``label`` (risky / safe / unclear) and, optional,
``verbatim`` (the offer itself, or someone's account of it), ``destination`` (ISO 3166 alpha-2, ``ID`` for a
job inside Indonesia, null), ``indicators`` (the annotator's tags, read as the modus). A text counts as
flagged when the engine's level is sedang or tinggi; "unclear" texts are reported apart and never counted as
right or wrong.

Three screeners are compared on the same texts: the engine (rules and learned model, as ``screen()`` gives),
the rules alone, and a naive list of thirty keywords an officer would write down in a minute: the floor the
engine has to beat. The sedang cut-off is also chosen by stratified k-fold cross-validation (chosen on k-1
folds, measured on the one left out), and that figure is printed beside the plain one, so a threshold is
never judged on the texts it was fitted to. This module imports nothing from Django.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LABELS = ("risky", "safe", "unclear")
MAX_LINE_CHARS = 1_000_000

# Written without looking at any dataset: the words an officer would list after one training session.
NAIVE_KEYWORDS = (
    "kamboja",
    "myanmar",
    "laos",
    "visa turis",
    "visa kunjungan",
    "tanpa pengalaman",
    "tanpa paspor",
    "gaji besar",
    "gaji tinggi",
    "calo",
    "sponsor",
    "jalur tikus",
    "ilegal",
    "nonprosedural",
    "potong gaji",
    "biaya pendaftaran",
    "uang muka",
    "judi online",
    "scam",
    "berangkat cepat",
    "proses cepat",
    "tiket gratis",
    "ditanggung",
    "telegram",
    "umroh",
    "arab saudi",
    "pembantu rumah tangga",
    "tanpa kontrak",
    "paspor ditahan",
    "dijanjikan",
)
assert len(NAIVE_KEYWORDS) == 30
_NAIVE_RX = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in NAIVE_KEYWORDS) + r")\b")


def naive_flag(text: str) -> bool:
    """The floor: flagged when any of the thirty keywords appears."""
    return bool(_NAIVE_RX.search(text.lower()))


class DatasetError(ValueError):
    """A dataset line that cannot be evaluated; the message names the file and the line."""


@dataclass(slots=True)
class Item:
    id: str
    text: str
    label: str
    verbatim: bool | None
    destination: str | None
    tags: list[str]
    line: int


def load_dataset(path: str | Path) -> list[Item]:
    """Every item of a dataset file, or DatasetError naming the first line that is not a valid item."""
    path = Path(path)
    name = path.name
    items: list[Item] = []
    seen: dict[str, int] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            number = 0
            while True:
                number += 1
                try:
                    line = fh.readline(MAX_LINE_CHARS + 1)
                except UnicodeDecodeError as exc:
                    raise DatasetError(f"{name} baris {number}: bukan teks UTF-8") from exc
                if not line:
                    break
                if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
                    raise DatasetError(f"{name} baris {number}: baris lebih dari {MAX_LINE_CHARS:,} karakter")
                if not line.strip():
                    continue
                items.append(_item(line, name, number, seen))
    except OSError as exc:
        raise DatasetError(f"{path}: berkas tidak dapat dibuka ({exc.strerror or exc})") from exc
    if not items:
        raise DatasetError(f"{name}: berkas kosong, tidak ada teks untuk dievaluasi")
    return items


def _item(line: str, name: str, number: int, seen: dict[str, int]) -> Item:
    where = f"{name} baris {number}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{where}: bukan JSON yang sah ({exc.msg})") from exc
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: harus berupa objek JSON, bukan {type(obj).__name__}")
    missing = [key for key in ("id", "text", "label") if key not in obj]
    if missing:
        raise DatasetError(f"{where}: kolom wajib tidak ada: {', '.join(missing)}")
    if not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool) or not str(obj["id"]).strip():
        raise DatasetError(f"{where}: 'id' harus teks atau angka yang tidak kosong")
    item_id = str(obj["id"])
    if item_id in seen:
        raise DatasetError(f"{where}: id {item_id!r} sudah dipakai di baris {seen[item_id]}")
    seen[item_id] = number
    if not isinstance(obj["text"], str) or not obj["text"].strip():
        raise DatasetError(f"{where}: 'text' harus teks yang tidak kosong")
    label = obj["label"]
    if label not in LABELS:
        raise DatasetError(f"{where}: label {label!r} tidak dikenal (yang sah: {', '.join(LABELS)})")
    verbatim = obj.get("verbatim")
    if verbatim is not None and not isinstance(verbatim, bool):
        raise DatasetError(f"{where}: 'verbatim' harus true, false atau null")
    destination = obj.get("destination")
    if destination is not None and not (
        isinstance(destination, str) and re.fullmatch(r"[A-Z]{2}", destination)
    ):
        raise DatasetError(f"{where}: 'destination' harus kode negara ISO dua huruf besar atau null")
    tags = obj.get("indicators") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise DatasetError(f"{where}: 'indicators' harus daftar teks")
    return Item(item_id, obj["text"], label, verbatim, destination, tags, number)


# ------------------------------------------------------------------------------------------------ figures


@dataclass
class Counts:
    """Flagged-or-not counts of one screener on the risky and safe texts of a group."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, risky: bool, flagged: bool) -> None:
        if risky:
            if flagged:
                self.tp += 1
            else:
                self.fn += 1
        elif flagged:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
        }


@dataclass
class Scored:
    item: Item
    score: float
    rule_score: float
    level: str
    verdict: str
    codes: list[str]
    naive: bool


@dataclass
class DatasetEvaluation:
    path: str
    scored: list[Scored]
    thresholds: dict[str, float]
    cv_f1: float | None = None
    cv_precision: float | None = None
    cv_recall: float | None = None
    cv_thresholds: list[float] = field(default_factory=list)

    @property
    def decided(self) -> list[Scored]:
        return [s for s in self.scored if s.item.label != "unclear"]

    @property
    def unclear(self) -> list[Scored]:
        return [s for s in self.scored if s.item.label == "unclear"]

    def counts(self, flag: Callable[[Scored], bool], items: Iterable[Scored] | None = None) -> Counts:
        counts = Counts()
        for s in self.decided if items is None else items:
            counts.add(s.item.label == "risky", flag(s))
        return counts

    def engine(self, s: Scored) -> bool:
        return s.level != "rendah"

    def rules(self, s: Scored) -> bool:
        return s.rule_score >= self.thresholds["sedang"]

    @staticmethod
    def naive(s: Scored) -> bool:
        return s.naive

    def groups(self) -> dict[str, dict[str, list[Scored]]]:
        by_form: dict[str, list[Scored]] = {}
        by_destination: dict[str, list[Scored]] = {}
        by_modus: dict[str, list[Scored]] = {}
        for s in self.decided:
            form = {True: "verbatim", False: "described", None: "(not said)"}[s.item.verbatim]
            by_form.setdefault(form, []).append(s)
            by_destination.setdefault(s.item.destination or "(none)", []).append(s)
            for tag in s.item.tags or ["(none)"]:
                by_modus.setdefault(tag, []).append(s)
        return {"form": by_form, "destination": by_destination, "modus": by_modus}

    def to_dict(self) -> dict[str, Any]:
        groups = {
            name: {key: self.counts(self.engine, items).to_dict() for key, items in sorted(group.items())}
            for name, group in self.groups().items()
        }
        return {
            "dataset": self.path,
            "texts": len(self.scored),
            "risky": sum(1 for s in self.decided if s.item.label == "risky"),
            "safe": sum(1 for s in self.decided if s.item.label == "safe"),
            "unclear": len(self.unclear),
            "thresholds": self.thresholds,
            "engine": self.counts(self.engine).to_dict(),
            "rules_only": self.counts(self.rules).to_dict(),
            "naive_keywords": self.counts(self.naive).to_dict(),
            "engine_cross_validated": None
            if self.cv_f1 is None
            else {
                "f1": round(self.cv_f1, 4),
                "precision": round(self.cv_precision or 0.0, 4),
                "recall": round(self.cv_recall or 0.0, 4),
                "chosen_thresholds": self.cv_thresholds,
            },
            "unclear_flagged": sum(1 for s in self.unclear if self.engine(s)),
            "verdicts": _verdict_counts(self.scored),
            "by": groups,
        }


def _verdict_counts(scored: list[Scored]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for s in scored:
        out.setdefault(s.item.label, {}).setdefault(s.verdict, 0)
        out[s.item.label][s.verdict] += 1
    return out


def _fold(item_id: str, folds: int) -> int:
    return int.from_bytes(hashlib.sha256(item_id.encode("utf-8")).digest()[:4], "big") % folds


CV_GRID = tuple(round(0.20 + 0.025 * i, 3) for i in range(13))  # 0.20 .. 0.50


def cross_validate(scored: list[Scored], folds: int = 5) -> tuple[Counts, list[float]]:
    """The flag cut-off chosen on k-1 folds (best F1 with precision >= 0.90), measured on the fold left out."""
    decided = [s for s in scored if s.item.label != "unclear"]
    total = Counts()
    chosen: list[float] = []
    for k in range(folds):
        fit = [s for s in decided if _fold(s.item.id, folds) != k]
        test = [s for s in decided if _fold(s.item.id, folds) == k]
        best, best_key = CV_GRID[0], (-1.0, -1.0)
        for cut in CV_GRID:
            counts = Counts()
            for s in fit:
                counts.add(s.item.label == "risky", s.score >= cut)
            key = (counts.f1 if counts.precision >= 0.9 else counts.f1 - 1.0, cut)
            if key > best_key:
                best, best_key = cut, key
        chosen.append(best)
        for s in test:
            total.add(s.item.label == "risky", s.score >= best)
    return total, chosen


def evaluate_dataset(path: str | Path, *, use_learned: bool = True, folds: int = 5) -> DatasetEvaluation:
    """Screen every text of the dataset and gather the figures (DatasetError on a bad line)."""
    from sinergi.detection.engine import screen
    from sinergi.detection.engine.screening import default_knowledge

    items = load_dataset(path)
    thresholds = {key: float(value) for key, value in default_knowledge().thresholds.items()}
    scored = []
    for item in items:
        result = screen(item.text, use_learned=use_learned)
        scored.append(
            Scored(
                item=item,
                score=result.score,
                rule_score=result.rule_score,
                level=result.risk_level,
                verdict=getattr(result, "verdict", result.risk_level),
                codes=result.indicator_codes,
                naive=naive_flag(item.text),
            )
        )
    evaluation = DatasetEvaluation(str(path), scored, thresholds)
    cv, chosen = cross_validate(scored, folds)
    evaluation.cv_f1, evaluation.cv_precision, evaluation.cv_recall = cv.f1, cv.precision, cv.recall
    evaluation.cv_thresholds = chosen
    return evaluation


def _row(name: str, counts: Counts, width: int = 28) -> str:
    return (
        f"  {name[:width]:<{width}}{counts.precision:>10.3f}{counts.recall:>8.3f}{counts.f1:>7.3f}"
        f"{counts.tp + counts.fn:>7}{counts.fp + counts.tn:>6}"
    )


def format_dataset_report(result: DatasetEvaluation, *, show_errors: bool = False) -> str:
    data = result.to_dict()
    head = f"  {'':<28}{'precision':>10}{'recall':>8}{'F1':>7}{'risky':>7}{'safe':>6}"
    lines = [
        f"Dataset {result.path}: {data['texts']} texts ({data['risky']} risky, {data['safe']} safe, "
        f"{data['unclear']} unclear, reported apart).",
        f"Flagged = level sedang or tinggi (sedang >= {result.thresholds['sedang']:.2f}, "
        f"tinggi >= {result.thresholds['tinggi']:.2f}).",
        "",
        head,
        _row("engine (rules + model)", result.counts(result.engine)),
        _row("rules only", result.counts(result.rules)),
        _row("naive 30 keywords (floor)", result.counts(result.naive)),
    ]
    if result.cv_f1 is not None:
        lines.append(
            f"  engine, cut-off chosen by {len(result.cv_thresholds)}-fold cross-validation: "
            f"precision {result.cv_precision:.3f} recall {result.cv_recall:.3f} F1 {result.cv_f1:.3f} "
            f"(cut-offs {', '.join(f'{c:.3f}' for c in result.cv_thresholds)})"
        )
    unclear = result.unclear
    lines.append(
        f"  unclear: {sum(1 for s in unclear if result.engine(s))} of {len(unclear)} flagged (not scored)"
    )
    lines.append("")
    lines.append("Answers given (label -> verdict):")
    for label, verdicts in sorted(data["verdicts"].items()):
        lines.append(f"  {label:<8} " + ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items())))
    titles = {"form": "By form", "destination": "By destination", "modus": "By modus (annotator's tags)"}
    for name, group in result.groups().items():
        lines.append("")
        lines.append(f"{titles[name]}, engine:")
        lines.append(head)
        for key, items in sorted(group.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            lines.append(_row(key, result.counts(result.engine, items)))
    if show_errors:
        misses = [s for s in result.decided if result.engine(s) != (s.item.label == "risky")]
        lines.append("")
        lines.append(f"Errors of the engine: {len(misses)}")
        for s in sorted(misses, key=lambda s: (s.item.label, s.item.id)):
            form = "verbatim" if s.item.verbatim else "described"
            lines.append(
                f"  {s.item.id} line {s.item.line} [{s.item.label}, {form}, {s.item.destination or '-'}] "
                f"score={s.score:.3f} rules={s.rule_score:.3f} verdict={s.verdict} "
                f"codes={','.join(s.codes) or '-'} tags={','.join(s.item.tags) or '-'}"
            )
    return "\n".join(lines)
