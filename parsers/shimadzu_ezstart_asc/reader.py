"""EZStart/EZChrom ASCII export text -> header entries and the column of raw values.

The header is ``Key:<sep>value[<sep>value...]`` lines; the separator (a tab, a comma or a semicolon,
as the export dialog was set) is the character after the first key's colon. Then one value per line:
channel 1's points, then channel 2's, and so on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.errors import ParseError
from parsers._common.decoding import DecodedText
from parsers._common.numbers import DECIMAL
from parsers.shimadzu_ezstart_asc import constants as c

_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z][^:\t;,]*?):(?P<rest>.*)$")
_VALUE = re.compile(rf"^\s*{DECIMAL}\s*$")


@dataclass(frozen=True)
class HeaderEntry:
    key: str
    label: str
    values: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class AscText:
    separator: str
    header: dict[str, HeaderEntry]
    values: np.ndarray  # float64, every channel's points in turn
    first_value_line: int


def normalize_key(label: str) -> str:
    return re.sub(r"\s+", "", label).lower()


def looks_like_asc(text: str) -> bool:
    """Whether decoded head text starts with ``Version:`` and carries the EZChrom channel keys."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    if not lines or not re.match(r"^version:[\t,;]\s*\d", lines[0].strip().lower()):
        return False
    lowered = "\n".join(line.lower() for line in lines[:40])
    return sum(key in lowered for key in c.SNIFF_KEYS) >= 3


def _separator(first_line: str, file: Path) -> str:
    match = _KEY_LINE.match(first_line)
    if not match or not match["rest"] or match["rest"][0] not in "\t,;":
        raise ParseError(
            f"Line 1 of '{file}' is {first_line.strip()[:60]!r}. Expected 'Version:' followed by a tab, "
            "comma or semicolon and the export version.",
            file=file,
            line=1,
        )
    return match["rest"][0]


def read_asc(decoded: DecodedText, *, file: Path) -> AscText:
    """Split the export into header entries and the values; ParseError naming a line that is neither."""
    lines = decoded.lines
    separator = _separator(lines[0].lstrip("\ufeff"), file)
    header: dict[str, HeaderEntry] = {}
    index = 0
    for index, text in enumerate(lines):
        text = text.lstrip("\ufeff") if index == 0 else text
        match = _KEY_LINE.match(text)
        if not match or _VALUE.match(text):
            break
        cells = [cell.strip() for cell in match["rest"].split(separator)]
        if cells and not cells[0]:
            cells = cells[1:]
        while cells and not cells[-1]:
            cells.pop()
        label = match["key"].strip()
        header[normalize_key(label)] = HeaderEntry(normalize_key(label), label, tuple(cells), index + 1)
    else:
        index = len(lines)
    numbers: list[float] = []
    comma = separator != ","
    for offset, text in enumerate(lines[index:]):
        stripped = text.strip()
        if not stripped:
            continue
        if not _VALUE.match(stripped):
            raise ParseError(
                f"Line {index + offset + 1} of '{file}' is {stripped[:60]!r}. Expected one data value per "
                "line after the header.",
                file=file,
                line=index + offset + 1,
            )
        if "," in stripped and not comma:
            raise ParseError(
                f"Line {index + offset + 1} of '{file}' holds {stripped!r}, but the export separates values "
                "with commas. Expected a decimal point.",
                file=file,
                line=index + offset + 1,
            )
        numbers.append(float(stripped.replace(",", ".")))
    return AscText(separator, header, np.asarray(numbers, dtype=np.float64), index + 1)
