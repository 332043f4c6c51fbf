"""OpenLab CDS chromatogram CSV -> a (time, signal) frame.

"Export data as CSV" writes UTF-16LE with a BOM, CRLF line ends, tab-separated, no header: one
``time<TAB>signal`` row per data point (tens of thousands of rows). The table is read by pandas'
pyarrow engine; only when that fails is the text walked line by line to name the offending line.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ingest.errors import ParseError
from parsers._common.decoding import DecodedText, detect_encoding, read_text
from parsers._common.numbers import DECIMAL, is_decimal
from parsers.agilent_openlab_trace_csv import constants as c

_ROW = re.compile(rf"^\s*{DECIMAL}\t{DECIMAL}\s*$")
_COMMA_ROW = re.compile(r"^\s*-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?,-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s*$")
_SIGNAL_FILE = re.compile(c.SIGNAL_FILE_NAME, re.IGNORECASE)


def signal_file_name(path: Path) -> tuple[str, str] | None:
    """(injection, signal) from an OpenLab signal export name ``<injection>.dx_<signal>.CSV``, else None."""
    match = _SIGNAL_FILE.match(path.name)
    return (match["injection"], match["signal"]) if match else None


def _head_rows(head: bytes, encoding: str) -> list[str]:
    if encoding.startswith("utf-16"):
        head = head[: len(head) - len(head) % 2]
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the head may end inside a line
    return [line for line in lines if line.strip()][: c.SNIFF_ROWS]


def looks_like_trace(head: bytes, path: Path | None = None) -> bool:
    """True for UTF-16 text whose first lines are all two numbers separated by a tab, or for a file named
    as OpenLab names exported signals whose first lines are two numbers (tab or comma) (never raises)."""
    encoding = detect_encoding(head)
    if encoding in c.ENCODINGS:
        rows = _head_rows(head, encoding)
        if rows and all(_ROW.match(line) for line in rows):
            return True
    elif encoding not in (None, "utf-8-sig"):
        return False
    if path is None or signal_file_name(path) is None:
        return False
    rows = _head_rows(head, encoding or "utf-8")
    return bool(rows) and (all(_ROW.match(r) for r in rows) or all(_COMMA_ROW.match(r) for r in rows))


def two_number_rows(head: bytes) -> bool:
    """Whether the head is rows of two numbers (tab or comma separated) in any encoding (for near misses)."""
    rows = _head_rows(head, detect_encoding(head) or "utf-8")
    return bool(rows) and (all(_ROW.match(r) for r in rows) or all(_COMMA_ROW.match(r) for r in rows))


def _locate_problem(decoded: DecodedText, path: Path) -> ParseError:
    for number, line in enumerate(decoded.lines, start=1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != 2:
            return ParseError(
                f"Line {number} of '{path}' has {len(cells)} tab-separated values ({line.strip()[:60]!r}). "
                "Expected two: time and signal.",
                file=path,
                line=number,
            )
        for cell, column in zip(cells, ("time", "signal"), strict=True):
            if not is_decimal(cell):
                return ParseError(
                    f"Unable to read {cell.strip()!r} as a number in '{path}' line {number} column "
                    f"'{column}'. Expected a decimal number.",
                    file=path,
                    line=number,
                    column=column,
                )
    return ParseError(
        f"'{path}' could not be read as a time/signal table. Expected two numeric columns.", file=path
    )


def read_trace(path: Path) -> tuple[pd.DataFrame, str]:
    """The trace as float64 columns ``time_min`` and ``signal``, and the file's encoding."""
    decoded = read_text(path)
    text = decoded.text
    if "\t" not in text.split("\n", 1)[0] and signal_file_name(path) is not None:
        # A comma-separated signal export (its numbers have decimal points).
        text = text.replace(",", "\t")
    elif "," in text:
        # Tab is the delimiter, so a comma can only be a decimal comma (non-English Windows locales).
        text = text.replace(",", ".")
    try:
        frame = pd.read_csv(
            io.BytesIO(text.encode("utf-8")),
            sep="\t",
            header=None,
            names=list(c.COLUMNS),
            engine="pyarrow",
            dtype={"time_min": "float64", "signal": "float64"},
        )
    except (ValueError, pa.ArrowException) as exc:  # no reliable line number in them: find the line ourselves
        raise _locate_problem(decoded, path) from exc
    if frame.isna().to_numpy().any():
        raise _locate_problem(decoded, path)
    if frame.empty:
        raise ParseError(f"'{path}' has no data rows. Expected time<TAB>signal rows.", file=path)
    return frame, decoded.encoding
