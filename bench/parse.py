"""LC results CSV parsing against the floor (``pyarrow.csv.read_csv`` of the same file), and the fixed cost
of a call on small files; prints JSON.

    .venv/bin/python -m bench.parse                      # 1,000,000 rows, 3 rounds
    .venv/bin/python -m bench.parse --rows 200000 --repeat 1

Generates a file in the LC results CSV format, then times, each in a fresh process (so one's memory does
not colour another's, imports and a warm-up call done before the clock starts):

- *floor*: ``pyarrow.csv.read_csv(path)`` with its defaults (types inferred, all cores);
- *ours*: ``ParserRegistry.parse(path)``, as the pipeline runs it (choose by sniffing, parse, check the
  contract, screen formula text);
- *parser alone*: ``LcResultsCsvParser().parse(path)``.

The rounds alternate floor and ours so a change in the machine's load falls on both; each figure is the
median over the rounds, and the ratios are ours over the floor. Memory is the growth of the process's
peak resident set over its resident set just before the call.

Then, in this process, the per-call cost on small files: ``ParserRegistry.parse`` on a 20-row LC results
CSV and on the smallest connector JSON of the shared exports (when present), the median and the minimum
over many calls after a warm-up, timed in alternating blocks with the floor (so both see the same
load), and split into choosing the parser, parsing, and the registry's checks. The figure each is held
to (under 1 ms): the CSV's registry parse minus its floor (medians), the JSON's whole registry parse.
The machine's load average is recorded before and after, and a fixed pure-Python loop of about 0.5 ms
(:func:`reference_workload`) is timed in the same alternating blocks: this machine's speed moves by up to
1.7x between stretches, and the reference's median and fastest show which a run fell in.
``--small-only`` runs this part alone:

    .venv/bin/python -m bench.parse --small-only --calls 1000

Not a test: nothing here asserts a threshold.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parsers import ParserRegistry

REPO = Path(__file__).resolve().parents[1]
EXPORTS = REPO.parent / "shared" / "instrument-exports" / "allotropy-asm"
LC = "lc_results_csv"
MEASURES = ("floor", "ours", "parser")


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


def _rss_mb() -> float:
    import psutil  # type: ignore[import-untyped]  # no stubs installed

    return float(psutil.Process().memory_info().rss) / 1024 / 1024


def _peak_rss_mb() -> float:
    try:
        import resource  # POSIX only; the benchmark is not part of the service

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 1024 / (1024 if sys.platform == "darwin" else 1)
    except ImportError:
        import psutil

        info = psutil.Process().memory_info()
        return float(getattr(info, "peak_wset", info.rss)) / 1024 / 1024


def measure(which: str, path: Path, warm_up: Path) -> dict[str, Any]:
    """One timed call in this (fresh) process: ``which`` of MEASURES on ``path``."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    from parsers import discover_parsers
    from parsers.lc_results_csv.parser import LcResultsCsvParser

    registry = discover_parsers(only=(LC,), third_party=False)
    call: Callable[[Path], int]
    if which == "floor":
        call = lambda p: pacsv.read_csv(p).num_rows  # noqa: E731
    elif which == "ours":
        call = lambda p: len(registry.parse(p).results)  # noqa: E731
    else:
        call = lambda p: len(LcResultsCsvParser().parse(p).results)  # noqa: E731
    call(warm_up)
    before = _rss_mb()
    start = time.perf_counter()
    rows = call(path)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rows": rows,
        "rss_before_mb": before,
        "growth_mb": _peak_rss_mb() - before,
        "arrow_pool_peak_mb": pa.default_memory_pool().max_memory() / 1024 / 1024,
    }


