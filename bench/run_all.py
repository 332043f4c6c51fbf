"""Run every benchmark, then rewrite ``docs/BENCHMARKS.md`` from their JSON output (``make bench``).

    .venv/bin/python -m bench.run_all                   # full sizes (the backfill: ~30 min at 60/30)
    .venv/bin/python -m bench.run_all --quick           # small sizes, ~10 minutes
    .venv/bin/python -m bench.run_all --quick --rate-limit 600/30
    .venv/bin/python -m bench.run_all --only parse_allotropy   # run one, re-render from bench/out
    .venv/bin/python -m bench.run_all --render-only            # run nothing, re-render from bench/out

Each benchmark runs as its own process (``python -m bench.<name> ...``) so one's memory does not
colour another's. Its JSON is kept as ``bench/out/<name>.json`` together with when and how it ran
(``"run"``), and the document is rendered only from those files: each section names the run its
figures come from.

``parse_allotropy`` times allotropy, and ``parse_bridge`` the allotropy bridge, under the interpreter of
a separate virtualenv (``.venv-allotropy``, which ``make venv`` and ``make bench`` create). When that
interpreter cannot import allotropy, or the shared exports are absent, they are not run and their
sections say why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # no stubs installed; only used for total memory

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "BENCHMARKS.md"
OUT = REPO / "bench" / "out"
EXPORTS = REPO.parent / "shared" / "instrument-exports"
ALLOTROPY_VENV = ".venv-allotropy"
BENCHMARKS = (
    "parse",
    "parse_allotropy",
    "parse_bridge",
    "blob_memory",
    "backfill",
    "latency",
    "render",
    "cli_start",
)


def venv_python(venv: str) -> str:
    """The interpreter of a virtualenv, relative to the repository (the benchmarks run with cwd=REPO)."""
    return f"{venv}/Scripts/python.exe" if sys.platform == "win32" else f"{venv}/bin/python"


def commands(quick: bool, rate_limit: str, allotropy_python: str) -> dict[str, list[str]]:
    return {
        "parse": ["bench.parse", "--rows", "200000" if quick else "1000000"],
        "parse_allotropy": [
            "bench.parse_allotropy",
            "--allotropy-python",
            allotropy_python,
            "--repeat",
            "20",
        ],
        "parse_bridge": [
            "bench.parse_bridge",
            "--allotropy-python",
            allotropy_python,
            "--repeat",
            "5" if quick else "10",
        ],
        "blob_memory": ["bench.blob_memory", "--size-mb", "256" if quick else "1024"],
        "backfill": [
            "bench.backfill",
            *(["--quick"] if quick else []),
            "--rate-limits",
            rate_limit,
            "--render-workers",
            "0,1",
        ],
        "latency": ["bench.latency", *(["--quick"] if quick else [])],
        "render": ["bench.render", "--large-mb", "200", "--repeat", "5" if quick else "10"],
        "cli_start": ["bench.cli_start", "--repeat", "10"],
    }


def allotropy_unavailable(allotropy_python: str) -> str | None:
    """Why parse_allotropy cannot run here, or None when its inputs and its interpreter are in place."""
    inputs = EXPORTS / "allotropy-asm"
    if not any(inputs.glob("*/input/*.json")):
        return (
            "the shared connector exports are absent (no `*/input/*.json` under "
            "`../shared/instrument-exports/allotropy-asm`), so there is "
            "nothing to parse"
        )
    interpreter = REPO / allotropy_python
    if not interpreter.is_file():
        return (
            f"the allotropy virtualenv is absent (no `{allotropy_python}`); `make bench` creates it "
            f"(`python3 -m venv {ALLOTROPY_VENV}`, then `pip install allotropy` in it)"
        )
    probe = subprocess.run(
        [str(interpreter), "-c", "import allotropy"], cwd=REPO, capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return f"`{allotropy_python}` cannot import allotropy (is `pip install allotropy` done in that venv?)"
    return None


def save(name: str, figures: dict[str, Any]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def run_record(args: list[str], quick: bool) -> dict[str, Any]:
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    return {"at": when, "command": f".venv/bin/python -m {' '.join(args)}", "quick": quick}


def run(name: str, args: list[str], quick: bool) -> dict[str, Any]:
    print(f"running {name}: python -m {' '.join(args)}", file=sys.stderr, flush=True)
    record = run_record(args, quick)
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    try:
        figures: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        figures = {"error": f"exit {done.returncode}; no JSON output", "stderr": done.stderr[-2000:]}
    figures["exit_code"] = done.returncode
    figures["run"] = record
    save(name, figures)
    return figures


def skip(name: str, args: list[str], quick: bool, reason: str) -> dict[str, Any]:
    print(f"not running {name}: {reason}", file=sys.stderr, flush=True)
    figures = {"skipped": reason, "exit_code": 0, "run": run_record(args, quick)}
    save(name, figures)
    return figures


def saved() -> dict[str, dict[str, Any]]:
    """Every benchmark's last recorded figures under bench/out (absent ones are left out)."""
    kept = {}
    for name in BENCHMARKS:
        path = OUT / f"{name}.json"
        if path.is_file():
            kept[name] = json.loads(path.read_text(encoding="utf-8"))
    return kept


