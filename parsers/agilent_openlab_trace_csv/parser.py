"""Agilent OpenLab CDS "Export data as CSV" chromatogram trace -> ParsedFile (trace only).

The file holds nothing but time/signal rows; sample and channel appear only in the file name
(``NAI-A594_1H_RT.CSV``), which is not parsed further: the stem becomes metadata ``sample_name`` and
the trace's channel, and no other field is guessed. Results are empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ingest.models import ParsedFile, Provenance, Scalar, Trace
from parsers._plugin.contract import NearMiss
from parsers._plugin.frames import empty_results
from parsers.agilent_openlab_trace_csv.reader import (
    looks_like_trace,
    read_trace,
    signal_file_name,
    two_number_rows,
)


class OpenLabTraceCsvParser:
    """OpenLab CDS 2.x chromatogram exported as UTF-16 tab-separated CSV (time, signal)."""

    name: ClassVar[str] = "agilent_openlab_trace_csv"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_trace(head, path)

    def near_miss(self, head: bytes, path: Path) -> NearMiss | None:
        if not two_number_rows(head):
            return None
        return NearMiss(
            closeness=0.5,
            looks_like="an OpenLab CDS chromatogram CSV (rows of time and signal)",
            lacks=(
                "OpenLab writes these in UTF-16, or names them '<injection>.dx_<signal>.CSV'; a table of two "
                "numbers with neither could be any program's, so it is not taken as a chromatogram"
            ),
        )

    def parse(self, path: Path) -> ParsedFile:
        frame, encoding = read_trace(path)
        warnings: tuple[str, ...] = ()
        if not frame["time_min"].is_monotonic_increasing:
            warnings = (f"Times in '{path}' do not increase throughout; the trace is kept as exported.",)
        named = signal_file_name(path)
        metadata: dict[str, Scalar] = {"sample_name": path.stem}
        channel = path.stem
        if named is not None:
            metadata = {"sample_name": named[0], "injection": named[0], "channel": named[1]}
            channel = named[1]
        return ParsedFile(
            metadata=metadata,
            results=empty_results(),
            provenance=Provenance(self.name, self.version, path, encoding=encoding),
            traces=(Trace(channel=channel, data=frame, signal_unit=None),),
            warnings=warnings,
        )
