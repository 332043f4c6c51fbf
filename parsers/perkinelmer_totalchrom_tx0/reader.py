"""TotalChrom report text -> header entries and tables of cells, each cell knowing whether it was quoted.

TotalChrom writes comma-separated lines and quotes text, but leaves many numbers unquoted and writes
them with the acquiring PC's decimal mark: on a decimal-comma PC ``"Delay Time:",0,00,"min"`` is one
number, 0.00, split over two cells. Which cells were quoted is therefore kept, so the parser can put
such numbers back together once it knows the file's decimal mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError
from parsers._common.decoding import DecodedText
from parsers.perkinelmer_totalchrom_tx0 import constants as c

_QUOTED = re.compile(r'\s*"((?:[^"]|"")*)"\s*')
_DASHES = re.compile(r"^-+$")


@dataclass(frozen=True)
class Cell:
    text: str
    quoted: bool


@dataclass(frozen=True)
class Line:
    """One report line: its 1-based number in the file and its cells."""

    number: int
    cells: tuple[Cell, ...]

    @property
    def filled(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.text.strip()]


@dataclass(frozen=True)
class HeaderEntry:
    """A ``"Key:"`` cell and the cells after it up to the next key on the same line."""

    key: str
    label: str
    values: tuple[Cell, ...]
    line: int


@dataclass(frozen=True)
class Table:
    """A report table: its title, its header rows (names, then units when given) and its data rows.

    ``total`` is the row printed under the second dashed rule, when there is one.
    """

    title: str
    title_line: int
    header: tuple[Line, ...]
    rows: tuple[Line, ...]
    total: Line | None


@dataclass(frozen=True)
class Report:
    header: tuple[HeaderEntry, ...]
    tables: tuple[Table, ...]
    notes: tuple[Line, ...]


def normalize_key(label: str) -> str:
    """``"Raw Data File :"`` -> ``rawdatafile``."""
    return re.sub(r"\s+", "", label).rstrip(":").lower()


def split_cells(text: str, *, file: Path, number: int) -> tuple[Cell, ...]:
    """The comma-separated cells of one line; quoted cells are unquoted and marked."""
    cells: list[Cell] = []
    position = 0
    while True:
        quoted = _QUOTED.match(text, position)
        if quoted:
            cells.append(Cell(quoted.group(1).replace('""', '"'), True))
            position = quoted.end()
        else:
            end = text.find(",", position)
            end = len(text) if end < 0 else end
            raw = text[position:end]
            if '"' in raw:
                raise ParseError(
                    f"Line {number} of '{file}' has an unbalanced quote near {raw.strip()[:40]!r}. "
                    "Expected comma-separated cells, text in double quotes.",
                    file=file,
                    line=number,
                )
            cells.append(Cell(raw.strip(), False))
            position = end
        if position >= len(text):
            return tuple(cells)
        if text[position] != ",":
            raise ParseError(
                f"Line {number} of '{file}' has {text[position:].strip()[:40]!r} after a quoted cell. "
                "Expected a comma between cells.",
                file=file,
                line=number,
            )
        position += 1
        if position == len(text):
            cells.append(Cell("", False))
            return tuple(cells)


def looks_like_totalchrom(text: str) -> bool:
    """Whether decoded head text starts with a rule line and carries two TotalChrom header keys."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:30]]
    if not lines or not lines[0].strip('"').startswith(c.RULE_CHAR * 10):
        return False
    lowered = "\n".join(lines).lower()
    return sum(key in lowered for key in c.SNIFF_KEYS) >= 2


def _is_rule(line: Line) -> bool:
    filled = line.filled
    return len(filled) == 1 and set(filled[0].text.strip()) == {c.RULE_CHAR}


def _is_dashes(line: Line) -> bool:
    filled = line.filled
    return bool(filled) and all(_DASHES.match(cell.text.strip()) for cell in filled)


def _header_entries(lines: list[Line]) -> list[HeaderEntry]:
    entries: list[HeaderEntry] = []
    for line in lines:
        current: tuple[str, int] | None = None
        values: list[Cell] = []
        for index, cell in enumerate(line.cells):
            if cell.quoted and cell.text.rstrip().endswith(":"):
                if current is not None:
                    entries.append(
                        HeaderEntry(normalize_key(current[0]), current[0], tuple(values), line.number)
                    )
                current, values = (cell.text.strip(), index), []
            elif current is not None:
                values.append(cell)
        if current is not None:
            entries.append(HeaderEntry(normalize_key(current[0]), current[0], tuple(values), line.number))
    return entries


def read_report(decoded: DecodedText, *, file: Path) -> Report:
    """Split a TotalChrom report into its header entries and tables; ParseError when it has no header."""
    lines = [
        Line(number, split_cells(text, file=file, number=number))
        for number, text in enumerate(decoded.lines, start=1)
        if text.strip()
    ]
    rules = [index for index, line in enumerate(lines) if _is_rule(line)]
    if len(rules) < 2:
        raise ParseError(
            f"Unable to find the header block of '{file}': it has {len(rules)} line(s) of '='. "
            "Expected a TotalChrom report header framed by two such lines.",
            file=file,
        )
    header = _header_entries(lines[rules[0] + 1 : rules[1]])
    tables: list[Table] = []
    notes: list[Line] = []
    body = lines[rules[1] + 1 :]
    index = 0
    while index < len(body):
        line = body[index]
        if len(line.filled) == 1 and not _is_dashes(line):
            table, index = _table_at(body, index)
            if table is None:
                notes.append(line)
                index += 1
            else:
                tables.append(table)
            continue
        if line.filled:
            notes.append(line)
        index += 1
    return Report(tuple(header), tuple(tables), tuple(notes))


def _table_at(body: list[Line], start: int) -> tuple[Table | None, int]:
    """The table titled by ``body[start]``: header rows up to a dashed rule, then rows up to the next
    rule (the total follows it), a title line or the end."""
    rule = next((i for i in range(start + 1, min(start + 4, len(body))) if _is_dashes(body[i])), None)
    if rule is None or any(len(body[i].filled) <= 1 for i in range(start + 1, rule)):
        return None, start
    rows: list[Line] = []
    total: Line | None = None
    index = rule + 1
    while index < len(body):
        line = body[index]
        if _is_dashes(line):
            if index + 1 < len(body) and not _is_dashes(body[index + 1]):
                total = body[index + 1]
                index += 2
            else:
                index += 1
            break
        first = line.filled[0] if line.filled else None
        if len(line.filled) <= 1 or (
            first is not None and first.quoted and first.text.rstrip().endswith(":")
        ):
            break  # a note, the next title or a key line such as "Report stored in ASCII file :"
        rows.append(line)
        index += 1
    title = body[start].filled[0].text.strip()
    return Table(title, body[start].number, tuple(body[start + 1 : rule]), tuple(rows), total), index