def machine() -> dict[str, str]:
    return {
        "cpus": str(os.cpu_count()),
        "memory": f"{psutil.virtual_memory().total / 1024**3:.1f} GiB",
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()} ({platform.machine()})",
    }


def _met(flag: object) -> str:
    return "met" if flag is True else "**missed**" if flag is False else "n/a"


def _run_of(f: dict[str, Any]) -> dict[str, Any]:
    run_: dict[str, Any] = f.get("run", {})
    return run_


def _provenance(name: str, f: dict[str, Any]) -> list[str]:
    run_, raw = _run_of(f), f"raw `bench/out/{name}.json`"
    if "at" not in run_:
        return [f"_From a run whose time and command were not recorded; {raw}._", ""]
    verb = "Checked, not run," if "skipped" in f else "From the run of"
    return [f"_{verb} {run_['at']}: `{run_['command']}`; {raw}._", ""]


def render(results: dict[str, dict[str, Any]]) -> str:
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        "# Benchmarks",
        "",
        f"Written by `bench/run_all.py` on {when} from the figures recorded in `bench/out/*.json`; each "
        "section names the run its figures come from (a benchmark can be re-run alone with "
        "`--only NAME`, which re-renders this document from the other benchmarks' recorded runs). "
        "Regenerate with `make bench` (full) or `.venv/bin/python -m bench.run_all --quick`.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine().items()),
        "",
        "## Runs",
        "",
        "| benchmark | run at | command |",
        "|---|---|---|",
        *(
            f"| {name} | {_run_of(results[name]).get('at', 'not recorded')} "
            f"| `{_run_of(results[name]).get('command', '?')}` |"
            for name in BENCHMARKS
            if name in results
        ),
        "",
    ]
    quick_sizes = {
        "parse": "parse 200,000 rows (full: 1,000,000)",
        "blob_memory": "blob 256 MB (full: 1 GB)",
        "backfill": "backfill runs of about one rate-limit window, at most 200 files (full: three windows, "
        "at most 600 files)",
        "latency": "latency 8 files (full: 20)",
    }
    quick = [
        text for name, text in quick_sizes.items() if name in results and _run_of(results[name]).get("quick")
    ]
    if quick:
        lines += ["Quick sizes were used for: " + "; ".join(quick) + ". The other runs used full sizes.", ""]
    sections = {
        "parse": _parse_section,
        "parse_allotropy": _allotropy_section,
        "parse_bridge": _bridge_section,
        "blob_memory": _blob_section,
        "backfill": _backfill_section,
        "latency": _latency_section,
        "render": _render_section,
        "cli_start": _cli_start_section,
    }
    for name, section in sections.items():
        figures = results.get(name, {})
        body = section(figures)
        # the heading first, then which run the figures come from
        lines += [*body[:2], *(_provenance(name, figures) if figures else []), *body[2:]]
    return "\n".join(lines) + "\n"


