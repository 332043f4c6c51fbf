"""Chromeleon text parser on hand-made exports: layouts, peak tables, and damage it must report."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints
from parsers import validate_parsed
from parsers.thermo_chromeleon_txt.parser import ChromeleonTextParser

DATA = ["0,000000\tn.a.\t1,500000", "0,016667\t1\t2,250000", "0,033333\t1\t-0,125000"]


def build(
    *,
    date: str = "26.05.2017",
    points: int | None = None,
    data: list[str] | None = None,
    value_header: str = "Time (min)\tStep (s)\tValue (mAU)",
    peak_section: list[str] | None = None,
) -> str:
    rows = DATA if data is None else data
    lines = [
        "File Path\tchrom://pc/ChromeleonLocal/Data/Demo.seq/1.smp/UV_VIS_1.channel/UV_VIS_1.chm",
        "Channel\tUV_VIS_1",
        "",
        "Injection Information:",
        "Injection\tSMP-021",
        "Injection Number\t3",
        "Position\tRA5",
        "Instrument Method\tGradient 20 min",
        "Type\tUnknown",
        f"Injection Date\t{date}",
        "Injection Time\t09:15:00",
        "Injection Volume (µl)\t2,5",
        "",
        "Chromatogram Data Information:",
        f"Data Points\t{len(rows) if points is None else points}",
        "Signal Unit\tmAU",
        "",
        *(peak_section or []),
        "",
        "Chromatogram Data:",
        value_header,
        *rows,
    ]
    return "\r\n".join(lines) + "\r\n"


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / "export.txt"
    path.write_bytes(text.encode(encoding))
    return path


def parse(path: Path) -> ParsedFile:
    return validate_parsed(ChromeleonTextParser().parse(path), file=path)


def test_trace_only_export(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, build()))
    assert parsed.results.empty
    assert parsed.metadata["sample_name"] == "SMP-021"
    assert parsed.metadata["sequence"] == "Demo"
    assert (parsed.metadata["injection_volume"], parsed.metadata["injection_volume_unit"]) == (2.5, "µL")
    (trace,) = parsed.traces
    assert (trace.channel, trace.signal_unit) == ("UV_VIS_1", "mAU")
    assert trace.data.values.tolist() == [[0.0, 1.5], [0.016667, 2.25], [0.033333, -0.125]]


def test_time_in_seconds_is_converted_to_minutes(tmp_path: Path) -> None:
    data = ["0\t1\t1,0", "30\t1\t2,0", "60\t1\t3,0"]
    parsed = parse(write(tmp_path, build(data=data, value_header="Time (s)\tStep (s)\tValue (mAU)")))
    assert parsed.traces[0].data["time_min"].tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize(
    ("date", "expected", "warned"),
    [
        ("26.05.2017", "2017-05-26T09:15:00", False),
        ("5/26/2017", "2017-05-26T09:15:00", False),
        ("2017-05-26", "2017-05-26T09:15:00", False),
        ("05/06/2017", "2017-06-05T09:15:00", True),
    ],
)
def test_injection_dates_in_several_locales(tmp_path: Path, date: str, expected: str, warned: bool) -> None:
    parsed = parse(write(tmp_path, build(date=date)))
    assert parsed.metadata["injection_time"] == expected
    assert bool(parsed.warnings) is warned


def test_integration_results_become_result_rows(tmp_path: Path) -> None:
    section = [
        "Integration Results:",
        "No.\tPeak Name\tRetention Time (min)\tArea (mAU*min)\tHeight (mAU)\tRel.Area (%)\tAmount\tType",
        "1\tUracil\t1,234\t0,512\t10,20\t20,00\tn.a.\tBMB",
        "2\tCaffeine\t3,456\t2,048\t40,80\t80,00\t12,5\tBM",
        "Total:\t\t\t2,560\t51,00\t100,00\t12,5\t",
    ]
    parsed = parse(write(tmp_path, build(peak_section=section)))
    results = parsed.results
    assert results["peak_name"].tolist() == ["Uracil", "Caffeine"]
    assert results["peak_number"].tolist() == [1, 2]
    assert results["retention_time_min"].tolist() == [1.234, 3.456]
    assert results["area"].tolist() == [0.512, 2.048]
    assert results["area_unit"].tolist() == ["mAU*min", "mAU*min"]
    assert results["height_unit"].tolist() == ["mAU", "mAU"]
    assert results["area_percent"].tolist() == [20.0, 80.0]
    assert results["amount"].isna().tolist() == [True, False]
    assert results["signal"].tolist() == ["UV_VIS_1", "UV_VIS_1"]
    assert results["sample_name"].tolist() == ["SMP-021", "SMP-021"]
    assert results["peak_type"].tolist() == ["BMB", "BM"]


def test_cp1252_export_without_bom(tmp_path: Path) -> None:
    text = build().replace("SMP-021", "Probe Müller")
    parsed = parse(write(tmp_path, text, encoding="cp1252"))
    assert parsed.metadata["sample_name"] == "Probe Müller"
    assert parsed.provenance.encoding == "cp1252"


def error_for(tmp_path: Path, text: str | bytes) -> ParseError:
    path = tmp_path / "bad.txt"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(ParseError) as info:
        ChromeleonTextParser().parse(path)
    assert str(path) in info.value.message
    return info.value


def test_truncated_data_reports_the_point_count(tmp_path: Path) -> None:
    error = error_for(tmp_path, build(points=10))
    assert "announces 10 data points but section 'Chromatogram Data:' holds 3" in error.message


def test_non_numeric_value_names_line_and_column(tmp_path: Path) -> None:
    error = error_for(tmp_path, build(data=[*DATA[:2], "0,05\t1\tabc"]))
    assert (error.line, error.column) == (23, "Value (mAU)")


def test_missing_value_column(tmp_path: Path) -> None:
    error = error_for(tmp_path, build(value_header="Time (min)\tStep (s)\tSignal"))
    assert "Unable to find columns 'Time (min)' and 'Value'" in error.message


def test_peak_table_without_area_column(tmp_path: Path) -> None:
    section = ["Integration Results:", "No.\tPeak Name\tRetention Time (min)", "1\tX\t1,0"]
    error = error_for(tmp_path, build(peak_section=section))
    assert "Unable to find column 'area'" in error.message and error.line == 19


def test_duplicated_section(tmp_path: Path) -> None:
    text = build(peak_section=["Injection Information:", "Injection\tagain"])
    assert "appears twice" in error_for(tmp_path, text).message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty"),
        (b"\x00\x00\x00\x00", "NUL"),
        (b"Time\tValue\r\n1\t2\r\n", "Unable to find a Chromeleon"),
    ],
)
def test_not_an_export(tmp_path: Path, content: bytes, fragment: str) -> None:
    assert fragment in error_for(tmp_path, content).message


def test_sniff(tmp_path: Path) -> None:
    parser = ChromeleonTextParser()
    path = tmp_path / "x.txt"
    assert parser.sniff(build().encode("utf-8-sig")[:300], path)
    assert not parser.sniff(b"", path)
    assert not parser.sniff(bytes(range(256)), path)
    assert not parser.sniff(b"[Header]\nApplication Name\tLabSolutions\n[Sample Information]\n", path)


def test_the_day_month_order_comes_from_every_date_in_the_file(tmp_path: Path) -> None:
    # "05/06/2017" alone is ambiguous; a "Last Update 5/26/2017" elsewhere in the file shows month first.
    text = build(date="05/06/2017").replace(
        "Type\tUnknown", "Type\tUnknown\r\nLast Update\t5/26/2017 10:00:00"
    )
    parsed = parse(write(tmp_path, text))
    assert parsed.metadata["injection_time"] == "2017-05-06T09:15:00"
    assert parsed.metadata["last_update"] == "5/26/2017 10:00:00"
    assert parsed.warnings == ()


def test_the_site_setting_decides_an_ambiguous_date_the_file_cannot(tmp_path: Path) -> None:
    path = write(tmp_path, build(date="05/06/2017"))
    parsed = ChromeleonTextParser().parse(path, hints=ParseHints(date_order="month_first"))
    assert parsed.metadata["injection_time"] == "2017-05-06T09:15:00" and parsed.warnings == ()


def test_dates_written_in_both_orders_are_refused(tmp_path: Path) -> None:
    text = build(date="13/05/2017").replace("Type\tUnknown", "Type\tUnknown\r\nLast Update\t5/26/2017")
    error = error_for(tmp_path, text)
    assert "both day first ('13/05/2017') and month first ('5/26/2017')" in error.message


def test_an_injection_time_with_its_offset_is_kept(tmp_path: Path) -> None:
    text = build().replace("Injection Time\t09:15:00", "Injection Time\t09:15:00 +02:00")
    assert parse(write(tmp_path, text)).metadata["injection_time"] == "2017-05-26T09:15:00+02:00"


def test_missing_expected_fields_are_warnings(tmp_path: Path) -> None:
    text = build().replace("Injection\tSMP-021\r\n", "").replace("Injection Date\t26.05.2017\r\n", "")
    path = write(tmp_path, text)
    parsed = parse(path)
    assert parsed.warnings == (
        f"'{path}' gives no sample name (looked for 'Injection', 'Name', 'Injection Name' or 'Sample'); "
        "sample_name is left empty.",
        f"'{path}' gives no injection time (looked for 'Injection Date' with 'Injection Time', 'Inject Time' "
        "or 'Injection Date/Time'); injection_time is left empty.",
    )


def test_unknown_fields_are_kept_under_their_own_names(tmp_path: Path) -> None:
    text = build().replace("Type\tUnknown", "Type\tUnknown\r\nColumn Serial No.\tAC-4711")
    assert parse(write(tmp_path, text)).metadata["column_serial_no"] == "AC-4711"


@pytest.mark.parametrize("area", ["n.a.", "", "NaN"])
def test_a_peak_with_a_retention_time_but_no_area_is_refused(tmp_path: Path, area: str) -> None:
    section = [
        "Integration Results:",
        "No.\tPeak Name\tRetention Time (min)\tArea (mAU*min)",
        f"1\tUracil\t1,234\t{area}",
    ]
    error = error_for(tmp_path, build(peak_section=section))
    assert "where a number is required: every peak needs its area" in error.message
    assert (error.line, error.column) == (20, "Area (mAU*min)")


def test_near_miss_names_what_a_chromeleon_like_file_lacks(tmp_path: Path) -> None:
    text = b"Injection\tX\r\nInstrument Method\tM\r\nInjection Volume\t5\r\nData Vault\tV\r\n"
    miss = ChromeleonTextParser().near_miss(text, tmp_path / "x.txt")
    assert miss is not None and miss.looks_like == "a Chromeleon text export"
    assert "has none of its section titles" in miss.lacks
