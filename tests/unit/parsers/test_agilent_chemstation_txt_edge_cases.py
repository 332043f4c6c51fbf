"""ChemStation text report parser: edge cases on reports written into tmp_path."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.models import ParsedFile
from parsers import discover_parsers, validate_parsed
from parsers._chemstation.report_fields import file_name, parse_report_date
from parsers.agilent_chemstation_txt.parser import ChemStationTextReportParser

HEADER = """\
Data File C:\\CHEM32\\1\\DATA\\RUN\\S-9.D
Sample Name: S-9

=====================================================================
Acq. Operator   : kim                            Seq. Line :   3
Acq. Instrument : LC 2                            Location : Vial 12
Injection Date  : 3/14/2021 1:02:03 PM                  Inj :   2
                                                Inj Volume : 10 µl
Sequence File   : C:\\Chem32\\1\\DATA\\RUN\\VERY_LONG_SEQUENCE_NAME_THAT_W
                  RAPS.S
Method          : C:\\Chem32\\1\\METHODS\\ASSAY.M
Method Info     : Assay of caffeine

=====================================================================
                     External Standard Report
=====================================================================
"""

# A different template from the real export: other widths, an Amount and a Name column.
TABLE = """\
Signal {n}: DAD1 {ch}, Sig=273,4 Ref=off

RetTime Type    Area     Height   Amount   Name
 [min]        [mAU*s]    [mAU]   [ug/ml]
-------|----|----------|--------|--------|-----------------|
  1.234 BB     120.50000  10.5000  1.20000 Caffeine
  2.500 BV    1.00000e3    2.2500  3.40000 Theobromine
Totals :       {total}   12.7500  4.60000
"""

RULE = "=" * 69
END = f"\n{RULE}\n{' ' * 26}*** End of Report ***\n"


def utf16(path: Path, text: str) -> Path:
    path.write_bytes(codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"))
    return path


def write_report(folder: Path, *tables: str, end: str = END, name: str = "Report.TXT") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return utf16(folder / name, HEADER + "\n".join(tables) + end)


def table(n: int = 1, ch: str = "A", total: str = "1.12050e3") -> str:
    return TABLE.format(n=n, ch=ch, total=total)


def parse(path: Path) -> ParsedFile:
    return validate_parsed(ChemStationTextReportParser().parse(path), file=path)


def test_other_template_columns_come_from_the_separator_line(tmp_path: Path) -> None:
    report = write_report(tmp_path / "S-9.D", table(1, "A"), table(2, "B"))
    parsed = parse(report)
    frame = parsed.results
    assert frame["signal"].tolist() == ["DAD1 A, Sig=273,4 Ref=off"] * 2 + ["DAD1 B, Sig=273,4 Ref=off"] * 2
    assert frame["retention_time_min"].tolist() == [1.234, 2.5, 1.234, 2.5]
    assert frame["area"].tolist() == [120.5, 1000.0, 120.5, 1000.0]
    assert frame["peak_name"].tolist() == ["Caffeine", "Theobromine"] * 2
    assert frame["amount"].tolist() == [1.2, 3.4, 1.2, 3.4]
    assert frame["peak_number"].tolist() == [1, 2, 1, 2]  # no Peak # column: position
    assert frame["area_unit"].unique().tolist() == ["mAU*s"]
    assert parsed.warnings == ()


def test_a_report_printed_with_decimal_commas(tmp_path: Path) -> None:
    text = table().replace("1.234", "1,234").replace("2.500", "2,500").replace("120.50000", "120,50000")
    text = text.replace("1.00000e3", "1,00000e3").replace(".", ",").replace("Totals :", "Totals :")
    frame = parse(write_report(tmp_path / "S-9.D", text)).results
    assert frame["retention_time_min"].tolist() == [1.234, 2.5]
    assert frame["area"].tolist() == [120.5, 1000.0]


def test_header_fields_two_per_line_and_wrapped(tmp_path: Path) -> None:
    meta = parse(write_report(tmp_path / "S-9.D", table())).metadata
    assert meta["sample_name"] == "S-9"
    assert meta["operator"] == "kim"
    assert meta["sequence_line"] == 3
    assert meta["instrument"] == "LC 2"
    assert meta["vial"] == "12"
    assert meta["injection_time"] == "2021-03-14T13:02:03"
    assert meta["injection"] == "2"
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (10.0, "µl")
    assert meta["sequence"] == "VERY_LONG_SEQUENCE_NAME_THAT_WRAPS.S"
    assert meta["method"] == "ASSAY.M"
    assert meta["method_info"] == "Assay of caffeine"
    assert meta["report_title"] == "External Standard Report"
    assert meta["data_file"] == "S-9.D"


def test_totals_disagreeing_with_the_peaks_is_a_warning(tmp_path: Path) -> None:
    parsed = parse(write_report(tmp_path / "S.D", table(total="1.30000e3")))
    assert len(parsed.results) == 2  # the Totals row is not a peak
    (warning,) = parsed.warnings
    assert "gives area 1.30000e3" in warning and "add up to 1120.5" in warning


def test_totals_within_printed_rounding_pass(tmp_path: Path) -> None:
    # 1120.5 printed with 5 significant digits after the point in e-notation: 1.12050e3 (exact) and
    # 1.12051e3 (off by 0.01, within half a unit of the last printed digit plus the rows' rounding).
    assert parse(write_report(tmp_path / "a" / "S.D", table(total="1.12051e3"))).warnings == ()
    assert parse(write_report(tmp_path / "b" / "S.D", table(total="1.12060e3"))).warnings != ()


def test_truncated_report_is_an_error(tmp_path: Path) -> None:
    truncated = table().split("Totals")[0]
    with pytest.raises(ParseError, match=r"ends inside the table of Signal 1 .* truncated") as info:
        parse(write_report(tmp_path / "S.D", truncated, end=""))
    assert info.value.line is not None


def test_missing_end_marker_after_complete_tables_is_a_warning(tmp_path: Path) -> None:
    parsed = parse(write_report(tmp_path / "S.D", table(), end=""))
    assert len(parsed.results) == 2
    assert any("End of Report" in w for w in parsed.warnings)


def test_non_numeric_value_names_the_line_and_column(tmp_path: Path) -> None:
    broken = table().replace("  10.5000", "   n/a?? ")
    with pytest.raises(ParseError, match=r"'n/a\?\?'.*line 22 column 'Height'") as info:
        parse(write_report(tmp_path / "S.D", broken))
    assert info.value.line == 22  # the first peak row: 16 header lines, 5 above the row


def test_duplicated_signal_number_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="Signal 1 appears twice"):
        parse(write_report(tmp_path / "S.D", table(1, "A"), table(1, "B")))


def test_report_without_signal_tables_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"Unable to find any 'Signal N: \.\.\.' table"):
        parse(write_report(tmp_path / "S.D"))


def test_signal_without_peak_table_is_a_warning(tmp_path: Path) -> None:
    empty = "Signal 2: DAD1 B, Sig=230,4 Ref=off\n\n   No peaks found\n"
    parsed = parse(write_report(tmp_path / "S.D", table(1, "A"), empty, table(3, "C")))
    assert parsed.results["signal"].unique().tolist() == [
        "DAD1 A, Sig=273,4 Ref=off",
        "DAD1 C, Sig=273,4 Ref=off",
    ]
    assert any("Signal 2" in w and "no peak table" in w for w in parsed.warnings)


def test_peak_number_gap_is_a_warning(tmp_path: Path) -> None:
    text = """\