def _failed(name: str, figures: dict[str, Any]) -> list[str]:
    return [f"## {name}", "", f"Did not produce figures: {figures.get('error', 'not run')}.", ""]


def _allotropy_section(f: dict[str, Any]) -> list[str]:
    title = "Parsing: ours vs allotropy"
    if "skipped" in f:
        return [f"## {title}", "", f"Not measured: {f['skipped']}.", ""]
    if "files" not in f:
        return _failed(title, f)
    total = f["total"]
    return [
        f"## {title}",
        "",
        "The Benchling connector JSON exports under `../shared/instrument-exports/allotropy-asm` parsed by "
        f"our connector parsers (Python {f['python']}) and by allotropy {f['allotropy_version']} (Python "
        f"{f['allotropy_python']}, in the separate `{ALLOTROPY_VENV}` virtualenv; allotropy is not a "
        f"dependency of this project). Each figure is the median of {f['repeat']} timed calls after one "
        "warm-up call. *allotropy model* is `allotrope_model_from_file` (to its in-memory model, the step "
        "comparable to our `parse`); *allotropy full ASM* is `allotrope_from_file` (the model serialized "
        "and schema-validated). Ratios are allotropy's time over ours: above 1, ours is faster. allotropy "
        "is timed first, in its own process, then ours, so a change in the machine's load between the two "
        "shifts the ratios; small files (a few KiB) differ by little more than that noise.",
        "",
        "| file | size | result rows | ours ms | allotropy model ms | allotropy full ASM ms "
        "| model / ours | full ASM / ours |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| `{x['file']}` | {x['bytes'] / 1024:.1f} KiB | {x['result_rows']} | {x['ours_ms']} "
            f"| {x['allotropy_model_ms']} | {x['allotropy_asm_ms']} "
            f"| {x['ratio_model']}x | {x['ratio_asm']}x |"
            for x in f["files"]
        ),
        f"| **total** | | | {total['ours_ms']} | {total['allotropy_model_ms']} | {total['allotropy_asm_ms']} "
        f"| {total['ratio_model']}x | {total['ratio_asm']}x |",
        "",
    ]


def _bridge_section(f: dict[str, Any]) -> list[str]:
    title = "The allotropy bridge: cost per file"
    if "skipped" in f:
        return [f"## {title}", "", f"Not measured: {f['skipped']}.", ""]
    if "files" not in f:
        return _failed(title, f)
    without, with_bridge, total = f["without_bridge"], f["with_bridge"], f["total"]
    lc = ", ".join(f"`{name}` {ms} ms" for name, ms in f["lc_parse_ms"].items())
    return [
        f"## {title}",
        "",
        "Real plate-reader, qPCR, cell-counter and analyser exports under "
        "`../shared/instrument-exports/allotropy-asm` read through the allotropy bridge: allotropy converts "
        f"each in its worker process (Python {f['python']} here, allotropy in `{ALLOTROPY_VENV}`), the ASM "
        "comes back as JSON and is read by our ASM parser. *bridge warm* is the median of "
        f"{f['repeat']} `registry.parse` calls with the worker running; *ASM read* the median of our ASM "
        "parser on allotropy's stored ASM for the same file (the part that runs in our process). The ratio "
        f"is *bridge warm* over our own LC parsing of an export (median of {lc}: "
        f"{f['lc_reference_ms']} ms).",
        "",
        f"The first file after the worker starts costs {f['cold_first_file_ms'] / 1000:.1f} s (starting "
        "Python and importing allotropy, once per process). Discovery: "
        f"{without['discover_ms']} ms with {without['parsers']} parsers, {with_bridge['discover_ms']} ms "
        f"with the bridge's {with_bridge['parsers'] - without['parsers']} plugins listed (allotropy is not "
        "imported). Choosing the parser of an LC export (extension, then every candidate's content check): "
        + "; ".join(
            f"`{name}` {a} ms without, {b} ms with"
            for name, a, b in zip(
                f["lc_parse_ms"], without["choose_lc_ms"], with_bridge["choose_lc_ms"], strict=True
            )
        )
        + " (the bridge's plugins for the same extension each add one check of the file's first bytes; "
        "the machine is shared, so differences of a few ms are noise).",
        "",
        "| file | size | result rows | bridge warm ms | ASM read ms | bridge / LC parse |",
        "|---|---|---|---|---|---|",
        *(
            f"| `{x['file']}` | {x['bytes'] / 1024:.1f} KiB | {x['result_rows']} | {x['bridge_warm_ms']} "
            f"| {x['asm_read_ms']} | {x['ratio_to_lc']}x |"
            for x in f["files"]
        ),
        f"| **total** | | | {total['bridge_warm_ms']} | {total['asm_read_ms']} "
        f"| median {total['median_ratio_to_lc']}x |",
        "",
    ]


