"""Cytiva UNICORN curve export -> ParsedFile: a trace per numeric curve, text events as metadata.

UNICORN records curves against the volume pumped (ml) unless the export was set to time or column
volumes; the x unit is kept on each trace (``Trace.x_unit``) and never turned into a time, which would
need the flow rate. Text curves (Injection, Run Log, Fraction) become metadata: each event's position
and label in ``<curve>_events``, and how many there are in ``<curve>_event_count``. The export holds no
sample fields: the file stem (UNICORN names exports after the result) is the sample name. Results are
empty: curve exports carry no peak table.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints, Provenance, Scalar, Trace
from parsers._common.decoding import decode_head, read_text
from parsers._common.numbers import is_decimal, parse_number
from parsers._common.traces import trace_from_points
from parsers._plugin.frames import empty_results
from parsers.cytiva_unicorn_csv import constants as c
from parsers.cytiva_unicorn_csv.reader import CurveColumns, looks_like_curve_export, read_curves


class UnicornCurveExportParser:
    """UNICORN 5-7 curve exports (CSV or ASCII; UTF-16 or the PC's code page)."""

    name: ClassVar[str] = "cytiva_unicorn_csv"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".csv", ".asc", ".txt")

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_curve_export(decode_head(head))

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        decoded = read_text(path, hint=(hints or ParseHints()).encoding)
        export = read_curves(decoded, file=path)
        comma_decimal = export.delimiter != ","
        traces: list[Trace] = []
        metadata: dict[str, Scalar] = {"sample_name": path.stem}
        x_units: set[str] = set()
        for curve in export.curves:
            x_unit = c.X_UNITS[curve.x_unit.lower()]
            x_units.add(x_unit)
            if _is_text_curve(curve):
                metadata.update(_events(curve, x_unit, path))
            else:
                traces.append(_trace(curve, x_unit, path, comma_decimal=comma_decimal))
        if not traces:
            raise ParseError(
                f"'{path}' holds no numeric curve (curves: {[curve.name for curve in export.curves]}). "
                "Expected at least one curve such as UV with numbers in both columns of its pair.",
                file=path,
            )
        chromatograms = {curve.chromatogram for curve in export.curves if curve.chromatogram}
        if len(chromatograms) == 1:
            metadata["chromatogram"] = chromatograms.pop()
        metadata["x_unit"] = ", ".join(sorted(x_units))
        metadata["curves"] = "; ".join(
            f"{curve.name} ({curve.y_unit})" if curve.y_unit and curve.y_unit != curve.name else curve.name
            for curve in export.curves
        )
        return ParsedFile(
            metadata=metadata,
            results=empty_results(),
            provenance=Provenance(self.name, self.version, path, encoding=decoded.encoding),
            traces=tuple(traces),
            warnings=decoded.warnings,
        )


def _is_text_curve(curve: CurveColumns) -> bool:
    """An event curve: its units cell names an event kind (UNICORN writes "Logbook", "Fraction"...
    there), or most of its labels are text. A numeric curve with a bad cell stays numeric, so the bad
    cell is reported rather than the curve being taken for events."""
    if curve.y_unit.strip().lower() in c.EVENT_KINDS:
        return True
    labels = [y for _, _, y in curve.points if y]
    if not labels:
        return bool(curve.points)
    return sum(not is_decimal(y) for y in labels) * 2 > len(labels)


def _x(text: str, line: int, curve: CurveColumns, file: Path) -> float:
    value = parse_number(text, file=file, line=line, column=f"{curve.name} ({curve.x_unit})")
    if value is None:
        raise ParseError(
            f"Row at '{file}' line {line} has a {curve.name} value without its {curve.x_unit} position. "
            "Expected a number in the first column of every pair's row.",
            file=file,
            line=line,
            column=curve.name,
        )
    return value


def _trace(curve: CurveColumns, x_unit: str, file: Path, *, comma_decimal: bool) -> Trace:
    xs: list[float] = []
    ys: list[float] = []
    for line, x_text, y_text in curve.points:
        if not comma_decimal and "," in x_text + y_text:
            raise ParseError(
                f"Row at '{file}' line {line} holds {x_text!r}/{y_text!r} in curve {curve.name!r}, but the "
                "export separates cells with commas. Expected a decimal point.",
                file=file,
                line=line,
                column=curve.name,
            )
        x = _x(x_text, line, curve, file)
        y = parse_number(y_text, file=file, line=line, column=f"{curve.name} ({curve.y_unit})")
        if y is None:
            raise ParseError(
                f"Row at '{file}' line {line} has a {curve.x_unit} position but no {curve.name} value. "
                "Expected a number in both columns of the pair.",
                file=file,
                line=line,
                column=curve.name,
            )
        xs.append(x)
        ys.append(y)
    minutes = c.MINUTES_PER_X_UNIT.get(x_unit)
    if minutes is not None:
        xs = [x * minutes for x in xs]
        x_unit = "min"
    trace = trace_from_points(curve.name, xs, ys, signal_unit=curve.y_unit or None)
    return Trace(trace.channel, trace.data, trace.signal_unit, x_unit=x_unit)


def _events(curve: CurveColumns, x_unit: str, file: Path) -> dict[str, Scalar]:
    # Positions are checked as numbers but listed as written, so no digit is lost.
    events = [(_x(x, line, curve, file), x.replace(",", "."), y) for line, x, y in curve.points]
    listed = [
        f"{text} {x_unit}" + (f" {label}" if label else "")
        for _, text, label in events[: c.MAX_EVENTS_LISTED]
    ]
    if len(events) > c.MAX_EVENTS_LISTED:
        listed.append(f"... {len(events) - c.MAX_EVENTS_LISTED} more")
    # UNICORN 5 prefixes curve names with the run number ("1_Logbook"); the key leaves it out.
    words = re.findall(r"[a-z0-9]+", re.sub(r"^\d+_", "", curve.name).lower())
    key = "_".join(words) or "curve"
    key = key if key[0].isalpha() else f"curve_{key}"
    return {f"{key}_events": "; ".join(listed), f"{key}_event_count": len(events)}
