"""ChemStation text report (``Report.TXT``) -> raw header fields and fixed-width signal tables.

The report is printed for a fixed-width page: a header block of ``Key : value`` pairs (two on a line
at times; long paths wrap onto indented continuation lines, cut mid-word), a centred title between
``=====`` rules, then one table per ``Signal N: <description>``. A table has a two-line column header
and a separator such as ``----|-------|----|`` whose ``|`` marks end each column: columns are cut
at those marks, never at fixed offsets, so other report templates and widths read the same way.
A ``Totals :`` row closes each table.

GC reports may add a "Summed Peaks" section after the signal tables (titled "Summed Peaks Report" or
"Final Summed Peaks Report"), which prints the ``Signal N:`` headings again over sums of the peaks
above: those repeated headings belong to that section and are not read as signal tables (the section
is named in ``skipped_sections``).

Column captions are assigned to the columns the separator marks. Some templates (the External Standard
Report's ``Amt/Area``, ``Grp``, ``Name``) print a caption across a mark; such a header line is read word
by word: in order when it has one word per column, otherwise each word to the column holding its middle.

A report printed for a whole sequence (a "GLP" or sequence summary report: one block per injection, each
opening with its own ``Data File`` line) is refused with the number of injections it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError
from parsers._chemstation.names import bracketed_unit, canonical_name
from parsers._chemstation.report_fields import RawField
from parsers._common.decoding import DecodedText, decode_head, read_text
from parsers.agilent_chemstation_txt import constants as c

_SIGNAL = re.compile(r"^\s*Signal\s+(?P<number>\d+)\s*:\s*(?P<description>\S.*?)\s*$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*-[-|]*\|[-|]*\s*$")
_RULE = re.compile(r"^\s*={10,}\s*$")
_END = re.compile(r"^\s*\*+\s*End of Report\s*\*+\s*$", re.IGNORECASE)
_PAGE = re.compile(r"\bPage\s+\d+\s+of\s+\d+\b", re.IGNORECASE)
_TOTALS = re.compile(r"^\s*Totals?\s*:", re.IGNORECASE)
# A report section after the signal tables whose "Signal N:" lines are not signal tables of their own.
_DERIVED_SECTION = re.compile(r"^\s*(?P<title>(?:Final\s+)?Summed\s+Peaks(?:\s+\w+)*)\s*$", re.IGNORECASE)
_DATA_FILE = re.compile(r"^\s*Data File\s+(?P<path>\S.*?)\s*$", re.IGNORECASE)
# A key starts a line or follows two spaces; its colon is followed by a space or the line end, which
# keeps "C:\Chem32" and "12:43:30" out.
_KEY = re.compile(r"(?:^|(?<=\s\s))(?P<key>[A-Za-z][\w.#&/%()-]*(?: [\w.#&/%()-]+)*?)\s*:(?=\s|$)")


@dataclass(frozen=True)
class Column:
    """A table column: its character span in the printed line, name and unit."""

    start: int
    end: int | None
    name: str
    unit: str | None


@dataclass(frozen=True)
class SignalTable:
    """One ``Signal N:`` section: its columns, peak rows and the Totals row, as printed text."""

    number: int
    description: str
    line: int
    columns: tuple[Column, ...]
    header_line: int
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    totals: tuple[int, tuple[str, ...]] | None


@dataclass(frozen=True)
class TextReport:
    """What ``Report.TXT`` holds."""

    path: Path
    encoding: str
    fields: dict[str, RawField]
    title: str | None
    tables: tuple[SignalTable, ...]
    complete: bool
    #: Each header field's name as printed, by its canonical key.
    names: dict[str, str]
    #: The header block's lines (before the first signal table), for deciding the date order.
    header_lines: tuple[str, ...] = ()
    #: Sections after the signal tables that are not read (``Summed Peaks Report`` at line 88).
    skipped_sections: tuple[str, ...] = ()
    #: Said when the encoding was guessed (see ``decode_bytes``).
    decoding_warnings: tuple[str, ...] = ()


def _signature(head: bytes) -> tuple[bool, bool, set[str]]:
    text = decode_head(head).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    has_signal = any(_SIGNAL.match(line) for line in lines)
    has_separator = any(_SEPARATOR.match(line) for line in lines)
    keys = {m.group("key").lower() for line in lines[: c.HEADER_LINES] for m in _KEY.finditer(line)}
    return has_signal, has_separator, keys & c.RUN_KEYS


def looks_like_text_report(head: bytes) -> bool:
    """True when the bytes start a ChemStation text report (cheap; never raises)."""
    has_signal, has_separator, keys = _signature(head)
    return has_signal and has_separator and len(keys) >= c.MIN_RUN_KEYS


def text_report_lacks(head: bytes) -> tuple[float, str] | None:
    """For a file that is not quite a text report: how close it came (0..1) and what it lacks."""
    has_signal, has_separator, keys = _signature(head)
    if len(keys) < c.MIN_RUN_KEYS:
        return None
    missing = []
    if not has_signal:
        missing.append("'Signal N: ...' heading")
    if not has_separator:
        missing.append("peak table separator line ('----|-------|')")
    if not missing:
        return None
    return 0.5 + 0.2 * (2 - len(missing)), "has no " + " and no ".join(missing) + " in its first 64 KiB"


def _header_fields(lines: list[str]) -> tuple[dict[str, RawField], str | None, dict[str, str]]:
    fields: dict[str, RawField] = {}
    names: dict[str, str] = {"datafile": "Data File"}
    title: str | None = None
    last_key: str | None = None
    after_rule = False
    for line in lines:
        if _RULE.match(line):
            last_key, after_rule = None, True
            continue
        if not line.strip():
            last_key = None
            continue
        data_file = _DATA_FILE.match(line)
        if data_file and "datafile" not in fields:
            fields["datafile"] = (data_file["path"], "")
            continue
        matches = list(_KEY.finditer(line))
        if not matches:
            if last_key is not None and line[:1].isspace():
                # A wrapped value: ChemStation cuts at the page width, mid-word, so join without a space.
                value, unit = fields[last_key]
                fields[last_key] = (value + line.strip(), unit)
            elif after_rule and title is None and line[:1].isspace():
                title = line.strip()
            after_rule = False
            continue
        after_rule = False
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
            key = canonical_name(match["key"])
            value = line[match.end() : end].strip().lstrip(":").strip()
            fields.setdefault(key, (value, ""))
            names.setdefault(key, match["key"].strip())
            last_key = key if fields[key] == (value, "") else None
    return fields, title, names


def _spans(separator: str) -> list[tuple[int, int | None]]:
    spans: list[tuple[int, int | None]] = []
    start = 0
    for position, char in enumerate(separator):
        if char == "|":
            spans.append((start, position + 1))
            start = position + 1
    if separator[start:].strip():
        spans.append((start, None))
    # The last column takes whatever a wide value prints past its mark.
    last_start, _ = spans[-1]
    spans[-1] = (last_start, None)
    return spans


def _cut(line: str, columns: tuple[Column, ...]) -> tuple[str, ...]:
    return tuple(line[column.start : column.end].strip() for column in columns)


def _misaligned(line: str, columns: tuple[Column, ...]) -> bool:
    # A value running across a column mark means the spans do not fit this line.
    return _crosses_a_mark(line, [(column.start, column.end) for column in columns])


def _crosses_a_mark(line: str, spans: list[tuple[int, int | None]]) -> bool:
    return any(
        end is not None and 0 < end < len(line) and not line[end - 1].isspace() and not line[end].isspace()
        for _, end in spans[:-1]
    )


def _header_cells(line: str, spans: list[tuple[int, int | None]]) -> list[str]:
    """The caption text of each column in one header line."""
    if not _crosses_a_mark(line, spans):
        return [line[start:end].strip() for start, end in spans]
    words = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", line)]
    if len(words) == len(spans):
        return [word for word, _, _ in words]
    cells: list[list[str]] = [[] for _ in spans]
    for word, start, end in words:
        middle = (start + end - 1) / 2
        index = next(
            (i for i, (first, last) in enumerate(spans) if last is None or middle < last), len(spans) - 1
        )
        cells[index].append(word)
    return [" ".join(cell) for cell in cells]


def _columns(header: list[str], spans: list[tuple[int, int | None]]) -> tuple[Column, ...]:
    cells = [_header_cells(line, spans) for line in header]
    columns: list[Column] = []
    for index, (start, end) in enumerate(spans):
        parts = [line_cells[index] for line_cells in cells]
        unit = next((bracketed_unit(p) for p in parts if p.startswith("[")), None)
        name = " ".join(p for p in parts if p and not p.startswith("["))
        columns.append(Column(start=start, end=end, name=name, unit=unit))
    return tuple(columns)


def _page_furniture(line: str, header_texts: frozenset[str], page_lines: frozenset[str]) -> bool:
    # A table longer than a printed page is interrupted by a form feed, the page's header lines
    # (data file, sample, instrument/date) and the repeated column header: none of them are peaks.
    text = line.strip()
    return (
        not text
        or "\f" in line
        or bool(_PAGE.search(text))
        or text in page_lines
        or text in header_texts
        or bool(_SEPARATOR.match(line))
    )


def _table(lines: list[str], first: int, last: int, file: Path, page_lines: frozenset[str]) -> SignalTable:
    heading = _SIGNAL.match(lines[first])
    assert heading is not None  # the caller found the heading with the same pattern
    number, description = int(heading["number"]), heading["description"]
    separator_at = next((i for i in range(first + 1, last) if _SEPARATOR.match(lines[i])), None)
    if separator_at is None:
        return SignalTable(number, description, first + 1, (), first + 1, (), None)
    header = [line for line in lines[first + 1 : separator_at] if line.strip()][-2:]
    if not header:
        raise ParseError(
            f"The table of Signal {number} in '{file}' line {separator_at + 1} has no column header above "
            "its separator line. Expected column names such as 'Peak #', 'RetTime [min]', 'Area'.",
            file=file,
            line=separator_at + 1,
        )
    columns = _columns(header, _spans(lines[separator_at]))
    rows: list[tuple[int, tuple[str, ...]]] = []
    totals: tuple[int, tuple[str, ...]] | None = None
    header_texts = frozenset(line.strip() for line in header)
    for index in range(separator_at + 1, last):
        line = lines[index]
        if _RULE.match(line):
            break
        if _page_furniture(line, header_texts, page_lines):
            continue
        if _TOTALS.match(line):
            totals = (index + 1, _cut(line, columns))
            break
        if _misaligned(line, columns) and len(line.split()) == len(columns):
            rows.append((index + 1, tuple(line.split())))
        else:
            rows.append((index + 1, _cut(line, columns)))
    return SignalTable(number, description, first + 1, columns, separator_at, tuple(rows), totals)


def _refuse_sequence_reports(lines: list[str], *, file: Path) -> None:
    """A report of several injections (one block per data file) is not one injection's report."""
    # Every printed page repeats its own "Data File" line, so only different data files count.
    starts: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        match = _DATA_FILE.match(line)
        if match and not line.lstrip("\f")[:1].isspace():
            starts.setdefault(match["path"].strip().lower(), number)
    if len(starts) > 1:
        shown = ", ".join(str(n) for n in list(starts.values())[:10]) + (" ..." if len(starts) > 10 else "")
        raise ParseError(
            f"'{file}' is a sequence report with {len(starts)} injections ('Data File' blocks of different "
            f"data files at lines {shown}). Expected one injection per report: let ChemStation write each "
            "injection's report into its own .D folder (Report.TXT), or export one report per data file.",
            file=file,
            line=list(starts.values())[1],
        )