def _parse_section(f: dict[str, Any]) -> list[str]:
    title = "Parsing (LC results CSV) against the pyarrow floor"
    if "large" not in f:
        return _failed(title, f)
    large = f["large"]
    floor, ours, alone = large["floor"], large["ours"], large["parser"]
    lines = [
        f"## {title}",
        "",
        f"A generated {large['rows']:,}-row LC results CSV ({large['file_mb']} MB, UTF-8, decimal point). "
        "*floor* is `pyarrow.csv.read_csv(path)` with its defaults; *ours* is `ParserRegistry.parse(path)` "
        "as the pipeline runs it (choose by sniffing, parse, check the contract, screen formula text); "
        "*parser alone* is `LcResultsCsvParser().parse(path)`. Each is timed in a fresh process after its "
        "imports and a warm-up call, in rounds that alternate the order; figures are medians over "
        f"{large['repeat']} rounds. Memory is the growth of the peak resident set over the resident set "
        "just before the call. Ratios are ours over the floor: at most 2 for time and 1.2 for memory is "
        "the target. The machine is shared (2 cores): its load moves every figure, and less the ratios.",
        "",
        "| figure | floor | ours | parser alone | ours / floor | target |",
        "|---|---|---|---|---|---|",
        f"| time | {floor['seconds']} s | {ours['seconds']} s | {alone['seconds']} s "
        f"| {large['time_ratio']}x (parser alone {large['parser_time_ratio']}x) | <= 2x: "
        f"{'met' if large['time_ratio'] <= 2 else 'not met'} |",
        f"| peak memory growth | {floor['growth_mb']} MB | {ours['growth_mb']} MB | {alone['growth_mb']} MB "
        f"| {large['memory_ratio']}x (parser alone {large['parser_memory_ratio']}x) | <= 1.2x: "
        f"{'met' if large['memory_ratio'] <= 1.2 else 'not met'} |",
        f"| pyarrow memory pool peak | {floor['arrow_pool_peak_mb']} MB | {ours['arrow_pool_peak_mb']} MB "
        f"| {alone['arrow_pool_peak_mb']} MB | | |",
        f"| every round's time | {floor['all_seconds']} | {ours['all_seconds']} | {alone['all_seconds']} "
        "| | |",
        "",
    ]
    small = f.get("small", [])
    if small:
        lines += small_file_lines(small)
    return lines


