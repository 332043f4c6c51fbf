"""Waters Empower ARW export -> ParsedFile: header fields as metadata, the rows as one trace.

ARW files carry no peak table, so results are always empty. Which header fields exist depends on the
site's export method; known ones are mapped to the normalized metadata keys, every other field is kept
under its snake_case name.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import ClassVar

from ingest.errors import ParseError
from ingest.models import ParsedFile, Provenance, Scalar
from parsers._common.dates import decide_order, parse_timestamp
from parsers._common.decoding import decode_head, read_text
from parsers._common.numbers import parse_number
from parsers._common.traces import trace_from_points
from parsers._plugin.frames import empty_results
from parsers.waters_empower_arw import constants as c
from parsers.waters_empower_arw.reader import ArwText, looks_like_arw, read_arw


def _field_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _snake(name: str) -> str:
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", name)
    text = "_".join(w.lower() for w in words)
    return text if text and text[0].isalpha() else f"field_{text}"


class EmpowerArwParser:
    """Empower 2/3 ``.arw`` chromatogram exports (two header lines, then time/value rows)."""

    name: ClassVar[str] = "waters_empower_arw"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".arw",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_arw(decode_head(head))

    def parse(self, path: Path) -> ParsedFile:
        decoded = read_text(path)
        arw = read_arw(decoded, file=path)
        metadata, unit = self._metadata(arw, path)
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
            time = parse_number(row.cells[0], file=path, line=row.line, column="time")
            value = parse_number(row.cells[1], file=path, line=row.line, column="signal")
            if time is None or value is None:
                raise ParseError(
                    f"Row at '{path}' line {row.line} has an empty "
                    f"{'time' if time is None else 'signal'} value. Expected numbers.",
                    file=path,
                    line=row.line,
                )
            times.append(time)
            signals.append(value)
        warnings: list[str] = []
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

    def _metadata(self, arw: ArwText, path: Path) -> tuple[dict[str, Scalar], str | None]:
        meta: dict[str, Scalar] = {}
        unit: str | None = None
        for name, value in zip(arw.names, arw.values, strict=True):
            key = _field_key(name)
            if not value:
                continue
            if key in c.FIELDS:
                meta.setdefault(c.FIELDS[key], value)
            elif key in c.DATE_FIELDS:
                meta["injection_time"] = self._timestamp(value, name, path)
            elif key in c.VOLUME_FIELDS:
                meta["injection_volume"] = parse_number(value, file=path, line=2, column=name)
                meta["injection_volume_unit"] = c.INJECTION_VOLUME_UNIT
            elif key in c.UNIT_FIELDS:
                unit = value
            else:
                meta.setdefault(_snake(name), value)
        return meta, unit

    def _timestamp(self, value: str, name: str, path: Path) -> str:
        match = c.ZONE_SUFFIX.match(value.strip())
        text, zone = value, None
        if match and match["zone"].upper() in c.ZONES:
            text, zone = match["stamp"], dt.timezone(dt.timedelta(hours=c.ZONES[match["zone"].upper()]))
        elif match and match["zone"].upper() not in {"AM", "PM"}:
            text = match["stamp"]  # an unknown zone: keep local time, no offset rather than a wrong one
        stamp = parse_timestamp(text, decide_order([text]))
        if stamp is None:
            raise ParseError(
                f"Unable to read {name} {value!r} in '{path}' line 2. "
                "Expected a date and time such as '5/26/2021 10:05:37 AM EDT'.",
                file=path,
                line=2,
                column=name,
            )
        if isinstance(stamp, dt.datetime) and zone is not None:
            stamp = stamp.replace(tzinfo=zone)
        return stamp.isoformat()
