"""Agilent OpenLab CDS RDL report printed to text -> ParsedFile: one result row per peak of each table.

A report is a run of boxes: a title, key/value boxes (``Sample Name``, ``Injection Date``...; a new
``Sample Name`` starts the next sample of a Cross Sequence report), a ``Signal:`` box naming the signal
of the peak table after it, peak tables (header row, then a row per peak, then a ``Sum`` row) and a
page footer (template, print time, page). A peak table broken by a page (its next box has the same
columns and repeats the header row or has none) is read as one table.

What is read, and what is refused: the report wraps cells over several lines, numbers included
(``53.`` over ``0992``). A number's pieces are joined as they stand; since a cut-off number would be
silently wrong, every peak table is checked before it is used: each numeric column must print the same
number of decimals throughout, the areas must add up to the ``Sum`` row, and (when the table is
complete by that test) each area percentage must match its area. A table failing a check is refused
with the check, the line and the values. Text cells are joined as described in :mod:`cells`; a join
that had to guess (a cut between two letters) is a warning naming the reading chosen.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

from ingest.contract import FLOAT, STRING
from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints, Provenance, Scalar
from parsers._common.dates import decide_order, parse_month_name_datetime, parse_timestamp
from parsers._common.decoding import decode_head, detect_encoding, read_text
from parsers._common.numbers import is_decimal, parse_number
from parsers._common.run_metadata import shared_values
from parsers._plugin.frames import ResultColumns
from parsers.agilent_openlab_rdl_txt import constants as c
from parsers.agilent_openlab_rdl_txt.cells import join_number, join_text
from parsers.agilent_openlab_rdl_txt.reader import Box, LogicalRow, looks_like_rdl_text, read_boxes

_OFFSET = re.compile(r"^(?P<stamp>.*?)\s*(?P<offset>[+-]\d{2}:\d{2}|Z)$")
_UNIT_IN_BRACKETS = re.compile(r"\[(?P<unit>[^\]]+)\]")
_SHARED_KEYS = (
    "sample_name",
    "sample_id",
    "injection_time",
    "operator",
    "method",
    "processing_method",
    "sequence",
    "instrument",
    "vial",
    "injection",
    "injection_volume",
    "injection_volume_unit",
    "sample_type",
)
_EXTRAS = {
    **dict.fromkeys(c.EXTRA_NUMBER_COLUMNS, FLOAT),
    "peak_type": STRING,
    "injection_time": STRING,
}


def canonical(label: str) -> str:
    return re.sub(r"\s+", "", label).rstrip(":").lower()


def _snake(label: str) -> str:
    name = "_".join(re.findall(r"[a-z0-9]+", label.lower()))
    return name if name and name[0].isalpha() else f"field_{name}"


class OpenLabRdlTextParser:
    """OpenLab CDS 2.x reports (any RDL template with peak tables) exported as box-drawn text."""

    name: ClassVar[str] = "agilent_openlab_rdl_txt"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".txt",)

    def sniff(self, head: bytes, path: Path) -> bool:
        # Box-drawing characters are not latin-1: without a BOM the head is read as UTF-8.
        encoding = detect_encoding(head)
        text = decode_head(head) if encoding else head.decode("utf-8", errors="replace")
        return looks_like_rdl_text(text)

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        decoded = read_text(path, hint=(hints or ParseHints()).encoding)
        report = _Report(path)
        report.warnings.extend(decoded.warnings)
        return report.read(read_boxes(decoded, file=path), parser=self, encoding=decoded.encoding)


class _Report:
    """The walk over a report's boxes, keeping the current sample and signal."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.samples: list[dict[str, Scalar]] = [{}]
        self.signal: str | None = None
        self.run: dict[str, Scalar] = {}
        self.warnings: list[str] = []
        self.columns = ResultColumns(_EXTRAS)
        self.tables = 0

    def read(self, boxes: list[Box], *, parser: OpenLabRdlTextParser, encoding: str) -> ParsedFile:
        pending: Box | None = None
        for box in boxes:
            if not box.rows:
                continue
            # A peak table with no peak is its header row alone, without a row rule.
            if (box.ruled and box.width >= 2) or (box.width >= 2 and _is_peak_header(_header(box))):
                if pending is not None and _continues(pending, box):
                    pending.rows.extend(box.rows[1:] if _header(box) == _header(pending) else box.rows)
                    continue
                if pending is not None:
                    self._table(pending)
                pending = Box(box.line, box.width, list(box.rows), ruled=True)
            elif box.width == 1:
                text = join_text([p for row in box.rows for p in row.line_pieces(0)]).text
                self.run.setdefault("report_title", text)
            elif box.width % 2 == 0:
                if pending is not None:
                    self._table(pending)
                    pending = None
                self._key_values(box)
            else:
                self._footer(box)
        if pending is not None:
            self._table(pending)
        if self.tables == 0:
            raise ParseError(
                f"Unable to find a peak table in '{self.file}'. Expected a box with a header row naming "
                "'RT' and 'Area' columns, as OpenLab peak tables have.",
                file=self.file,
            )
        samples = [s for s in self.samples if s]
        metadata: dict[str, Scalar] = {**self.run, **shared_values(samples, _SHARED_KEYS)}
        for sample in samples:
            for key, value in sample.items():
                if key not in _SHARED_KEYS and value is not None:
                    metadata.setdefault(key, value)
        metadata["sample_count"] = len(samples)
        return ParsedFile(
            metadata=metadata,
            results=self.columns.frame(),
            provenance=Provenance(parser.name, parser.version, self.file, encoding=encoding),
            warnings=tuple(self.warnings),
        )

    # -- key/value boxes -------------------------------------------------------------------------

    def _key_values(self, box: Box) -> None:
        for row in box.rows:
            for pair in range(0, box.width, 2):
                keys, values = row.line_pieces(pair), row.line_pieces(pair + 1)
                entries: list[tuple[list[Any], list[Any], int]] = []
                for index, (key, value) in enumerate(zip(keys, values, strict=True)):
                    if key.text or not entries:
                        entries.append(([key], [value], row.lines[index]))
                    else:
                        entries[-1][1].append(value)
                for key_pieces, value_pieces, line in entries:
                    label = join_text(key_pieces).text
                    joined = join_text(value_pieces)
                    if label:
                        self._field(label, joined.text, joined.uncertain, line)

    def _field(self, label: str, value: str, uncertain: bool, line: int) -> None:
        key = canonical(label)
        if key in c.SIGNAL_LABELS:
            self.signal = re.sub(r"\s+", " ", value).strip() or None
            return
        sample = self.samples[-1]
        if key in c.SAMPLE_NAME_LABELS and sample.get("sample_name") is not None:
            sample = {}
            self.samples.append(sample)
            self.signal = None
        if not value:
            return
        if uncertain and key in c.SAMPLE_NAME_LABELS:
            self.warnings.append(
                f"{label} on line {line} of '{self.file}' wraps between two letters or digits; read as "
                f"{value!r}. Check it against the sample list if no sample of that name is found."
            )
        if key in c.VOLUME_LABELS:
            match = re.match(r"^\s*(?P<number>\S+)\s*(?P<unit>\S*)\s*$", value)
            if match and is_decimal(match["number"]):
                sample["injection_volume"] = parse_number(
                    match["number"], file=self.file, line=line, column=label
                )
                unit = match["unit"]
                sample["injection_volume_unit"] = c.VOLUME_UNITS.get(unit.lower(), unit) or None
                return
        target = c.FIELD_LABELS.get(key)
        if target == "injection_time":
            stamp = _timestamp(value)
            if stamp is None:
                self.warnings.append(
                    f"{label} {value!r} on line {line} of '{self.file}' is not a date this parser reads; "
                    "it is kept as text in 'injection_time_text'."
                )
                sample["injection_time_text"] = value
            else:
                sample["injection_time"] = stamp
            return
        sample.setdefault(target or _snake(label), value)

    def _footer(self, box: Box) -> None:
        texts = [
            join_text([p for row in box.rows for p in row.line_pieces(i)]).text for i in range(box.width)
        ]
        for text in texts:
            printed = re.match(r"^(?:printed|gedruckt|imprimé):\s*(?P<stamp>.+)$", text, flags=re.IGNORECASE)
            if printed:
                stamp = _timestamp(printed["stamp"])
                self.run["report_printed"] = stamp or printed["stamp"]
            elif re.search(r"\.rdl\b", text, flags=re.IGNORECASE):
                self.run["report_template"] = text
            elif (
                page := re.match(
                    r"^(?:page|seite)\s*\d+\s*(?:of|von|sur)\s*(?P<pages>\d+)$", text, flags=re.IGNORECASE
                )
            ) is not None:
                self.run["report_pages"] = int(page["pages"])

    # -- peak tables ------------------------------------------------------------------------------

    def _table(self, box: Box) -> None:
        header = _header(box)
        located = _locate(header)
        missing = [key for key in c.PEAK_REQUIRED if key not in located]
        if missing:
            self.warnings.append(
                f"The table on line {box.line} of '{self.file}' (columns {header}) is not a peak table "
                f"(no {', '.join(missing)} column); it was not read."
            )
            return
        self.tables += 1
        units = {key: _unit(header[index]) for key, index in located.items()}
        peaks: list[tuple[LogicalRow, dict[str, Any]]] = []
        total: tuple[LogicalRow, float, str] | None = None
        raw_numbers: dict[str, list[tuple[str, int]]] = {}
        for row in box.rows[1:]:
            texts = {key: self._cell(row, index, key) for key, index in located.items()}
            if _is_total(row, box.width):
                area_text = texts.get("area")
                if isinstance(area_text, str) and area_text:
                    value = parse_number(area_text, file=self.file, line=row.line, column="Area")
                    total = (row, value, area_text) if value is not None else None
                continue
            values: dict[str, Any] = {}
            for key, text in texts.items():
                if key in c.TEXT_COLUMNS:
                    values[key] = text or None
                    continue
                value = parse_number(text, file=self.file, line=row.line, column=header[located[key]])
                if value is not None:
                    raw_numbers.setdefault(key, []).append((text, row.line))
                values[key] = value
            peaks.append((row, values))
        if not peaks:
            self.warnings.append(
                f"The peak table on line {box.line} of '{self.file}' lists no peak (signal {self.signal!r})."
            )
        self._check_decimals(raw_numbers, box)
        self._check_total(peaks, total, box)
        sample = self.samples[-1]
        for position, (_, values) in enumerate(peaks, start=1):
            number = values.pop("peak_number", None)
            area_unit = units.get("area")
            self.columns.append(
                {
                    **values,
                    "sample_name": sample.get("sample_name"),
                    "sample_id": sample.get("sample_id"),
                    "injection": sample.get("injection"),
                    "injection_time": sample.get("injection_time"),
                    "signal": self.signal,
                    "peak_number": int(number)
                    if isinstance(number, float) and number.is_integer()
                    else position,
                    "area_unit": area_unit,
                    "height_unit": units.get("height"),
                }
            )

    def _cell(self, row: LogicalRow, index: int, key: str) -> str:
        pieces = row.line_pieces(index)
        if key in c.TEXT_COLUMNS:
            joined = join_text(pieces)
            if joined.uncertain and key == "peak_name":
                self.warnings.append(
                    f"The peak name on line {row.line} of '{self.file}' wraps between two letters or digits; "
                    f"read as {joined.text!r}."
                )
            return joined.text
        return join_number(pieces)

    def _check_decimals(self, raw_numbers: dict[str, list[tuple[str, int]]], box: Box) -> None:
        for key, texts in raw_numbers.items():
            if len(texts) < 2 or key == "peak_number":
                continue
            counts = [len(re.split(r"[.,]", text)[1]) if re.search(r"[.,]", text) else 0 for text, _ in texts]
            usual, seen = Counter(counts).most_common(1)[0]
            if seen == len(counts):
                continue
            text, line = next((t, n) for (t, n), count in zip(texts, counts, strict=True) if count != usual)
            raise ParseError(
                f"The peak table on line {box.line} of '{self.file}' prints {key} with {usual} decimals, but "
                f"line {line} reads {text!r}. Expected every value of a column printed alike; the report may "
                "have cut this cell off, so the table is refused rather than read wrongly.",
                file=self.file,
                line=line,
                column=key,
            )

    def _check_total(
        self,
        peaks: list[tuple[LogicalRow, dict[str, Any]]],
        total: tuple[LogicalRow, float, str] | None,
        box: Box,
    ) -> None:
        if total is None:
            return
        areas = [values.get("area") for _, values in peaks]
        if any(area is None for area in areas):
            return
        found = math.fsum(float(area) for area in areas if area is not None)
        row, expected, printed = total
        # Every printed area is rounded to the Sum row's decimals: the sum may be off by half a unit each.
        decimals = len(re.split(r"[.,]", printed)[1]) if re.search(r"[.,]", printed) else 0
        if abs(found - expected) > 0.5 * 10**-decimals * (len(areas) + 1):
            raise ParseError(
                f"The areas of the peak table on line {box.line} of '{self.file}' add up to {found:.4f}, but "
                f"its Sum row (line {row.line}) says {expected:.4f}. Expected them to agree; a wrapped "
                "number was not put back together correctly, so the table is refused.",
                file=self.file,
                line=row.line,
                column="area",
            )
        if expected <= 0:
            return
        for peak_row, values in peaks:
            percent = values.get("area_percent")
            if percent is None:
                continue
            share = float(values["area"]) / expected * 100
            if abs(share - float(percent)) > c.AREA_PERCENT_ABSOLUTE_TOLERANCE:
                raise ParseError(
                    f"Line {peak_row.line} of '{self.file}' reads area {values['area']} and Area% {percent}, "
                    f"but the area is {share:.4f}% of the Sum row. Expected them to agree; a wrapped number "
                    "was not put back together correctly, so the table is refused.",
                    file=self.file,
                    line=peak_row.line,
                    column="area_percent",
                )


