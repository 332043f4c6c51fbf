"""What an OpenLab CDS chromatogram CSV looks like: its encodings, its two columns, how much is sniffed."""

from __future__ import annotations

#: The encodings "Export data as CSV" writes: UTF-16LE with a BOM (and, copied through other tools, without
#: one or big-endian). A UTF-8 file of two numbers per line is not claimed on its content alone: it could
#: be anything.
ENCODINGS: tuple[str, ...] = ("utf-16", "utf-16-le", "utf-16-be")

#: OpenLab names a signal exported from a result set ``<injection>.dx_<signal>.CSV``; such a file is
#: written comma-separated in UTF-8 by some export paths, and its name is the evidence that it is
#: OpenLab's: the injection and the signal (``DAD1A``) are taken from it.
SIGNAL_FILE_NAME = r"^(?P<injection>.+)\.dx_(?P<signal>[^.]+)\.csv$"

#: The columns of every row, in order: time in minutes, then the detector signal.
COLUMNS: tuple[str, str] = ("time_min", "signal")

#: How many leading rows ``sniff`` checks to be two tab-separated numbers.
SNIFF_ROWS = 20
