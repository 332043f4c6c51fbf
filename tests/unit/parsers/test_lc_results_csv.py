"""The LC results CSV parser (lc_results_csv): header matching, numbers, run metadata, chromatograms."""

from __future__ import annotations

import codecs
import math
from pathlib import Path

import pandas as pd
import pytest

from ingest.contract import RESULT_COLUMNS
from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints
from parsers import validate_parsed
from parsers.lc_results_csv.parser import LcResultsCsvParser

HEADER = "Sample ID,Sample Name,Injection Date,Instrument,Peak,Peak Name,RT (min),Area,Height,Area %"


def write(tmp_path: Path, text: str, name: str = "run42.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def parse(path: Path) -> ParsedFile:
    return validate_parsed(LcResultsCsvParser().parse(path), file=path)


def test_reads_rows_into_normalized_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + "\nSMP-001,Std 1,2026-11-02 09:15,HPLC-01,1,Caffeine,3.42,316.3,32.28,97.9\n"
        "SMP-002,Std 2,2026-11-02 09:15,HPLC-01,1,Caffeine,3.43,790.6,80.6,100\n",
    )
    parsed = parse(path)
    frame = parsed.results
    assert list(frame.columns) == list(RESULT_COLUMNS)
    assert frame["sample_id"].tolist() == ["SMP-001", "SMP-002"]
    assert frame["retention_time_min"].tolist() == [3.42, 3.43]
    assert frame["peak_number"].tolist() == [1, 1]
    assert frame["area_percent"].tolist() == [97.9, 100.0]
    assert frame["area_unit"].isna().all()
    assert parsed.metadata == {"injection_time": "2026-11-02T09:15:00", "instrument": "HPLC-01"}
    assert parsed.provenance.parser == "lc_results_csv" and parsed.provenance.encoding == "utf-8"


def test_headers_match_case_space_insensitively_and_through_aliases(tmp_path: Path) -> None:
    path = write(tmp_path, "sample_id ; RETENTION TIME;  area ;compound\nSMP-001;1,5;10,25;Caffeine\n")
    frame = parse(path).results
    assert frame["retention_time_min"].tolist() == [1.5]
    assert frame["area"].tolist() == [10.25]
    assert frame["peak_name"].tolist() == ["Caffeine"]


