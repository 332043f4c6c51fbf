"""Identity of the ASM format."""

from __future__ import annotations

from parsers._asm.vocabulary import TECHNIQUES

SOURCE = "an Allotrope Simple Model (ASM) writer"
EXTENSIONS = (".json",)
#: Every technique an ASM document may be (its manifest decides).
ASM_TECHNIQUES = TECHNIQUES