def _in_subprocess(which: str, path: Path, warm_up: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.parse", "--measure", which, "--file", str(path)]
    command += ["--warm-up", str(warm_up)]
    done = subprocess.run(
        command,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def large_file(rows: int, delimiter: str, repeat: int, folder: Path) -> dict[str, Any]:
    path = folder / f"bench_{rows}_rows.csv"
    warm_up = folder / "warm_up.csv"
    write_peak_table(path, rows, delimiter)
    write_peak_table(warm_up, 20, delimiter)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in MEASURES}
    for round_ in range(repeat):
        order = MEASURES if round_ % 2 == 0 else tuple(reversed(MEASURES))
        for name in order:
            runs[name].append(_in_subprocess(name, path, warm_up))
    figures: dict[str, dict[str, Any]] = {
        name: {
            "seconds": round(_median(found, "seconds"), 3),
            "growth_mb": round(_median(found, "growth_mb"), 1),
            "rss_before_mb": round(_median(found, "rss_before_mb"), 1),
            "arrow_pool_peak_mb": round(_median(found, "arrow_pool_peak_mb"), 1),
            "all_seconds": [round(run["seconds"], 3) for run in found],
        }
        for name, found in runs.items()
    }
    floor = figures["floor"]
    return {
        "rows": runs["ours"][0]["rows"],
        "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
        "repeat": repeat,
        **figures,
        "time_ratio": round(figures["ours"]["seconds"] / floor["seconds"], 2),
        "memory_ratio": round(figures["ours"]["growth_mb"] / floor["growth_mb"], 2),
        "parser_time_ratio": round(figures["parser"]["seconds"] / floor["seconds"], 2),
        "parser_memory_ratio": round(figures["parser"]["growth_mb"] / floor["growth_mb"], 2),
    }


def _timed(call: Callable[[], object], calls: int) -> dict[str, float]:
    for _ in range(20):
        call()
    seconds = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return _summary(seconds)


def _summary(seconds: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(seconds) * 1000, 3),
        "min_ms": round(min(seconds) * 1000, 3),
    }


def _timed_on_fresh(make: Callable[[], Any], call: Callable[[Any], object], calls: int) -> dict[str, float]:
    """``call`` on a fresh ``make()`` each time (made before the clock starts): checks of a parser's
    output, which pandas' caches would flatter if they were run on the same output again and again."""
    for _ in range(20):
        call(make())
    seconds = []
    for _ in range(calls):
        made = make()
        start = time.perf_counter()
        call(made)
        seconds.append(time.perf_counter() - start)
    return _summary(seconds)


#: Iterations of the reference workload: a fixed pure-Python loop of about 0.5 ms on this machine at full
#: speed. Fixed, not calibrated, so that its time in two runs says how fast the machine ran in each.
REFERENCE_ITERATIONS = 15_000


def reference_workload() -> int:
    """A fixed pure-Python loop: what the interpreter alone costs, to tell a slow phase of the machine
    (its speed moves by up to 1.7x from one stretch to the next) from a change in the parse."""
    total = 0
    for number in range(REFERENCE_ITERATIONS):
        total += number
    return total


