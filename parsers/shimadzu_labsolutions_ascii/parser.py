"""Shimadzu LabSolutions / LCsolution / GCsolution ASCII export -> ParsedFile.

Every ``[Peak Table(<channel>)]`` becomes result rows (signal = the channel); peaks are named from
``[Compound Results(<detector>)]`` by compound ID and retention time; ``[LC Chromatogram(<channel>)]``,
``[GC Chromatogram(<channel>)]`` and LabSolutions GC's ``[Chromatogram (Ch1)]`` sections become traces.
Status traces (pressure, temperatures) are not chromatograms and are skipped. Batch files and 3D PDA
exports are refused (see ``reader``). Numbers use the decimal mark the file's tables show (else the
site's ``decimal``); every peak needs its retention time and area.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from ingest.contract import FLOAT, STRING
from ingest.models import ParsedFile, ParseHints, Provenance
from parsers._common.dates import DateReader
from parsers._common.decoding import decode_head, read_text
from parsers._common.numbers import NumberFormat, decide_number_format
from parsers._common.traces import trace_from_points
from parsers._plugin.contract import NearMiss
from parsers._plugin.frames import results_frame
from parsers.shimadzu_labsolutions_ascii import constants as c
from parsers.shimadzu_labsolutions_ascii.metadata import read_metadata
from parsers.shimadzu_labsolutions_ascii.reader import ShimadzuText, looks_like_shimadzu, read_sections
from parsers.shimadzu_labsolutions_ascii.tables import Chromatogram, TableRow, read_chromatogram, read_table

_PREFIX_STEPS = ("p", "n", "µ", "m", "", "k")


def raw_unit(unit: str | None, multiplier: float) -> str | None:
    """The unit of the stored integers (peak-table heights): ``mV`` x 0.001 -> ``µV``."""
    if not unit:
        return None
    if multiplier == 1:
        return unit
    steps = math.log10(multiplier) / 3
    if not steps.is_integer():
        return None
    prefix, base = (unit[0], unit[1:]) if len(unit) > 1 and unit[0] in "pnµumk" else ("", unit)
    index = _PREFIX_STEPS.index("µ" if prefix == "u" else prefix) + int(steps)
    return _PREFIX_STEPS[index] + base if 0 <= index < len(_PREFIX_STEPS) else None


def _with_text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    # results_frame types extras by their values (an all-null column as float, any column of an
    # empty frame as text); these keep one dtype whatever a file holds.
    for column in c.EXTRA_COLUMNS:
        frame[column] = frame[column].astype(STRING if column in c.TEXT_EXTRA_COLUMNS else FLOAT)
    return frame


def _matching_chromatogram(channel: str, chromatograms: dict[str, Chromatogram]) -> Chromatogram | None:
    # A single-channel detector's peak table is titled "Detector A" while its trace is "Detector A-Ch1".
    return chromatograms.get(channel) or chromatograms.get(f"{channel}-Ch1")


def _number_format(text: ShimadzuText, hints: ParseHints) -> NumberFormat:
    """The decimal mark the file's tables show (peak tables, compounds, chromatograms), else the site's."""
    cells = (
        cell
        for section in text.sections
        if section.kind in (c.SECTION_PEAK_TABLE, c.SECTION_COMPOUNDS, *c.SECTION_CHROMATOGRAMS)
        for row in section.rows
        for cell in row.cells[1:]
        if len(row.cells) > 1
    )
    if text.delimiter == ",":
        # Cells of a comma-delimited export cannot hold a decimal comma.
        return NumberFormat(".", decided_by="the comma delimiter")
    return decide_number_format(cells, hint=hints.decimal)


def _belongs_to(channel: str, detector: str) -> bool:
    return channel == detector or channel.startswith(f"{detector}-")


class ShimadzuAsciiParser:
    """LabSolutions 5.x and LCsolution 1.x "ASCII convert" files (tab or comma delimited)."""

    name: ClassVar[str] = "shimadzu_labsolutions_ascii"
    version: ClassVar[str] = "1.1.0"
    extensions: ClassVar[tuple[str, ...]] = (".txt",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_shimadzu(decode_head(head))

    def near_miss(self, head: bytes, path: Path) -> NearMiss | None:
        text = decode_head(head).lower()
        found = [
            s for s in ("[header]", "[sample information]", "[peak table(", "chromatogram(") if s in text
        ]
        if len(found) < 2:
            return None
        return NearMiss(
            closeness=len(found) / 5,
            looks_like="a Shimadzu LabSolutions ASCII export",
            lacks=(
                "it does not start with a [Header] section naming LabSolutions, LCsolution or GCsolution "
                "as its 'Application Name'"
            ),
        )

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        hints = hints or ParseHints()
        decoded = read_text(path, hint=hints.encoding)
        text = read_sections(decoded, file=path)
        number_format = _number_format(text, hints)
        # Every date of the file counts; the chromatogram rows hold none, so they are not scanned.
        dated = [
            "\t".join(row.cells)
            for section in text.sections
            if section.kind not in c.SECTION_CHROMATOGRAMS and not section.kind.endswith("status trace")
            for row in section.rows
        ]
        dates = DateReader.for_file(dated, file=path, hint=hints.date_order)
        metadata, warnings = read_metadata(text, file=path, dates=dates, number_format=number_format)
        warnings[:0] = decoded.warnings
        chromatograms = {
            s.qualifier: read_chromatogram(
                s, file=path, point_keys=c.POINT_COUNT_KEYS, number_format=number_format
            )
            for s in text.sections
            if s.kind in c.SECTION_CHROMATOGRAMS
        }
        rows = self._peak_rows(text, path, metadata, chromatograms, warnings, number_format)
        traces = tuple(
            trace_from_points(chrom.channel, chrom.times, chrom.signals, signal_unit=chrom.unit)
            for chrom in chromatograms.values()
        )
        return ParsedFile(
            metadata=metadata,
            results=_with_text_columns(results_frame(rows, extra=c.EXTRA_COLUMNS)),
            provenance=Provenance(self.name, self.version, path, encoding=decoded.encoding),
            traces=traces,
            warnings=tuple(warnings),
        )

    def _peak_rows(
        self,
        text: ShimadzuText,
        path: Path,
        metadata: dict[str, Any],
        chromatograms: dict[str, Chromatogram],
        warnings: list[str],
        number_format: NumberFormat,
    ) -> list[dict[str, Any]]:
        tables: dict[str, list[TableRow]] = {}
        for section in text.all(c.SECTION_PEAK_TABLE):
            tables[section.qualifier] = read_table(
                section,
                file=path,
                count_keys=c.PEAK_COUNT_KEYS,
                aliases=c.PEAK_COLUMNS,
                required=c.PEAK_REQUIRED,
                text_columns=c.PEAK_TEXT_COLUMNS,
                number_format=number_format,
                required_values=c.PEAK_REQUIRED,
            )
        names = self._compound_names(text, path, tables, warnings, number_format)
        rows: list[dict[str, Any]] = []
        for channel, peaks in tables.items():
            chrom = _matching_chromatogram(channel, chromatograms)
            unit = raw_unit(chrom.unit, chrom.multiplier) if chrom else None
            if peaks and unit is None:
                why = (
                    f"its chromatogram section ({chrom.channel}) gives no 'Intensity Units'"
                    if chrom is not None and not chrom.unit
                    else "no chromatogram section gives its intensity unit"
                    if chrom is None
                    else f"the unit {chrom.unit!r} times {chrom.multiplier:g} has no SI prefix"
                )
                warnings.append(
                    f"Peak table '{channel}' in '{path}': {why}; area and height units are left empty."
                )
            for position, peak in enumerate(peaks, start=1):
                compound = names.get((channel, peak.line))
                number = peak.number("peak_number")
                identified = compound is not None or peak.text("name") is not None
                rows.append(
                    {
                        "sample_id": metadata.get("sample_id"),
                        "sample_name": metadata.get("sample_name"),
                        "injection": metadata.get("injection"),
                        "signal": channel,
                        "peak_number": int(number) if number is not None else position,
                        "peak_name": compound.text("name") if compound else peak.text("name"),
                        "retention_time_min": peak.number("retention_time"),
                        "area": peak.number("area"),
                        "area_unit": f"{unit}*s" if unit else None,
                        "height": peak.number("height"),
                        "height_unit": unit,
                        "area_percent": peak.number("area_percent"),
                        # Unidentified peaks carry Conc. 0.000 in the peak table: not a measured zero.
                        "concentration": (
                            compound.number("concentration")
                            if compound
                            else (peak.number("concentration") if identified else None)
                        ),
                        "compound_id": compound.text("compound_id") if compound else peak.text("compound_id"),
                        "start_time_min": peak.number("start_time"),
                        "end_time_min": peak.number("end_time"),
                        "peak_mark": peak.text("mark"),
                        "plates": peak.number("plates"),
                        "tailing_factor": peak.number("tailing"),
                        "resolution": peak.number("resolution"),
                    }
                )
        return rows

    def _compound_names(
        self,
        text: ShimadzuText,
        path: Path,
        tables: dict[str, list[TableRow]],
        warnings: list[str],
        number_format: NumberFormat,
    ) -> dict[tuple[str, int], TableRow]:
        """Map (channel, peak line) -> the compound row naming that peak."""
        named: dict[tuple[str, int], TableRow] = {}
        for section in text.all(c.SECTION_COMPOUNDS):
            compounds = read_table(
                section,
                file=path,
                count_keys=c.COMPOUND_COUNT_KEYS,
                aliases=c.COMPOUND_COLUMNS,
                required=c.COMPOUND_REQUIRED,
                text_columns=c.COMPOUND_TEXT_COLUMNS,
                number_format=number_format,
            )
            detector = section.qualifier
            for compound in compounds:
                rt = compound.number("retention_time")
                if not rt:
                    continue  # Shimadzu lists compounds it did not find with R.Time 0.000.
                matches = [
                    (channel, peak)
                    for channel, peaks in tables.items()
                    if _belongs_to(channel, detector)
                    for peak in peaks
                    if (prt := peak.number("retention_time")) is not None
                    and abs(prt - rt) <= c.RETENTION_TIME_TOLERANCE_MIN
                    and peak.text("compound_id") in (None, compound.text("compound_id"))
                ]
                if not matches:
                    warnings.append(
                        f"Compound '{compound.text('name')}' of [{section.title}] (line {compound.line}) at "
                        f"{rt} min matches no peak of that detector; it is not in the results."
                    )
                for channel, peak in matches:
                    if (channel, peak.line) in named:
                        warnings.append(
                            f"Peak at line {peak.line} matches compounds "
                            f"'{named[(channel, peak.line)].text('name')}' and '{compound.text('name')}' "
                            f"of [{section.title}]; it keeps the first name."
                        )
                        continue
                    named[(channel, peak.line)] = compound
        return named