Signal 1: DAD1 A, Sig=254,8 Ref=off

Peak RetTime Type  Width     Area      Height     Area
  #   [min]        [min]   [mAU*s]     [mAU]        %
----|-------|----|-------|----------|----------|--------|
   1   1.442 BV    0.4671  831.18597   22.49623  50.0000
   3   2.348 BV    0.1901  831.18597   22.49623  50.0000
Totals :                  1662.37194   44.99246
"""
    parsed = parse(write_report(tmp_path / "S.D", text))
    assert parsed.results["peak_number"].tolist() == [1, 3]
    assert any("numbered [1, 3]" in w for w in parsed.warnings)


def test_value_running_over_a_column_mark_falls_back_to_whitespace_split(tmp_path: Path) -> None:
    text = """\
Signal 1: DAD1 A, Sig=254,8 Ref=off

Peak RetTime Type  Width     Area      Height     Area
  #   [min]        [min]   [mAU*s]     [mAU]        %
----|-------|----|-------|----------|----------|--------|
   1   1.442 BV    0.4671 12345678.123   22.49623 100.0000
Totals :                  1.23457e7   22.49623
"""
    parsed = parse(write_report(tmp_path / "S.D", text))
    assert parsed.results["area"].tolist() == [12345678.123]
    assert parsed.results["height"].tolist() == [22.49623]


def test_sniff_claims_text_reports_only(tmp_path: Path) -> None:
    parser = ChemStationTextReportParser()
    report = write_report(tmp_path / "S.D", table())
    assert parser.sniff(report.read_bytes(), report)
    assert parser.sniff(b"", tmp_path / "S.D")
    shimadzu = tmp_path / "shimadzu.txt"
    shimadzu.write_text("[Header]\nApplication Name\tLabSolutions\n[Peak Table(Detector A)]\n# of Peaks\t1\n")
    assert not parser.sniff(shimadzu.read_bytes(), shimadzu)
    assert not parser.sniff(b"\x00\x01\x02\xff" * 100, tmp_path / "x.txt")
    assert not parser.sniff(b"", tmp_path / "missing.D")
    bare = tmp_path / "bare.D"
    bare.mkdir()
    (bare / "DAD1A.ch").write_bytes(b"\x02")
    assert not parser.sniff(b"", bare)


def test_folder_with_csv_report_goes_to_the_csv_parser_and_without_it_to_this_one(tmp_path: Path) -> None:
    folder = tmp_path / "S.D"
    write_report(folder, table())
    registry = discover_parsers(third_party=False)
    assert registry.choose(folder).name == "agilent_chemstation_txt"
    utf16(
        folder / "Report00.CSV",
        '"Sample Name","S-9",""\n"Number of Signals",1,""\n"Number of Columns",2,""\n'
        '"Column 1","RetTime","min"\n"Column 2","Area",""\n',
    )
    utf16(folder / "REPORT01.CSV", "1.0,2.0\n")
    assert registry.choose(folder).name == "agilent_chemstation_csv"
    assert not ChemStationTextReportParser().sniff(b"", folder)
    assert registry.choose(folder / "Report.TXT").name == "agilent_chemstation_txt"


def test_parsing_a_folder_without_report_txt_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "S.D"
    folder.mkdir()
    with pytest.raises(ParseError, match=r"has no text report \(Report\.TXT"):
        ChemStationTextReportParser().parse(folder)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("28-Jan-22, 11:36:29", "2022-01-28T11:36:29"),
        ("28-Okt-2022, 08:00:00", "2022-10-28T08:00:00"),
        ("9/23/2015 12:43:30 AM", "2015-09-23T00:43:30"),
        ("23.09.2015 00:43:30", "2015-09-23T00:43:30"),
        ("23/09/2015 14:43:30", "2015-09-23T14:43:30"),
        ("2015-09-23 14:43:30", "2015-09-23T14:43:30"),
    ],
)
def test_chemstation_date_formats(text: str, iso: str) -> None:
    stamp = parse_report_date(text)
    assert stamp is not None and stamp.isoformat() == iso


@pytest.mark.parametrize("text", ["", "yesterday", "31-Foo-22, 11:00:00", "32.01.2020 10:00:00"])
def test_unknown_dates_give_none(text: str) -> None:
    assert parse_report_date(text) is None


def test_file_name_of_windows_paths() -> None:
    assert file_name("C:\\A\\B\\RAYKODTA.M (Sequence Method)") == "RAYKODTA.M"
    assert file_name("C:\\A\\run.D\\") == "run.D"
    assert file_name("plain.S") == "plain.S"


def test_table_interrupted_by_a_page_break_keeps_all_peaks(tmp_path: Path) -> None:
    text = """\
