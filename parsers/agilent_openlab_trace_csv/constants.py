"""What an OpenLab CDS chromatogram CSV looks like: its encodings, its two columns, how much is sniffed."""

from __future__ import annotations

#: The encodings "Export data as CSV" writes: UTF-16LE with a BOM (and, copied through other tools, without
#: one or big-endian). A UTF-8 file of two numbers per line is not claimed: it could be anything.
ENCODINGS: tuple[str, ...] = ("utf-16", "utf-16-le", "utf-16-be")

#: The columns of every row, in order: time in minutes, then the detector signal.
COLUMNS: tuple[str, str] = ("time_min", "signal")

#: How many leading rows ``sniff`` checks to be two tab-separated numbers.
SNIFF_ROWS = 20
