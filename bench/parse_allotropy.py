"""Parsing speed: our connector JSON parsers against allotropy on the same inputs, in one run.

allotropy (Benchling's converter to the Allotrope Simple Model) is NOT a dependency of this project and
must not become one; it pins its own pandas. Install it in a throwaway virtualenv and point this script
at that interpreter:

    python3 -m venv /tmp/allotropy-venv && /tmp/allotropy-venv/bin/pip install allotropy
    .venv/bin/python -m bench.parse_allotropy --allotropy-python /tmp/allotropy-venv/bin/python

(If allotropy happens to be importable by the interpreter running this script, it is timed in-process.)
Inputs are the Benchling connector exports under ``../shared/instrument-exports/allotropy-asm``. For
each file, after one warm-up call each, both sides parse it ``--repeat`` times and the median wall time
is reported. allotropy is timed twice: to its in-memory model (``allotrope_model_from_file``, the step
comparable to our ``parse``) and to the serialized, schema-validated ASM dict (``allotrope_from_file``).
Figures are printed as JSON; ``ratio_*`` is allotropy's time over ours (above 1: we are faster).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EXPORTS = REPO.parent / "shared" / "instrument-exports"

#: (folder under allotropy-asm, our parser spec, allotropy Vendor name)
CONNECTOR_FORMATS = (
    (
        "benchling_chromeleon",
        "parsers.benchling_connector_chromeleon_json.parser:ChromeleonConnectorJsonParser",
        "BENCHLING_CHROMELEON",
    ),
    (
        "benchling_empower",
        "parsers.benchling_connector_empower_json.parser:EmpowerConnectorJsonParser",
        "BENCHLING_EMPOWER",
    ),
)

INSTALL_HINT = (
    "allotropy is not installed for this benchmark. It is deliberately not a project dependency; install it "
    "in a throwaway virtualenv and pass its interpreter:\n"
    "    python3 -m venv /tmp/allotropy-venv && /tmp/allotropy-venv/bin/pip install allotropy\n"
    "    .venv/bin/python -m bench.parse_allotropy --allotropy-python /tmp/allotropy-venv/bin/python"
)


def median_ms(call: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``call`` in milliseconds over ``repeat`` runs, after one warm-up run."""
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def time_allotropy(jobs: list[tuple[str, str]], repeat: int) -> dict[str, Any]:
    """Time allotropy on (path, vendor) jobs in this interpreter; needs only allotropy and the stdlib."""
    # imported here: the parent process usually lacks allotropy (and mypy never sees it)
    import allotropy  # type: ignore[import-not-found]
    from allotropy.to_allotrope import (  # type: ignore[import-not-found]
        allotrope_from_file,
        allotrope_model_from_file,
    )

    timings = {}
    for path, vendor in jobs:
        timings[path] = {
            "allotropy_model_ms": median_ms(lambda: allotrope_model_from_file(path, vendor), repeat),  # noqa: B023
            "allotropy_asm_ms": median_ms(lambda: allotrope_from_file(path, vendor), repeat),  # noqa: B023
        }
    version = getattr(allotropy, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version

        version = dist_version("allotropy")
    return {"allotropy_version": version, "python": sys.version.split()[0], "timings": timings}


def allotropy_in_subprocess(python: str, jobs: list[tuple[str, str]], repeat: int) -> dict[str, Any]:
    """Run :func:`time_allotropy` under another interpreter (the throwaway venv) and read its JSON."""
    request = json.dumps({"jobs": jobs, "repeat": repeat})
    completed = subprocess.run(
        [python, str(Path(__file__).resolve()), "--child"],
        input=request,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        if "No module named 'allotropy'" in completed.stderr:
            sys.exit(f"{python} has no allotropy.\n{INSTALL_HINT}")
        sys.exit(f"allotropy timing under {python} failed:\n{completed.stderr.strip()}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def time_ours(spec: str, path: Path, repeat: int) -> tuple[float, int]:
    """Median parse time of our parser for ``path``, and the number of result rows it gives."""
    import importlib

    module_name, _, class_name = spec.partition(":")
    parser = getattr(importlib.import_module(module_name), class_name)()
    rows = len(parser.parse(path).results)
    return median_ms(lambda: parser.parse(path), repeat), rows


def allotropy_importable() -> bool:
    try:
        import allotropy  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument(
        "--exports", type=Path, default=DEFAULT_EXPORTS, help="the shared instrument-exports folder"
    )
    args.add_argument("--repeat", type=int, default=20, help="timed runs per file and side (median reported)")
    args.add_argument("--allotropy-python", help="interpreter of a virtualenv where allotropy is installed")
    args.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = args.parse_args(argv)

    if options.child:  # we are the throwaway venv's interpreter: time allotropy only
        request = json.load(sys.stdin)
        json.dump(time_allotropy([tuple(job) for job in request["jobs"]], request["repeat"]), sys.stdout)
        return 0

    root = options.exports / "allotropy-asm"
    cases = [
        (path, spec, vendor)
        for folder, spec, vendor in CONNECTOR_FORMATS
        for path in sorted((root / folder / "input").glob("*.json"))
    ]
    if not cases:
        sys.exit(
            f"No connector JSON inputs found under {root}. Expected the shared instrument-exports folder."
        )
    jobs = [(str(path), vendor) for path, _, vendor in cases]
    if options.allotropy_python:
        theirs = allotropy_in_subprocess(options.allotropy_python, jobs, options.repeat)
    elif allotropy_importable():
        theirs = time_allotropy(jobs, options.repeat)
    else:
        print(INSTALL_HINT, file=sys.stderr)
        return 2

    files = []
    for path, spec, _ in cases:
        ours_ms, rows = time_ours(spec, path, options.repeat)
        their = theirs["timings"][str(path)]
        files.append(
            {
                "file": f"{path.parent.parent.name}/{path.name}",
                "bytes": path.stat().st_size,
                "result_rows": rows,
                "ours_ms": round(ours_ms, 3),
                "allotropy_model_ms": round(their["allotropy_model_ms"], 3),
                "allotropy_asm_ms": round(their["allotropy_asm_ms"], 3),
                "ratio_model": round(their["allotropy_model_ms"] / ours_ms, 2),
                "ratio_asm": round(their["allotropy_asm_ms"] / ours_ms, 2),
            }
        )
    totals = {
        key: round(sum(f[key] for f in files), 3)
        for key in ("ours_ms", "allotropy_model_ms", "allotropy_asm_ms")
    }
    report = {
        "benchmark": "connector JSON parse: ours vs allotropy",
        "repeat": options.repeat,
        "python": sys.version.split()[0],
        "allotropy_version": theirs["allotropy_version"],
        "allotropy_python": theirs["python"],
        "files": files,
        "total": {
            **totals,
            "ratio_model": round(totals["allotropy_model_ms"] / totals["ours_ms"], 2),
            "ratio_asm": round(totals["allotropy_asm_ms"] / totals["ours_ms"], 2),
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