def test_units_in_headers_fill_unit_columns_and_seconds_become_minutes(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT (s),Area [mAU*s],Height (mAU)\nSMP-001,90,10,2\n")
    frame = parse(path).results
    assert frame["retention_time_min"].tolist() == [1.5]
    assert frame["area_unit"].tolist() == ["mAU*s"]
    assert frame["height_unit"].tolist() == ["mAU"]


def test_unit_column_wins_over_header_unit_where_filled(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT (min),Area [mAU*s],Area Unit\nSMP-001,1,10,pA*s\nSMP-002,2,20,\n")
    assert parse(path).results["area_unit"].tolist() == ["pA*s", "mAU*s"]


def test_unknown_retention_time_unit_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT (h),Area\nSMP-001,1,10\n")
    with pytest.raises(ParseError, match=r"Unable to use unit 'h' of column 'RT \(h\)' in 'run42.csv'"):
        parse(path)


def test_missing_required_column_names_it_and_lists_what_was_found(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,Area\nSMP-001,10\n")
    with pytest.raises(ParseError) as info:
        parse(path)
    assert str(info.value) == "Unable to find column 'RT (min)' in 'run42.csv'. Found: ['Sample ID', 'Area']"
    assert info.value.column == "RT (min)"


def test_non_numeric_value_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT (min),Area\nSMP-001,1.2,10\nSMP-002,1.3,abc\n")
    with pytest.raises(ParseError) as info:
        parse(path)
    assert str(info.value).startswith("Unable to read 'abc' as a number in 'run42.csv' line 3 column 'Area'.")
    assert (info.value.line, info.value.column) == (3, "Area")


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'Sample ID,Sample Name,RT (min),Area\n\nSMP-001,"two\nlines",1.2,10\nSMP-002,x,1.3,oops\n'
    )
    with pytest.raises(ParseError) as info:
        parse(path)
    assert info.value.line == 5


def test_a_quoted_decimal_comma_in_a_comma_delimited_file_is_read_by_its_evidence(tmp_path: Path) -> None:
    path = write(tmp_path, 'Sample ID,RT (min),Area\nSMP-001,"1,5","1.052,25"\n')
    frame = parse(path).results
    assert (frame["retention_time_min"].tolist(), frame["area"].tolist()) == ([1.5], [1052.25])


def test_thousands_grouping_is_told_apart_from_the_decimal_mark_by_the_column(tmp_path: Path) -> None:
    path = write(tmp_path, 'Sample ID,RT (min),Area\nSMP-001,1.5,"1,052.045776"\nSMP-001,2.5,"1,052"\n')
    assert parse(path).results["area"].tolist() == [1052.045776, 1052.0]


def test_a_value_contradicting_the_decided_decimal_mark_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID;RT (min);Area\nSMP-001;1.5;10.25\nSMP-001;2.5;12,5\n")
    with pytest.raises(
        ParseError, match=r"'12,5' as a number in 'run42.csv' line 3 column 'Area'.*decimal point"
    ):
        parse(path)


def test_an_undecidable_thousands_value_is_refused_unless_the_site_says(tmp_path: Path) -> None:
    path = write(tmp_path, 'Sample ID,RT (min),Area\nSMP-001,2,"1,052"\n')
    with pytest.raises(ParseError, match=r"'1,052'.*line 2 column 'Area'.*nothing in the file shows"):
        parse(path)
    parsed = LcResultsCsvParser().parse(path, hints=ParseHints(decimal="comma"))
    assert parsed.results["area"].tolist() == [1.052]


def test_missing_markers_become_nulls_where_a_value_is_optional(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT (min),Area,Height,Area %\nSMP-001,1.2,3,n.a.,-\n")
    frame = parse(path).results
    assert frame["height"].isna().all() and frame["area_percent"].isna().all()


@pytest.mark.parametrize(("cell", "shown"), [("NaN", "'NaN'"), ("n.a.", "'n.a.'"), ("", "a blank cell")])
def test_a_missing_area_or_retention_time_is_refused_with_its_line(
    tmp_path: Path, cell: str, shown: str
) -> None:
    path = write(tmp_path, f"Sample ID,RT (min),Area\nSMP-001,1.2,3\nSMP-001,2.2,{cell}\n")
    with pytest.raises(ParseError) as info:
        parse(path)
    assert str(info.value).startswith(
        f"Found {shown} in 'run42.csv' line 3 column 'Area' where a number is required"
    )
    assert (info.value.line, info.value.column) == (3, "Area")


def test_non_integer_peak_number_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,Peak,RT (min),Area\nSMP-001,1.5,1.2,10\n")
    with pytest.raises(ParseError, match=r"as a whole number in 'run42.csv' line 2 column 'Peak'"):
        parse(path)


def test_duplicated_header_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT (min),Area,area\nSMP-001,1,2,3\n")
    with pytest.raises(
        ParseError, match=r"Column header 'area' appears twice in 'run42.csv' \(columns 3 and 4\)"
    ):
        parse(path)


def test_two_aliases_of_one_column_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT,Retention Time,Area\nSMP-001,1,1,2\n")
    with pytest.raises(ParseError, match=r"Columns 'RT' and 'Retention Time' of 'run42.csv' both mean 'RT"):
        parse(path)


@pytest.mark.parametrize(
    ("column", "values"),
    [("Injection Date", ("2026-11-02 09:15", "2026-11-03 09:15")), ("Instrument", ("HPLC-01", "HPLC-02"))],
)
def test_a_file_must_hold_one_run(tmp_path: Path, column: str, values: tuple[str, str]) -> None:
    path = write(
        tmp_path, f"Sample ID,RT (min),Area,{column}\nSMP-001,1,2,{values[0]}\nSMP-002,1,2,{values[1]}\n"
    )
    with pytest.raises(ParseError, match=rf"several values in column '{column}'.*Expected one run per file"):
        parse(path)


def test_injection_date_must_be_a_date(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT (min),Area,Injection Date\nSMP-001,1,2,yesterday\n")
    with pytest.raises(ParseError, match=r"'yesterday' as a date and time in 'run42.csv' line 2"):
        parse(path)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("02.11.2026 09:15", "2026-11-02T09:15:00"),
        ("11/2/2026 9:15 AM", "2026-11-02T09:15:00"),
        ('"2-Nov-26, 09:15:00"', "2026-11-02T09:15:00"),
        ("2026-11-02 9:15:00 PM", "2026-11-02T21:15:00"),
    ],
)
def test_injection_date_in_a_locale_format(tmp_path: Path, written: str, expected: str) -> None:
    path = write(tmp_path, f"Sample ID,RT (min),Area,Injection Date\nSMP-001,1,2,{written}\n")
    assert parse(path).metadata["injection_time"] == expected


def test_injection_date_keeps_its_utc_offset(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT (min),Area,Injection Date\nSMP-001,1,2,2026-11-02T09:15:00Z\n")
    assert parse(path).metadata["injection_time"] == "2026-11-02T09:15:00+00:00"


def test_constant_columns_become_metadata_and_extras_are_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Sample ID,RT (min),Area,Operator,Injection Volume (µL),Comment\n"
        "SMP-001,1,2,jdoe,10,ok\nSMP-001,2,3,jdoe,10,shoulder\n",
    )
    parsed = parse(path)
    assert parsed.metadata["sample_id"] == "SMP-001"
    assert parsed.metadata["operator"] == "jdoe"
    assert parsed.metadata["injection_volume"] == 10.0
    assert parsed.metadata["injection_volume_unit"] == "µL"
    assert "comment" not in parsed.metadata
    assert parsed.results["comment"].tolist() == ["ok", "shoulder"]
    assert parsed.results["injection_volume"].dtype == pd.ArrowDtype(__import__("pyarrow").float64())


def test_trailing_delimiter_columns_without_header_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT (min),Area,\nSMP-001,1,2,\n")
    assert parse(path).results["area"].tolist() == [2.0]


def test_ragged_row_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "Sample ID,RT (min),Area\nSMP-001,1,2\nSMP-002,1\n")
    with pytest.raises(ParseError, match=r"line 3 has 2 fields. Expected 3"):
        parse(path)


def test_a_header_only_file_is_refused_not_a_run_with_no_results(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"'run42.csv' has a header row but no result rows") as info:
        parse(write(tmp_path, "Sample ID,RT (min),Area\n"))
    assert info.value.line == 2


def test_a_column_with_values_under_a_blank_header_is_kept_with_a_warning(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "Sample ID,RT (min),,Area\nSMP-001,1,lot 7,2\n"))
    assert parsed.results["unnamed_column_3"].tolist() == ["lot 7"]
    assert any("Column 3 of 'run42.csv' has values but a blank header cell" in w for w in parsed.warnings)


