"""The ``sinergi`` console script (minimal first version): ``sinergi screen IN.jsonl -o OUT.jsonl``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile


def _screen(args) -> int:
    from sinergi.detection.engine import screen

    out_dir = os.path.dirname(os.path.abspath(args.output)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".sinergi-", suffix=".jsonl.part", dir=out_dir)
    bad = []
    with (
        os.fdopen(fd, "w", encoding="utf-8") as out,
        open(args.input, encoding="utf-8", errors="replace") as src,
    ):
        for lineno, line in enumerate(src, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                text = obj["text"]
            except (ValueError, KeyError, TypeError) as exc:
                bad.append((lineno, str(exc)))
                continue
            row = {"id": obj.get("id")}
            row.update(screen(text).to_dict())
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, args.output)
    for lineno, msg in bad:
        print(f"baris {lineno}: {msg}", file=sys.stderr)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="sinergi")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("screen")
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    return _screen(args)


if __name__ == "__main__":
    sys.exit(main())
