"""Chromeleon text exports: decoded text -> preamble, key/value sections and tabular sections.

A section starts with a line such as ``Injection Information:`` (title, colon, nothing else); the
"Chromatogram and Results" report prints its titles (``Injection Details``, ``Integration Results``)
without the colon. Key/value sections hold ``key<TAB>value`` lines (the report writes ``Key:<TAB>value``);
the data section (``Chromatogram Data:`` in 7.x, ``Raw Data:`` in 6.x) and a peak table section
(``Integration Results``) hold a header line and rows. Chromeleon pads 6.x exports with empty lines and a
stray ``<TAB><SPACE>`` line, which are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ParseError
from parsers._common.decoding import DecodedText
from parsers._common.delimited import Row, without_trailing_empty
from parsers.thermo_chromeleon_txt.constants import CHROMELEON_SECTIONS, REPORT_SECTIONS, SNIFF_TITLES

_TITLE = re.compile(r"^(?P<title>[A-Za-z][^\t:]*?)(?P<colon>:?)\s*$")
_UNIT = re.compile(r"\s*[\(\[]([^\)\]]*)[\)\]]\s*")


def normalize_key(text: str) -> str:
    """Lower case, single spaces, no bracketed unit or trailing colon:
    ``'Injection Volume (µl)'`` and ``'Injection Volume (µL):'`` -> ``'injection volume'``."""
    return " ".join(_UNIT.sub(" ", text).strip().rstrip(":").strip().lower().split())


def section_title(line: str) -> str | None:
    """The title when ``line`` opens a section (``Title:``, or a known report title alone), else None."""
    if "\t" in line:
        return None
    match = _TITLE.match(line.strip())
    if match is None:
        return None
    if match["colon"] or normalize_key(match["title"]) in REPORT_SECTIONS:
        return match["title"].strip()
    return None


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
    """Whether decoded head text holds a Chromeleon export section title on a line of its own."""
    for line in text.splitlines()[:200]:
        title = section_title(line)
        if title is not None and normalize_key(title) in SNIFF_TITLES:
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
        title = section_title(raw)
        if title is not None:
            key = normalize_key(title)
            if any(s.key == key for s in sections):
                raise ParseError(
                    f"Section '{title}' appears twice in '{file}' (again at line {index}). "
                    "Expected each section once (a file holds one injection).",
                    file=file,
                    line=index,
                )
            current = Section(title, key, index)
            sections.append(current)
            continue
        current.rows.append(Row(index, tuple(without_trailing_empty(raw.split("\t")))))
    if not any(s.key in CHROMELEON_SECTIONS | REPORT_SECTIONS for s in sections):
        raise ParseError(
            f"Unable to find a Chromeleon section such as 'Injection Information:' or 'Raw Data:' "
            f"in '{file}'. Expected a Thermo Chromeleon text export.",
            file=file,
            line=1,
        )
    return ChromeleonText(preamble, tuple(sections))


def key_values(section: Section | None) -> dict[str, tuple[str, str, int]]:
    """``normalized key -> (original key, value, line)``; the first occurrence of a key wins.

    A unit in a third cell (``Volume<TAB>10,0<TAB>µl``) is moved into the original key's brackets, where
    7.2 writes it (``Injection Volume (µl)``).
    """
    out: dict[str, tuple[str, str, int]] = {}
    if section is None:
        return out
    for row in section.rows:
        key = normalize_key(row.cells[0]) if row.cells else ""
        if key and key not in out:
            original = row.cells[0].strip().rstrip(":").strip()
            if len(row.cells) > 2 and row.cells[2].strip() and unit_of(original) is None:
                original = f"{original} ({row.cells[2].strip()})"
            out[key] = (original, row.cells[1].strip() if len(row.cells) > 1 else "", row.line)
    return out
