"""What an OpenLab CDS chromatogram CSV looks like: its encodings, its two columns, how much is sniffed."""

from __future__ import annotations

#: The encodings "Export data as CSV" writes (UTF-16LE, with or without a BOM).
ENCODINGS: tuple[str, ...] = ("utf-16", "utf-16-le")

#: The columns of every row, in order: time in minutes, then the detector signal.
COLUMNS: tuple[str, str] = ("time_min", "signal")

#: How many leading rows ``sniff`` checks to be two tab-separated numbers.
SNIFF_ROWS = 20