def _timed_against_floor(
    call: Callable[[], object], floor: Callable[[], object], calls: int, *, block: int = 25
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """``call``, ``floor`` and :func:`reference_workload` timed in alternating blocks of ``block`` calls,
    so a change in the machine's load or speed falls on all three, while ours never runs straight after
    the floor (the floor's reader threads would otherwise still be winding down when ours starts)."""
    for _ in range(20):
        call()
        floor()
        reference_workload()
    ours: list[float] = []
    floors: list[float] = []
    references: list[float] = []
    while len(ours) < calls:
        count = min(block, calls - len(ours))
        for timed, seconds in ((floor, floors), (reference_workload, references), (call, ours)):
            for _ in range(count):
                start = time.perf_counter()
                timed()
                seconds.append(time.perf_counter() - start)
    return _summary(ours), _summary(floors), _summary(references)


#: What each small file's figure is held to (ms): the LC CSV's registry parse over its floor, the connector
#: JSON's whole registry parse (its floor, json.loads, is a few hundredths of a ms).
TARGET_MS = 1.0


def small_files(folder: Path, calls: int) -> list[dict[str, Any]]:
    """Per-call cost on small files: the whole registry call and its parts."""
    from parsers import discover_parsers

    registry = discover_parsers(third_party=False)
    csv_file = folder / "small_20_rows.csv"
    write_peak_table(csv_file, 20, ",")
    files = [csv_file]
    connector = sorted(EXPORTS.glob("benchling_*/input/*.json"), key=lambda p: p.stat().st_size)
    if connector:
        files.append(connector[0])
    return [_small_file(registry, path, calls) for path in files]


def _small_file(registry: ParserRegistry, path: Path, calls: int) -> dict[str, Any]:
    import pyarrow.csv as pacsv

    from ingest.models import ParsedFile, ParseHints
    from parsers import validate_parsed
    from parsers._plugin.formula_text import screen_formula_text
    from parsers._plugin.guessed_encoding import warn_of_guessed_encoding
    from parsers._plugin.placeholder_values import screen_placeholders
    from parsers._plugin.registry import screens_formula_text

    entry = registry.get(registry.choose(path).name)
    parser = entry.create()
    parsed = registry.parse(path)
    floor: Callable[[], object]
    if path.suffix == ".csv":
        floor_name, floor = "pyarrow.csv.read_csv", lambda: pacsv.read_csv(path)
        held, figure = "registry parse - floor", "overhead_ms"
    else:
        floor_name, floor = "json.loads(read_bytes())", lambda: json.loads(path.read_bytes())
        held, figure = "registry parse", "registry_ms"
    hints = ParseHints()
    screened_by_parser = screens_formula_text(entry.parser_class)

    def checks(output: ParsedFile) -> object:
        """What the registry does after the parser's call (the formula screen only when the parser
        leaves it to the registry)."""
        checked = screen_placeholders(
            warn_of_guessed_encoding(validate_parsed(output, file=path), file=path, hinted=None), file=path
        )
        if screened_by_parser:
            return checked
        return screen_formula_text(checked, policy=hints.formula_text, file=path)

    registry_parse, floor_figures, reference = _timed_against_floor(
        lambda: registry.parse(path), floor, calls
    )
    overhead = round(registry_parse["median_ms"] - floor_figures["median_ms"], 3)
    value = overhead if figure == "overhead_ms" else registry_parse["median_ms"]
    return {
        "file": path.name,
        "bytes": path.stat().st_size,
        "parser": parsed.provenance.parser,
        "result_rows": len(parsed.results),
        "calls": calls,
        "registry_parse": registry_parse,
        "choose": _timed(lambda: registry.choose(path), calls),
        "parse": _timed(lambda: parser.parse(path), calls),
        "checks": _timed_on_fresh(lambda: parser.parse(path), checks, calls),
        "floor_name": floor_name,
        "floor": floor_figures,
        "overhead_ms": overhead,
        # The machine's phase: the reference loop's time in the same blocks (about 0.5 ms at full speed,
        # up to 1.7x that in a slow stretch), and the registry parse in units of it (medians).
        "reference_name": f"for number in range({REFERENCE_ITERATIONS}): total += number",
        "reference": reference,
        "registry_over_reference": round(registry_parse["median_ms"] / reference["median_ms"], 3),
        "held": held,
        "target_ms": TARGET_MS,
        "target_met": value < TARGET_MS,
    }


def _load_average() -> list[float]:
    import psutil

    return [round(load, 2) for load in psutil.getloadavg()]


def small_part(calls: int) -> dict[str, Any]:
    """The small-file part alone, with the machine's load average (1, 5, 15 min) before and after."""
    before = _load_average()
    with tempfile.TemporaryDirectory() as scratch:
        files = small_files(Path(scratch), calls)
    return {"small": files, "load_average_before": before, "load_average_after": _load_average()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--delimiter", default=",", choices=[",", ";", "\t"])
    parser.add_argument("--repeat", type=int, default=3, help="rounds of floor/ours/parser processes")
    parser.add_argument("--calls", type=int, default=500, help="timed calls per small file")
    parser.add_argument(
        "--small-only", action="store_true", help="only the per-call cost on small files (no large file)"
    )
    parser.add_argument("--measure", choices=MEASURES, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--warm-up", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.file, args.warm_up)))
        return
    if args.small_only:
        print(json.dumps(small_part(args.calls), indent=2))
        return
    with tempfile.TemporaryDirectory() as scratch:
        report = {"large": large_file(args.rows, args.delimiter, args.repeat, Path(scratch))}
    print(json.dumps({**report, **small_part(args.calls)}, indent=2))


if __name__ == "__main__":
    main()