def read_text_report(path: Path, *, encoding: str | None = None) -> TextReport:
    """Read ``Report.TXT`` (in the site's ``encoding``, if set); ParseError when it has no signal table or
    one is broken."""
    decoded: DecodedText = read_text(path, hint=encoding)
    lines = decoded.lines
    _refuse_sequence_reports(lines, file=path)
    derived = next((i for i, line in enumerate(lines) if _DERIVED_SECTION.match(line)), None)
    headings = [i for i, line in enumerate(lines) if _SIGNAL.match(line) and (derived is None or i < derived)]
    if not headings:
        raise ParseError(
            f"Unable to find any 'Signal N: ...' table in '{path}'. Expected a ChemStation text report "
            "with at least one signal's peak table.",
            file=path,
        )
    ends = [i for i, line in enumerate(lines) if _END.match(line)]
    stop = min(ends[0] if ends else len(lines), derived if derived is not None else len(lines))
    fields, title, names = _header_fields(lines[: headings[0]])
    page_lines = frozenset([line.strip() for line in lines[: headings[0]] if line.strip()][:3])
    tables = tuple(
        _table(lines, first, (headings[k + 1] if k + 1 < len(headings) else stop), path, page_lines)
        for k, first in enumerate(headings)
    )
    skipped: tuple[str, ...] = ()
    if derived is not None:
        match = _DERIVED_SECTION.match(lines[derived])
        assert match is not None  # found with the same pattern above
        skipped = (f"{match['title'].strip()} (line {derived + 1})",)
    return TextReport(
        path=path,
        encoding=decoded.encoding,
        fields=fields,
        title=title,
        tables=tables,
        complete=bool(ends),
        names=names,
        header_lines=tuple(lines[: headings[0]]),
        skipped_sections=skipped,
        decoding_warnings=decoded.warnings,
    )
