"""The allotropy bridge's cost per file, against our own LC parsing, and what it adds to discovery.

    .venv/bin/python -m bench.parse_bridge --allotropy-python .venv-allotropy/bin/python --repeat 10

For each real plate-reader, qPCR, cell-counter and analyser export under
``../shared/instrument-exports/allotropy-asm`` that allotropy converts:

- *bridge warm*: the median wall time of ``registry.parse`` through the bridge with its worker already
  running (allotropy's conversion in the worker, the ASM handed over as JSON, then read as ASM);
- *ASM read*: the median time of our ASM parser on allotropy's stored ASM for the same file (the part of
  the bridge that runs in our process);
- the ratio of *bridge warm* to the median parse of an LC export by our own parsers (the LC results CSV
  demo export and a real Chromeleon connector JSON, the fast path the bridge must not slow).

Once: the first conversion of a fresh worker (*cold*: starting the worker's python and importing
allotropy). And discovery and choosing a parser for an LC export, with and without the bridge's plugins
listed (``BENCHLING_INGEST_ALLOTROPY_PYTHON`` unset or set): the bridge must not slow either.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EXPORTS = REPO.parent / "shared" / "instrument-exports"
INSTRUMENTS = (
    "moldev_softmax_pro",
    "agilent_gen5",
    "appbio_quantstudio",
    "cfxmaestro",
    "beckman_vi_cell_blu",
    "roche_cedex_bioht",
)
PYTHON_VARIABLE = "BENCHLING_INGEST_ALLOTROPY_PYTHON"


def median_ms(call: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``call`` in milliseconds over ``repeat`` runs, after one warm-up run."""
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def discovery_ms(repeat: int) -> float:
    from parsers import discover_parsers

    return median_ms(discover_parsers, repeat)


def choose_ms(path: Path, repeat: int) -> float:
    from parsers import discover_parsers

    registry = discover_parsers()
    return median_ms(lambda: registry.choose(path), repeat)


def discovery_figures(lc_files: list[Path], repeat: int) -> dict[str, Any]:
    """Discovery time, choosing a parser for each LC export, and how many parsers were listed."""
    from parsers import discover_parsers

    return {
        "discover_ms": round(discovery_ms(repeat), 2),
        "choose_lc_ms": [round(choose_ms(p, repeat), 3) for p in lc_files],
        "parsers": len(discover_parsers()),
    }


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--exports", type=Path, default=DEFAULT_EXPORTS)
    args.add_argument("--allotropy-python", required=True, help="python of an environment with allotropy")
    args.add_argument("--repeat", type=int, default=10, help="timed runs per figure (median reported)")
    options = args.parse_args(argv)
    # absolute(), not resolve(): a virtualenv's python is a symlink to the base interpreter.
    python = str(Path(options.allotropy_python).absolute())
    root = options.exports / "allotropy-asm"
    lc_files = [
        REPO / "sample_data" / "exports" / "lc" / "2026-11-02_caffeine_std.csv",
        root / "benchling_chromeleon" / "input" / "chromeleon_example.json",
    ]
    if not all(p.is_file() for p in lc_files) or not Path(python).is_file():
        sys.exit(f"Missing inputs or interpreter: {lc_files} / {python}")

    os.environ.pop(PYTHON_VARIABLE, None)
    from parsers import discover_parsers
    from parsers.allotropy_bridge.worker_client import close_workers
    from parsers.asm.parser import AsmParser

    without = discovery_figures(lc_files, options.repeat)
    plain = discover_parsers()
    lc_parse = {p.name: median_ms(partial(plain.parse, p), options.repeat) for p in lc_files}
    lc_reference = statistics.median(lc_parse.values())

    os.environ[PYTHON_VARIABLE] = python
    with_bridge = discovery_figures(lc_files, options.repeat)
    registry = discover_parsers()
    first = root / "cfxmaestro" / "input" / "example01.csv"
    close_workers()
    start = time.perf_counter()
    registry.parse(first)
    cold_ms = (time.perf_counter() - start) * 1000

    files: list[dict[str, Any]] = []
    for instrument in INSTRUMENTS:
        for output in sorted((root / instrument / "output").glob("*.json")):
            (source,) = [p for p in (root / instrument / "input").iterdir() if p.stem == output.stem]
            rows = len(registry.parse(source).results)
            warm = median_ms(partial(registry.parse, source), options.repeat)
            asm = median_ms(partial(AsmParser().parse, output), options.repeat)
            files.append(
                {
                    "file": f"{instrument}/{source.name}",
                    "bytes": source.stat().st_size,
                    "result_rows": rows,
                    "bridge_warm_ms": round(warm, 2),
                    "asm_read_ms": round(asm, 2),
                    "ratio_to_lc": round(warm / lc_reference, 1),
                }
            )
    close_workers()
    report = {
        "benchmark": "allotropy bridge: cost per file",
        "repeat": options.repeat,
        "python": sys.version.split()[0],
        "allotropy_python": python,
        "lc_parse_ms": {k: round(v, 2) for k, v in lc_parse.items()},
        "lc_reference_ms": round(lc_reference, 2),
        "cold_first_file_ms": round(cold_ms, 1),
        "without_bridge": without,
        "with_bridge": with_bridge,
        "files": files,
        "total": {
            "bridge_warm_ms": round(sum(f["bridge_warm_ms"] for f in files), 1),
            "asm_read_ms": round(sum(f["asm_read_ms"] for f in files), 1),
            "median_ratio_to_lc": statistics.median(f["ratio_to_lc"] for f in files),
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
