"""Reading a delimited text file into string columns: encoding, delimiter, header row, line numbers.

Reading is done by pyarrow's multi-threaded CSV reader with every column as text, so the parser
decides how each column is converted and can name the line and column of a bad value. UTF-8 (with or
without BOM) is read directly; UTF-16, UTF-32 or legacy code pages (Excel's "CSV" on Windows) are
decoded first and re-encoded; CR-only line ends (old Mac tools) become LF. A quote that is never closed
is reported at the line where it opens, not where the reader finally runs out of rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from ingest.errors import ParseError
from parsers._common.decoding import decode_bytes, detect_encoding
from parsers._common.delimited import choose_delimiter, split_quoted, unclosed_quote_line
from parsers._common.number_columns import fits, present_texts, to_floats
from parsers._common.numbers import NumberFormat, parse_number

_LINE_BREAK = re.compile(rb"[\r\n]")
_NON_BLANK = re.compile(rb"\S")

#: The longest line a file may have. A row of an LC results table is a few hundred bytes; a longer line
#: means a lost line break or a file that is not a table. pyarrow's reader reads blocks of this size and
#: fails on a row that straddles more than two of them, so the limit is also its block size: every line
#: within it is read, every line beyond it is reported by ``_first_overlong_line`` first.
MAX_LINE_BYTES = 1 << 20


@dataclass(frozen=True, eq=False)
class RawTable:
    """A delimited file as columns ``c0..cN`` in ``table``, with what is needed to cite lines.

    ``utf8_source`` gives the file's text as UTF-8 (without BOM, line ends as read); it is asked only
    when a line is cited or every date of the file is needed, so a reader need not keep the bytes.
    """

    file: Path
    headers: tuple[str, ...]
    table: pa.Table
    encoding: str
    delimiter: str
    utf8_source: Callable[[], bytes]
    #: Said when the encoding was guessed (see ``decode_bytes``).
    decoding_warnings: tuple[str, ...] = ()

    @cached_property
    def utf8(self) -> bytes:
        return self.utf8_source()

    def raw(self, index: int) -> pa.ChunkedArray:
        return self.table.column(index)

    def line_of(self, row: int) -> int:
        """The 1-based physical line of data row ``row`` (0-based), counting blank lines and quotes."""
        return self.lines_of([row])[row]

    def lines_of(self, rows: list[int]) -> dict[int, int]:
        """The 1-based physical lines of data rows ``rows`` (0-based), in one pass over the file."""
        wanted = set(rows)
        found: dict[int, int] = {}
        text = self.utf8.decode("utf-8", errors="replace")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter)
        records = -1  # the header row is record -1
        for record in reader:
            if not record:
                continue
            if records in wanted:
                found[records] = reader.line_num
                if len(found) == len(wanted):
                    break
            records += 1
        return {row: found.get(row, reader.line_num) for row in rows}


def split_header(header_line: str, delimiter: str) -> list[str]:
    """The header row's cells, trimmed."""
    return [cell.strip() for cell in split_quoted(header_line, delimiter)]


def _to_utf8(data: bytes, file: Path, hint: str | None) -> tuple[bytes, str, tuple[str, ...]]:
    """The file's bytes as UTF-8 without BOM, the encoding it was written in, and the warning when that
    was a guess."""
    if hint is not None:
        decoded = decode_bytes(data, file=file, hint=hint)
        return decoded.text.encode("utf-8"), decoded.encoding, decoded.warnings
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        if b"\x00" not in data:
            return data, "utf-8", ()
    if detect_encoding(data) is None and b"\x00" not in data and _is_utf8(data):
        return data, "utf-8", ()
    decoded = decode_bytes(data, file=file)
    return decoded.text.encode("utf-8"), decoded.encoding, decoded.warnings


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked a block at a time rather than by decoding it whole."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    block = 1 << 20
    try:
        for start in range(0, len(view), block):
            decoder.decode(view[start : start + block])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _lf_line_ends(utf8: bytes) -> bytes:
    # pyarrow's reader splits rows on LF and CRLF only; a file written with CR alone is one long line.
    if b"\r" in utf8 and b"\n" not in utf8:
        return utf8.replace(b"\r", b"\n")
    return utf8


def _unclosed_quote(utf8: bytes, delimiter: str, path: Path) -> ParseError | None:
    line = unclosed_quote_line(utf8.decode("utf-8", errors="replace"), delimiter)
    if line is None:
        return None
    return ParseError(
        f"Unable to read '{path.name}': the quoted cell that opens on line {line} is never closed, so every "
        "line after it would be read as part of that cell. Expected each quoted cell to end with a "
        "double quote.",
        file=path,
        line=line,
    )