def test_an_export_without_a_chromatogram_column_is_warned_about(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "Sample ID,RT (min),Area\nSMP-001,1,2\n"))
    assert parsed.warnings == (
        "'run42.csv' has no 'Chromatogram' column naming its trace file; the run gets no chromatogram "
        "(add the column to the export to attach one).",
    )


@pytest.mark.parametrize("line_end", ["\r", "\r\n", "\n"])
def test_any_line_end_is_read(tmp_path: Path, line_end: str) -> None:
    path = write(tmp_path, line_end.join(["Sample ID,RT (min),Area", "SMP-001,1,2", "SMP-002,3,4", ""]))
    assert parse(path).results["area"].tolist() == [2.0, 4.0]


def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    rows = ["SMP-001,1,2"] * 3 + ['SMP-004,"1,2'] + ["SMP-005,1,2"] * 4
    path = write(tmp_path, "\n".join(["Sample ID,RT (min),Area", *rows, ""]))
    with pytest.raises(ParseError, match=r"the quoted cell that opens on line 5 is never closed") as info:
        parse(path)
    assert info.value.line == 5


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8-sig", "utf-8"), ("utf-16", "utf-16"), ("cp1252", None)]
)
def test_reads_bom_utf16_and_windows_code_pages(tmp_path: Path, encoding: str, expected: str | None) -> None:
    path = write(
        tmp_path, "Sample ID\tSample Name\tRT (min)\tArea\r\nSMP-001\tLösung\t1,5\t2\r\n", encoding=encoding
    )
    parsed = parse(path)
    assert parsed.results["sample_name"].tolist() == ["Lösung"]
    assert parsed.results["retention_time_min"].tolist() == [1.5]
    if expected:
        assert parsed.provenance.encoding == expected
    else:
        assert parsed.provenance.encoding in {"cp1250", "cp1252"}


