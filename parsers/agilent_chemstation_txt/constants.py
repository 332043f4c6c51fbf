"""What marks a ChemStation text report (``Report.TXT``) in its header block.

The peak-table column names and the run fields both reports share are in :mod:`parsers._chemstation.names`.
"""

from __future__ import annotations

#: Header keys (lower case, as printed) of the run; a text report prints several of them.
RUN_KEYS: frozenset[str] = frozenset(
    {"acq. operator", "injection date", "acq. instrument", "sample name", "inj volume"}
)

#: How many of :data:`RUN_KEYS` ``sniff`` needs to see.
MIN_RUN_KEYS = 2

#: How many leading lines of the head ``sniff`` searches for header keys (the header block's length).
HEADER_LINES = 60

#: How much of a ``.D`` folder's ``Report.TXT`` ``sniff`` reads (what the registry gives it of a file).
REPORT_HEAD_BYTES = 64 * 1024
