"""Chromeleon text exports: decoded text -> preamble, key/value sections and tabular sections.

A section starts with a line such as ``Injection Information:`` (title, colon, nothing else). Key/value
sections hold ``key<TAB>value`` lines; the data section (``Chromatogram Data:`` in 7.x, ``Raw Data:``
in 6.x) and a peak table section (``Integration Results:``) hold a header line and rows. Chromeleon
pads 6.x exports with empty lines and a stray ``<TAB><SPACE>`` line, which are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ParseError
from parsers._common.decoding import DecodedText
from parsers._common.delimited import Row, without_trailing_empty
from parsers.thermo_chromeleon_txt.constants import CHROMELEON_SECTIONS

_TITLE = re.compile(r"^(?P<title>[A-Za-z][^\t:]*):\s*$")
_UNIT = re.compile(r"\s*[\(\[]([^\)\]]*)[\)\]]\s*")


def normalize_key(text: str) -> str:
    """Lower case, single spaces, no bracketed unit: ``'Injection Volume (µl)'`` -> ``'injection volume'``."""
    return " ".join(_UNIT.sub(" ", text).strip().lower().split())


def unit_of(text: str) -> str | None:
    """The bracketed unit of a header or key: ``'Value (nC)'`` -> ``'nC'``."""
    match = _UNIT.search(text)
    return match.group(1).strip() or None if match else None


@dataclass
class Section:
    """A titled block: ``rows`` in file order (header included for tabular sections)."""

    title: str
    key: str
    line: int
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class ChromeleonText:
    preamble: Section
    sections: tuple[Section, ...]

    def get(self, *keys: str) -> Section | None:
        return next((s for s in self.sections if s.key in keys), None)


def looks_like_chromeleon(text: str) -> bool:
    """Whether decoded head text holds a Chromeleon export section title."""
    for line in text.splitlines()[:200]:
        match = _TITLE.match(line.strip())
        if match and normalize_key(match["title"]) in CHROMELEON_SECTIONS:
            return True
    return False


def read_sections(decoded: DecodedText, *, file: Path) -> ChromeleonText:
    """Split a Chromeleon text export into sections; rows are tab-split with trailing empty cells dropped."""
    preamble = Section("", "", 1)
    sections: list[Section] = []
    current = preamble
    for index, raw in enumerate(decoded.lines, start=1):
        if not raw.strip():
            continue
        match = _TITLE.match(raw.strip()) if "\t" not in raw else None
        if match:
            key = normalize_key(match["title"])
            if any(s.key == key for s in sections):
                raise ParseError(
                    f"Section '{match['title']}:' appears twice in '{file}' (again at line {index}). "
                    "Expected each section once.",
                    file=file,
                    line=index,
                )
            current = Section(match["title"], key, index)
            sections.append(current)
            continue
        current.rows.append(Row(index, tuple(without_trailing_empty(raw.split("\t")))))
    if not any(s.key in CHROMELEON_SECTIONS for s in sections):
        raise ParseError(
            f"Unable to find a Chromeleon section such as 'Injection Information:' or 'Raw Data:' "
            f"in '{file}'. Expected a Thermo Chromeleon text export.",
            file=file,
            line=1,
        )
    return ChromeleonText(preamble, tuple(sections))


def key_values(section: Section | None) -> dict[str, tuple[str, str, int]]:
    """``normalized key -> (original key, value, line)``; the first occurrence of a key wins."""
    out: dict[str, tuple[str, str, int]] = {}
    if section is None:
        return out
    for row in section.rows:
        key = normalize_key(row.cells[0]) if row.cells else ""
        if key and key not in out:
            out[key] = (row.cells[0].strip(), row.cells[1].strip() if len(row.cells) > 1 else "", row.line)
    return out
