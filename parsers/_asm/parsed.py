"""A read ASM document -> ParsedFile, by its technique's reader (see ``ingest.contract.CONTRACTS``)."""

from __future__ import annotations

from collections.abc import Callable

from ingest.contract import CELL_COUNTING, LIQUID_CHROMATOGRAPHY, QPCR, SOLUTION_ANALYSIS
from ingest.models import ParsedFile, Provenance
from parsers._asm.cell_counting import read_cell_counting
from parsers._asm.document import AsmDocument
from parsers._asm.liquid_chromatography import read_liquid_chromatography
from parsers._asm.measurements import measurements
from parsers._asm.metadata import run_metadata
from parsers._asm.qpcr import read_qpcr
from parsers._asm.rows import build_frame
from parsers._asm.solution_analysis import read_solution_analysis
from parsers._asm.technique_output import TechniqueOutput
from parsers._asm.value_rows import read_value_rows

_READERS: dict[str, Callable[[AsmDocument], TechniqueOutput]] = {
    LIQUID_CHROMATOGRAPHY: read_liquid_chromatography,
    QPCR: read_qpcr,
    CELL_COUNTING: read_cell_counting,
    SOLUTION_ANALYSIS: read_solution_analysis,
}


def parsed_file(document: AsmDocument, *, parser: str, version: str) -> ParsedFile:
    """The ParsedFile of a read ASM document: plate reader, spectrophotometry and any other technique
    give one row per value; the others have readers of their own."""
    output = _READERS.get(document.technique, read_value_rows)(document)
    built = build_frame(document.technique, output.rows)
    metadata = {**run_metadata(document, list(measurements(document))), **output.metadata}
    return ParsedFile(
        metadata=metadata,
        results=built.results,
        provenance=Provenance(
            parser=parser, parser_version=version, source=document.file, encoding=document.encoding
        ),
        traces=tuple(output.traces),
        warnings=tuple(output.warnings),
        technique=document.technique,
        column_units=built.column_units,
    )
