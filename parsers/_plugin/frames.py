"""Building results frames in the shape the parser contract requires (the technique's columns first).

Two builders: :func:`results_frame` from row dicts (extras typed by their values), and
:class:`ResultColumns`, which appends values straight into one list per column with a fixed dtype per
column, for files with many rows and for formats whose extra columns must keep one dtype whatever a
given file fills (so mappings onto Benchling schemas stay stable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import pyarrow as pa

from ingest.contract import CONTRACTS, FLOAT, LIQUID_CHROMATOGRAPHY, STRING
from ingest.models import FormulaTextPolicy, Scalar
from parsers._plugin.formula_text import screen_text_lists
from parsers._plugin.frame_blocks import frame_of_arrow_columns, frame_of_chunked_arrays


def _contract_dtypes(technique: str) -> dict[str, pd.ArrowDtype]:
    """The technique's contract columns and dtypes (one dict per technique: read, never changed)."""
    dtypes = _CONTRACT_DTYPES.get(technique)
    if dtypes is None:
        contract = CONTRACTS.get(technique)
        if contract is None:
            raise ValueError(f"unknown technique {technique!r}; known: {sorted(CONTRACTS)}")
        dtypes = _CONTRACT_DTYPES[technique] = contract.dtypes  # the contracts are fixed at import
    return dtypes


_CONTRACT_DTYPES: dict[str, dict[str, pd.ArrowDtype]] = {}


def empty_results(technique: str = LIQUID_CHROMATOGRAPHY) -> pd.DataFrame:
    """A results frame with the technique's contract columns and no rows."""
    return pd.DataFrame(
        {name: pd.Series([], dtype=dtype) for name, dtype in _contract_dtypes(technique).items()}
    )


def results_frame(
    rows: Sequence[Mapping[str, Any]],
    *,
    extra: Sequence[str] = (),
    technique: str = LIQUID_CHROMATOGRAPHY,
) -> pd.DataFrame:
    """Build a results frame of ``technique`` from row dicts (missing keys become nulls).

    ``extra`` names further columns to keep, in that order, after the contract's; they are
    stored as strings unless every value is a number.
    """
    if not rows:
        frame = empty_results(technique)
        for col in extra:
            frame[col] = pd.Series([], dtype=STRING)
        return frame
    data: dict[str, pd.Series] = {}
    for col, dtype in _contract_dtypes(technique).items():
        data[col] = pd.Series([row.get(col) for row in rows], dtype=dtype)
    for col in extra:
        values = [row.get(col) for row in rows]
        numeric = all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values)
        data[col] = pd.Series(values, dtype=FLOAT if numeric else STRING)
    return pd.DataFrame(data)


class ResultColumns:
    """Accumulates result rows into typed columns: the technique's contract columns first, then ``extra``."""

    def __init__(self, extra: Mapping[str, pd.ArrowDtype], *, technique: str = LIQUID_CHROMATOGRAPHY) -> None:
        self._layout = _columns_layout(technique, extra)
        self._dtypes: Mapping[str, pd.ArrowDtype] = self._layout.dtype_of
        self._columns: dict[str, list[Any]] = {name: [] for name in self._layout.names}
        self._rows = 0

    def append(self, values: Mapping[str, Any]) -> None:
        """Add one row; columns not in ``values`` get a null. Unknown names are a programming error."""
        unknown = values.keys() - self._dtypes.keys()
        if unknown:
            raise KeyError(f"unknown result columns {sorted(unknown)}")
        for name, column in self._columns.items():
            column.append(values.get(name))
        self._rows += 1

    def __len__(self) -> int:
        return self._rows

    def screen_formula_text(
        self, metadata: Mapping[str, Scalar], *, policy: FormulaTextPolicy, file: Path
    ) -> tuple[dict[str, Scalar], str | None]:
        """Screen the text columns so far and ``metadata`` for formula text by ``policy``, as the registry
        would screen the frame (:func:`parsers._plugin.formula_text.screen_formula_text`), before any array
        is made: neutralised values replace the columns' own; the metadata and the warning are returned.
        ParseError under ``refuse``. For parsers that declare ``screens_formula_text``."""
        names = self._layout.names
        texts = {
            names[position]: self._columns[names[position]]
            for dtype, positions in self._layout.groups
            if dtype == STRING
            for position in positions
        }
        replaced, screened, warning = screen_text_lists(texts, metadata, policy=policy, file=file)
        self._columns.update(replaced)
        return screened, warning

    def frame(self) -> pd.DataFrame:
        """The accumulated rows as a DataFrame with pyarrow-backed dtypes."""
        if self._rows <= _FEW_ROWS:
            try:
                return _few_rows_frame(list(self._columns.values()), self._layout, self._rows)
            except (pa.ArrowException, OverflowError, TypeError, ValueError):
                pass  # the per-column conversion below raises it, for the column at fault
        # Arrays wrapped as they are: several times faster than a Series per column, and than a pyarrow
        # table's to_pandas, whose fixed cost is most of a small file's parse.
        return frame_of_arrow_columns(
            {name: _arrow(self._columns[name], dtype.pyarrow_dtype) for name, dtype in self._dtypes.items()}
        )


