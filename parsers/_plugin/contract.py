"""The parser contract: what every parser plugin declares and returns, and the check of its output.

A parser is a class with class-level ``name`` (unique, snake_case), ``version`` and ``extensions``
(lower-case, with the dot; a folder unit such as a ChemStation ``.D`` uses ``".d"``), plus:

- ``sniff(head, path) -> bool``: given the first bytes of the file (or, for a folder unit, of its
  primary file), say whether this parser reads it. Must be cheap and must not raise.
- ``parse(path) -> ParsedFile``: read the export; raise only :class:`ingest.errors.ParseError`.
  A parser that reads dates or numbers a file cannot decide by itself may take a keyword
  ``hints: ParseHints | None = None`` (the site's ``date_order`` and ``decimal`` settings); the registry
  passes hints only to parsers whose ``parse`` accepts that keyword.

Optionally ``screens_formula_text = True``: the parser's ``parse(path, hints=...)`` applies
``hints.formula_text`` to its own results and metadata (with :mod:`parsers._plugin.formula_text`, naming
the line and header of each value it finds), so the registry does not screen its output a second time.
Honoured only for a parser that takes ``hints``; every other parser's output is screened by the registry.

Optional: ``near_miss(head, path) -> NearMiss | None``, asked only when no parser accepts a file, says how
close it came to this parser's format and what it lacked, so the refusal can name the closest format.

Optionally ``techniques``: the techniques (keys of ``ingest.contract.CONTRACTS``) its files can be, each
file's own in ``ParsedFile.technique``; ``("liquid_chromatography",)`` when absent. A parser of one
technique produces that technique's result columns first (see :func:`techniques_of`).

Parsers may import only ``ingest.models``, ``ingest.errors``, ``ingest.contract`` and modules of ``parsers``.
Every ``ParsedFile`` is checked by :func:`validate_parsed` before the pipeline uses it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

import pandas as pd

from ingest.contract import CONTRACTS, LIQUID_CHROMATOGRAPHY, ResultContract
from ingest.errors import ParseError
from ingest.models import ParsedFile
from parsers._plugin.frame_blocks import built_layout, column_dtypes, column_names

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_SCALAR_TYPES = (str, int, float, bool, dt.date, dt.datetime, type(None))


@dataclass(frozen=True)
class NearMiss:
    """How close a declined file came to a format, for the refusal's reason.

    ``closeness`` is 0..1 (how much of the format's signature was found); ``looks_like`` names the
    format ("an LC results CSV"); ``lacks`` completes "it looks like ... but" ("has no 'Area' column").
    """

    closeness: float
    looks_like: str
    lacks: str


@runtime_checkable
class Parser(Protocol):
    """The protocol every parser plugin implements (see the module docstring)."""

    name: ClassVar[str]
    version: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    def sniff(self, head: bytes, path: Path) -> bool: ...

    def parse(self, path: Path) -> ParsedFile: ...


def validate_parsed(parsed: ParsedFile, *, file: Path) -> ParsedFile:
    """Check a parser's output against the contract; raise ParseError naming what is wrong."""
    frame = parsed.results
    if not isinstance(frame, pd.DataFrame):
        raise ParseError(
            f"Parser '{parsed.provenance.parser}' returned results of type {type(frame).__name__} "
            f"for '{file}'. Expected a pandas DataFrame.",
            file=file,
        )
    built = built_layout(frame)  # a frame our builders made and nothing changed since: its names and dtypes
    columns = list(built[0]) if built is not None else column_names(frame)
    contract = CONTRACTS.get(parsed.technique)
    if contract is None:
        _check_unique(parsed, columns, file)
        raise ParseError(
            f"Parser '{parsed.provenance.parser}' returned technique {parsed.technique!r} for '{file}'. "
            f"Expected one of {sorted(CONTRACTS)}.",
            file=file,
        )
    dtypes = list(built[1]) if built is not None else column_dtypes(frame)
    # A format's frames repeat one layout (names and dtype objects): checked once, then recognised.
    layout = (contract.technique, tuple(columns), tuple(map(id, dtypes)))
    if layout not in _CHECKED_LAYOUTS:
        _check_layout(parsed, columns, dtypes, contract, file)
        if len(_CHECKED_LAYOUTS) >= 256:
            _CHECKED_LAYOUTS.clear()
        _CHECKED_LAYOUTS[layout] = tuple(dtypes)  # the dtypes kept alive, so their ids stay theirs
    if parsed.column_units:
        _check_column_units(parsed, contract.fixed_units, file)
    for key, value in parsed.metadata.items():
        if key not in _SNAKE_KEYS and not _snake_key(key):
            raise ParseError(
                f"Parser '{parsed.provenance.parser}' returned metadata key {key!r} for '{file}'. "
                "Expected a snake_case name.",
                file=file,
            )
        if not isinstance(value, _SCALAR_TYPES):
            raise ParseError(
                f"Parser '{parsed.provenance.parser}' returned metadata '{key}' of type "
                f"{type(value).__name__} for '{file}'. Expected a scalar (text, number, bool, date).",
                file=file,
            )
    for trace in parsed.traces:
        if _TRACE_INDEXES.get(id(trace.data.columns)) is trace.data.columns:
            continue  # an Index (immutable) already found to be ["time_min", "signal"]
        if list(trace.data.columns) != ["time_min", "signal"]:
            raise ParseError(
                f"Parser '{parsed.provenance.parser}' returned trace '{trace.channel}' with columns "
                f"{list(trace.data.columns)} for '{file}'. Expected ['time_min', 'signal'].",
                file=file,
            )
        if len(_TRACE_INDEXES) >= 64:
            _TRACE_INDEXES.clear()
        _TRACE_INDEXES[id(trace.data.columns)] = trace.data.columns  # kept alive: its id stays its own
    return parsed


#: Metadata keys found snake_case (a format's files repeat the same keys); emptied when full.
_SNAKE_KEYS: set[str] = set()


def _snake_key(key: str) -> bool:
    """Whether ``key`` is a snake_case name (remembered when it is)."""
    if not _SNAKE.match(key):
        return False
    if len(_SNAKE_KEYS) >= 4096:
        _SNAKE_KEYS.clear()
    _SNAKE_KEYS.add(key)
    return True


#: Trace column indexes found right, by id (parsers share one Index between their traces).
_TRACE_INDEXES: dict[int, pd.Index] = {}


#: Result layouts (technique, column names, ids of the dtype objects) that passed the check.
_CHECKED_LAYOUTS: dict[tuple[str, tuple[str, ...], tuple[int, ...]], tuple[object, ...]] = {}


def _check_layout(
    parsed: ParsedFile, columns: list[str], column_types: list[object], contract: ResultContract, file: Path
) -> None:
    """The results' columns: unique, the contract's first with its dtypes, extras snake_case and pyarrow."""
    _check_unique(parsed, columns, file)
    expected = list(contract.names)
    if columns[: len(expected)] != expected:
        missing = [c for c in expected if c not in columns]
        raise ParseError(
            f"Parser '{parsed.provenance.parser}' returned columns {columns} for '{file}'. "
            f"Expected the normalized columns first, in order: {expected} (the {contract.technique} "
            "contract)" + (f"; missing: {missing}" if missing else "") + ".",
            file=file,
        )
    dtypes = dict(zip(columns, column_types, strict=True))
    for col, dtype in contract.dtypes.items():
        if dtypes[col] != dtype:
            raise ParseError(
                f"Parser '{parsed.provenance.parser}' returned column '{col}' with dtype "
                f"{dtypes[col]} for '{file}'. Expected {dtype}.",
                file=file,
                column=col,
            )
    for col in columns[len(expected) :]:
        if not isinstance(col, str) or not _SNAKE.match(col):
            raise ParseError(
                f"Parser '{parsed.provenance.parser}' returned extra column {col!r} for '{file}'. "
                "Expected a snake_case name.",
                file=file,
                column=str(col),
            )
        if not isinstance(dtypes[col], pd.ArrowDtype):
            raise ParseError(
                f"Parser '{parsed.provenance.parser}' returned column '{col}' with dtype "
                f"{dtypes[col]} for '{file}'. Expected a pyarrow-backed dtype.",
                file=file,
                column=col,
            )


def _check_unique(parsed: ParsedFile, columns: list[str], file: Path) -> None:
    if len(set(columns)) != len(columns):
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        raise ParseError(
            f"Parser '{parsed.provenance.parser}' returned duplicated columns {dupes} for '{file}'.",
            file=file,
        )


def _check_column_units(parsed: ParsedFile, fixed: dict[str, str], file: Path) -> None:
    for col, unit in parsed.column_units.items():
        if col not in parsed.results.columns or not isinstance(unit, str) or not unit.strip():
            raise ParseError(
                f"Parser '{parsed.provenance.parser}' returned unit {unit!r} for column {col!r} of '{file}'. "
                "Expected a non-empty unit for a column of the results.",
                file=file,
                column=str(col),
            )
        if col in fixed and unit != fixed[col]:
            raise ParseError(
                f"Parser '{parsed.provenance.parser}' returned unit {unit!r} for column '{col}' of '{file}'. "
                f"Expected '{fixed[col]}', the unit the {parsed.technique} contract fixes for it.",
                file=file,
                column=col,
            )


def techniques_of(parser_class: type) -> tuple[str, ...]:
    """The techniques a parser class declares (``liquid_chromatography`` when it declares none)."""
    declared = getattr(parser_class, "techniques", None)
    if declared is None:
        return (LIQUID_CHROMATOGRAPHY,)
    return tuple(declared)
