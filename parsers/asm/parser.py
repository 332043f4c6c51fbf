"""ASM JSON -> ParsedFile: any Allotrope Simple Model document, read by the manifest's technique.

Sniffed by content (a JSON object naming ``$asm.manifest``). The technique named by the manifest decides
the result columns (see ``ingest.contract.CONTRACTS``): liquid chromatography (one row per peak), plate
reader, spectrophotometry and any other technique (one row per measured or calculated value), qPCR (one
row per well and target), cell counting (one row per sample), solution analysis (one row per sample and
analyte). Time data cubes become traces.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ingest.models import ParsedFile
from parsers._asm.parsed import parsed_file
from parsers.asm import constants as c
from parsers.asm.reader import looks_like_asm, read_document


class AsmParser:
    """Allotrope Simple Model JSON from Benchling Connect, allotropy or an instrument vendor."""

    name: ClassVar[str] = "asm"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = c.EXTENSIONS
    techniques: ClassVar[tuple[str, ...]] = c.ASM_TECHNIQUES

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_asm(head)

    def parse(self, path: Path) -> ParsedFile:
        return parsed_file(read_document(path), parser=self.name, version=self.version)
