"""Shimadzu EZStart / EZChrom ASCII export (``.asc``) -> ParsedFile: one trace per channel, no results.

The values are the detector's raw counts, channel after channel; ``Total Data Points`` says how many
belong to each. A channel's point ``j`` lies at ``j / Sampling Rate`` seconds scaled by its ``X Axis
Multiplier`` into the unit its ``X Axis Title`` names (seconds or minutes), and its signal is the count
times the ``Y Axis Multiplier`` in the unit its ``Y Axis Title`` names. The export carries no channel
names: channels are called "Channel 1", "Channel 2"... in file order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import numpy as np

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints, Provenance, Scalar, Trace
from parsers._common.dates import (
    DateOrderSetting,
    ambiguity_warning,
    decide_order,
    is_ambiguous,
    parse_timestamp,
)
from parsers._common.decoding import decode_head, read_text
from parsers._common.numbers import parse_number
from parsers._common.traces import trace_from_points
from parsers._plugin.frames import empty_results
from parsers.shimadzu_ezstart_asc import constants as c
from parsers.shimadzu_ezstart_asc.reader import AscText, HeaderEntry, looks_like_asc, read_asc

_SCALED_UNIT = re.compile(r"^(?P<scale>[0-9.]+)\s*(?P<unit>\S+)$")


class EzStartAscParser:
    """EZStart and EZChrom Elite ASCII chromatogram exports (one or more channels, trace only)."""

    name: ClassVar[str] = "shimadzu_ezstart_asc"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".asc",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_asc(decode_head(head))

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        hints = hints or ParseHints()
        decoded = read_text(path, hint=hints.encoding)
        asc = read_asc(decoded, file=path)
        warnings: list[str] = list(decoded.warnings)
        metadata = _metadata(asc, path, warnings, date_order=hints.date_order)
        traces = _traces(asc, path, warnings)
        metadata["channel_count"] = len(traces)
        return ParsedFile(
            metadata=metadata,
            results=empty_results(),
            provenance=Provenance(self.name, self.version, path, encoding=decoded.encoding),
            traces=traces,
            warnings=tuple(warnings),
        )


def _entry(asc: AscText, key: str, file: Path) -> HeaderEntry:
    entry = asc.header.get(key)
    if entry is None:
        labels = [e.label for e in asc.header.values()]
        raise ParseError(
            f"Unable to find the header line {key!r} in '{file}'. Found: {labels}. "
            "Expected it in an EZStart/EZChrom ASCII export.",
            file=file,
        )
    return entry


def _number(text: str, entry: HeaderEntry, file: Path) -> float:
    value = parse_number(text, file=file, line=entry.line, column=entry.label)
    if value is None:
        raise ParseError(
            f"Header line {entry.label!r} of '{file}' line {entry.line} has an empty value. "
            "Expected a number.",
            file=file,
            line=entry.line,
            column=entry.label,
        )
    return value


def _per_channel(entry: HeaderEntry, channels: int, units: frozenset[str], file: Path) -> list[str]:
    values = list(entry.values)
    if values and values[-1].lower() in units:
        values = values[:-1]
    if len(values) != channels:
        raise ParseError(
            f"Header line {entry.label!r} of '{file}' line {entry.line} has {len(values)} value(s) "
            f"({list(entry.values)}). Expected one per channel: Maxchannels is {channels}.",
            file=file,
            line=entry.line,
            column=entry.label,
        )
    return values


def _channel_count(asc: AscText, file: Path) -> int:
    entry = _entry(asc, c.CHANNELS_KEY, file)
    count = _number(entry.values[0] if entry.values else "", entry, file)
    if not count.is_integer() or count < 1:
        raise ParseError(
            f"Maxchannels in '{file}' line {entry.line} is {entry.values[0]!r}. Expected a whole number of "
            "channels (1 or more).",
            file=file,
            line=entry.line,
            column=entry.label,
        )
    return int(count)


def _y_unit(title: str, warnings: list[str], channel: str) -> str | None:
    unit = c.Y_AXIS_UNITS.get(title.strip().lower())
    if unit:
        return unit
    if _SCALED_UNIT.match(title.strip()):
        warnings.append(
            f"{channel}: the Y axis title {title!r} carries a scale; the signal is the raw value times the Y "
            f"axis multiplier, in units of {title!r}."
        )
    return title.strip() or None


def _traces(asc: AscText, file: Path, warnings: list[str]) -> tuple[Trace, ...]:
    channels = _channel_count(asc, file)
    rate_entry = _entry(asc, c.SAMPLING_RATE_KEY, file)
    points_entry = _entry(asc, c.POINTS_KEY, file)
    x_entry = _entry(asc, c.X_MULTIPLIER_KEY, file)
    y_entry = _entry(asc, c.Y_MULTIPLIER_KEY, file)
    rates = [_number(v, rate_entry, file) for v in _per_channel(rate_entry, channels, c.RATE_UNITS, file)]
    points = [
        _number(v, points_entry, file) for v in _per_channel(points_entry, channels, c.POINTS_UNITS, file)
    ]
    x_scale = [_number(v, x_entry, file) for v in _per_channel(x_entry, channels, frozenset(), file)]
    y_scale = [_number(v, y_entry, file) for v in _per_channel(y_entry, channels, frozenset(), file)]
    x_titles = _per_channel(_entry(asc, c.X_TITLE_KEY, file), channels, frozenset(), file)
    y_titles = _per_channel(_entry(asc, c.Y_TITLE_KEY, file), channels, frozenset(), file)
    announced = int(sum(points))
    if any(not p.is_integer() or p < 0 for p in points) or announced != len(asc.values):
        raise ParseError(
            f"'{file}' announces {[int(p) if p.is_integer() else p for p in points]} data points for its "
            f"{channels} channel(s) (line {points_entry.line}) but holds {len(asc.values)} values from line "
            f"{asc.first_value_line}. Expected the counts to match (is the file truncated?).",
            file=file,
            line=points_entry.line,
        )
    traces: list[Trace] = []
    start = 0
    for index in range(channels):
        name = f"Channel {index + 1}"
        minutes_per_unit = c.X_AXIS_MINUTES.get(x_titles[index].strip().lower())
        if minutes_per_unit is None:
            raise ParseError(
                f"{name} of '{file}' has the X axis title {x_titles[index]!r}. Expected Seconds or Minutes.",
                file=file,
                column="X Axis Title",
            )
        if rates[index] <= 0:
            raise ParseError(
                f"{name} of '{file}' has the sampling rate {rates[index]:g} Hz (line {rate_entry.line}). "
                "Expected a positive rate.",
                file=file,
                line=rate_entry.line,
            )
        count = int(points[index])
        seconds = np.arange(count, dtype=np.float64) / rates[index]
        times = seconds * x_scale[index] * minutes_per_unit
        signal = asc.values[start : start + count] * y_scale[index] + 0.0
        start += count
        traces.append(
            trace_from_points(name, times, signal, signal_unit=_y_unit(y_titles[index], warnings, name))
        )
    return tuple(traces)


def _windows_name(path: str) -> str:
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _metadata(
    asc: AscText, file: Path, warnings: list[str], *, date_order: DateOrderSetting | None = None
) -> dict[str, Scalar]:
    meta: dict[str, Scalar] = {}
    handled = {c.VERSION_KEY, c.CHANNELS_KEY, *c.PER_CHANNEL_KEYS}
    for key, entry in asc.header.items():
        value = entry.values[0] if len(entry.values) == 1 else "\t".join(entry.values)
        if key in handled or value.strip().lower() in c.NONE_VALUES:
            continue
        if key in c.TEXT_KEYS:
            meta.setdefault(c.TEXT_KEYS[key], value)
        elif key in c.NUMBER_KEYS:
            meta[c.NUMBER_KEYS[key]] = parse_number(value, file=file, line=entry.line, column=entry.label)
        elif key == c.VOLUME_KEY:
            meta["injection_volume"] = parse_number(value, file=file, line=entry.line, column=entry.label)
            meta["injection_volume_unit"] = c.INJECTION_VOLUME_UNIT
        elif key == c.DATA_FILE_KEY:
            meta["data_file"] = value
            meta["injection"] = _windows_name(value)
        elif key == c.METHOD_KEY:
            meta["method_file"] = value
            name = _windows_name(value)
            meta["method"] = name.rsplit(".", 1)[0] if "." in name else name
        elif key == c.DATE_KEY:
            order = decide_order([value], hint=date_order)
            stamp = parse_timestamp(value, order)
            if stamp is None:
                raise ParseError(
                    f"Unable to read {entry.label} {value!r} in '{file}' line {entry.line}. "
                    "Expected a date and time such as '4/18/2018 9:19:52 AM'.",
                    file=file,
                    line=entry.line,
                    column=entry.label,
                )
            if order.assumed and is_ambiguous(value):
                warnings.append(ambiguity_warning(value, order, file=file))
            meta["injection_time"] = stamp.isoformat()
        else:
            words = re.findall(r"[a-z0-9]+", entry.label.lower())
            name = "_".join(words)
            meta.setdefault(name if name and name[0].isalpha() else f"field_{name}", value)
    version = asc.header.get(c.VERSION_KEY)
    if version and version.values:
        meta["export_version"] = version.values[0]
    if "sample_name" not in meta and "sample_id" in meta:
        meta["sample_name"] = meta["sample_id"]
    return meta
