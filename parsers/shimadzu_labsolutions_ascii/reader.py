"""Shimadzu LabSolutions / LCsolution "ASCII convert" files: bytes -> named sections of split rows.

The export is INI-like: ``[Section(qualifier)]`` lines, each followed by delimited rows until a blank
line or the next section. The delimiter is a tab in LabSolutions 5.x and a comma in older LCsolution
exports (it follows the export dialog's setting), so it is detected once per file from the
``[Header]`` block.

One file is one injection. A batch export repeats ``[Header]`` (or ``[Sample Information]``) once per
injection, and a PDA 3D export holds a ``[PDA 3D ...]`` matrix: both are refused with a message that says
what the file is and what to export instead.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError
from parsers._common.decoding import DecodedText
from parsers._common.delimited import Row, split_quoted
from parsers.shimadzu_labsolutions_ascii import constants as c

_SECTION = re.compile(r"^\s*\[(?P<name>[^\[\]]+)\]\s*$")
_QUALIFIED = re.compile(r"^(?P<kind>[^()]*?)\s*\((?P<qualifier>.*)\)\s*$")


@dataclass(frozen=True)
class Section:
    """A ``[kind(qualifier)]`` block; ``kind`` is normalized (lower case, single spaces)."""

    title: str
    kind: str
    qualifier: str
    line: int
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ShimadzuText:
    """The sections of one export, in file order, and the delimiter it uses."""

    sections: tuple[Section, ...]
    delimiter: str

    def first(self, kind: str) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def all(self, kind: str) -> list[Section]:
        return [s for s in self.sections if s.kind == kind]


def normalize_key(text: str) -> str:
    """Lower case with single spaces: ``'Sample  Name '`` -> ``'sample name'``."""
    return " ".join(text.strip().lower().split())


def looks_like_shimadzu(text: str) -> bool:
    """Whether decoded head text starts like a LabSolutions/LCsolution ASCII export.

    The [Header] names the application in LabSolutions, LCsolution and GCsolution; other programs of the
    family (PACsolution, older GCsolution) write the same layout without an 'Application Name', so the
    layout itself also counts: [Header] first, then [Sample Information] and a peak table or chromatogram.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines or normalize_key(lines[0]) != "[header]":
        return False
    head = "\n".join(lines[:12]).lower()
    if "labsolutions" in head or "lcsolution" in head or "gcsolution" in head:
        return True
    titles = {normalize_key(m["name"]) for ln in lines if (m := _SECTION.match(ln))}
    kinds = {normalize_key(m["kind"]) if (m := _QUALIFIED.match(t)) else t for t in titles}
    return "sample information" in kinds and bool(kinds & {c.SECTION_PEAK_TABLE, *c.SECTION_CHROMATOGRAMS})


def detect_delimiter(lines: list[str], *, file: Path) -> str:
    """Tab or comma, judged from the first key/value line after ``[Header]``."""
    for number, line in enumerate(lines[:40], start=1):
        stripped = line.strip()
        if not stripped or _SECTION.match(stripped):
            continue
        if "\t" in line:
            return "\t"
        if "," in line:
            return ","
        raise ParseError(
            f"Unable to find a delimiter in '{file}' line {number}: {stripped!r}. "
            "Expected 'key<TAB>value' or 'key,value' lines after [Header].",
            file=file,
            line=number,
        )
    raise ParseError(
        f"Unable to find any key/value line after [Header] in '{file}'. Expected a Shimadzu ASCII export.",
        file=file,
        line=1,
    )


def _refuse_batches_and_3d(lines: list[str], *, file: Path) -> None:
    """A batch file (several injections) or a 3D PDA matrix is not one injection's chromatograms."""
    titles = [
        (number, normalize_key(m["name"]))
        for number, line in enumerate(lines, 1)
        if (m := _SECTION.match(line))
    ]
    for repeated in ("header", "sample information"):
        starts = [number for number, title in titles if title == repeated]
        if len(starts) > 1:
            shown = ", ".join(str(n) for n in starts[:10]) + (" ..." if len(starts) > 10 else "")
            raise ParseError(
                f"'{file}' is a batch file with {len(starts)} injections ([{repeated.title()}] at lines "
                f"{shown}). Expected one injection per file: export each data file of the batch on its own "
                "(LabSolutions: Postrun > File > Export Data / 'ASCII Convert' per data file).",
                file=file,
                line=starts[1],
            )
    for number, title in titles:
        if "3d" in title.replace(" ", ""):
            raise ParseError(
                f"'{file}' holds 3D PDA data ([{lines[number - 1].strip()[1:-1]}] at line {number}), a "
                "matrix of absorbance over time and wavelength. Expected 2D chromatograms: export the data "
                "file with the PDA 3D data unchecked (LC chromatograms at chosen wavelengths).",
                file=file,
                line=number,
            )


def read_sections(decoded: DecodedText, *, file: Path) -> ShimadzuText:
    """Split decoded text into sections; raise ParseError when it is not a Shimadzu ASCII export, or is a
    batch file or a 3D PDA export."""
    lines = decoded.lines
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None or normalize_key(lines[first]) != "[header]":
        found = lines[first].strip()[:60] if first is not None else ""
        raise ParseError(
            f"Unable to find '[Header]' at the start of '{file}' (found {found!r}). "
            "Expected a Shimadzu LabSolutions ASCII export.",
            file=file,
            line=(first or 0) + 1,
        )
    _refuse_batches_and_3d(lines, file=file)
    delimiter = detect_delimiter(lines[first + 1 :], file=file)
    sections: list[Section] = []
    seen: dict[str, int] = {}
    title = ""
    start = 0
    rows: list[Row] = []

    def close() -> None:
        if not title:
            return
        key = normalize_key(title)
        if key in seen:
            raise ParseError(
                f"Section [{title}] appears twice in '{file}' (lines {seen[key]} and {start}). "
                "Expected each section once.",
                file=file,
                line=start,
            )
        seen[key] = start
        match = _QUALIFIED.match(title)
        kind, qualifier = (match["kind"], match["qualifier"].strip()) if match else (title, "")
        kind = c.SECTION_ALIASES.get(normalize_key(kind), normalize_key(kind))
        sections.append(Section(title, kind, qualifier, start, tuple(rows)))

    for index in range(first, len(lines)):
        raw = lines[index]
        match = _SECTION.match(raw)
        if match:
            close()
            title, start, rows = match["name"].strip(), index + 1, []
            continue
        if not raw.strip():
            continue
        try:
            cells = split_quoted(raw, delimiter, strict=True)
        except csv.Error as exc:
            raise ParseError(
                f"Unable to split line {index + 1} of '{file}' ({raw.strip()[:60]!r}): {exc}. "
                "Expected delimited cells with balanced quotes.",
                file=file,
                line=index + 1,
            ) from exc
        rows.append(Row(index + 1, tuple(cells)))
    close()
    return ShimadzuText(tuple(sections), delimiter)
