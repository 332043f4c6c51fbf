"""Field names of the ChemStation CSV report header (``Report00.CSV``) that declare the report's structure.

The peak-table column names and the run fields both reports share are in :mod:`parsers._chemstation.names`.
"""

from __future__ import annotations

import re

#: Canonical key -> field name as exported, of the fields that declare the signals and the columns.
STRUCTURE_FIELDS: dict[str, str] = {
    "numberofsignals": "Number of Signals",
    "numberofcolumns": "Number of Columns",
}

#: A numbered declaration: ``Signal 2`` (a signal's description) or ``Column 5`` (a peak-table column).
NUMBERED_FIELD = re.compile(r"^(signal|column)(\d+)$")