def small_file_lines(small: list[dict[str, Any]]) -> list[str]:
    """The per-call table of small files (``bench.parse``'s ``small`` figures)."""
    return [
        "Per-call cost on small files, in one warm process: the median and (in brackets) the fastest "
        f"of {small[0]['calls']} calls after 20 warm-up calls, in ms. *registry parse* is the whole "
        "call, timed in alternating blocks of 25 with the floor and the reference; *choose* is finding the "
        "parser (extension, sniffing every candidate); *parse* is the parser's own call (given the path "
        "alone, so it reads the file itself); *checks* is what the registry does after it "
        "(contract check, placeholder values, and the formula-text screening of parsers that leave it to "
        "the registry); *floor* is reading the same file with no parsing of ours (`pyarrow.csv.read_csv`, "
        "or `json.loads` of its bytes); *over floor* is registry parse minus floor (medians). *reference* "
        "is a fixed pure-Python loop timed in the same blocks: this machine's speed moves by up to 1.7x "
        "between stretches, and the reference shows which stretch a run fell in. The target "
        "is under 1 ms: for the LC CSV its registry parse over the floor, for the connector JSON its whole "
        "registry parse (*held to*).",
        "",
        "| file | size | rows | registry parse | choose | parse | checks | floor | over floor "
        "| reference | held to | target < 1 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(
            f"| `{x['file']}` ({x['parser']}) | {x['bytes'] / 1024:.1f} KiB | {x['result_rows']} "
            + " ".join(
                f"| {x[k]['median_ms']} ({x[k]['min_ms']})"
                for k in ("registry_parse", "choose", "parse", "checks", "floor")
            )
            + f" | {x.get('overhead_ms', 'n/a')} | {_reference(x)} | {x.get('held', 'registry parse')} | "
            + ("met" if x.get("target_met", x["registry_parse"]["median_ms"] < 1) else "not met")
            + " |"
            for x in small
        ),
        "",
    ]


def _reference(figures: dict[str, Any]) -> str:
    reference = figures.get("reference")
    return "n/a" if reference is None else f"{reference['median_ms']} ({reference['min_ms']})"


def _blob_section(f: dict[str, Any]) -> list[str]:
    if "peak_rss_mb" not in f:
        return _failed("Blob upload memory", f)
    return [
        "## Blob upload memory",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| file size | {f['size_mb']} MB in {f['part_mb']} MB parts ({f['requests']} requests) | |",
        f"| client peak RSS | {f['peak_rss_mb']} MB (baseline {f['baseline_rss_mb']} MB) "
        f"| < {f['target_peak_mb']} MB: {_met(f['within_target'])} |",
        f"| throughput | {f['throughput_mb_s']} MB/s | none set |",
        f"| stored bytes match (md5) | {f['md5_matches']} | must match |",
        "",
    ]


def _render_section(f: dict[str, Any]) -> list[str]:
    if "large" not in f or "thread" not in f["large"]:
        return _failed("Chromatogram rendering", f)
    rows = []
    for size in ("small", "large"):
        old, thread, pool = (f[size][style] for style in ("old", "thread", "pool"))
        rows += [
            f"| {f['sizes_mb'][size]:g} MB trace | {old['seconds']:.3f} s | {thread['seconds']:.3f} s "
            f"({thread['caller_thread_cpu_seconds']:.3f} s CPU) | {pool['seconds']:.3f} s "
            f"({pool['caller_thread_cpu_seconds']:.3f} s CPU in the caller) "
            f"| {f[size]['time_ratio_old_over_thread']}x / {f[size]['time_ratio_old_over_pool']}x "
            f"| +{old['caller_extra_mb']} MB | +{thread['caller_extra_mb']} MB "
            f"| +{pool['caller_extra_mb']} MB; worker peak {pool['worker_peak_mb']} MB |"
        ]
    large = f["large"]
    load = f.get("load_average") or []
    return [
        "## Chromatogram rendering",
        "",
        "Old: the matplotlib renderer before issue #14 (`bench/render_baseline.py`: tight_layout, savefig, "
        "whole-trace copies). New: the trace reduced to its pixel columns (`prepare_render`), then drawn "
        "with Pillow on a fixed layout (`ingest/load/render/drawing.py`: polylines, ticks, text in the "
        "bundled DejaVu Sans, an indexed PNG at zlib level 1; no matplotlib import), either in the calling "
        "thread (*thread*, the default) or in a render-pool worker (*pool*, the round trip included). Each "
        "case runs in a fresh process; time is a median, CPU is the calling thread's. Memory is the "
        "caller's peak above the RSS it had with the trace built, and the pool worker's own peak RSS. "
        f"Load average before / after: {' / '.join(str(x) for x in load)} (2 cores, shared).",
        "",
        "| trace | old time | new, thread | new, pool | old / new (thread / pool) | old caller memory "
        "| thread caller memory | pool memory |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"200 MB trace within {f['target_mb']} MB: in the calling thread "
        f"+{large['thread']['caller_extra_mb']} MB beyond the trace ({_met(f['thread_within_target'])}); "
        f"pool worker peak {large['pool']['worker_peak_mb']} MB ({_met(f['pool_within_target'])}).",
        "",
        "Where to draw: a render of an ordinary trace in the calling thread costs a few hundredths of a CPU "
        "second (the backfill's CPU per file is about 0.13 s with the render on and 0.09 s with it off). "
        "A pool takes only the drawing off the caller's interpreter (the reduction "
        "stays with the caller, which holds the trace), at the price of a process of its own (worker peak "
        "above), a round trip per render and a worker to restart when one dies or overruns. Compare the "
        "backfill rows *on* and *on, pool of 1*: the pool moves files/s by a few percent either way, no "
        "more than two runs of the same row differ, even where the backfill's own CPU nears a core (the "
        "highest limits), so `BENCHLING_INGEST_RENDER_WORKERS` stays at 0 (draw in the ingest threads) by "
        "default; `1` or `auto` is for a host whose exports carry traces far larger than these. The "
        "example image, drawn from the "
        "demo's impurity-profile export by `.venv/bin/python -m bench.render_example`, is "
        "`docs/chromatogram-example.png`.",
        "",
    ]


