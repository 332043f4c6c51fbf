"""What a UNICORN curve export looks like: its encodings, delimiters, x-axis units and sniff limits.

UNICORN 6/7 "Export > Curves" writes UTF-16 with a BOM (older and ASCII exports: the PC's code page),
tab-separated (comma or semicolon when chosen in the dialog), with two or three header rows: the
chromatogram's name per pair (UNICORN 6+), the curve names, then each pair's units. Numeric curves
(UV, conductivity, concentration, pH, pressure...) hold an x and a y value per row; text curves
(Injection, Run Log, Fraction) hold an x value and a quoted label.
"""

from __future__ import annotations

from typing import Final

#: Units of a pair's x column: the run's volume, time or column volumes.
X_UNITS: Final[dict[str, str]] = {
    "ml": "ml",
    "l": "l",
    "min": "min",
    "s": "s",
    "sec": "s",
    "h": "h",
    "cv": "CV",
}
#: Minutes per x unit, for the units that are times.
MINUTES_PER_X_UNIT: Final[dict[str, float]] = {"min": 1.0, "s": 1 / 60, "h": 60.0}

#: Delimiters an export may use, in order of preference when counts tie.
DELIMITERS: Final = ("\t", ";", ",")

#: Header rows at most before the units row.
MAX_HEADER_ROWS: Final = 3

#: How many events of a text curve are named in metadata (the rest are counted).
MAX_EVENTS_LISTED: Final = 200

#: What UNICORN writes in the units row over a text curve's labels (lower case).
EVENT_KINDS: Final = frozenset(
    {
        "injection",
        "injections",
        "logbook",
        "run log",
        "fraction",
        "fractions",
        "set mark",
        "set marks",
        "method",
    }
)