#: Up to this many rows, the values of all columns of one dtype are converted by one ``pa.array`` call and
#: each column is a slice of it: converting a handful of values costs little beside a call's fixed cost
#: (several microseconds), which a one-row frame of forty columns would otherwise pay forty times.
_FEW_ROWS = 16


def _few_rows_frame(lists: list[list[Any]], layout: _Layout, rows: int) -> pd.DataFrame:
    """What :meth:`ResultColumns.frame` builds, with one conversion per dtype (see :data:`_FEW_ROWS`);
    ``lists`` holds the columns' values in the layout's order."""
    chunks: list[Any] = [None] * len(lists)
    for dtype, positions in layout.groups:
        # A column nothing filled is common in small files (a format's optional fields): it shares one
        # column of nulls; the others are slices of one conversion of all their values.
        if rows == 1:
            kept = [position for position in positions if lists[position][0] is not None]
            values = [lists[position][0] for position in kept]
        else:
            kept = [position for position in positions if lists[position].count(None) != rows]
            values = [value for position in kept for value in lists[position]]
        if values:
            converted = pa.chunked_array([pa.array(values, dtype.pyarrow_dtype)])
            start = 0
            for position in kept:
                chunks[position] = converted.slice(start, rows)
                start += rows
        if len(kept) != len(positions):
            nulls = _nulls(rows, dtype)
            for position in positions:
                if chunks[position] is None:
                    chunks[position] = nulls
    return frame_of_chunked_arrays(chunks, layout.dtypes, layout.names)


#: (rows, id of a dtype) -> the dtype and a column of that many nulls: pyarrow arrays are immutable, so
#: every frame may share one (a frame's column is replaced, never written into).
_NULLS: dict[tuple[int, int], tuple[pd.ArrowDtype, pa.ChunkedArray]] = {}


def _nulls(rows: int, dtype: pd.ArrowDtype) -> pa.ChunkedArray:
    found = _NULLS.get((rows, id(dtype)))
    if found is not None:
        return found[1]
    nulls = pa.chunked_array([pa.nulls(rows, dtype.pyarrow_dtype)])
    if len(_NULLS) >= 1024:  # bounded, whatever dtype objects callers make
        _NULLS.clear()
    _NULLS[(rows, id(dtype))] = (dtype, nulls)
    return nulls


@dataclass(frozen=True)
class _Layout:
    """A format's columns: their names and dtype objects in order, each dtype with its positions, and
    each name's dtype (read only: shared by every ResultColumns of the layout)."""

    names: tuple[str, ...]
    dtypes: tuple[pd.ArrowDtype, ...]
    groups: tuple[tuple[pd.ArrowDtype, tuple[int, ...]], ...]
    dtype_of: Mapping[str, pd.ArrowDtype]


#: (technique, extra column names, ids of their dtypes) -> the layout of the contract's columns and
#: those (the extra dtypes kept alive by the layout, so their ids stay theirs); emptied when full.
_COLUMNS_LAYOUTS: dict[tuple[str, tuple[str, ...], tuple[int, ...]], _Layout] = {}


def _columns_layout(technique: str, extra: Mapping[str, pd.ArrowDtype]) -> _Layout:
    """The layout of a technique's contract columns followed by ``extra`` (ValueError when they clash)."""
    key = (technique, tuple(extra), tuple(map(id, extra.values())))
    found = _COLUMNS_LAYOUTS.get(key)
    if found is not None:
        return found
    contract = _contract_dtypes(technique)
    clash = set(extra) & set(contract)
    if clash:
        raise ValueError(f"extra columns {sorted(clash)} repeat normalized ones")
    layout = _layout({**contract, **extra})
    if len(_COLUMNS_LAYOUTS) >= 256:
        _COLUMNS_LAYOUTS.clear()
    _COLUMNS_LAYOUTS[key] = layout
    return layout


#: Layouts seen, by their column names and the ids of their dtype objects (a format's frames repeat one).
#: Keyed by id because hashing forty ArrowDtypes costs more than the grouping saves; the value holds the
#: dtypes themselves, so no id is reused while its layout is kept.
_LAYOUTS: dict[tuple[tuple[str, ...], tuple[int, ...]], _Layout] = {}


def _layout(dtypes: Mapping[str, pd.ArrowDtype]) -> _Layout:
    """The layout of columns named and typed as ``dtypes`` (the same for every file of a format)."""
    names, types = tuple(dtypes), tuple(dtypes.values())
    key = (names, tuple(map(id, types)))
    found = _LAYOUTS.get(key)
    if found is not None:
        return found
    grouped: dict[pd.ArrowDtype, list[int]] = {}
    for position, dtype in enumerate(types):
        grouped.setdefault(dtype, []).append(position)
    layout = _Layout(
        names,
        types,
        tuple((dtype, tuple(positions)) for dtype, positions in grouped.items()),
        MappingProxyType(dict(dtypes)),
    )
    if len(_LAYOUTS) >= 256:
        _LAYOUTS.clear()
    _LAYOUTS[key] = layout
    return layout


def _arrow(values: list[Any], type_: pa.DataType) -> pa.Array:
    # A column nothing filled is common in small files (a format's optional fields) and costs a fraction
    # of converting its Nones.
    if values.count(None) == len(values):
        return pa.nulls(len(values), type_)
    return pa.array(values, type=type_)