def _render_mode(run_: dict[str, Any]) -> str:
    workers = run_.get("render_workers") or 0
    return f"{run_['render']}, pool of {workers}" if run_["render"] == "on" and workers else run_["render"]


def _backfill_section(f: dict[str, Any]) -> list[str]:
    title = "Backfill under the rate limit"
    if "runs" not in f:
        return _failed(title, f)
    runs, naive, ceiling = f["runs"], f["naive_script"], f["sandbox_ceiling"]
    first = runs[0]

    def target(r: dict[str, Any]) -> str:
        if r["target_share"] is None:
            return ""
        return f">= {r['target_share'] * 100:.0f}%: {_met(r['target_met'])}"

    return [
        f"## {title}",
        "",
        "Generated LC exports (10-100 results each, one trace file each) through `reprocess` (the pipelined "
        f"`Backfill`: batches of {first['batch_files']}, the next batch planned while {first['uploaders']} "
        "batches upload) against the sandbox on 127.0.0.1, in a process of its own, with its rate limit "
        "at the limit shown (the client's limiter at the same limit); each row is a fresh sandbox and "
        "ledger. *Render on* draws in the backfill's own threads (the default); *on, pool of N* in N render "
        "processes. *Render off* is the LC mapping without its rendered chromatogram (two blobs per file "
        "instead of three). *Share* is files/s over the bound the limit allows at our requests per file: a "
        "run starts with a full window's budget, which that share counts as extra speed, and a run whose "
        "requests spill a little past a whole window is held to a time it could not reach, so it is shown "
        "but not judged. *Share of whole windows* is the figure the targets are held to: the requests that "
        "reached the sandbox in the run's whole windows (k windows from its first request; the limit caps "
        "each at its request count, whatever its algorithm) over k x limit; the few seconds after the last "
        "whole window, where the last files finish, are left out, as they are the same in a backfill of any "
        "length. "
        "*CPU s/file* is this "
        "process's CPU time and its children's (render workers) per file, and *cores busy* that times "
        "files/s: the share of the machine's cores the backfill had on average; *load* is the 1-minute load "
        "average before and after the run (the machine has 2 cores, and was shared with other work: a "
        "load above 2 means the backfill waited for a core).",
        "",
        "| limit | render | files | seconds | requests/file | files/s | bound files/s | share "
        "| whole windows | share of whole windows | target | CPU s/file | cores busy | load "
        "| 429s (client/sandbox) "
        "| failures |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(
            f"| {r['rate_limit']} | {_render_mode(r)} | {r['files']} | {r['seconds']} "
            f"| {r['requests_per_file']} "
            f"| {r['files_per_s']} | {r['bound_files_per_s']} | {r['share_of_bound'] * 100:.1f}% "
            f"| {r['whole_windows']} | {_percent(r['share_of_whole_windows'])} "
            f"| {target(r)} | {r['cpu_s_per_file']} "
            f"| {r['cpu_s_per_file'] * r['files_per_s']:.2f} "
            f"| {' / '.join(str(x) for x in r['load_average'])} | {r['rate_limited_429_client']} / "
            f"{r['rate_limited_429_server']} | {r['failures']} ({r['runs_stored']} runs, "
            f"{r['results_stored']} of {r['results_expected']} results) |"
            for r in runs
        ),
        "",
        f"The sandbox alone (rate limit off, {ceiling['threads']} threads of reads and 2 KB blob uploads on "
        f"kept-alive connections) answered **{ceiling['requests_per_s']} requests/s** over "
        f"{ceiling['seconds']} s; the senders shared the benchmark's CPU, so its own ceiling is higher. "
        + _above_ceiling(runs, ceiling["requests_per_s"])
        + f"The naive script sent {naive['requests_per_file']} requests per file "
        f"({f['naive_over_ours_requests_per_file']}x ours at {first['rate_limit']}, render "
        f"{first['render']}; {f['naive_over_ours_non_blob_requests_per_file']}x counting requests other "
        "than blob uploads).",
        "",
        "Reading the table: a share of whole windows well below 100% with few cores busy and a load above 2 "
        "means the backfill waited for CPU the machine gave to other work, so the figure says little about "
        "the backfill; with the load below 2 the backfill's own CPU is the limit: about 1 / (CPU s per "
        "file) files/s while parsing and drawing share one interpreter. Requests per file include the "
        "start-up reads (schemas, dropdowns, projects, registries: about a dozen per run), which weigh "
        "more in short runs.",
        "",
        f"Requests by endpoint at {first['rate_limit']}, render {first['render']}:",
        "",
        "| endpoint | requests |",
        "|---|---|",
        *(f"| `{k}` | {v} |" for k, v in first["requests_by_endpoint"].items()),
        "",
    ]


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def _above_ceiling(runs: list[dict[str, Any]], ceiling: float) -> str:
    """A sentence naming the limits the sandbox's measured ceiling was below (empty when none)."""
    above = sorted({r["rate_limit"] for r in runs if _per_second(r["rate_limit"]) > ceiling}, key=_per_second)
    if not above:
        return ""
    return (
        f"At {', '.join(above)} the limit allows more requests per second than that, so in this run the "
        "sandbox (starved with the rest of the machine) may have been the bottleneck there. "
    )


