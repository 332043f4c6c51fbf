"""Agilent OpenLab CDS "Export data as CSV" chromatogram trace -> ParsedFile (trace only).

The file holds nothing but time/signal rows; sample and channel appear only in the file name
(``NAI-A594_1H_RT.CSV``), which is not parsed further: the stem becomes metadata ``sample_name`` and
the trace's channel, and no other field is guessed. Results are empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ingest.models import ParsedFile, Provenance, Trace
from parsers._plugin.frames import empty_results
from parsers.agilent_openlab_trace_csv.reader import looks_like_trace, read_trace


class OpenLabTraceCsvParser:
    """OpenLab CDS 2.x chromatogram exported as UTF-16 tab-separated CSV (time, signal)."""

    name: ClassVar[str] = "agilent_openlab_trace_csv"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_trace(head)

    def parse(self, path: Path) -> ParsedFile:
        frame, encoding = read_trace(path)
        warnings: tuple[str, ...] = ()
        if not frame["time_min"].is_monotonic_increasing:
            warnings = (f"Times in '{path}' do not increase throughout; the trace is kept as exported.",)
        return ParsedFile(
            metadata={"sample_name": path.stem},
            results=empty_results(),
            provenance=Provenance(self.name, self.version, path, encoding=encoding),
            traces=(Trace(channel=path.stem, data=frame, signal_unit=None),),
            warnings=warnings,
        )