def _header(box: Box) -> list[str]:
    return [canonical(join_text(box.rows[0].line_pieces(i)).text) for i in range(box.width)]


def _continues(table: Box, box: Box) -> bool:
    """Whether ``box`` carries on ``table`` over a page break: the same columns, and either the same
    header row again or no header row at all (its first row is a peak)."""
    if box.width != table.width:
        return False
    header = _header(box)
    if header == _header(table):
        return True
    return not _is_peak_header(header)


def _is_peak_header(header: list[str]) -> bool:
    located = _locate(header)
    return all(key in located for key in c.PEAK_REQUIRED)


def _locate(header: list[str]) -> dict[str, int]:
    located: dict[str, int] = {}
    for index, name in enumerate(header):
        for key, aliases in c.PEAK_COLUMNS.items():
            if key in located:
                continue
            if any(
                name == alias or (alias.endswith("*") and name.startswith(alias[:-1])) for alias in aliases
            ):
                located[key] = index
                break
    return located


def _unit(header: str) -> str | None:
    match = _UNIT_IN_BRACKETS.search(header)
    if not match or match["unit"] in ("min", "%"):
        return None
    return match["unit"].replace("·", "*")


def _is_total(row: LogicalRow, width: int) -> bool:
    texts = [join_text(row.line_pieces(i)).text.lower() for i in range(width)]
    return any(text in c.TOTAL_MARKERS for text in texts)


def _timestamp(value: str) -> str | None:
    text = value.strip()
    match = _OFFSET.match(text)
    offset: dt.timezone | None = None
    if match:
        text = match["stamp"]
        if match["offset"] == "Z":
            offset = dt.UTC
        else:
            hours, minutes = int(match["offset"][1:3]), int(match["offset"][4:6])
            delta = dt.timedelta(hours=hours, minutes=minutes)
            offset = dt.timezone(delta if match["offset"][0] == "+" else -delta)
    stamp: dt.datetime | dt.date | None = parse_timestamp(text, decide_order([text]))
    if stamp is None:
        stamp = parse_month_name_datetime(re.sub(r"\s+", " ", text))
    if stamp is None:
        return None
    if isinstance(stamp, dt.datetime) and offset is not None:
        stamp = stamp.replace(tzinfo=offset)
    return stamp.isoformat()
