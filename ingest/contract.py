"""The parser/ingest contract, stated once: both ``parsers`` and the resolver import it.

The column contract below, and :class:`ParserChooser`, the one seam through which the pipeline uses
parsers (so ``ingest`` never imports the ``parsers`` package outside its factory and parser commands).

A parser's results frame has every column of :data:`RESULT_COLUMNS` first, in that order and with those
dtypes (missing values as nulls); further snake_case columns may follow. Run-level metadata uses the
keys of :data:`METADATA_KEYS` where the export holds them; other snake_case keys are allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pandas as pd
import pyarrow as pa

from ingest.models import ParsedFile

STRING = pd.ArrowDtype(pa.string())
FLOAT = pd.ArrowDtype(pa.float64())
INT = pd.ArrowDtype(pa.int64())

#: The normalized result columns and their dtypes.
RESULT_COLUMNS: dict[str, pd.ArrowDtype] = {
    "sample_id": STRING,  # the sample's identifier as exported (often a registry ID)
    "sample_name": STRING,
    "injection": STRING,  # injection name or number
    "signal": STRING,  # detector / channel / signal description
    "peak_number": INT,
    "peak_name": STRING,
    "retention_time_min": FLOAT,
    "area": FLOAT,
    "area_unit": STRING,
    "height": FLOAT,
    "height_unit": STRING,
    "area_percent": FLOAT,
}

#: Result columns by the kind of value they hold (what a mapping may wire them to).
STRING_COLUMNS: frozenset[str] = frozenset(c for c, t in RESULT_COLUMNS.items() if t == STRING)
NUMBER_COLUMNS: frozenset[str] = frozenset(c for c, t in RESULT_COLUMNS.items() if t != STRING)

#: Normalized run-level metadata keys. ``injection_time`` is ISO 8601 text, with the UTC offset when the
#: export gives it.
METADATA_KEYS: tuple[str, ...] = (
    "sample_name",
    "sample_id",
    "injection_time",
    "instrument",
    "method",
    "injection_volume",
    "injection_volume_unit",
    "operator",
    "sequence",
    "vial",
    "injection",
)


class ParserChooser(Protocol):
    """What the pipeline needs from the parsers (``parsers.ParserRegistry`` is one).

    ``claims(path)`` is True when exactly one parser reads the file or folder unit (False also when it
    cannot be read); ``parse(path, folder=...)`` chooses that parser and returns its checked output,
    raising only ``ParseError`` (``NoParserError`` when none or several claim it); ``folder`` is the
    watched folder the file was found in, which decides the site's reading hints (``date_order``,
    ``decimal``, ``formula_text`` of the mapping for that folder). ``unit_suffixes`` are the lower-case
    folder suffixes (``.d``) that make a folder one export.
    """

    @property
    def unit_suffixes(self) -> frozenset[str]: ...

    def claims(self, path: Path) -> bool: ...

    def parse(self, path: Path, *, folder: Path | None = None) -> ParsedFile: ...
