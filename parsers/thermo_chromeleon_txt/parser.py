"""Thermo Chromeleon text export (7.x "Chromatogram Data" and 6.x "Raw Data" layouts) -> ParsedFile.

The samples seen are trace-only: metadata + one trace and an empty results frame. When the export
also carries a peak table section (``Integration Results:``), its rows become the results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from ingest.contract import FLOAT, STRING
from ingest.errors import ParseError
from ingest.models import ParsedFile, Provenance, Scalar, Trace
from parsers._common.dates import decide_order, parse_timestamp
from parsers._common.decoding import decode_head, read_text
from parsers._common.numbers import parse_number
from parsers._common.traces import trace_from_points
from parsers._plugin.frames import results_frame
from parsers.thermo_chromeleon_txt import constants as c
from parsers.thermo_chromeleon_txt.peaks import read_peak_rows
from parsers.thermo_chromeleon_txt.reader import (
    ChromeleonText,
    Section,
    key_values,
    looks_like_chromeleon,
    read_sections,
    unit_of,
)


def _sequence_name(path: str) -> str | None:
    """The sequence name in a path: ``HPLC\\Daten\\20230131 Nr.23-25.SEQ`` -> ``20230131 Nr.23-25``."""
    # 7.x exports name the sequence only inside the chrom:// path: ".../<name>.seq/<n>.smp/..."
    for part in reversed(path.replace("\\", "/").split("/")):
        if part.lower().endswith(".seq"):
            return part[: -len(".seq")] or None
    return None


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    # results_frame types extras by their values; these keep one dtype whatever a file holds.
    for column in c.EXTRA_COLUMNS:
        frame[column] = frame[column].astype(STRING if column == "peak_type" else FLOAT)
    return frame


class ChromeleonTextParser:
    """Chromeleon 6.8 and 7.x chromatogram text exports (tab separated, decimal comma or point)."""

    name: ClassVar[str] = "thermo_chromeleon_txt"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".txt",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_chromeleon(decode_head(head))

    def parse(self, path: Path) -> ParsedFile:
        decoded = read_text(path, encodings=c.ENCODINGS)
        text = read_sections(decoded, file=path)
        info: dict[str, tuple[str, str, int]] = {}
        for block in (key_values(text.preamble), *(key_values(text.get(k)) for k in c.INFO_SECTIONS)):
            for key, found in block.items():
                info.setdefault(key, found)
        metadata, warnings = self._metadata(info, path)
        trace = self._trace(text, info, path)
        peak_section = text.get(*c.PEAK_SECTIONS)
        rows: list[dict[str, Any]] = []
        if peak_section is not None:
            rows = read_peak_rows(peak_section, file=path, signal=trace.channel if trace else None)
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

    def _metadata(
        self, info: dict[str, tuple[str, str, int]], path: Path
    ) -> tuple[dict[str, Scalar], list[str]]:
        meta: dict[str, Scalar] = {}
        for target, keys in c.TEXT_FIELDS.items():
            value = next((info[k][1] for k in keys if k in info and info[k][1]), None)
            if value is not None:
                meta[target] = value
        file_path = next((info[k][1] for k in ("file path", "filepath") if k in info), "")
        sequence = _sequence_name(str(meta.get("sequence", ""))) or _sequence_name(file_path)
        if sequence:
            meta["sequence"] = sequence
        warnings: list[str] = []
        date = next((info[k] for k in ("injection date", "date") if k in info and info[k][1]), None)
        time = next((info[k] for k in ("injection time", "time") if k in info and info[k][1]), None)
        if date:
            text = f"{date[1]} {time[1]}" if time else date[1]
            order = decide_order([text])
            stamp = parse_timestamp(text, order)
            if stamp is None:
                raise ParseError(
                    f"Unable to read injection date {text!r} in '{path}' line {date[2]}. "
                    "Expected a date such as '26.05.2017' and a time such as '16:52:02'.",
                    file=path,
                    line=date[2],
                    column=date[0],
                )
            meta["injection_time"] = stamp.isoformat()
            if order.assumed:
                warnings.append(
                    f"Injection date {date[1]!r} could be day/month or month/day; read it day first."
                )
        volume = info.get("injection volume")
        if volume and volume[1]:
            meta["injection_volume"] = parse_number(volume[1], file=path, line=volume[2], column=volume[0])
            unit = unit_of(volume[0])
            # Chromeleon writes "µl"; the normalized unit is "µL".
            meta["injection_volume_unit"] = unit.replace("l", "L") if unit else "µL"
        for key, target in (
            ("dilution factor", "dilution_factor"),
            ("weight", "weight"),
            ("amount", "amount"),
        ):
            found = info.get(key)
            if found and found[1]:
                meta[target] = parse_number(found[1], file=path, line=found[2], column=found[0])
        return meta, warnings

    def _trace(self, text: ChromeleonText, info: dict[str, tuple[str, str, int]], path: Path) -> Trace | None:
        section = text.get(*c.DATA_SECTIONS)
        if section is None:
            return None
        channel = next(
            (info[k][1] for k in ("channel", "channel name") if k in info and info[k][1]), "signal"
        )
        times, values, unit = self._data_points(section, path)
        unit = unit or next((info[k][1] for k in ("signal unit", "signal dimension") if k in info), None)
        expected = info.get("data points")
        if expected and expected[1]:
            count = parse_number(expected[1], file=path, line=expected[2], column=expected[0])
            if count is not None and int(count) != len(times):
                raise ParseError(
                    f"'{path}' line {expected[2]} announces {int(count)} data points but section "
                    f"'{section.title}:' holds {len(times)}. "
                    "Expected the count to match (is the file truncated?).",
                    file=path,
                    line=expected[2],
                )
        return trace_from_points(channel, times, values, signal_unit=unit)

    def _data_points(self, section: Section, path: Path) -> tuple[list[float], list[float], str | None]:
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
            time = parse_number(cells[time_col], file=path, line=row.line, column=names[time_col])
            value = parse_number(cells[value_col], file=path, line=row.line, column=names[value_col])
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
