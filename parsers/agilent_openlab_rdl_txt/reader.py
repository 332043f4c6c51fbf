"""OpenLab RDL text report -> boxes, each a list of logical rows of cells split into their line pieces.

A box opens with a ``┌`` line and closes with a ``└`` line (or the page's ``═`` rule); a file ending
inside a box was cut short and is refused. Inside, ``│`` separates cells and ``├`` lines separate
logical rows. A logical row may span several physical lines when a cell's text wrapped; each cell
keeps its pieces, line by line, for :mod:`cells` to join.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ParseError
from parsers._common.decoding import DecodedText
from parsers.agilent_openlab_rdl_txt import constants as c
from parsers.agilent_openlab_rdl_txt.cells import Piece


@dataclass
class LogicalRow:
    """One row of a box: its first line number and, per cell, the pieces of each physical line."""

    line: int
    cells: list[list[Piece]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def add(self, number: int, cells: list[str]) -> None:
        if not self.cells:
            self.cells = [[] for _ in cells]
        self.lines.append(number)
        for index, cell in enumerate(cells[: len(self.cells)]):
            self.cells[index].append(Piece(cell.strip(), len(cell)))

    def line_pieces(self, index: int) -> list[Piece]:
        return self.cells[index] if index < len(self.cells) else []


@dataclass
class Box:
    """A box of the report: where it starts, how many cells its rows have, and its logical rows.

    ``ruled`` is True when ``├`` lines separate its rows (a table), False for a key/value box, whose
    rows are then its physical lines.
    """

    line: int
    width: int
    rows: list[LogicalRow] = field(default_factory=list)
    ruled: bool = False


def looks_like_rdl_text(text: str) -> bool:
    """Whether decoded head text is a box-drawn report: it opens with a box and has cell lines."""
    lines = [line for line in text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")[:40] if line.strip()]
    if not lines or not lines[0].lstrip().startswith(c.TOP_CORNERS):
        return False
    return sum(line.lstrip().startswith(c.VERTICAL) for line in lines) >= 2


def _cells(line: str) -> list[str] | None:
    """The cells between the ``│`` of a content line, or None when the line is not one."""
    stripped = line.strip()
    if not stripped.startswith(c.VERTICAL) or not stripped.endswith(c.VERTICAL) or len(stripped) < 2:
        return None
    return stripped[1:-1].split(c.VERTICAL)


def read_boxes(decoded: DecodedText, *, file: Path) -> list[Box]:
    """Every box of the report in order; ParseError for a content line outside a box or of the wrong width."""
    boxes: list[Box] = []
    current: Box | None = None
    row: LogicalRow | None = None
    last = max((n for n, text in enumerate(decoded.lines, start=1) if text.strip()), default=0)
    for number, text in enumerate(decoded.lines, start=1):
        stripped = text.strip().lstrip("\ufeff")
        if not stripped:
            continue
        if stripped.startswith(c.TOP_CORNERS):
            current = Box(number, stripped.count("┬") + 1)
            boxes.append(current)
            row = None
            continue
        if stripped.startswith(c.BOTTOM_CORNERS) or stripped.startswith(c.PAGE_RULE):
            current, row = None, None
            continue
        if stripped.startswith(c.ROW_RULE):
            if current is not None:
                current.ruled = True
            row = None
            continue
        cells = _cells(stripped)
        cut_row = cells is None or (current is not None and len(cells) != current.width)
        if cut_row and current is not None and number == last and stripped.startswith(c.VERTICAL):
            raise ParseError(
                f"'{file}' ends in the middle of a row (line {number}: {stripped[:40]!r}) of the box opened "
                f"on line {current.line}. Expected the box to close with its bottom border: was the file "
                "truncated?",
                file=file,
                line=number,
            )
        if cells is None or current is None:
            raise ParseError(
                f"Line {number} of '{file}' is {stripped[:60]!r}, outside any box of the report. Expected "
                "every line between a box's top and bottom border to be a row of cells.",
                file=file,
                line=number,
            )
        if len(cells) != current.width:
            raise ParseError(
                f"Line {number} of '{file}' has {len(cells)} cell(s) in a box of {current.width} column(s) "
                f"(opened on line {current.line}). Expected every row of a box to have its columns.",
                file=file,
                line=number,
            )
        if row is None:
            row = LogicalRow(number)
            current.rows.append(row)
        row.add(number, cells)
    if current is not None:
        raise ParseError(
            f"'{file}' ends inside the box opened on line {current.line}, without its bottom border. "
            "Expected every box to close (a report ends with its page footer): was the file truncated?",
            file=file,
            line=current.line,
        )
    return boxes
