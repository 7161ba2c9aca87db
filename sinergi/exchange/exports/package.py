"""Writing an export as a Frictionless data package: the CSV, its table schema in datapackage.json, and the
report of what was generalised and suppressed, in one zip."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import asdict


def _csv(fields: list[tuple[str, str]], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _t in fields])
    for row in rows:
        writer.writerow(
            [
                ("true" if row[n] else "false") if t == "boolean" else ("" if row[n] is None else row[n])
                for n, t in fields
            ]
        )
    return out.getvalue().encode("utf-8")


def _resource(name: str, fields: list[tuple[str, str]]) -> dict:
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": [{"name": n, "type": t} for n, t in fields], "missingValues": [""]},
    }


def descriptor(
    name: str, title: str, fields: list[tuple[str, str]], *, report: dict, created: str, stats_fields=None
) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "created": created,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "sinergi:anonymisation": report,
        "resources": ([_resource("cases", fields)] if fields else [])
        + ([_resource("statistics", stats_fields)] if stats_fields else []),
    }


def data_package(*, name: str, title: str, fields, rows, report, created: str, stats=None) -> bytes:
    """The zip: datapackage.json, cases.csv (unless `fields` is None: statistics only), statistics.csv and
    .xlsx (when given) and report.json."""
    from sinergi.exchange.exports.statistics import FIELDS as STATS_FIELDS
    from sinergi.exchange.exports.statistics import statistics_xlsx

    report_dict = asdict(report)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json",
            json.dumps(
                descriptor(
                    name, title, list(fields or []), report=report_dict, created=created,
                    stats_fields=STATS_FIELDS if stats is not None else None,
                ),
                indent=2,
            ),
        )  # fmt: skip
        if fields:
            archive.writestr("cases.csv", _csv(list(fields), rows))
        if stats is not None:
            archive.writestr("statistics.csv", _csv(STATS_FIELDS, stats))
            archive.writestr("statistics.xlsx", statistics_xlsx(stats, title="Statistik"))
        archive.writestr("report.json", json.dumps(report_dict, indent=2))
    return out.getvalue()
