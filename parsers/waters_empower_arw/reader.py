"""Waters Empower ARW exports: decoded text -> header fields and raw time/value rows.

Line 1 holds the field names of the site's export method, line 2 their values (both tab separated,
usually double-quoted); every further line is ``time<TAB>value``. Empower writes CR-only line
endings, which ``parsers._common.decoding`` has already normalized.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError
from parsers._common.decoding import DecodedText
from parsers._common.delimited import Row, split_quoted, without_trailing_empty
from parsers._common.numbers import is_decimal


@dataclass(frozen=True)
class ArwText:
    """Header field names and values (same length; missing values are ''), then the data rows."""

    names: tuple[str, ...]
    values: tuple[str, ...]
    rows: tuple[Row, ...]


def _split(line: str) -> list[str]:
    return [c.strip() for c in without_trailing_empty(split_quoted(line, "\t"))]


def looks_like_arw(text: str) -> bool:
    """Whether decoded head text has a non-numeric tab-separated header line followed by a value line."""
    if any(ch < " " and ch not in "\t\r\n" for ch in text):
        return False  # control characters: a binary file, not an export
    lines = [ln for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
    if len(lines) < 2 or "\t" not in lines[0]:
        return False
    try:
        names = _split(lines[0])
        data = [_split(ln) for ln in lines[2:6]]
    except csv.Error:
        return False
    if not names or any(is_decimal(n) for n in names):
        return False
    # The last head line may be cut mid-row; judge only complete ones. A 3D PDA export has rows of many
    # numbers (the first perhaps an axis label such as "Wavelength", or a lone "Time"): it is claimed so
    # that parse can refuse it saying what it is.
    complete = [cells for cells in data[:-1] if cells != ["Time"]]
    if all(len(cells) == 2 and all(is_decimal(c) for c in cells) for cells in complete):
        return True
    return bool(complete) and all(
        len(cells) > 2 and all(is_decimal(c) for c in cells[1:]) for cells in complete
    )


def read_arw(decoded: DecodedText, *, file: Path) -> ArwText:
    """Split an ARW export; raise ParseError when the two header lines are missing or malformed."""
    numbered = [(i, ln) for i, ln in enumerate(decoded.lines, start=1) if ln.strip()]
    if len(numbered) < 2:
        raise ParseError(
            f"'{file}' has {len(numbered)} non-empty line(s). Expected a line of field names and a line of "
            "their values before the data.",
            file=file,
            line=numbered[0][0] if numbered else 1,
        )
    try:
        (name_line, name_text), (value_line, value_text) = numbered[0], numbered[1]
        names, values = _split(name_text), _split(value_text)
        rows = tuple(Row(i, tuple(_split(ln))) for i, ln in numbered[2:])
    except csv.Error as exc:
        raise ParseError(
            f"Unable to split '{file}' into tab-separated cells: {exc}. Expected balanced double quotes.",
            file=file,
        ) from exc
    if not names or any(is_decimal(n) for n in names):
        raise ParseError(
            f"Line {name_line} of '{file}' is {name_text.strip()[:60]!r}. Expected the export's field names "
            '(such as "SampleName"<TAB>"Channel").',
            file=file,
            line=name_line,
        )
    lowered = [n.lower() for n in names if n]
    dupes = sorted({n for n in lowered if lowered.count(n) > 1})
    if dupes:
        raise ParseError(
            f"Field names {dupes} appear twice on line {name_line} of '{file}'. Expected unique field names.",
            file=file,
            line=name_line,
        )
    if len(values) > len(names):
        raise ParseError(
            f"Line {value_line} of '{file}' has {len(values)} values for {len(names)} field names. "
            "Expected one value per field name.",
            file=file,
            line=value_line,
        )
    padded = tuple(values) + ("",) * (len(names) - len(values))
    return ArwText(tuple(names), padded, rows)
