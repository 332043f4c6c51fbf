"""Reading a plain LC results CSV straight into typed columns: the fast path for the common file.

A *plain* file is UTF-8 or ASCII (a BOM is fine), has LF or CRLF line ends, no NUL byte, balanced
quotes, no line longer than ``MAX_LINE_BYTES``, and numeric columns written with a decimal point and no
thousands grouping. Such a file is read by pyarrow's threaded CSV reader with the numeric columns cast
as they are read (no text copy of them is ever made), and its bytes are not kept: the few things that
need the text again (the line of a value, locale dates) read the file again when asked.

Every check here only decides whether the file is plain; it never words an error. Whatever does not fit
(another encoding, CR-only line ends, a decimal comma, a grouped or padded or missing-marker number, a
ragged row) makes :func:`read_plain_table` answer None, and the caller reads the file with
:func:`parsers.lc_results_csv.reader.read_raw_table`, which also words every refusal.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from parsers._common.decoding import detect_encoding
from parsers._common.delimited import choose_delimiter
from parsers.lc_results_csv.reader import MAX_LINE_BYTES, RawTable, split_header

#: How much of the file is read first: the header row and the sample rows the decimal mark is seen in.
HEAD_BYTES = 1 << 18

_LINE_BREAK = re.compile(rb"[\r\n]")
_BARE_CR = re.compile(rb"\r(?!\n)")
_QUOTE = ord('"')


@dataclass(frozen=True, eq=False)
class PlainTable:
    """A plain file's table (``float_columns`` already float64, the rest text) and its first rows as
    text (``sample``: every column as written, for evidence such as the decimal mark)."""

    table: RawTable
    float_columns: frozenset[int]
    sample: pa.Table


def read_plain_table(
    path: Path, float_columns_of: Callable[[tuple[str, ...]], Collection[int] | None]
) -> PlainTable | None:
    """``path`` read as a plain file, else None (see the module docstring).

    ``float_columns_of`` maps the header row to the positions of the columns to read as float64, or
    None when the header is not one this path reads.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    if detect_encoding(head) not in (None, "utf-8-sig") or b"\x00" in head:
        return None
    first_break = head.find(b"\n", bom)
    if first_break < 0:
        return None
    header_bytes = head[bom:first_break]
    if header_bytes.count(b'"') % 2 or _BARE_CR.search(head):
        return None
    try:
        header_line = header_bytes.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    delimiter = choose_delimiter(header_line)
    headers = tuple(split_header(header_line, delimiter))
    floats = float_columns_of(headers)
    # A file the head holds whole (most are a few KiB) is checked and read from memory, on this thread.
    whole = len(head) < HEAD_BYTES
    if floats is None or not (head.count(b'"') % 2 == 0 if whole else _plain_bytes(path, bom)):
        return None
    names = [f"c{i}" for i in range(len(headers))]
    sample = _sample(head, first_break + 1, names, delimiter, whole=whole)
    if sample is None:
        return None
    table = _cast_whole(sample, floats) if whole else _read_typed(path, names, floats, delimiter)
    if table is None or table.num_rows == 0:
        return None
    for index in () if whole else floats:  # a small file's were checked as they were cast
        values = table.column(index)
        if pc.any(pc.or_(pc.is_nan(values), pc.is_inf(values))).as_py():
            return None  # "NaN" is a missing marker and "inf" a refusal there: the general path's
    raw = RawTable(path, headers, table, "utf-8", delimiter, _file_bytes_loader(path, bom))
    return PlainTable(raw, frozenset(floats), sample)


def _read_typed(path: Path, names: list[str], floats: Collection[int], delimiter: str) -> pa.Table | None:
    """The file with the ``floats`` columns converted by the CSV reader as it reads (no text of them is
    kept); None when a value does not convert."""
    column_types = {name: pa.float64() if i in floats else pa.string() for i, name in enumerate(names)}
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=MAX_LINE_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=column_types,
                null_values=[""],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException, OSError):
        return None


def _cast_whole(texts: pa.Table, floats: Collection[int]) -> pa.Table | None:
    """A small file already read as text with the ``floats`` columns cast as the CSV reader converts
    them (a blank cell is null; spaces and tabs around a number are dropped); None when one does not
    cast, or holds a NaN or an infinity. One read instead of two: for a file of a few rows, reading is
    most of the cost."""
    order = sorted(floats)
    if not order:
        return texts
    # The columns are cast as one: each compute call has a fixed cost that dominates a few rows.
    values = pa.chunked_array([chunk for index in order for chunk in texts.column(index).chunks], pa.string())
    trimmed = pc.utf8_trim(values, " \t")
    try:
        cast = pc.cast(pc.if_else(pc.equal(values, ""), None, trimmed), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if pc.all(pc.is_finite(cast)).as_py() is False:
        return None  # "NaN" is a missing marker and "inf" a refusal there: the general path's
    table, start = texts, 0
    for index in order:
        length = texts.num_rows
        table = table.set_column(index, texts.field(index).with_type(pa.float64()), cast.slice(start, length))
        start += length
    return table


def _plain_bytes(path: Path, bom: int) -> bool:
    """One pass over the file in windows: no NUL, balanced quotes, no line over ``MAX_LINE_BYTES``."""
    # The general reader finds overlong lines by checking every whole window of MAX_LINE_BYTES/2 bytes
    # (from the start of the text, after any BOM) for a line break; the same windows are read here.
    step = max(1, MAX_LINE_BYTES // 2)
    quotes = 0
    try:
        with path.open("rb") as handle:
            handle.seek(bom)
            while window := handle.read(step):
                if b"\x00" in window or (len(window) == step and _LINE_BREAK.search(window) is None):
                    return False
                quotes += int(np.count_nonzero(np.frombuffer(window, np.uint8) == _QUOTE))
    except OSError:
        return False
    return quotes % 2 == 0


def _sample(head: bytes, start: int, names: list[str], delimiter: str, *, whole: bool) -> pa.Table | None:
    """The head's complete data rows as text. Unless the head is the ``whole`` file, the last row it
    holds may be cut short (or be the start of a quoted value that goes on), so it is dropped: the rows
    before it read exactly as the whole file's first rows do."""
    end = len(head) - 1 if whole else head.rfind(b"\n")
    if end < start:
        return None
    try:
        sample = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(head)[start : end + 1]),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    return sample if whole else sample.slice(0, max(0, sample.num_rows - 1))


def _file_bytes_loader(path: Path, bom: int) -> Callable[[], bytes]:
    def load() -> bytes:
        return path.read_bytes()[bom:]

    return load
