"""Writes ``docs/chromatogram-example.png``: the demo's impurity-profile LC export, parsed and rendered
as the pipeline does (title from the sample name, peaks from the results).

    .venv/bin/python -m bench.render_example [--out PATH] [--export PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.load import render_chromatogram_png
from parsers.lc_results_csv.parser import LcResultsCsvParser

ROOT = Path(__file__).resolve().parent.parent
DEMO_EXPORT = ROOT / "sample_data" / "exports" / "lc" / "2026-11-04_impurity_profile.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--export", type=Path, default=DEMO_EXPORT)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "chromatogram-example.png")
    args = parser.parse_args(argv)
    parsed = LcResultsCsvParser().parse(args.export)
    title = str(parsed.metadata.get("sample_name") or args.export.stem)
    png = render_chromatogram_png(parsed.traces, parsed.results if len(parsed.results) else None, title=title)
    args.out.write_bytes(png)
    print(f"{args.out}: {len(png)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
