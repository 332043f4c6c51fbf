"""Delimited text rows: splitting lines into cells and keeping each row's line number for messages.

Instrument exports split their lines with a tab, a comma or a semicolon, quote cells with double quotes
(or not at all), and pad rows with empty trailing cells. A :class:`Row` keeps the 1-based line of the
file it came from, so every error can name it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Delimiters a header row is tried with, in order of preference when counts tie.
DELIMITERS: tuple[str, ...] = (",", ";", "\t")


@dataclass(frozen=True)
class Row:
    """One delimited line: its 1-based line number in the file and its cells (as split, not stripped)."""

    line: int
    cells: tuple[str, ...]


def split_quoted(line: str, delimiter: str, *, strict: bool = False) -> list[str]:
    """The cells of one line, double quotes honoured; with ``strict``, unbalanced quotes raise csv.Error."""
    return next(csv.reader([line], delimiter=delimiter, quotechar='"', strict=strict), [])


def without_trailing_empty(cells: Iterable[str]) -> list[str]:
    """``cells`` without the blank cells at the end of the row (exports pad rows with delimiters)."""
    kept = list(cells)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def numbered_rows(lines: Sequence[str], delimiter: str) -> list[Row]:
    """Every non-blank line split into quoted cells, numbered from 1 as in the file."""
    return [
        Row(number, tuple(split_quoted(line, delimiter)))
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]


def choose_delimiter(header_line: str, candidates: Sequence[str] = DELIMITERS) -> str:
    """The candidate that splits the header row most often outside quotes; the first when none does."""
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in candidates}
    best = max(candidates, key=lambda d: counts[d])
    return best if counts[best] else candidates[0]


def unclosed_quote_line(text: str, delimiter: str) -> int | None:
    """The 1-based line where a quoted cell opens that is never closed, else None.

    A double quote opens a quoted cell only at the start of a cell; inside one, ``""`` is a literal quote.
    A cell may span lines, so an unbalanced quote makes every later line part of it: readers then report
    a wrong row far below, and this names the line where the trouble starts.
    """
    line = 1
    opened_at = 0
    in_quote = False
    at_cell_start = True
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if in_quote:
            if char == '"':
                if index + 1 < length and text[index + 1] == '"':
                    index += 1
                else:
                    in_quote = False
            elif char == "\n":
                line += 1
        elif char == '"' and at_cell_start:
            in_quote, opened_at = True, line
        elif char == "\n":
            line += 1
        if not in_quote:
            at_cell_start = char in (delimiter, "\n") or (
                at_cell_start and char in " \t" and char != delimiter
            )
        index += 1
    return opened_at if in_quote else None
