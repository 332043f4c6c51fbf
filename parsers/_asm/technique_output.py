"""What a technique reader hands the parser: rows, traces and notes about what it left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.models import Scalar, Trace
from parsers._asm.rows import Row


@dataclass
class TechniqueOutput:
    rows: list[Row] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Run-level values the technique reader found (added to the document-level metadata).
    metadata: dict[str, Scalar] = field(default_factory=dict)
    #: Data cubes not over time (spectra, amplification curves), by cube name: not kept.
    skipped_cubes: dict[str, int] = field(default_factory=dict)

    def skip_cube(self, name: str) -> None:
        self.skipped_cubes[name] = self.skipped_cubes.get(name, 0) + 1

    def finish(self) -> TechniqueOutput:
        """Turn the skipped cubes into one warning."""
        if self.skipped_cubes:
            listed = ", ".join(f"{n} '{name}'" for name, n in sorted(self.skipped_cubes.items()))
            self.warnings.append(
                f"Data cubes over something other than time are not kept (only time traces are): {listed}."
            )
        return self
