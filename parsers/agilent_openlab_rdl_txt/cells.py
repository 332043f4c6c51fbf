"""Putting a wrapped report cell back together.

The report renders with a proportional font and cuts a cell's text where it no longer fits: a number
after its decimal mark or between digits (``53.`` over ``0992``), a name after ``_``, ``-``, ``\\`` or
``.``, or at a space (which is dropped), or, when a word fills the cell, in the middle of it (``Typ``
over ``e``). Numbers are joined as they stand. Text is joined as it stands unless the cut falls
between two letters or digits of a line that did not fill its cell: that was a cut at a space, and
the space is put back. A cut between two letters or digits is reported as uncertain either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Piece:
    """The text of one physical line of a cell (stripped) and the cell's width on that line."""

    text: str
    width: int


@dataclass(frozen=True)
class JoinedText:
    text: str
    uncertain: bool


def join_number(pieces: list[Piece]) -> str:
    """A number's pieces joined without spaces."""
    return "".join(piece.text for piece in pieces if piece.text)


def join_text(pieces: list[Piece]) -> JoinedText:
    """A text's pieces joined, a space restored where the cut was at a space (see the module)."""
    parts = [piece for piece in pieces if piece.text]
    if not parts:
        return JoinedText("", False)
    text = parts[0].text
    uncertain = False
    for before, after in pairwise(parts):
        between_words = before.text[-1].isalnum() and after.text[0].isalnum()
        filled = len(before.text) >= before.width - 1
        text += (" " if between_words and not filled else "") + after.text
        uncertain = uncertain or between_words
    return JoinedText(text, uncertain)
