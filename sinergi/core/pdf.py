"""PDF documents typeset with Typst (the `typst` Python package: self-contained, no system libraries).

One way to make a PDF in Sinergi: a Typst template kept as a file in an app (`<app>/typst/<name>.typ`), the
data handed over as JSON, never pasted into the markup, so a name with `#` or `]` in it is text and nothing
else. Extra files (SVG charts, a logo) are written beside the template for `image("...")`::

    from sinergi.core.pdf import render_pdf

    pdf = render_pdf(
        "sinergi/analytics/typst/monthly_report.typ",
        data={"title": "Laporan bulanan", "rows": [...]},
        files={"cases.svg": svg_text.encode()},
    )

The template reads the data with `#let data = json("data.json")`. Only Typst's embedded fonts are used, so
the output is the same on every machine. A template error raises `PdfError` with Typst's message.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import typst
from django.conf import settings


class PdfError(RuntimeError):
    """Typst could not typeset the document (an error in the template or the files it reads)."""


def render_pdf(
    template: str | Path,
    *,
    data: dict,
    files: dict[str, bytes] | None = None,
    timestamp: datetime | None = None,
) -> bytes:
    """The PDF of `template` (a path relative to the project, or absolute) filled with `data`."""
    source = Path(template)
    if not source.is_absolute():
        source = Path(settings.BASE_DIR) / source
    with tempfile.TemporaryDirectory(prefix="sinergi-pdf-") as root:
        work = Path(root)
        main = work / "main.typ"
        shutil.copyfile(source, main)
        (work / "data.json").write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
        for name, content in (files or {}).items():
            target = (work / name).resolve()
            if work.resolve() not in target.parents:
                raise PdfError(f"file name outside the document: {name!r}")
            target.write_bytes(content)
        try:
            return typst.compile(
                str(main),
                root=str(work),
                format="pdf",
                ignore_system_fonts=True,
                timestamp=timestamp,
            )
        except typst.TypstError as exc:
            raise PdfError(exc.message) from exc
