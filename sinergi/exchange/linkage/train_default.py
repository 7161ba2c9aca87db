"""Retrains the shipped default model on synthetic records: `python -m sinergi.exchange.linkage.train_default`.

The default scores inputs too small to train on (the intake warning, a CSV of a few hundred rows). Bump
`--version` whenever the features, the comparisons or the generator change; the version record says so.
The records carry addresses and postcodes, so that the default has learnt those comparisons too (a file
without them scores them at their null level). 50,000 records train in a minute or two on a quiet machine.
"""

from __future__ import annotations

import argparse

from sinergi.exchange.linkage import model as linkage_model
from sinergi.exchange.linkage.features import prepare
from sinergi.exchange.linkage.pipeline import train_and_save
from sinergi.exchange.linkage.synthetic import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--version", required=True)
    args = parser.parse_args(argv)
    record = train_and_save(
        prepare(generate(args.rows, seed=7, addresses=True)),
        linkage_model.DEFAULT_MODEL,
        version=args.version,
        note=f"synthetic records (sinergi.exchange.linkage.synthetic, {args.rows} rows, seed 7, with addresses)",
    )
    print(f"saved {linkage_model.DEFAULT_MODEL} version {record.version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
