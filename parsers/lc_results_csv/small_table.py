"""Reading a small, simple LC results CSV into Python lists of cell texts, without pyarrow's reader.

For a file of a few KiB, pyarrow's CSV reader and the compute calls after it cost milliseconds of fixed
overhead for microseconds of work; Python's own string methods read such a file in a fraction of that.
This reader takes only files whose cells it can split exactly as pyarrow's reader does, and answers None
for any other, which then goes to the ordinary path (that path also words every refusal):

- at most ``limit`` bytes, UTF-8 (a BOM is fine) without a NUL byte;
- LF or CRLF line ends (no lone CR anywhere);
- a header row without quotes;
- quotes only as whole quoted cells on one line (``"DAD1 A, Sig=254 nm"``, ``""`` for a quote inside):
  a quote elsewhere in a cell, or a quoted cell running over a line break, is left to pyarrow;
- every data row with as many cells as the header (blank lines are skipped, as pyarrow skips them).
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from parsers._common.decoding import detect_encoding
from parsers._common.delimited import DELIMITERS, choose_delimiter
from parsers.lc_results_csv.reader import split_header

#: Files up to this size are read by the small path (see ``parsers.lc_results_csv.small_path``). Measured on
#: files of ``bench/parse.py``'s 13 columns: 20 rows (2.5 KiB) read in about 0.4x the ordinary path's time,
#: 100 rows (12 KiB) in about 1.2x; the per-cell cost in Python overtakes pyarrow's fixed cost near 60 rows.
SMALL_FILE_BYTES = 8 * 1024


@dataclass(frozen=True, eq=False)
class SmallTable:
    """A small file's cells: ``columns[i][row]`` is the text of column ``i`` on data row ``row`` (0-based),
    as pyarrow's reader gives it (quotes removed, nothing trimmed); ``lines[row]`` is its 1-based line."""

    file: Path
    headers: tuple[str, ...]
    columns: list[list[str]]
    lines: list[int]
    #: The file's text without BOM, line ends as written (what dates are decided from).
    text: str

    @property
    def num_rows(self) -> int:
        return len(self.lines)

    def lines_of(self, rows: list[int]) -> dict[int, int]:
        """The 1-based lines of data rows ``rows`` (as ``RawTable.lines_of`` gives them)."""
        return {row: self.lines[row] for row in rows}


def read_small_table(path: Path, limit: int = SMALL_FILE_BYTES) -> SmallTable | None:
    """``path`` split into cells when it is small and simple (see the module docstring), else None."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        return None
    if len(data) > limit or b"\x00" in data:
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif detect_encoding(data) is not None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None
        physical = text.split("\r\n")
        if any("\n" in line for line in physical):
            return None  # LF and CRLF mixed: left to pyarrow rather than split here
    else:
        physical = text.split("\n")
    header_line = physical[0]
    if '"' in header_line:
        return None
    delimiter = choose_delimiter(header_line)
    headers = tuple(split_header(header_line, delimiter))
    width = len(headers)
    rows: list[list[str]] = []
    lines: list[int] = []
    quoted: list[int] = []
    for number, line in enumerate(physical[1:], start=2):
        if not line:
            continue
        if '"' in line:
            quoted.append(len(rows))
        rows.append(line.split(delimiter))
        lines.append(number)
    if quoted:
        split = _quoted_rows([physical[lines[row] - 1] for row in quoted], delimiter)
        if split is None:
            return None
        for row, cells in zip(quoted, split, strict=True):
            rows[row] = cells
    if any(len(cells) != width for cells in rows):
        return None
    columns = [list(column) for column in zip(*rows, strict=True)] if rows else []
    if not lines:
        return None
    return SmallTable(path, headers, columns, lines, text)


def _well_quoted(delimiter: str) -> re.Pattern[str]:
    """A line whose every quote belongs to a whole quoted cell (``""`` inside for a quote)."""
    d = re.escape(delimiter)
    cell = rf'(?:"(?:[^"]|"")*"|[^"{d}]*)'
    return re.compile(rf"{cell}(?:{d}{cell})*")


_WELL_QUOTED = {delimiter: _well_quoted(delimiter) for delimiter in DELIMITERS}


def _quoted_rows(lines: list[str], delimiter: str) -> list[list[str]] | None:
    """The cells of lines holding quotes, when each quote belongs to a whole quoted cell on its line (the
    csv module then splits them as pyarrow does); else None."""
    pattern = _WELL_QUOTED.get(delimiter) or _well_quoted(delimiter)
    if any(pattern.fullmatch(line) is None for line in lines):
        return None
    return list(csv.reader(lines, delimiter=delimiter))
