"""Waters Empower ARW export -> ParsedFile: header fields as metadata, the rows as one trace.

ARW files carry no peak table, so results are always empty. Which header fields exist depends on the
site's export method; known ones are mapped to the normalized metadata keys, every other field is kept
under its snake_case name; a missing sample name is a warning.

Numbers use the decimal mark the data rows show (else the site's ``decimal``); dates follow the site's
locale (day/month order from the file, else the site's ``date_order``), with Empower's zone
abbreviations (``EDT``) or an offset honoured. A 3D PDA export (a matrix of absorbances over time and
wavelength) is refused with a message that says so.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import ClassVar

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints, Provenance, Scalar
from parsers._common.dates import DateReader
from parsers._common.decoding import decode_head, read_text
from parsers._common.delimited import Row
from parsers._common.numbers import NumberFormat, decide_number_format, is_decimal, parse_number
from parsers._common.run_metadata import missing_expected
from parsers._common.traces import trace_from_points
from parsers._plugin.contract import NearMiss
from parsers._plugin.frames import empty_results
from parsers.waters_empower_arw import constants as c
from parsers.waters_empower_arw.reader import ArwText, looks_like_arw, read_arw


def _field_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _snake(name: str) -> str:
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", name)
    text = "_".join(w.lower() for w in words)
    return text if text and text[0].isalpha() else f"field_{text}"


def _values(row: Row) -> list[str]:
    return [cell for cell in row.cells if cell]


def _refuse_3d(arw: ArwText, path: Path) -> None:
    """A PDA 3D export holds a row of wavelengths and then a row of absorbances per time point: its first
    rows are all wider than a time and a signal (a row of numbers, its first cell perhaps a label)."""
    # Empower may label the two axes on lines of their own ("Wavelength<TAB>...", then "Time").
    first = [row for row in arw.rows[:3] if len(_values(row)) > 1][:2]
    if len(first) < 2 or not all(
        len(_values(row)) > 2 and sum(is_decimal(cell) for cell in _values(row)) >= len(_values(row)) - 1
        for row in first
    ):
        return
    row = first[0]
    raise ParseError(
        f"'{path}' is a 3D PDA export: line {row.line} holds {len(_values(row))} values (wavelengths) where "
        "a chromatogram "
        "has a time and a signal. Expected a 2D chromatogram: in Empower, export one channel "
        "(a chromatogram extracted at one wavelength) instead of the 3D data.",
        file=path,
        line=row.line,
    )


class EmpowerArwParser:
    """Empower 2/3 ``.arw`` chromatogram exports (two header lines, then time/value rows)."""

    name: ClassVar[str] = "waters_empower_arw"
    version: ClassVar[str] = "1.1.0"
    extensions: ClassVar[tuple[str, ...]] = (".arw",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_arw(decode_head(head))

    def near_miss(self, head: bytes, path: Path) -> NearMiss | None:
        text = decode_head(head)
        first = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
        known = [n for n in re.findall(r'"?([^"\t]+)"?', first) if _field_key(n) in c.FIELDS]
        if not known:
            return None
        return NearMiss(
            closeness=0.5,
            looks_like="a Waters Empower ARW export",
            lacks=(
                f"its lines after the field names ({known[:4]}...) are not a line of values and "
                "time/signal rows"
            ),
        )

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        hints = hints or ParseHints()
        decoded = read_text(path, hint=hints.encoding)
        arw = read_arw(decoded, file=path)
        _refuse_3d(arw, path)
        number_format = decide_number_format(
            (cell for row in arw.rows for cell in row.cells), hint=hints.decimal
        )
        dates = DateReader.for_file(
            arw.values, file=path, hint=hints.date_order
        )  # the dates are header values
        metadata, unit = self._metadata(arw, path, dates, number_format)
        times: list[float] = []
        signals: list[float] = []
        for row in arw.rows:
            if len(row.cells) != 2:
                raise ParseError(
                    f"Row at '{path}' line {row.line} has {len(row.cells)} cell(s): {list(row.cells)[:4]}. "
                    "Expected a time and a signal value.",
                    file=path,
                    line=row.line,
                )
            time = parse_number(
                row.cells[0], file=path, line=row.line, column="time", number_format=number_format
            )
            value = parse_number(
                row.cells[1], file=path, line=row.line, column="signal", number_format=number_format
            )
            if time is None or value is None:
                raise ParseError(
                    f"Row at '{path}' line {row.line} has an empty "
                    f"{'time' if time is None else 'signal'} value. Expected numbers.",
                    file=path,
                    line=row.line,
                )
            times.append(time)
            signals.append(value)
        warnings: list[str] = [
            *decoded.warnings,
            *missing_expected(metadata, c.EXPECTED, file=path),
            *dates.warnings,
        ]
        if not times:
            warnings.append("The export has header lines but no data rows; its trace is empty.")
        channel = str(metadata.pop("channel", None) or "signal")
        trace = trace_from_points(channel, times, signals, signal_unit=unit)
        metadata["channel"] = channel
        return ParsedFile(
            metadata=metadata,
            results=empty_results(),
            provenance=Provenance(self.name, self.version, path, encoding=decoded.encoding),
            traces=(trace,),
            warnings=tuple(warnings),
        )

    def _metadata(
        self, arw: ArwText, path: Path, dates: DateReader, number_format: NumberFormat
    ) -> tuple[dict[str, Scalar], str | None]:
        meta: dict[str, Scalar] = {}
        unit: str | None = None
        for name, value in zip(arw.names, arw.values, strict=True):
            key = _field_key(name)
            if not value:
                continue
            if key in c.FIELDS:
                meta.setdefault(c.FIELDS[key], value)
            elif key in c.DATE_FIELDS:
                meta["injection_time"] = self._timestamp(value, name, path, dates)
            elif key in c.VOLUME_FIELDS:
                meta["injection_volume"] = parse_number(
                    value, file=path, line=2, column=name, number_format=number_format
                )
                meta["injection_volume_unit"] = c.INJECTION_VOLUME_UNIT
            elif key in c.UNIT_FIELDS:
                unit = value
            else:
                meta.setdefault(_snake(name), value)
        return meta, unit

    def _timestamp(self, value: str, name: str, path: Path, dates: DateReader) -> str:
        text = value.strip()
        match = c.ZONE_SUFFIX.match(text)
        if (
            match
            and match["zone"].upper() not in c.ZONES
            and match["zone"].upper() not in {"AM", "PM", "UTC", "GMT"}
        ):
            text = match["stamp"]  # an unknown zone: keep local time, no offset rather than a wrong one
        try:
            stamp = dates.read(text, line=2, column=name, zones=c.ZONES)
        except ParseError:
            raise ParseError(
                f"Unable to read {name} {value!r} in '{path}' line 2. "
                "Expected a date and time such as '5/26/2021 10:05:37 AM EDT'.",
                file=path,
                line=2,
                column=name,
            ) from None
        if isinstance(stamp, dt.datetime):
            return stamp.isoformat()
        return stamp.isoformat()
