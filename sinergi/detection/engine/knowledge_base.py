"""Loading and validating the knowledge files (minimal first version)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

DEFAULT_DIR = Path(__file__).resolve().parent / "knowledge"


class KnowledgeError(ValueError):
    """A knowledge file is missing, malformed or inconsistent; the message names the file and the entry."""


class Knowledge:
    def __init__(self, indicators, thresholds, version):
        self.indicators = indicators
        self.thresholds = thresholds
        self.version = version


def load_knowledge(path=None) -> Knowledge:
    directory = Path(path) if path else DEFAULT_DIR
    file = directory / "indicators.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    indicators = []
    for entry in data["indicators"]:
        for key in ("code", "title", "weight", "explanation", "basis"):
            if not entry.get(key):
                raise KnowledgeError(
                    f"{file.name}: indikator {entry.get('code')!r}: kolom '{key}' wajib diisi"
                )
        try:
            rx = re.compile("|".join(f"(?:{p})" for p in entry.get("patterns", [])) or "(?!)")
        except re.error as exc:
            raise KnowledgeError(
                f"{file.name}: indikator {entry['code']!r}: pola tidak valid: {exc}"
            ) from exc
        indicators.append((entry, rx))
    return Knowledge(indicators, data["scoring"], str(data["version"]))
