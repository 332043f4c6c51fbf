"""Generated LC results CSV exports (each with its chromatogram trace file) for benchmarks and tests.

Every export is one run: a header row in the LC results CSV format (see ``parsers/lc_results_csv``),
10-100 result rows (peaks of samples ``SMP-001``..``SMP-020``, all registered in the demo tenant) and a
``Chromatogram`` column naming a ``<stem>_trace.csv`` beside it (``time_min,signal``). Files are
deterministic for a seed and distinct from each other (the injection time and the values differ),
so no two share a sha256.

``write_malformed`` writes the bad inputs of the reliability suite, each with the words its
quarantine reason must contain.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HEADER = (
    "Sample ID",
    "Sample Name",
    "Injection",
    "Injection Date",
    "Instrument",
    "Method",
    "Signal",
    "Peak",
    "Peak Name",
    "RT (min)",
    "Area",
    "Area Unit",
    "Height",
    "Height Unit",
    "Area %",
    "Chromatogram",
)
SAMPLES = tuple(f"SMP-{n:03d}" for n in range(1, 21))
TRACE_SUFFIX = "_trace.csv"
#: A glob that keeps trace files out of a watched folder's candidates (they are attachments, not exports).
TRACE_GLOB = f"*{TRACE_SUFFIX}"
_EPOCH = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class GoodExport:
    """A generated export: the CSV, its trace file, how many results it must become and its sha256."""

    csv: Path
    trace: Path
    results: int
    sha256: str


@dataclass(frozen=True)
class BadExport:
    """A malformed input: its path and the words (lower case) its quarantine reason must contain."""

    path: Path
    reason_words: tuple[str, ...]
    kind: str


def result_rows(index: int, rng: random.Random, count: int, trace_name: str) -> list[list[str]]:
    """``count`` peak rows of one injection run (several samples, up to 5 peaks each)."""
    when = (_EPOCH + dt.timedelta(minutes=17 * index)).isoformat()
    instrument = f"HPLC-{index % 7 + 1:02d}"
    rows: list[list[str]] = []
    injection = 0
    while len(rows) < count:
        injection += 1
        sample = rng.choice(SAMPLES)
        for peak in range(1, min(5, count - len(rows)) + 1):
            area = round(rng.uniform(1.0, 3000.0), 3)
            rows.append(
                [
                    sample,
                    f"Sample {sample} inj {injection}",
                    str(injection),
                    when,
                    instrument,
                    "BENCH_GRAD_10MIN",
                    "DAD1 A, Sig=254 nm",
                    str(peak),
                    f"Compound {peak}",
                    f"{peak * 1.7 + rng.uniform(-0.05, 0.05):.3f}",
                    f"{area}",
                    "mAU*s",
                    f"{area / 9.5:.3f}",
                    "mAU",
                    f"{rng.uniform(0.1, 99.0):.3f}",
                    trace_name,
                ]
            )
    return rows


def csv_text(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def trace_text(rng: random.Random, points: int = 600) -> str:
    lines = ["time_min,signal"]
    for i in range(points):
        time_min = i / 60.0
        lines.append(f"{time_min:.4f},{rng.gauss(1.0, 0.3) + 40.0 * (i % 100 == 50):.3f}")
    return "\n".join(lines) + "\n"


def write_export(folder: Path, index: int, *, seed: int = 0, results: int | None = None) -> GoodExport:
    """Write export ``index`` (CSV + trace) into ``folder``; the same (index, seed) gives the same bytes.

    The trace file is written first so a watcher never sees a CSV whose trace is still missing.
    """
    rng = random.Random(seed * 1_000_003 + index)
    count = results if results is not None else rng.randint(10, 100)
    stem = f"lc_{index:05d}"
    trace = folder / f"{stem}{TRACE_SUFFIX}"
    export = folder / f"{stem}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    trace.write_text(trace_text(rng), encoding="utf-8")
    data = csv_text(result_rows(index, rng, count, trace.name)).encode("utf-8")
    _write_atomically(export, data)
    return GoodExport(export, trace, count, hashlib.sha256(data).hexdigest())


def write_corpus(folder: Path, count: int, *, seed: int = 0, start: int = 0) -> list[GoodExport]:
    """``count`` exports numbered from ``start``."""
    return [write_export(folder, start + i, seed=seed) for i in range(count)]


def _write_atomically(path: Path, data: bytes) -> None:
    # Written beside the target under a hidden name, then renamed: a watcher never sees half a file.
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def write_malformed(folder: Path, *, seed: int = 0) -> list[BadExport]:
    """Write the malformed inputs (at least 30, each with its trace file where one makes sense) into
    ``folder``; see ``BadExport``. The reason words are what the quarantine report must say."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    bad: list[BadExport] = []
    no_parser = ("no parser reads", "not the format of any parser")

    def trace_name(index: int) -> str:
        return f"bad_{index:03d}{TRACE_SUFFIX}"

    def rows(index: int, count: int = 6, trace: str | None = None) -> list[list[str]]:
        return result_rows(10_000 + index, random.Random(index), count, trace or trace_name(index))

    def encoded(table: list[list[str]], header: Sequence[str] = HEADER) -> bytes:
        return csv_text(table, header).encode("utf-8")

    def add(label: str, data: bytes, kind: str, words: Sequence[str], *, suffix: str = ".csv") -> None:
        index = len(bad)
        path = folder / f"bad_{index:03d}_{label}{suffix}"
        if trace_name(index).encode() in data:
            (folder / trace_name(index)).write_text(trace_text(rng, 50), encoding="utf-8")
        path.write_bytes(data)
        bad.append(BadExport(path, tuple(w.lower() for w in words), kind))

    def without(column: str, index: int) -> bytes:
        keep = [i for i, h in enumerate(HEADER) if h != column]
        return encoded([[r[i] for i in keep] for r in rows(index)], [HEADER[i] for i in keep])

    def with_value(index: int, column: str, value: str, *, every_row: bool = False) -> bytes:
        table = rows(index)
        for row in table if every_row else table[3:4]:
            row[HEADER.index(column)] = value
        return encoded(table)

    def with_header(index: int, position: str, name: str) -> bytes:
        header = list(HEADER)
        header[HEADER.index(position)] = name
        return encoded(rows(index), header)

    def with_samples(index: int, samples: Sequence[str]) -> bytes:
        table = rows(index, 9)
        for i, row in enumerate(table):
            row[0] = samples[i % len(samples)]
        return encoded(table)

    def n() -> int:
        return len(bad)

    add("empty", b"", "empty file", ("no parser reads", "empty file"))
    add("binary", rng.randbytes(4096), "binary", no_parser)
    add(
        "header_cut_binary_tail",
        encoded([])[:40] + b"\x00\x01\x02",
        "truncated header",
        ("no parser reads", "looks like an lc results csv", "no 'rt (min)' or 'area' column"),
    )
    text = encoded(rows(n(), 8))
    add("truncated", text[: len(text) * 2 // 3].rsplit(b",", 3)[0], "truncated", ("line", "expected 16"))
    add("header_only", encoded([]), "no results", ("has a header row but no result rows",))
    add("nul_bytes", encoded(rows(n())).replace(b",", b"\x00", 40), "binary", no_parser)
    add("html_page", b"<html><body>Error 404</body></html>\n", "not a table", no_parser)
    add("json_instead", b'{"Sample ID": "SMP-001"}\n', "not a table", no_parser)
    add(
        "unknown_extension",
        encoded(rows(n())),
        "unknown extension",
        ("no parser handles its extension",),
        suffix=".xyz",
    )
    # Sample ID, RT and Area identify the format: without one of them no parser claims the file, and the
    # refusal names the format it came closest to and the column it lacks.
    closest = ("no parser reads", "looks like an lc results csv")
    add("missing_rt_column", without("RT (min)", n()), "missing column", (*closest, "no 'rt (min)' column"))
    add("missing_area_column", without("Area", n()), "missing column", (*closest, "no 'area' column"))
    add(
        "missing_sample_column",
        without("Sample ID", n()),
        "missing column",
        (*closest, "no 'sample id' column"),
    )
    latin = csv_text(rows(n())).replace("Sample SMP", "\u00c9chantillon SMP")
    add(
        "cp1252_unknown_sample",
        latin.replace("SMP-0", "SMP-9", 1).encode("cp1252"),
        "wrong encoding",
        ("not registered", "smp-9"),
    )
    for column, value, words in (
        ("RT (min)", "abc", ("'abc'", "column 'rt (min)'", "line 5")),
        ("Area", "12..5", ("'12..5'", "column 'area'", "line 5")),
        ("Area", "1e999999x", ("'1e999999x'", "line 5")),
        ("Peak", "1.5", ("1.5", "whole number", "line 5")),
        ("Height", "tall", ("'tall'", "column 'height'")),
        ("Area %", "#DIV/0!", ("'#div/0!'", "column 'area %'")),
        ("Area", "NaN", ("'nan'", "line 5 column 'area'", "where a number is required")),
        ("RT (min)", "", ("a blank cell", "line 5 column 'rt (min)'", "where a number is required")),
    ):
        add(
            f"bad_value_{column.split()[0].lower()}",
            with_value(n(), column, value),
            "non-numeric value",
            words,
        )
    add(
        "bad_date",
        with_value(n(), "Injection Date", "yesterday", every_row=True),
        "bad date",
        ("'yesterday'", "date and time"),
    )
    add(
        "duplicated_area_header",
        with_header(n(), "Height", "Area"),
        "duplicated header",
        ("'area' appears twice",),
    )
    add(
        "duplicated_sample_header",
        with_header(n(), "Peak Name", "Sample ID"),
        "duplicated header",
        ("'sample id' appears twice",),
    )
    add("one_unknown_sample", with_samples(n(), ["SMP-404"]), "unknown sample", ("not registered", "smp-404"))
    add(
        "three_unknown_samples",
        with_samples(n(), ["SMP-901", "SMP-902", "SMP-903"]),
        "unknown sample",
        ("smp-901, smp-902, smp-903",),
    )
    add("sample_021", with_samples(n(), ["SMP-001", "SMP-021"]), "unknown sample", ("1 sample(s)", "smp-021"))
    add("blank_sample", with_value(n(), "Sample ID", ""), "unknown sample", ("no sample registry id",))
    for label, target in (
        ("dotdot", "../outside_trace.csv"),
        ("dotdot_deep", "sub/../../../etc/passwd"),
        ("absolute_posix", "/etc/passwd"),
    ):
        add(
            f"escaping_{label}",
            encoded(rows(n(), 6, target)),
            "attachment escaping the folder",
            ("points outside the export's folder",),
        )
    for label, target in (("absolute_windows", "C:\\Windows\\win.ini"), ("unc", "\\\\server\\share\\t.csv")):
        add(
            f"escaping_{label}",
            encoded(rows(n(), 6, target)),
            "attachment escaping the folder",
            ("is an absolute path",),
        )
    add(
        "trace_missing",
        encoded(rows(n(), 6, "nowhere_trace.csv")),
        "missing trace file",
        ("'nowhere_trace.csv'", "does not exist"),
    )
    garbage = f"bad_{n():03d}_garbage{TRACE_SUFFIX}"
    (folder / garbage).write_bytes(b"\x00\xff" * 300)
    add(
        "trace_binary",
        encoded(rows(n(), 6, garbage)),
        "binary trace file",
        (f"chromatogram file '{garbage}' named in", "nul characters"),
    )
    columns = f"bad_{n():03d}_columns{TRACE_SUFFIX}"
    (folder / columns).write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    add(
        "trace_wrong_columns",
        encoded(rows(n(), 6, columns)),
        "bad trace file",
        (f"chromatogram file '{columns}' named in", "two columns"),
    )
    add(
        "huge_line",
        encoded(rows(n())) + b"SMP-001," + b"x" * 5_000_000 + b"\n",
        "huge line",
        ("huge_line.csv", "line 8 is 5,000,008 bytes long", "one row per line"),
    )
    ragged = rows(n())
    ragged[4] = ragged[4][:5]
    add("ragged_row", encoded(ragged), "ragged row", ("line 6 has 5 fields",))
    plain = rows(n())
    for row in plain:
        row[HEADER.index("Signal")] = "DAD1 A"  # no cell needs quotes: the one below is never closed
    unclosed = encoded(plain).decode("utf-8").split("\n")
    unclosed[3] = unclosed[3].replace(",Compound ", ',"Compound ', 1)
    add(
        "unclosed_quote",
        "\n".join(unclosed).encode("utf-8"),
        "unbalanced quote",
        ("quoted cell that opens on line 4 is never closed",),
    )
    add(
        "two_instruments",
        with_value(n(), "Instrument", "HPLC-OTHER"),
        "several runs in one file",
        ("several values in column 'instrument'", "hplc-other"),
    )
    add(
        "two_methods",
        with_value(n(), "Method", "OTHER_METHOD"),
        "several runs in one file",
        ("several values in column 'method'", "other_method"),
    )
    return bad
