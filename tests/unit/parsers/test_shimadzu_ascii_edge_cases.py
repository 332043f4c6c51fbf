"""Shimadzu ASCII parser on hand-made exports: variants it must read and damage it must report."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints
from parsers import validate_parsed
from parsers.shimadzu_labsolutions_ascii.parser import ShimadzuAsciiParser, raw_unit

PEAK_HEADER = ["Peak#", "R.Time", "I.Time", "F.Time", "Area", "Height", "Conc.", "Mark", "ID#", "Name"]
PEAKS = [
    ["1", "2.500", "2.300", "2.700", "1200", "150", "0.000", "   ", "", ""],
    ["2", "4.125", "3.900", "4.400", "56000", "4100", "0.000", " V ", "", ""],
]
COMPOUNDS = [
    ["ID#", "Name", "R.Time", "Area", "Height", "Conc."],
    ["1", "Caffeine", "4.125", "56000", "4100", "12.500"],
    ["2", "Absent", "0.000", "0", "0", "0.000"],
]
TRACE = [["0.00000", "10"], ["0.50000", "-20"], ["1.00000", "30"]]


def build(
    *,
    sep: str = "\t",
    acquired: str = "3/10/2022 9:53:59 PM",
    peak_header: list[str] | None = None,
    peaks: list[list[str]] | None = None,
    peak_count: int | None = None,
    compounds: list[list[str]] | None = None,
    trace: list[list[str]] | None = None,
    point_count: int | None = None,
    sample_name: str = "Sample 1",
    extra_sections: str = "",
) -> str:
    header = peak_header if peak_header is not None else PEAK_HEADER
    rows = peaks if peaks is not None else PEAKS
    comp = compounds if compounds is not None else COMPOUNDS
    points = trace if trace is not None else TRACE
    lines = [
        "[Header]",
        f"Application Name{sep}LabSolutions",
        f"Version{sep}5.98",
        f"Data File Name{sep}C:\\Data\\run_001.lcd",
        "",
        "[Sample Information]",
        f"Operator Name{sep}Analyst",
        f"Acquired{sep}{acquired}",
        f"Sample Type{sep}0:Unknown",
        f"Sample Name{sep}{sample_name}",
        f"Sample ID{sep}SMP-001",
        f"Vial#{sep}7",
        f"Injection Volume{sep}5",
        "",
        "[Peak Table(Detector A-Ch1)]",
        f"# of Peaks{sep}{len(rows) if peak_count is None else peak_count}",
        sep.join(header),
        *(sep.join(r) for r in rows),
        "",
        "[Compound Results(Detector A)]",
        f"# of IDs{sep}{len(comp) - 1}",
        *(sep.join(r) for r in comp),
        "",
        "[LC Chromatogram(Detector A-Ch1)]",
        f"# of Points{sep}{len(points) if point_count is None else point_count}",
        f"Intensity Units{sep}mV",
        f"Intensity Multiplier{sep}0.001",
        f"Wavelength(nm){sep}254",
        f"R.Time (min){sep}Intensity",
        *(sep.join(p) for p in points),
        "",
        extra_sections,
    ]
    return "\n".join(lines)


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path = tmp_path / "export.txt"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def parse(path: Path) -> ParsedFile:
    return validate_parsed(ShimadzuAsciiParser().parse(path), file=path)


def test_minimal_export_names_peak_from_compound_by_retention_time(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, build()))
    results = parsed.results
    assert results["peak_name"].tolist()[1] == "Caffeine"
    assert results["concentration"].tolist()[1] == 12.5
    assert results["compound_id"].tolist()[1] == "1"
    assert results["peak_mark"].isna().tolist() == [True, False] and results["peak_mark"].iloc[1] == "V"
    assert results["sample_id"].tolist() == ["SMP-001", "SMP-001"]
    assert parsed.metadata["injection_time"] == "2022-03-10T21:53:59"
    assert parsed.traces[0].data["signal"].tolist() == [0.01, -0.02, 0.03]
    # 3/10/2022 with a 12-hour clock is read the US way, but nothing in the file proves it: a warning.
    (warning,) = parsed.warnings
    assert "read month first (guessed from a 12-hour clock" in warning


@pytest.mark.parametrize(("encoding", "newline"), [("utf-16", "\r\n"), ("utf-8-sig", "\r"), ("cp1250", "\n")])
def test_reads_other_encodings_and_line_endings(tmp_path: Path, encoding: str, newline: str) -> None:
    text = build(sample_name="Vzorek ř")
    parsed = parse(write(tmp_path, text, encoding=encoding, newline=newline))
    assert parsed.metadata["sample_name"] == "Vzorek ř"
    assert len(parsed.results) == 2
    assert ShimadzuAsciiParser().sniff(text.replace("\n", newline).encode(encoding)[:200], tmp_path / "x.txt")


def test_comma_delimited_lcsolution_with_dotted_dates(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, build(sep=",", acquired="21.2.2012. 13:16:57")))
    assert parsed.metadata["injection_time"] == "2012-02-21T13:16:57"
    assert parsed.results["area"].tolist() == [1200.0, 56000.0]


def test_decimal_commas_in_a_tab_delimited_export(tmp_path: Path) -> None:
    peaks = [["1", "2,500", "2,300", "2,700", "1200,5", "150", "0,000", "", "", ""]]
    trace = [["0,00000", "10"], ["0,50000", "20"]]
    compounds = [COMPOUNDS[0]]
    parsed = parse(write(tmp_path, build(peaks=peaks, trace=trace, compounds=compounds)))
    assert parsed.results["retention_time_min"].tolist() == [2.5]
    assert parsed.results["area"].tolist() == [1200.5]
    assert parsed.traces[0].data["time_min"].tolist() == [0.0, 0.5]


def test_reordered_columns_with_units_and_area_percent(tmp_path: Path) -> None:
    header = ["Area", "R. Time (min)", "Height", "Area%", "Peak#"]
    peaks = [["1200", "2.500", "150", "2.1", "1"], ["56000", "4.125", "4100", "97.9", "2"]]
    parsed = parse(write(tmp_path, build(peak_header=header, peaks=peaks)))
    assert parsed.results["retention_time_min"].tolist() == [2.5, 4.125]
    assert parsed.results["area_percent"].tolist() == [2.1, 97.9]
    # Without an ID# column the compound still names the peak by retention time.
    assert parsed.results["peak_name"].tolist()[1] == "Caffeine"


def test_ambiguous_slashed_date_is_read_day_first_with_a_warning(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, build(acquired="02/08/2023 16:11:10")))
    assert parsed.metadata["injection_time"] == "2023-08-02T16:11:10"
    assert any("day first" in w for w in parsed.warnings)


def test_empty_peak_table_and_unmatched_compound(tmp_path: Path) -> None:
    compounds = [COMPOUNDS[0], ["1", "Ghost", "9.999", "10", "1", "1.0"]]
    text = build(peaks=[], compounds=compounds).replace(
        "# of Peaks\t0\n" + "\t".join(PEAK_HEADER) + "\n", "# of Peaks\t0\n"
    )
    parsed = parse(write(tmp_path, text))
    assert parsed.results.empty
    assert str(parsed.results["concentration"].dtype) == "double[pyarrow]"
    assert any("Ghost" in w and "matches no peak" in w for w in parsed.warnings)


def test_status_traces_are_not_chromatograms(tmp_path: Path) -> None:
    status = (
        "[LC Status Trace(Pump A Pressure)]\n# of Points\t1\nIntensity Units\tbar\n"
        "R.Time (min)\tIntensity\n0.0\t31.3\n"
    )
    parsed = parse(write(tmp_path, build(extra_sections=status)))
    assert [t.channel for t in parsed.traces] == ["Detector A-Ch1"]


@pytest.mark.parametrize(
    ("unit", "multiplier", "expected"),
    [("mV", 0.001, "µV"), ("mAU", 0.001, "µAU"), ("mV", 1.0, "mV"), ("V", 0.001, "mV"), ("mV", 0.5, None)],
)
def test_raw_unit_of_stored_integers(unit: str, multiplier: float, expected: str | None) -> None:
    assert raw_unit(unit, multiplier) == expected


def error_for(tmp_path: Path, text: str | bytes) -> ParseError:
    path = tmp_path / "bad.txt"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(ParseError) as info:
        ShimadzuAsciiParser().parse(path)
    assert str(path) in info.value.message
    return info.value


def test_truncated_peak_table_reports_the_count_mismatch(tmp_path: Path) -> None:
    error = error_for(tmp_path, build(peak_count=3))
    assert "announces 3 rows but holds 2" in error.message
    assert error.line == 15


def test_truncated_chromatogram_reports_the_point_mismatch(tmp_path: Path) -> None:
    error = error_for(tmp_path, build(point_count=5))
    assert "announces 5 points but holds 3" in error.message


def test_missing_retention_time_column(tmp_path: Path) -> None:
    header = ["Peak#", "Time", "Area"]
    error = error_for(tmp_path, build(peak_header=header, peaks=[["1", "2.5", "10"]]))
    assert (
        "Unable to find column 'r.time'" in error.message
        and "Found: ['Peak#', 'Time', 'Area']" in error.message
    )
    assert error.line == 17


def test_non_numeric_area_names_line_and_column(tmp_path: Path) -> None:
    peaks = [PEAKS[0], ["2", "4.125", "3.900", "4.400", "lots", "4100", "0.000", "", "", ""]]
    error = error_for(tmp_path, build(peaks=peaks))
    assert (error.line, error.column) == (19, "Area")
    assert "'lots'" in error.message


def test_duplicated_peak_column(tmp_path: Path) -> None:
    header = [*PEAK_HEADER[:5], "Area", *PEAK_HEADER[6:]]
    error = error_for(tmp_path, build(peak_header=header))
    assert "Column 'Area' appears twice" in error.message


def test_duplicated_section(tmp_path: Path) -> None:
    text = build(extra_sections="[Original Files]\nData File\tx.lcd\n\n[Original Files]\nData File\ty.lcd\n")
    assert "appears twice" in error_for(tmp_path, text).message


def test_a_batch_file_is_refused_naming_its_injections(tmp_path: Path) -> None:
    path = write(tmp_path, build() + "\n" + build(sample_name="Sample 2") + "\n" + build(sample_name="S3"))
    error = error_for(tmp_path, path.read_text(encoding="utf-8"))
    assert error.message.startswith(
        f"'{tmp_path / 'bad.txt'}' is a batch file with 3 injections ([Header] at lines 1, "
    )
    assert "Expected one injection per file: export each data file of the batch on its own" in error.message


def test_a_pda_3d_export_is_refused_as_such(tmp_path: Path) -> None:
    text = build(
        extra_sections="[PDA 3D(Detector A)]\nStart Wavelength(nm)\t190\nR.Time (min)\t190\t191\n0.0\t1\t2\n"
    )
    error = error_for(tmp_path, text)
    assert "holds 3D PDA data ([PDA 3D(Detector A)] at line" in error.message
    assert "Expected 2D chromatograms" in error.message


def test_labsolutions_gc_chromatogram_sections_are_traces_without_a_false_warning(tmp_path: Path) -> None:
    text = (
        build()
        .replace("[Peak Table(Detector A-Ch1)]", "[Peak Table(Ch1)]")
        .replace("[Compound Results(Detector A)]", "[Compound Results(Ch1)]")
        .replace("[LC Chromatogram(Detector A-Ch1)]", "[Chromatogram (Ch1)]")
    )
    parsed = parse(write(tmp_path, text))
    assert [t.channel for t in parsed.traces] == ["Ch1"]
    assert parsed.results["signal"].unique().tolist() == ["Ch1"]
    assert parsed.results["area_unit"].tolist() == ["µV*s", "µV*s"]
    assert not any("no chromatogram section" in w for w in parsed.warnings)


@pytest.mark.parametrize("area", ["", "NaN", "n.a."])
def test_a_peak_without_its_area_is_refused_with_line_and_column(tmp_path: Path, area: str) -> None:
    peaks = [PEAKS[0], [*PEAKS[1][:4], area, *PEAKS[1][5:]]]
    error = error_for(tmp_path, build(peaks=peaks))
    assert "where a number is required: every row of [Peak Table(Detector A-Ch1)]" in error.message
    assert (error.line, error.column) == (19, "Area")


def test_unknown_fields_are_kept_and_missing_expected_ones_warned(tmp_path: Path) -> None:
    text = build().replace("Sample Name\tSample 1\n", "").replace("Vial#\t7", "Vial#\t7\nRack\tR2")
    path = write(tmp_path, text)
    parsed = parse(path)
    assert parsed.metadata["rack"] == "R2"
    assert (
        f"'{path}' gives no sample name (looked for 'Sample Name' in [Sample Information]); "
        in parsed.warnings[0]
    )


def test_dates_are_decided_by_every_date_in_the_file_then_the_site(tmp_path: Path) -> None:
    text = build(acquired="02/08/2023 16:11:10").replace(
        "Version\t5.98", "Version\t5.98\nOutput Date\t8/21/2023"
    )
    assert parse(write(tmp_path, text)).metadata["injection_time"] == "2023-02-08T16:11:10"
    hinted = ShimadzuAsciiParser().parse(
        write(tmp_path, build(acquired="02/08/2023 16:11:10")), hints=ParseHints(date_order="month_first")
    )
    assert (hinted.metadata["injection_time"], hinted.warnings) == ("2023-02-08T16:11:10", ())


def test_unreadable_date(tmp_path: Path) -> None:
    error = error_for(tmp_path, build(acquired="yesterday"))
    assert error.column == "Acquired" and "'yesterday'" in error.message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02\xff\xfe\x00\x00binary", "NUL"),
        (b"Sample,Area\n1,2\n", "Unable to find '[Header]'"),
        (b"[Header]\n", "Unable to find any key/value line"),
        (b"[Header]\nApplication Name\tLabSolutions\n", "[Sample Information]"),
    ],
)
def test_not_an_export(tmp_path: Path, content: bytes, fragment: str) -> None:
    assert fragment in error_for(tmp_path, content).message


def test_sniff_never_raises_and_rejects_other_formats(tmp_path: Path) -> None:
    parser = ShimadzuAsciiParser()
    path = tmp_path / "x.txt"
    assert not parser.sniff(b"", path)
    assert not parser.sniff(bytes(range(256)) * 4, path)
    assert not parser.sniff(b"Injection Information:\r\nInjection\tX\r\n", path)
    assert not parser.sniff(b"[Header]\r\nApplication Name\tEmpower\r\n", path)
    assert parser.sniff(b"[Header]\r\nApplication Name\tLCsolution\r\nVer", path)


def test_gcsolution_chromatogram_section_is_a_trace(tmp_path: Path) -> None:
    text = build().replace("LabSolutions", "GCsolution").replace("[LC Chromatogram(", "[GC Chromatogram(")
    path = write(tmp_path, text)
    assert ShimadzuAsciiParser().sniff(text.encode("utf-8"), path)
    parsed = parse(path)
    assert [t.channel for t in parsed.traces] == ["Detector A-Ch1"]
    assert parsed.results["area_unit"].tolist() == ["µV*s", "µV*s"]