def test_chromatogram_trace_is_read_and_attached(tmp_path: Path) -> None:
    (tmp_path / "run42_trace.csv").write_text("time_min,signal [mAU]\n0,1\n0.5,3.5\n1,2\n", encoding="utf-8")
    path = write(
        tmp_path, "Sample ID,Signal,RT (min),Area,Chromatogram\nSMP-001,UV 254,0.5,2,run42_trace.csv\n"
    )
    parsed = parse(path)
    assert parsed.attachments == (tmp_path / "run42_trace.csv",)
    (trace,) = parsed.traces
    assert (trace.channel, trace.signal_unit) == ("UV 254", "mAU")
    assert trace.data["signal"].tolist() == [1.0, 3.5, 2.0]
    assert parsed.results["chromatogram"].tolist() == ["run42_trace.csv"]


def test_image_chromatogram_is_attached_without_a_trace(tmp_path: Path) -> None:
    (tmp_path / "run42.png").write_bytes(b"\x89PNG\r\n")
    parsed = parse(write(tmp_path, "Sample ID,RT (min),Area,Chromatogram\nSMP-001,0.5,2,run42.png\n"))
    assert parsed.attachments == (tmp_path / "run42.png",) and parsed.traces == ()


def test_missing_chromatogram_is_a_warning(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "Sample ID,RT (min),Area,Chromatogram\nSMP-001,0.5,2,gone.csv\n"))
    assert parsed.attachments == () and parsed.traces == ()
    assert parsed.warnings == (
        "Chromatogram file 'gone.csv' named in 'run42.csv' was not found beside it; no trace was read and "
        "nothing is attached for it.",
    )


@pytest.mark.parametrize("name", ["../outside.csv", "/etc/passwd"])
def test_chromatogram_outside_the_folder_is_rejected(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (tmp_path / "outside.csv").write_text("time_min,signal\n0,1\n", encoding="utf-8")
    path = write(folder, f"Sample ID,RT (min),Area,Chromatogram\nSMP-001,0.5,2,{name}\n")
    with pytest.raises(ParseError, match=r"points outside the export's folder"):
        parse(path)


def test_bad_trace_file_is_a_parse_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("time_min,signal\n0,1\n0.1,high\n", encoding="utf-8")
    path = write(tmp_path, "Sample ID,RT (min),Area,Chromatogram\nSMP-001,0.5,2,t.csv\n")
    with pytest.raises(ParseError, match=r"'high' as a number in 't.csv' line 3 column 'signal'"):
        parse(path)


def test_sniff_accepts_the_format_and_declines_others(tmp_path: Path) -> None:
    parser = LcResultsCsvParser()
    assert parser.sniff(b"Sample ID;RT (min);Area [mAU*s]\r\nSMP", tmp_path / "a.csv")
    assert parser.sniff(codecs.BOM_UTF16_LE + "Sample ID\tRT\tArea\n".encode("utf-16-le"), tmp_path / "a.csv")
    assert not parser.sniff(b"# Plate: PLT-1\nWell,Sample ID,Absorbance\n", tmp_path / "a.csv")
    assert not parser.sniff(b"Time,Signal\n0,1\n", tmp_path / "a.csv")
    assert not parser.sniff(bytes(range(256)), tmp_path / "a.csv")
    assert not parser.sniff(b"", tmp_path / "a.csv")


def test_large_values_and_exponents(tmp_path: Path) -> None:
    frame = parse(write(tmp_path, "Sample ID,RT (min),Area\nSMP-001,1e0,6.48446e-1\n")).results
    assert math.isclose(frame["area"].iloc[0], 0.648446)