def _per_second(limit: str) -> float:
    requests, _, seconds = limit.partition("/")
    return int(requests) / float(seconds)


def _latency_section(f: dict[str, Any]) -> list[str]:
    if "p50_s" not in f:
        return _failed("Watch latency", f)
    return [
        "## Watch latency (drop to run created)",
        "",
        f"{f['files']} files dropped one by one into a folder watched by the in-process `IngestService` "
        f"(settle window {f['settle_seconds']} s, sandbox and client rate limit {f['rate_limit']}); latency "
        "is from the CSV appearing to the sandbox holding its run (store polled every 10 ms).",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| p50 | {f['p50_s']} s ({f['p50_minus_settle_s']} s beyond the settle window) | none set |",
        f"| p95 | {f['p95_s']} s | none set |",
        f"| min / max | {f['min_s']} / {f['max_s']} s | |",
        f"| files never seen | {len(f['missed'])} | 0 |",
        f"| 429s | {f['rate_limited_429']} | 0 |",
        "",
        *_request_latency_lines(f.get("requests")),
    ]


def _request_latency_lines(r: dict[str, Any] | None) -> list[str]:
    if not r:
        return []
    ours, before = r["ours"], r["httpx_default"]
    return [
        "Single requests on loopback (the sandbox in a process of its own, no rate limit; "
        f"{r['requests_each']} of each kind, one after the other): the client as it connects now "
        "(kept-alive connections with `TCP_NODELAY`) and through httpx's default transport. The sandbox "
        "sets `TCP_NODELAY` on its connections too: before it did, every answer waited for the client's "
        "delayed ACK (its head and body leave in two writes), ~44 ms per request whatever the client did.",
        "",
        "| request | ours p50 / p95 ms | httpx default p50 / p95 ms |",
        "|---|---|---|",
        f"| read (`GET` a run schema) | {ours['read_p50_ms']} / {ours['read_p95_ms']} "
        f"| {before['read_p50_ms']} / {before['read_p95_ms']} |",
        f"| 2 KB blob upload | {ours['upload_p50_ms']} / {ours['upload_p95_ms']} "
        f"| {before['upload_p50_ms']} / {before['upload_p95_ms']} |",
        "",
    ]


