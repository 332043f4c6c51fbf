"""ASM JSON -> ParsedFile: any Allotrope Simple Model document, read by the manifest's technique.

Sniffed by content (a JSON object naming ``$asm.manifest``). The technique named by the manifest decides
the result columns (see ``ingest.contract.CONTRACTS``): liquid chromatography (one row per peak), plate
reader, spectrophotometry and any other technique (one row per measured or calculated value), qPCR (one
row per well and target) and cell counting (one row per sample), solution analysis (one row per sample
and analyte). Time data cubes become traces.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from ingest.contract import (
    CELL_COUNTING,
    LIQUID_CHROMATOGRAPHY,
    QPCR,
    SOLUTION_ANALYSIS,
)
from ingest.models import ParsedFile, Provenance
from parsers.asm import constants as c
from parsers.asm.cell_counting import read_cell_counting
from parsers.asm.liquid_chromatography import read_liquid_chromatography
from parsers.asm.measurements import measurements
from parsers.asm.metadata import run_metadata
from parsers.asm.qpcr import read_qpcr
from parsers.asm.reader import AsmDocument, looks_like_asm, read_document
from parsers.asm.rows import build_frame
from parsers.asm.solution_analysis import read_solution_analysis
from parsers.asm.technique_output import TechniqueOutput
from parsers.asm.value_rows import read_value_rows

_READERS: dict[str, Callable[[AsmDocument], TechniqueOutput]] = {
    LIQUID_CHROMATOGRAPHY: read_liquid_chromatography,
    QPCR: read_qpcr,
    CELL_COUNTING: read_cell_counting,
    SOLUTION_ANALYSIS: read_solution_analysis,
}


class AsmParser:
    """Allotrope Simple Model JSON from Benchling Connect, allotropy or an instrument vendor."""

    name: ClassVar[str] = "asm"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    techniques: ClassVar[tuple[str, ...]] = c.TECHNIQUES

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_asm(head)

    def parse(self, path: Path) -> ParsedFile:
        document = read_document(path)
        return parsed_file(document, parser=self.name, version=self.version)


def parsed_file(
    document: AsmDocument, *, parser: str, version: str, encoding: str | None = None
) -> ParsedFile:
    """The ParsedFile of a read ASM document (``encoding`` overrides the document's, for converted files)."""
    output = _READERS.get(document.technique, read_value_rows)(document)
    built = build_frame(document.technique, output.rows)
    metadata = {**run_metadata(document, list(measurements(document))), **output.metadata}
    return ParsedFile(
        metadata=metadata,
        results=built.results,
        provenance=Provenance(
            parser=parser,
            parser_version=version,
            source=document.file,
            encoding=encoding or document.encoding,
        ),
        traces=tuple(output.traces),
        warnings=tuple(output.warnings),
        technique=document.technique,
        column_units=built.column_units,
    )
