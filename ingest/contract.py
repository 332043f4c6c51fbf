"""The parser/ingest contract, stated once: both ``parsers`` and the resolver import it.

The column contracts below, and :class:`ParserChooser`, the one seam through which the pipeline uses
parsers (so ``ingest`` never imports the ``parsers`` package outside its factory and parser commands).

Every parsed file states its *technique* (``ParsedFile.technique``; liquid chromatography unless a
parser says otherwise). Each technique has a :class:`ResultContract`: the result columns a frame of that
technique starts with, in order, with their dtypes, kinds and units. Further snake_case columns may
follow. Run-level metadata uses the keys of :data:`METADATA_KEYS` where the export holds them; other
snake_case keys are allowed.

Units are kept per column, in one of three ways (see :class:`ResultColumn`): a unit fixed by the
contract (the parser converts into it, e.g. ``retention_time_min``); a unit column beside a value column
whose unit differs from row to row (``value`` and ``value_unit``: one plate may hold absorbance in mAU
and fluorescence in RFU); or, for extra columns, ``ParsedFile.column_units`` when one unit holds for the
whole column of that file. Benchling result fields hold bare numbers, so a unit that is neither fixed
nor recorded would be lost between the instrument and the tenant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import pandas as pd
import pyarrow as pa

from ingest.models import ParsedFile

STRING = pd.ArrowDtype(pa.string())
FLOAT = pd.ArrowDtype(pa.float64())
INT = pd.ArrowDtype(pa.int64())

#: What a column holds, as far as a mapping is concerned: text, numbers, or ISO 8601 timestamps as text.
ColumnKind = Literal["text", "number", "timestamp"]


@dataclass(frozen=True)
class ResultColumn:
    """One contract column: its dtype, and how its unit is known.

    ``unit``: every value is in this unit (the parser converts, or refuses a unit it cannot convert).
    ``unit_column``: the text column holding each row's unit. Neither: the column is text, a count or
    a dimensionless number.
    """

    name: str
    dtype: pd.ArrowDtype
    description: str = ""
    unit: str | None = None
    unit_column: str | None = None
    #: Text holding ISO 8601 timestamps (it may fill a datetime or date field as well as a text one).
    timestamp: bool = False

    @property
    def kind(self) -> ColumnKind:
        if self.timestamp:
            return "timestamp"
        return "text" if self.dtype == STRING else "number"


@dataclass(frozen=True)
class ResultContract:
    """The leading result columns of one technique, in order."""

    technique: str
    description: str
    columns: tuple[ResultColumn, ...]

    @property
    def dtypes(self) -> dict[str, pd.ArrowDtype]:
        return {c.name: c.dtype for c in self.columns}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ResultColumn | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def fixed_units(self) -> dict[str, str]:
        """Column -> the unit the contract fixes for it."""
        return {c.name: c.unit for c in self.columns if c.unit is not None}


def _text(name: str, description: str = "") -> ResultColumn:
    return ResultColumn(name, STRING, description)


def _number(
    name: str, description: str = "", *, unit: str | None = None, per_row: str | None = None
) -> ResultColumn:
    return ResultColumn(name, FLOAT, description, unit=unit, unit_column=per_row)


def _integer(name: str, description: str = "") -> ResultColumn:
    return ResultColumn(name, INT, description)


def _timestamp(name: str) -> ResultColumn:
    return ResultColumn(
        name, STRING, "ISO 8601, with the UTC offset when the export gives it", timestamp=True
    )


LIQUID_CHROMATOGRAPHY = "liquid_chromatography"
PLATE_READER = "plate_reader"
QPCR = "qpcr"
CELL_COUNTING = "cell_counting"
SPECTROPHOTOMETRY = "spectrophotometry"
SOLUTION_ANALYSIS = "solution_analysis"
#: Any other measurement technique: one row per measured or calculated value.
OTHER = "other"

_LC = ResultContract(
    LIQUID_CHROMATOGRAPHY,
    "one row per peak (per injection and signal)",
    (
        _text("sample_id", "the sample's identifier as exported (often a registry ID)"),
        _text("sample_name"),
        _text("injection", "injection name or number"),
        _text("signal", "detector / channel / signal description"),
        _integer("peak_number"),
        _text("peak_name"),
        _number("retention_time_min", unit="min"),
        _number("area", per_row="area_unit"),
        _text("area_unit"),
        _number("height", per_row="height_unit"),
        _text("height_unit"),
        _number("area_percent", unit="%"),
    ),
)

#: The columns every "one row per value" technique shares (plate reader, spectrophotometry, other).
_VALUE_ROWS = (
    _text("sample_id", "the sample's identifier as exported (often a registry ID)"),
    _text("well", "the well or position on the plate/slide, e.g. 'A1'"),
    _text("plate_id", "the plate's identifier or barcode as exported"),
    _text("read_type", "what the value is: the detection (absorbance, fluorescence...) or calculation name"),
    _text("result_kind", "'measured' (read by the instrument) or 'calculated' (by its software)"),
    _number("wavelength_nm", "detection (emission) wavelength", unit="nm"),
    _number("value", per_row="value_unit"),
    _text("value_unit"),
    _text("error", "the instrument's reason a value is missing or out of range ('OVRFLW', '>209.8')"),
    _timestamp("measurement_time"),
)

_PLATE_READER = ResultContract(
    PLATE_READER,
    "one row per well and read (and per calculated value of a well)",
    (*_VALUE_ROWS, _number("excitation_wavelength_nm", unit="nm")),
)

_SPECTROPHOTOMETRY = ResultContract(
    SPECTROPHOTOMETRY,
    "one row per sample and measured or calculated value (absorbance, concentration, ratios)",
    _VALUE_ROWS,
)

_OTHER = ResultContract(OTHER, "one row per measured or calculated value", _VALUE_ROWS)

_QPCR = ResultContract(
    QPCR,
    "one row per well and target",
    (
        _text("well", "the well's location, e.g. 'A1'"),
        _text("sample_id", "the sample's identifier as exported (often a registry ID)"),
        _text("sample_role", "unknown, standard, NTC, ... as the software states it"),
        _text("target", "the target (gene / assay) measured in the well"),
        _text("reporter_dye"),
        _number("cq", "quantification cycle (Ct); empty when undetermined"),
        _number("cq_threshold", "the fluorescence threshold the Cq was read at"),
        _text("error", "the software's reason a value is missing"),
        _timestamp("measurement_time"),
    ),
)

_CELL_COUNTING = ResultContract(
    CELL_COUNTING,
    "one row per counted sample",
    (
        _text("sample_id", "the sample's identifier as exported (often a registry ID)"),
        _number("viable_cell_density", unit="10^6 cells/mL"),
        _number("total_cell_density", unit="10^6 cells/mL"),
        _number("viability_percent", unit="%"),
        _number("viable_cell_count", unit="cells"),
        _number("total_cell_count", unit="cells"),
        _number("average_total_cell_diameter_um", unit="µm"),
        _number("average_viable_cell_diameter_um", unit="µm"),
        _text("error", "the instrument's reason a value is missing"),
        _timestamp("measurement_time"),
    ),
)

_SOLUTION_ANALYSIS = ResultContract(
    SOLUTION_ANALYSIS,
    "one row per sample and analyte (metabolites, ions, gases of a bioprocess analyser)",
    (
        _text("sample_id", "the sample's identifier as exported (often a registry ID)"),
        _text("analyte", "the analyte's name as exported, e.g. 'glucose'"),
        _number("value", per_row="value_unit"),
        _text("value_unit"),
        _text("error", "the instrument's reason a value is missing or out of range"),
        _timestamp("measurement_time"),
    ),
)

#: Every technique's contract, by technique name.
CONTRACTS: Mapping[str, ResultContract] = {
    c.technique: c
    for c in (_LC, _PLATE_READER, _QPCR, _CELL_COUNTING, _SPECTROPHOTOMETRY, _SOLUTION_ANALYSIS, _OTHER)
}

#: The normalized LC result columns and their dtypes (the liquid chromatography contract).
RESULT_COLUMNS: dict[str, pd.ArrowDtype] = _LC.dtypes

#: LC result columns by the kind of value they hold (what a mapping may wire them to).
STRING_COLUMNS: frozenset[str] = frozenset(c.name for c in _LC.columns if c.kind != "number")
NUMBER_COLUMNS: frozenset[str] = frozenset(c.name for c in _LC.columns if c.kind == "number")


def contract_for(technique: str) -> ResultContract | None:
    """The contract of ``technique``; None when no such technique is known."""
    return CONTRACTS.get(technique)


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