def read_raw_table(path: Path, *, encoding: str | None = None) -> RawTable:
    """Read ``path`` (in the site's ``encoding``, if set) as a header row plus text columns; ParseError for
    unreadable or ragged files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"File '{path.name}' could not be read: {exc.strerror}.", file=path) from exc
    if _NON_BLANK.search(data) is None:
        raise ParseError(f"File '{path.name}' is empty. Expected a header row and data rows.", file=path)
    utf8, encoding, guessed = _to_utf8(data, path, encoding)
    utf8 = _lf_line_ends(utf8)
    overlong = _first_overlong_line(utf8, MAX_LINE_BYTES)
    if overlong is not None:
        long_line, length = overlong
        raise ParseError(
            f"Unable to read '{path.name}': line {long_line} is {length:,} bytes long, more than the "
            f"{MAX_LINE_BYTES:,} bytes a line may have. Expected one row per line "
            "(is a line break missing?).",
            file=path,
            line=long_line,
        )
    # The header ends at the first line break of any kind (a lone CR too, as pyarrow reads the rows).
    first_break = _LINE_BREAK.search(utf8)
    header_end = len(utf8) if first_break is None else first_break.start()
    body_start = len(utf8) if first_break is None else header_end + 1
    if utf8[header_end : header_end + 2] == b"\r\n":
        body_start += 1
    header_bytes = utf8[:header_end]
    header_line = header_bytes.decode("utf-8").rstrip("\r")
    delimiter = choose_delimiter(header_line)
    headers = tuple(split_header(header_line, delimiter))
    names = [f"c{i}" for i in range(len(headers))]
    bad_rows: list[tuple[int | None, int, int]] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        bad_rows.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"

    if utf8.count(b'"', body_start) % 2:
        unclosed = _unclosed_quote(utf8, delimiter, path)
        if unclosed is not None:
            raise unclosed
    if _NON_BLANK.search(utf8, body_start) is None:
        empty = pa.table({name: pa.array([], pa.string()) for name in names})
        return RawTable(path, headers, empty, encoding, delimiter, lambda: utf8, guessed)
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(utf8)[body_start:]),  # the body without copying it
            read_options=pacsv.ReadOptions(column_names=names, block_size=MAX_LINE_BYTES),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise _unclosed_quote(utf8, delimiter, path) or ParseError(
            f"Unable to read '{path.name}' as a {delimiter!r}-delimited table: {exc}.", file=path
        ) from exc
    if bad_rows:
        unclosed = _unclosed_quote(utf8, delimiter, path)
        if unclosed is not None:
            raise unclosed
        number, expected, actual = bad_rows[0]
        # The threaded reader often does not know the line; find it again the slow way (errors only).
        line = number + 1 if number is not None else _first_ragged_line(utf8, delimiter, expected)
        raise ParseError(
            f"Row of '{path.name}' line {line} has {actual} fields. "
            f"Expected {expected}, one per header column.",
            file=path,
            line=line,
        )
    return RawTable(path, headers, table, encoding, delimiter, lambda: utf8, guessed)


def _first_overlong_line(utf8: bytes, limit: int) -> tuple[int, int] | None:
    """(1-based line number, length in bytes) of the first line longer than ``limit``, else None."""
    # Cheap test first: windows of limit/2 bytes at every limit/2 step; a line longer than ``limit``
    # covers one of them whole, so when each holds a line break no line is that long. A window without
    # one (a line of at least limit/2 bytes) calls for the exact count.
    step = max(1, limit // 2)
    if all(_LINE_BREAK.search(utf8, start, start + step) for start in range(0, len(utf8) - step + 1, step)):
        return None
    for number, line in enumerate(utf8.splitlines(), start=1):
        if len(line) > limit:
            return number, len(line)
    return None


def _first_ragged_line(utf8: bytes, delimiter: str, expected: int) -> int | None:
    text = utf8.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for record in reader:
        if record and len(record) != expected:
            return reader.line_num
    return None


#: Up to this many values, a text column's trimming is judged from its values in Python (see
#: ``text_column``).
_FEW_VALUES = 256


def text_column(raw: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trimmed text with empty cells as nulls."""
    trimmed = pc.utf8_trim_whitespace(raw)
    if len(raw) <= _FEW_VALUES:
        # The same decisions without a compute call each: for a few rows, the calls' fixed cost is most
        # of the time. Trimming keeps nulls where they are, so equal columns mean nothing was trimmed.
        if "" not in trimmed.to_pylist():
            return raw if trimmed.equals(raw) else trimmed
        return pc.if_else(pc.equal(pc.binary_length(trimmed), 0), pa.scalar(None, pa.string()), trimmed)
    lengths = pc.binary_length(trimmed)
    empty = pc.equal(lengths, 0)
    if pc.any(empty).as_py():
        return pc.if_else(empty, pa.scalar(None, pa.string()), trimmed)
    # Nothing trimmed: the column read is the result, and the copy is dropped (tables are wide).
    unchanged = pc.sum(lengths).as_py() == pc.sum(pc.binary_length(raw)).as_py()
    return raw if unchanged else trimmed


def numeric_column(table: RawTable, index: int, column: str, fmt: NumberFormat) -> pa.ChunkedArray:
    """Column ``index`` as float64 read with the decided decimal mark (missing markers -> null);
    ParseError naming the line, column and value otherwise."""
    raw = table.raw(index)
    floats, bad = to_floats(raw, fmt)
    if bad is None:
        return floats
    value = raw[bad].as_py()
    line = table.line_of(bad)
    try:  # messages name the export by its name, as every message of this format does
        parse_number(value, file=Path(table.file.name), line=line, column=column, number_format=fmt)
    except ParseError as exc:
        raise ParseError(exc.message, file=table.file, line=line, column=column) from None
    raise ParseError(  # parse_number reads what the vectorised check refused: only an infinite value
        f"Value {value.strip()!r} in '{table.file.name}' line {line} column '{column}' is out of range. "
        "Expected a finite number.",
        file=table.file,
        line=line,
        column=column,
    )


def looks_numeric(table: RawTable, index: int, fmt: NumberFormat) -> bool:
    """Whether every non-missing value of column ``index`` is a number (used for extra columns)."""
    return fits(table.raw(index), fmt)


def present(table: RawTable, index: int) -> pa.ChunkedArray:
    """Column ``index`` with blanks and missing markers as nulls (for evidence and checks)."""
    result: pa.ChunkedArray = present_texts(table.raw(index))
    return result
