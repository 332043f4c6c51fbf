"""Thermo Chromeleon text export (7.x "Chromatogram Data", 6.x "Raw Data", "Chromatogram and Results"
report) -> ParsedFile.

Chromatogram exports are trace-only by nature: metadata + one trace and an empty results frame. When
the export carries a peak table section (``Integration Results``), its rows become the results. Dates
follow the acquiring PC's locale (day/month order from every date in the file, else the site's
``date_order``); numbers use a decimal point or comma, decided from the file's own values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from ingest.contract import FLOAT, STRING
from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints, Provenance, Trace
from parsers._common.dates import DateReader
from parsers._common.decoding import decode_head, read_text
from parsers._common.numbers import NumberFormat, decide_number_format, parse_number
from parsers._common.traces import trace_from_points
from parsers._plugin.contract import NearMiss
from parsers._plugin.frames import results_frame
from parsers.thermo_chromeleon_txt import constants as c
from parsers.thermo_chromeleon_txt.metadata import Info, read_metadata
from parsers.thermo_chromeleon_txt.peaks import read_peak_table
from parsers.thermo_chromeleon_txt.reader import (
    ChromeleonText,
    Section,
    key_values,
    looks_like_chromeleon,
    normalize_key,
    read_sections,
    unit_of,
)

#: Keys the trace is read from (not kept again as raw metadata).
_TRACE_KEYS = {"signal unit", "signal dimension", "data points"}
#: Keys only Chromeleon writes, for a near miss: a file with some of them but no section title.
_TELLING_KEYS = ("injection volume", "instrument method", "processing method", "data vault", "inject time")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    # results_frame types extras by their values; these keep one dtype whatever a file holds.
    for column in c.EXTRA_COLUMNS:
        frame[column] = frame[column].astype(STRING if column == "peak_type" else FLOAT)
    return frame


def _number_format(text: ChromeleonText, info: Info, hints: ParseHints) -> NumberFormat:
    """The decimal mark the file's numbers show: its data rows and peak rows first, then its fields."""
    cells = (
        cell
        for section in (text.get(*c.DATA_SECTIONS), text.get(*c.PEAK_SECTIONS))
        if section is not None
        for row in section.rows[1:]
        for cell in row.cells
    )
    found = decide_number_format(cells, hint=None)
    if found.decimal is not None:
        return found
    return decide_number_format((value for _, value, _ in info.values()), hint=hints.decimal)


def _channel(info: Info) -> str | None:
    return next((info[k][1] for k in ("channel", "channel name") if k in info and info[k][1]), None)


