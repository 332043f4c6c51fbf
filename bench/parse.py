"""Parsing speed of the LC results CSV parser on a generated peak table; prints JSON.

    .venv/bin/python -m bench.parse                # 1,000,000 rows
    .venv/bin/python -m bench.parse --rows 200000 --delimiter ';'

Generates a file in the LC results CSV format (``--keep`` leaves it under ``bench/out/``), then times
``ParserRegistry.parse`` on it (choose + parse + validate, as the pipeline runs it) and reports rows
per second and the process's peak resident memory. Not a test: nothing here asserts a threshold.

Hook for comparisons: ``BASELINES`` maps a name to a function timing another parser on the same file
(e.g. allotropy, once a comparable allotropy format exists; see ``bench/parse_allotropy.py`` for how to
run allotropy from its own virtualenv). Each baseline returns seconds; its result is reported beside ours.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from parsers import discover_parsers

REPO = Path(__file__).resolve().parents[1]
LC = "lc_results_csv"

#: name -> function(path) returning seconds taken to parse ``path`` with another tool. Empty for now.
BASELINES: dict[str, Callable[[Path], float]] = {}


def write_peak_table(path: Path, rows: int, delimiter: str) -> None:
    """A ``rows``-row LC results CSV: 10 peaks per sample, one run (constant date and instrument)."""
    rng = np.random.default_rng(7)
    peaks_per_sample = 10
    sample = np.arange(rows) // peaks_per_sample
    peak = np.arange(rows) % peaks_per_sample + 1
    area = rng.gamma(2.0, 150.0, rows).round(3)
    decimal = "," if delimiter != "," else "."
    frame = pd.DataFrame(
        {
            "Sample ID": [f"SMP-{n % 12 + 1:03d}" for n in sample],
            "Sample Name": [f"Sample {n}" for n in sample],
            "Injection": sample + 1,
            "Injection Date": "2026-11-02 09:15:00",
            "Instrument": "HPLC-01",
            "Method": "BENCH_GRAD",
            "Signal": "DAD1 A, Sig=254 nm",
            "Peak": peak,
            "Peak Name": [f"Compound {p}" for p in peak],
            "RT (min)": (peak * 0.8 + rng.normal(0, 0.01, rows)).round(3),
            "Area [mAU*s]": area,
            "Height [mAU]": (area / 9.5).round(3),
            "Area %": (100 * area / area.sum()).round(5),
        }
    )
    frame.to_csv(path, index=False, sep=delimiter, decimal=decimal)


def peak_rss_mb() -> float | None:
    try:
        import resource  # POSIX only; the benchmark is not part of the service

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return round(peak / 1024 / (1024 if sys.platform == "darwin" else 1), 1)
    except ImportError:
        import psutil  # type: ignore[import-untyped]  # no stubs installed

        info = psutil.Process().memory_info()
        return round(float(getattr(info, "peak_wset", info.rss)) / 1024 / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--delimiter", default=",", choices=[",", ";", "\t"])
    parser.add_argument("--keep", action="store_true", help="write the file under bench/out/ and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = REPO / "bench" / "out" if args.keep else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench_{args.rows}_rows.csv"
        start = time.perf_counter()
        write_peak_table(path, args.rows, args.delimiter)
        generated_s = time.perf_counter() - start
        registry = discover_parsers(only=(LC,), third_party=False)
        rss_before = peak_rss_mb()
        start = time.perf_counter()
        parsed = registry.parse(path)
        seconds = time.perf_counter() - start
        report = {
            "parser": parsed.provenance.parser,
            "rows": len(parsed.results),
            "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
            "generate_s": round(generated_s, 3),
            "parse_s": round(seconds, 3),
            "rows_per_s": round(len(parsed.results) / seconds),
            "peak_rss_mb_before_parse": rss_before,
            "peak_rss_mb": peak_rss_mb(),
            "baselines": {name: round(fn(path), 3) for name, fn in BASELINES.items()},
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