def _cli_start_section(f: dict[str, Any]) -> list[str]:
    if "--help" not in f:
        return _failed("Command-line start", f)
    rows = [
        f"| `benchling-ingest {name}` | {f[name]['median_s']} s | {f[name]['min_s']} / {f[name]['max_s']} s "
        f"| {f[name].get('cpu_median_s')} s "
        f"| {'under ' + str(f['target_s']) + ' s' if name in ('--help', '--version') else 'none set'} |"
        for name in ("--version", "--help", "run --help")
    ]
    return [
        "## Command-line start",
        "",
        f"Wall time of a fresh `benchling-ingest` process, {f['repeat']} runs each after one warm-up run. "
        "`--help` and `--version` import no command (`run --help` imports the `run` command and what it "
        "needs: pandas, the client...). Load average at the start: "
        f"{round(f.get('load_average') or 0, 1)} on this machine's cores (wall times grow with it; CPU "
        "time is what the process itself used)."
        + (
            f" Run at scheduling priority {f['niceness']} (`nice -n {f['niceness']}`): the commands got a "
            "core before the other work on the machine, so their wall time is little moved by the load."
            if f.get("niceness")
            else ""
        ),
        "",
        "| command | median wall | min / max wall | median CPU | target |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes (about 10 minutes in all)")
    parser.add_argument(
        "--rate-limit",
        default="60/30,300/30,600/30,3000/30",
        help="rate limits of the backfill runs (comma-separated)",
    )
    parser.add_argument("--only", action="append", default=None, help="run only this benchmark (repeatable)")
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the document from bench/out/*.json, run nothing"
    )
    parser.add_argument(
        "--allotropy-python",
        default=venv_python(ALLOTROPY_VENV),
        help="interpreter of the virtualenv holding allotropy (relative to the repository or absolute)",
    )
    args = parser.parse_args(argv)
    if args.render_only:
        DOC.write_text(render(saved()), encoding="utf-8")
        print(f"wrote {DOC.relative_to(REPO)}", file=sys.stderr)
        return 0
    cmds = commands(args.quick, args.rate_limit, args.allotropy_python)
    if args.only:
        unknown = set(args.only) - set(cmds)
        if unknown:
            parser.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {list(cmds)}")
        cmds = {k: v for k, v in cmds.items() if k in args.only}
    results = {}
    for name, argv_ in cmds.items():
        needs_allotropy = name in ("parse_allotropy", "parse_bridge")
        reason = allotropy_unavailable(args.allotropy_python) if needs_allotropy else None
        results[name] = skip(name, argv_, args.quick, reason) if reason else run(name, argv_, args.quick)
    DOC.write_text(render({**saved(), **results}), encoding="utf-8")
    print(f"wrote {DOC.relative_to(REPO)}", file=sys.stderr)
    print(json.dumps(results, indent=2))
    return 0 if all(r.get("exit_code") == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