class ChromeleonTextParser:
    """Chromeleon 6.8 and 7.x text exports (tab separated, decimal comma or point)."""

    name: ClassVar[str] = "thermo_chromeleon_txt"
    version: ClassVar[str] = "1.1.0"
    extensions: ClassVar[tuple[str, ...]] = (".txt",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_chromeleon(decode_head(head))

    def near_miss(self, head: bytes, path: Path) -> NearMiss | None:
        lines = decode_head(head).splitlines()[:200]
        keys = {normalize_key(line.split("\t", 1)[0]) for line in lines if "\t" in line}
        found = [k for k in _TELLING_KEYS if k in keys]
        if len(found) < 2:
            return None
        return NearMiss(
            closeness=len(found) / (len(_TELLING_KEYS) + 1),
            looks_like="a Chromeleon text export",
            lacks=(
                f"has none of its section titles ('Injection Information:', 'Chromatogram Data:', "
                f"'Integration Results', ...) although it has the keys {found}"
            ),
        )

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        hints = hints or ParseHints()
        decoded = read_text(path, encodings=c.ENCODINGS, hint=hints.encoding)
        text = read_sections(decoded, file=path)
        info: Info = {}
        tables = {*c.DATA_SECTIONS, *c.PEAK_SECTIONS}
        others = [s for s in text.sections if s.key not in tables and s.key not in c.INFO_SECTIONS]
        sections = [text.preamble, *(text.get(k) for k in c.INFO_SECTIONS), *others]
        for block in (key_values(section) for section in sections):
            for key, found in block.items():
                info.setdefault(key, found)
        number_format = _number_format(text, info, hints)
        # Every date of the file counts; the trace rows hold none, so they are not scanned.
        dated = [
            "\t".join(row.cells)
            for section in (text.preamble, *text.sections)
            if section.key not in c.DATA_SECTIONS
            for row in section.rows
        ]
        dates = DateReader.for_file(dated, file=path, hint=hints.date_order)
        metadata, warnings = read_metadata(
            info, file=path, dates=dates, number_format=number_format, consumed=_TRACE_KEYS
        )
        warnings[:0] = decoded.warnings
        trace = self._trace(text, info, path, number_format)
        peak_section = text.get(*c.PEAK_SECTIONS)
        if trace is None and peak_section is None:
            # Only the header blocks: an export cut short (or saved with no data) is not an empty run.
            last = max((row.line for section in text.sections for row in section.rows), default=0)
            raise ParseError(
                f"'{path}' holds neither chromatogram data (a 'Chromatogram Data:' or 'Raw Data:' section) "
                f"nor a peak table ('Integration Results'), only header information up to line {last}. "
                "Expected at least one of them: is the file truncated?",
                file=path,
                line=last or None,
            )
        announced = info.get("data points")
        if trace is None and announced and announced[1].strip() not in ("", "0"):
            warnings.append(
                f"'{path}' line {announced[2]} announces {announced[1].strip()} data points but has no "
                "'Chromatogram Data:' section: no chromatogram was read (was the file truncated, or exported "
                "without its data?)."
            )
        rows: list[dict[str, Any]] = []
        if peak_section is not None:
            channel = trace.channel if trace else _channel(info)
            table = read_peak_table(peak_section, file=path, signal=channel, number_format=number_format)
            warnings.extend(table.warnings)
            rows = table.rows
            for row in rows:
                row.update(
                    sample_id=metadata.get("sample_id"),
                    sample_name=metadata.get("sample_name"),
                    injection=metadata.get("injection"),
                )
        return ParsedFile(
            metadata=metadata,
            results=_typed(results_frame(rows, extra=c.EXTRA_COLUMNS)),
            provenance=Provenance(self.name, self.version, path, encoding=decoded.encoding),
            traces=(trace,) if trace else (),
            warnings=tuple(warnings),
        )

    def _trace(
        self, text: ChromeleonText, info: Info, path: Path, number_format: NumberFormat
    ) -> Trace | None:
        section = text.get(*c.DATA_SECTIONS)
        if section is None:
            return None
        channel = _channel(info) or "signal"
        times, values, unit = self._data_points(section, path, number_format)
        unit = unit or next((info[k][1] for k in ("signal unit", "signal dimension") if k in info), None)
        expected = info.get("data points")
        if expected and expected[1]:
            count = parse_number(
                expected[1], file=path, line=expected[2], column=expected[0], number_format=number_format
            )
            if count is not None and int(count) != len(times):
                raise ParseError(
                    f"'{path}' line {expected[2]} announces {int(count)} data points but section "
                    f"'{section.title}:' holds {len(times)}. "
                    "Expected the count to match (is the file truncated?).",
                    file=path,
                    line=expected[2],
                )
        return trace_from_points(channel, times, values, signal_unit=unit)

    def _data_points(
        self, section: Section, path: Path, number_format: NumberFormat
    ) -> tuple[list[float], list[float], str | None]:
        if not section.rows:
            return [], [], None
        header, rows = section.rows[0], section.rows[1:]
        names = [c.strip() for c in header.cells]
        time_col = next((i for i, n in enumerate(names) if n.lower().startswith("time")), None)
        value_col = next((i for i, n in enumerate(names) if n.lower().startswith("value")), None)
        if time_col is None or value_col is None:
            raise ParseError(
                f"Unable to find columns 'Time (min)' and 'Value' in section '{section.title}:' of '{path}' "
                f"line {header.line}. Found: {names}.",
                file=path,
                line=header.line,
                column="Time (min)" if time_col is None else "Value",
            )
        time_unit = (unit_of(names[time_col]) or "min").lower()
        if time_unit not in {"min", "s", "sec"}:
            raise ParseError(
                f"Unable to use time unit {time_unit!r} of column '{names[time_col]}' in '{path}' line "
                f"{header.line}. Expected 'min' or 's'.",
                file=path,
                line=header.line,
                column=names[time_col],
            )
        scale = 1.0 if time_unit == "min" else 1 / 60
        times: list[float] = []
        values: list[float] = []
        for row in rows:
            cells = row.cells
            if len(cells) <= max(time_col, value_col):
                raise ParseError(
                    f"Row at '{path}' line {row.line} has {len(cells)} cell(s). "
                    f"Expected '{names[time_col]}' and '{names[value_col]}'.",
                    file=path,
                    line=row.line,
                )
            time = parse_number(
                cells[time_col], file=path, line=row.line, column=names[time_col], number_format=number_format
            )
            value = parse_number(
                cells[value_col],
                file=path,
                line=row.line,
                column=names[value_col],
                number_format=number_format,
            )
            if time is None or value is None:
                raise ParseError(
                    f"Row at '{path}' line {row.line} has no value for "
                    f"'{names[time_col] if time is None else names[value_col]}'. Expected a number.",
                    file=path,
                    line=row.line,
                    column=names[time_col] if time is None else names[value_col],
                )
            times.append(time * scale)
            values.append(value)
        return times, values, unit_of(names[value_col])