Signal 1: DAD1 A, Sig=254,8 Ref=off

Peak RetTime Type  Width     Area      Height     Area
  #   [min]        [min]   [mAU*s]     [mAU]        %
----|-------|----|-------|----------|----------|--------|
   1   1.442 BV    0.4671  831.18597   22.49623  50.0000

Instrument 1 3/14/2021 2:00:00 PM kim                                  Page 1 of 2
\f
Data File C:\\CHEM32\\1\\DATA\\RUN\\S-9.D
Sample Name: S-9

Peak RetTime Type  Width     Area      Height     Area
  #   [min]        [min]   [mAU*s]     [mAU]        %
----|-------|----|-------|----------|----------|--------|
   2   2.348 BV    0.1901  831.18597   22.49623  50.0000
Totals :                  1662.37194   44.99246
"""
    parsed = parse(write_report(tmp_path / "S.D", text))
    assert parsed.results["peak_number"].tolist() == [1, 2]
    assert parsed.results["retention_time_min"].tolist() == [1.442, 2.348]
    assert parsed.warnings == ()


def test_a_text_report_under_another_name_is_found_by_its_content(tmp_path: Path) -> None:
    folder = tmp_path / "S-9.D"
    write_report(folder, table(), name="S9_Kurzbericht.txt")
    (folder / "notes.txt").write_text("not a report\n", encoding="utf-8")
    registry = discover_parsers(third_party=False)
    assert registry.choose(folder).name == "agilent_chemstation_txt"
    assert registry.parse(folder).results["area"].tolist() == [120.5, 1000.0]


def test_summed_peaks_sections_do_not_repeat_the_signals(tmp_path: Path) -> None:
    summed = f"\n{RULE}\n{' ' * 26}Summed Peaks Report\n{RULE}\n\n" + "Signal 1: DAD1 A, Sig=273,4 Ref=off\n"
    parsed = parse(write_report(tmp_path / "S-9.D", table(1, "A"), summed + "\n" + table(1, "A")))
    assert parsed.results["signal"].tolist() == ["DAD1 A, Sig=273,4 Ref=off"] * 2


def test_an_iso_date_with_a_12_hour_clock(tmp_path: Path) -> None:
    report = write_report(tmp_path / "S-9.D", table())
    text = report.read_bytes().decode("utf-16").replace("3/14/2021 1:02:03 PM", "2021-03-14 1:02:03 PM ")
    utf16(report, text.replace("\r\n", "\n"))
    assert parse(report).metadata["injection_time"] == "2021-03-14T13:02:03"


def test_a_report_without_its_peak_table_separator_is_a_near_miss(tmp_path: Path) -> None:
    head = (HEADER + "Signal 1: DAD1 A\n").encode("utf-8")
    miss = ChemStationTextReportParser().near_miss(head, tmp_path / "Report.TXT")
    assert miss is not None and miss.looks_like == "a ChemStation text report"
    assert miss.lacks == "has no peak table separator line ('----|-------|') in its first 64 KiB"
