"""An example third-party parser package: a plate reader's absorbance CSV.

It proves that a lab team can ship a parser as its own package: the class below is registered in
this package's ``pyproject.toml`` under the ``benchling_ingest.parsers`` entry-point group, and
benchling-ingest finds it without any change to its own code.

The format::

    # Plate: PLT-0001
    # Read at: 2026-11-02T10:00:00
    # Wavelength: 450 nm
    Well,Sample ID,Absorbance
    A1,SMP-001,0.123
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

from ingest.errors import ParseError
from ingest.models import ParsedFile, Provenance, Scalar
from parsers import parse_number, read_text, results_frame

_MAGIC = "# Plate:"
_HEADER = ["Well", "Sample ID", "Absorbance"]


class ExamplePlateCsvParser:
    """Reads the example plate CSV (see the module docstring)."""

    name: ClassVar[str] = "example_plate_csv"
    version: ClassVar[str] = "0.1.0"
    extensions: ClassVar[tuple[str, ...]] = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return head.lstrip(b"\xef\xbb\xbf").startswith(_MAGIC.encode("ascii"))

    def parse(self, path: Path) -> ParsedFile:
        decoded = read_text(path)
        lines = decoded.lines
        metadata: dict[str, Scalar] = {}
        line_no = 0
        while line_no < len(lines) and lines[line_no].startswith("#"):
            key, _, value = lines[line_no].lstrip("#").partition(":")
            metadata[key.strip().lower().replace(" ", "_")] = value.strip()
            line_no += 1
        if "plate" not in metadata:
            raise ParseError(
                f"File '{path.name}' does not start with '{_MAGIC}'. Expected a plate CSV with a "
                "'# Plate: <barcode>' first line.",
                file=path,
                line=1,
            )
        if "read_at" in metadata:
            try:
                metadata["injection_time"] = dt.datetime.fromisoformat(
                    str(metadata.pop("read_at"))
                ).isoformat()
            except ValueError as exc:
                raise ParseError(
                    f"Unable to read the '# Read at:' value in '{path.name}'. Expected an ISO 8601 date.",
                    file=path,
                ) from exc
        rows = list(csv.reader(lines[line_no:]))
        if not rows or [c.strip() for c in rows[0]] != _HEADER:
            raise ParseError(
                f"File '{path.name}' line {line_no + 1} has the header {rows[0] if rows else []}. "
                f"Expected {_HEADER}.",
                file=path,
                line=line_no + 1,
            )
        signal = f"Absorbance {metadata.get('wavelength', '')}".strip()
        results: list[dict[str, Any]] = []
        for offset, row in enumerate(rows[1:], start=line_no + 2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != 3:
                raise ParseError(
                    f"Line {offset} of '{path.name}' has {len(row)} fields. Expected 3 (Well, Sample ID, "
                    "Absorbance).",
                    file=path,
                    line=offset,
                )
            well, sample_id, absorbance = (cell.strip() for cell in row)
            results.append(
                {
                    "sample_id": sample_id,
                    "injection": well,
                    "signal": signal,
                    "well": well,
                    "absorbance": parse_number(absorbance, file=path, line=offset, column="Absorbance"),
                }
            )
        return ParsedFile(
            metadata=metadata,
            results=results_frame(results, extra=("well", "absorbance")),
            provenance=Provenance(self.name, self.version, path, encoding=decoded.encoding),
        )
