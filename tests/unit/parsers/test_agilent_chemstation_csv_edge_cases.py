"""ChemStation CSV report parser: edge cases on reports written into tmp_path."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints
from parsers import discover_parsers, validate_parsed
from parsers.agilent_chemstation_csv.parser import ChemStationCsvReportParser

HEADER_FIELDS = [
    '"Sample Name","S-042",""',
    '"Data File","C:\\Data\\run\\","S-042.D"',
    '"Acq. Instrument","LC-7",""',
    '"Acq. Method","assay.M",""',
    '"Injection Date","03-Feb-23, 09:05:01",""',
    '"Acq. Operator","jdoe",""',
    '"Location","P1-A-01",""',
    '"Inj",2,""',
    '"Inj Volume",5,"µl"',
    '"Sequence File","C:\\Seq\\","daily.S"',
]
COLUMNS = [
    '"Number of Columns",7,""',
    '"Column 1","Peak Number",""',
    '"Column 2","Retention Time","min"',
    '"Column 3","Peak Type",""',
    '"Column 4","Peak Width","min"',
    '"Column 5","  Area  "," [mAU*s] "',
    '"Column 6","Height","  [mAU]  "',
    '"Column 7","  Area   %",""',
]
TABLE_1 = ['1,1.25,"BB  ",0.05,100.5,20.25,40', '2,2.5,"BV E",0.07,150.75,30,60']
TABLE_2 = ['1,1.3,"BB  ",0.04,10,2,100']


def utf16(path: Path, lines: list[str]) -> Path:
    path.write_bytes(codecs.BOM_UTF16_LE + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))
    return path


def report(
    folder: Path,
    *,
    signals: int = 2,
    header: list[str] | None = None,
    columns: list[str] | None = None,
    tables: list[list[str]] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    signal_rows = [f'"Number of Signals",{signals},""'] + [
        f'"Signal {n}","DAD1 {"ABCDEFGH"[n - 1]}, Sig=2{n}0,4 Ref=off",""' for n in range(1, signals + 1)
    ]
    utf16(
        folder / "Report00.CSV",
        (HEADER_FIELDS if header is None else header) + signal_rows + (columns or COLUMNS),
    )
    for number, rows in enumerate([TABLE_1, TABLE_2] if tables is None else tables, start=1):
        utf16(folder / f"REPORT{number:02d}.CSV", rows)
    return folder


def parse(path: Path) -> ParsedFile:
    return validate_parsed(ChemStationCsvReportParser().parse(path), file=path)


def test_synthetic_folder_rows_units_and_metadata(tmp_path: Path) -> None:
    folder = report(tmp_path / "S-042.D")
    parsed = parse(folder)
    frame = parsed.results
    assert frame["signal"].tolist() == ["DAD1 A, Sig=210,4 Ref=off"] * 2 + ["DAD1 B, Sig=220,4 Ref=off"]
    assert frame["retention_time_min"].tolist() == [1.25, 2.5, 1.3]
    assert frame["area"].tolist() == [100.5, 150.75, 10.0]
    assert frame["peak_type"].tolist() == ["BB", "BV E", "BB"]
    assert frame["area_unit"].unique().tolist() == ["mAU*s"]
    assert parsed.metadata["injection_time"] == "2023-02-03T09:05:01"
    assert parsed.metadata["vial"] == "P1-A-01"
    assert parsed.metadata["injection"] == "2"
    assert parsed.metadata["sequence"] == "daily.S"
    assert parsed.metadata["data_file"] == "S-042.D"
    assert parsed.attachments == ()
    assert parsed.warnings == ()


def test_sniff_claims_report00_and_folder_but_not_other_csvs(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D")
    parser = ChemStationCsvReportParser()
    report00 = folder / "Report00.CSV"
    assert parser.sniff(report00.read_bytes(), report00)
    assert parser.sniff(b"", folder)
    table = folder / "REPORT01.CSV"
    assert not parser.sniff(table.read_bytes(), table)
    results_csv = tmp_path / "results.csv"
    results_csv.write_text("Sample ID,RT,Area\nS1,1.2,30\n", encoding="utf-8")
    assert not parser.sniff(results_csv.read_bytes(), results_csv)
    assert not parser.sniff(b"\x00\xff\x10binary", tmp_path / "x.csv")
    assert not parser.sniff(b"", tmp_path / "missing.D")
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "Report00.CSV").write_bytes(report00.read_bytes())
    assert not parser.sniff(b"", plain)  # only a .D folder is a unit


def test_fewer_peak_tables_than_declared_signals_is_an_error(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D", signals=3)
    with pytest.raises(ParseError, match=r"declares 3 signals.*REPORT01.CSV to REPORT03.CSV") as info:
        parse(folder)
    assert info.value.column == "Number of Signals"
    assert info.value.file == folder / "Report00.CSV"


def test_more_peak_tables_than_declared_signals_is_an_error(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D", signals=1)
    with pytest.raises(ParseError, match=r"declares 1 signals.*'REPORT02.CSV'"):
        parse(folder)


def test_row_with_missing_value_names_file_and_line(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D", tables=[TABLE_1, ['1,1.3,"BB",0.04,10,2']])
    with pytest.raises(ParseError, match=r"line 1 has 6 values\. Expected 7") as info:
        parse(folder)
    assert info.value.file == folder / "REPORT02.CSV"
    assert info.value.line == 1


def test_non_numeric_area_names_line_and_column(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D", tables=[[TABLE_1[0], '2,2.5,"BV",0.07,lots,30,60'], TABLE_2])
    with pytest.raises(ParseError, match=r"'lots'.*line 2 column 'Area'") as info:
        parse(folder)
    assert (info.value.line, info.value.column) == (2, "Area")


def test_missing_number_of_signals(tmp_path: Path) -> None:
    folder = tmp_path / "S.D"
    folder.mkdir()
    utf16(folder / "Report00.CSV", HEADER_FIELDS + COLUMNS)
    with pytest.raises(ParseError, match="Unable to find the field 'Number of Signals'"):
        parse(folder)


def test_missing_area_column_lists_the_columns_found(tmp_path: Path) -> None:
    columns = [
        '"Number of Columns",2,""',
        '"Column 1","Peak Number",""',
        '"Column 2","Retention Time","min"',
    ]
    folder = report(tmp_path / "S.D", columns=columns, tables=[["1,1.0"], ["1,2.0"]])
    with pytest.raises(
        ParseError, match=r"Unable to find the area column .* Found: \['Peak Number', 'Retention"
    ):
        parse(folder)


def test_duplicated_column_declaration(tmp_path: Path) -> None:
    columns = [*COLUMNS[:-1], '"Column 7","Area",""']
    folder = report(tmp_path / "S.D", columns=columns)
    with pytest.raises(ParseError, match=r"name \['area'\] more than once"):
        parse(folder)


def test_column_count_must_match_column_fields(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D", columns=['"Number of Columns",8,""', *COLUMNS[1:]])
    with pytest.raises(ParseError, match=r"declares 8 columns .* no 'Column 8'"):
        parse(folder)


def test_duplicated_field_with_different_values(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D", header=[*HEADER_FIELDS, '"Sample Name","other",""'])
    with pytest.raises(ParseError, match=r"'Sample Name' appears twice .*\(lines 1 and 11\)") as info:
        parse(folder)
    assert info.value.line == 11


def test_empty_peak_table_file_means_no_peaks(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D", tables=[TABLE_1, []])
    (folder / "REPORT02.CSV").write_bytes(b"")
    parsed = parse(folder)
    assert parsed.results["signal"].unique().tolist() == ["DAD1 A, Sig=210,4 Ref=off"]


def test_empty_and_binary_report00(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D")
    (folder / "Report00.CSV").write_bytes(b"")
    with pytest.raises(ParseError, match="is empty"):
        parse(folder / "Report00.CSV")
    (folder / "Report00.CSV").write_bytes(b"\x01\x00\x02\x00" * 10)
    with pytest.raises(ParseError):
        parse(folder / "Report00.CSV")


def test_semicolons_decimal_commas_utf8_lf_lowercase_names_and_seconds(tmp_path: Path) -> None:
    folder = tmp_path / "S.d"
    folder.mkdir()
    lines = [
        '"Sample Name";"Probe 7";""',
        '"Injection Date";"03.02.2023 14:05:01";""',
        '"Inj Volume";2,5;"µl"',
        '"Number of Signals";1;""',
        '"Number of Columns";3;""',
        '"Column 1";"RetTime";"[s]"',
        '"Column 2";"Area";"[mAU*s]"',
        '"Column 3";"Compound Name";""',
    ]
    (folder / "report00.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "report01.csv").write_text('90,5;12,25;"Caffeine"\n', encoding="utf-8")
    parser = ChemStationCsvReportParser()
    assert parser.sniff(b"", folder)
    parsed = parse(folder)
    row = parsed.results.iloc[0]
    assert row["retention_time_min"] == pytest.approx(90.5 / 60)
    assert row["area"] == 12.25
    assert row["peak_name"] == "Caffeine"
    assert row["peak_number"] == 1  # no peak-number column: position in the table
    assert row["signal"] == "Signal 1"  # no description in Report00
    assert parsed.metadata["injection_time"] == "2023-02-03T14:05:01"
    assert parsed.metadata["injection_volume"] == 2.5


def test_header_row_in_a_peak_table_is_skipped(tmp_path: Path) -> None:
    header = '"Peak Number","Retention Time","Peak Type","Peak Width","Area","Height","Area %"'
    folder = report(tmp_path / "S.D", tables=[[header, *TABLE_1], TABLE_2])
    assert parse(folder).results["peak_number"].tolist() == [1, 2, 1]


def test_unknown_retention_time_unit(tmp_path: Path) -> None:
    columns = [*COLUMNS]
    columns[2] = '"Column 2","Retention Time","hours"'
    with pytest.raises(ParseError, match="unit 'hours'"):
        parse(report(tmp_path / "S.D", columns=columns))


def test_unknown_injection_date_format_is_a_warning(tmp_path: Path) -> None:
    header = [f for f in HEADER_FIELDS if "Injection Date" not in f] + ['"Injection Date","sometime",""']
    parsed = parse(report(tmp_path / "S.D", header=header))
    assert parsed.metadata["injection_time"] is None
    assert parsed.metadata["injection_date_text"] == "sometime"
    assert any("Injection Date 'sometime'" in w for w in parsed.warnings)


def test_undecodable_signal_file_is_attached_with_a_warning(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D")
    (folder / "DAD1A.ch").write_bytes(b"not a chemstation signal file" * 4)
    parsed = parse(folder)
    assert parsed.attachments == (folder / "DAD1A.ch",)
    assert parsed.traces == ()
    assert any("DAD1A.ch" in w and "attached without a trace" in w for w in parsed.warnings)


def test_without_rainbow_signal_files_are_attached_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = report(tmp_path / "S.D")
    (folder / "DAD1A.ch").write_bytes(b"\x02\x33\x31\x00" * 8)
    monkeypatch.setitem(sys.modules, "rainbow", None)  # as if the dependency were missing from the env
    monkeypatch.setitem(sys.modules, "rainbow.agilent", None)
    monkeypatch.setitem(sys.modules, "rainbow.agilent.chemstation", None)
    parsed = parse(folder)
    assert parsed.attachments == (folder / "DAD1A.ch",)
    assert any(
        "'rainbow-api' package benchling-ingest depends on is not installed" in w for w in parsed.warnings
    )


def test_registry_gives_a_folder_with_both_reports_to_the_csv_parser_only(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D")
    utf16(folder / "Report.TXT", ["Sample Name: S-042", "Signal 1: DAD1 A", "----|----|", "Totals :"])
    registry = discover_parsers(third_party=False)
    assert registry.choose(folder).name == "agilent_chemstation_csv"


def test_a_report_set_saved_under_a_sites_own_prefix_is_found_by_its_content(tmp_path: Path) -> None:
    folder = report(tmp_path / "S-042.D")
    (folder / "Report00.CSV").rename(folder / "Probe42_00.csv")
    (folder / "REPORT01.CSV").rename(folder / "PROBE42_01.CSV")
    (folder / "REPORT02.CSV").rename(folder / "probe42_02.csv")
    registry = discover_parsers(third_party=False)
    assert registry.choose(folder).name == "agilent_chemstation_csv"
    parsed = registry.parse(folder)
    assert parsed.results["area"].tolist() == [100.5, 150.75, 10.0]
    given_alone = registry.parse(folder / "Probe42_00.csv")
    assert given_alone.results["area"].tolist() == [100.5, 150.75, 10.0]


@pytest.mark.parametrize("area", ["", "NaN", "n.a."])
def test_a_peak_without_an_area_is_refused_with_its_line(tmp_path: Path, area: str) -> None:
    folder = report(tmp_path / "S.D", tables=[[TABLE_1[0], f'2,2.5,"BV E",0.07,{area},30,60'], TABLE_2])
    with pytest.raises(ParseError) as info:
        parse(folder)
    assert "where a number is required: every peak needs its area" in info.value.message
    assert (info.value.file, info.value.line, info.value.column) == (folder / "REPORT01.CSV", 2, "Area")


def test_an_ambiguous_injection_date_follows_the_site_setting(tmp_path: Path) -> None:
    header = [f for f in HEADER_FIELDS if "Injection Date" not in f] + [
        '"Injection Date","03/02/2023 09:05:01",""'
    ]
    folder = report(tmp_path / "S.D", header=header)
    assert parse(folder).metadata["injection_time"] == "2023-02-03T09:05:01"  # day first, with a warning
    hinted = ChemStationCsvReportParser().parse(folder, hints=ParseHints(date_order="month_first"))
    assert hinted.metadata["injection_time"] == "2023-03-02T09:05:01"


def test_fields_the_report_adds_are_kept(tmp_path: Path) -> None:
    folder = report(tmp_path / "S.D", header=[*HEADER_FIELDS, '"Column Serial","US1234",""'])
    assert parse(folder).metadata["column_serial"] == "US1234"


def test_a_report_header_without_its_signal_count_is_a_near_miss(tmp_path: Path) -> None:
    head = codecs.BOM_UTF16_LE + "\r\n".join(HEADER_FIELDS).encode("utf-16-le")
    miss = ChemStationCsvReportParser().near_miss(head, tmp_path / "Report00.CSV")
    assert miss is not None and "has no 'Number of Signals' field" in miss.lacks


def test_an_msd_chemstation_results_csv_is_refused_naming_what_it_is(tmp_path: Path) -> None:
    # MSD ChemStation / MassHunter GC-MS writes RESULTS.CSV into the same .D folders: another format.
    path = tmp_path / "GCMS-07.D" / "RESULTS.CSV"
    path.parent.mkdir()
    path.write_text(
        "[contents]\ncount=1\nName=,D:\\data\\GCMS-07.D\n1=,INT TIC: GCMS-07.D\\data.ms\n"
        "[INT TIC: GCMS-07.D\\data.ms]\nTime=,Tue Mar 05 09:12:44 2024\n"
        'Header=,"Peak","R.T.","First","Max","Last","PK  TY","Height","Area","Pct Max","Pct Total"\n'
        '1=,  1,  4.512,  610, 614, 630,"  M ", 912004,  7311582,100.00, 71.214\n',
        encoding="ascii",
    )
    with pytest.raises(ParseError, match=r"MassHunter GC-MS integration file \(RESULTS.CSV\)"):
        discover_parsers().parse(path)
