"""Text exports in legacy code pages: the shared decoder's order (BOM, the site's ``encoding``, UTF-8, a
reported guess), refusals that name the byte and line, and three parsers reading synthetic exports written
the way Japanese, Russian and Western Windows PCs write them."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.models import ParseHints
from parsers import discover_parsers
from parsers._common.code_pages import guess_code_page
from parsers._common.decoding import decode_bytes

TESTDATA = Path(__file__).parents[2] / "conformance" / "parsers"
FILE = Path("export.txt")
LEGACY = ("utf-8", "cp1252", "cp1250", "latin-1")  # cp1250 text must win on plausibility


def test_a_bom_decides_before_the_sites_encoding() -> None:
    data = codecs.BOM_UTF8 + "Sample Name\t試料\n".encode()
    decoded = decode_bytes(data, file=FILE, hint="cp932")
    assert (decoded.text, decoded.encoding, decoded.warnings) == ("Sample Name\t試料\n", "utf-8", ())


def test_the_sites_encoding_is_used_without_a_warning() -> None:
    data = "Sample Name\t標準試料 A\r\n".encode("cp932")
    decoded = decode_bytes(data, file=FILE, hint="cp932")
    assert (decoded.text, decoded.encoding, decoded.warnings) == ("Sample Name\t標準試料 A\n", "cp932", ())


def test_utf8_without_a_bom_is_read_as_utf8_without_a_warning() -> None:
    decoded = decode_bytes("Operator\tJosé\n".encode(), file=FILE)
    assert (decoded.encoding, decoded.warnings) == ("utf-8", ())


def test_a_file_the_sites_encoding_cannot_decode_is_refused_naming_the_byte_and_line() -> None:
    data = b"Sample Name\tA\nOperator\t\x82\xa0\xff\n"
    with pytest.raises(ParseError) as info:
        decode_bytes(data, file=FILE, hint="utf-8")
    message = str(info.value)
    assert "'export.txt' is not utf-8 text" in message
    assert "byte offset 23 (line 2)" in message and "82 a0 ff" in message
    assert "Expected a utf-8 export" in message and info.value.line == 2


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Sample Name,標準試料 A\nSample ID,ロット12\nOperator,山田太郎\n", "cp932"),
        ("Sample Name\tОбразец 1\nOperator\tИванов\n", "cp1251"),
        ("Sample Name\tCaféine 5 µg/mL\nTemperature\t30 °C\nVolume\t10 µL\n", "cp1252"),
        ("Operator\tIvana Horvatić\nSample\tPróbka łódź\n", "cp1250"),
        ("Sample Name\t样品 1\nOperator\t张三\n", "cp936"),
        ("Sample Name\tΔείγμα 1\nOperator\tΠαπαδόπουλος\n", "cp1253"),
    ],
)
def test_a_legacy_code_page_is_guessed_from_the_names_and_reported(text: str, encoding: str) -> None:
    decoded = decode_bytes(text.encode(encoding), file=FILE, encodings=LEGACY)
    assert (decoded.text, decoded.encoding) == (text, encoding)
    (warning,) = decoded.warnings
    assert f"it was read as {encoding}, a guess" in warning
    assert f"set 'encoding: {encoding}'" in warning and "schemas_map.yaml" in warning


def test_the_guess_prefers_the_earlier_candidate_when_readings_are_equally_plausible() -> None:
    data = "Probe µ 5 °C".encode("cp1252")  # the same text in cp1250 and cp1252
    assert guess_code_page(data, ("cp1250", "cp1252")) == ("cp1250", "Probe µ 5 °C")
    assert guess_code_page(data, ("cp1252", "cp1250")) == ("cp1252", "Probe µ 5 °C")


def _rewritten(source: Path, tmp_path: Path, replacements: dict[str, str], encoding: str) -> Path:
    text = source.read_bytes().decode("utf-8-sig")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / source.name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_shift_jis_labsolutions_export_reads_its_japanese_sample_name(tmp_path: Path) -> None:
    path = _rewritten(
        TESTDATA / "shimadzu_labsolutions_ascii" / "testdata" / "B17_std2.txt",
        tmp_path,
        {
            "Sample Name\tAssay std 2": "Sample Name\t標準試料 2",
            "Operator Name\tqc_analyst": "Operator Name\t山田",
        },
        "cp932",
    )
    guessed = discover_parsers().parse(path, hints=ParseHints())
    assert guessed.metadata["sample_name"] == "標準試料 2" and guessed.metadata["operator"] == "山田"
    assert guessed.provenance.encoding == "cp932"
    assert any("it was read as cp932" in w and "encoding: cp932" in w for w in guessed.warnings)
    hinted = discover_parsers().parse(path, hints=ParseHints(encoding="cp932"))
    assert hinted.metadata["sample_name"] == "標準試料 2"
    assert not any("encoding" in w for w in hinted.warnings)


def test_a_labsolutions_export_that_is_not_in_the_sites_encoding_is_refused(tmp_path: Path) -> None:
    path = _rewritten(
        TESTDATA / "shimadzu_labsolutions_ascii" / "testdata" / "B17_std2.txt",
        tmp_path,
        {"Sample Name\tAssay std 2": "Sample Name\t標準試料 2"},
        "cp932",
    )
    with pytest.raises(ParseError, match=r"is not utf-8 text.*byte offset \d+ \(line 20\)"):
        discover_parsers().parse(path, hints=ParseHints(encoding="utf-8"))


def test_a_cp1251_chromeleon_export_reads_its_cyrillic_names(tmp_path: Path) -> None:
    path = _rewritten(
        TESTDATA / "thermo_chromeleon_txt" / "testdata" / "Para_Std2_v73.txt",
        tmp_path,
        {
            "Name\tParacetamol Std 2": "Name\tПарацетамол стандарт 2",
            "Volume\t10.000\tµl": "Volume\t10.000\tмкл",
        },
        "cp1251",
    )
    parsed = discover_parsers().parse(path, hints=ParseHints())
    assert parsed.metadata["sample_name"] == "Парацетамол стандарт 2"
    assert parsed.provenance.encoding == "cp1251"
    assert any("it was read as cp1251" in w for w in parsed.warnings)
    hinted = discover_parsers().parse(path, hints=ParseHints(encoding="cp1251"))
    assert hinted.metadata["sample_name"] == "Парацетамол стандарт 2"


def test_a_cp1252_empower_export_keeps_micro_and_degree_signs(tmp_path: Path) -> None:
    path = _rewritten(
        TESTDATA / "waters_empower_arw" / "testdata" / "GFP-SEC_03.arw",
        tmp_path,
        {'"GFP-SEC_03"': '"GFP-SEC_03 5 µg 25 °C"', '"jdoe"': '"Günther"'},
        "cp1252",
    )
    parsed = discover_parsers().parse(path, hints=ParseHints(encoding="cp1252"))
    assert parsed.metadata["sample_name"] == "GFP-SEC_03 5 µg 25 °C"
    assert parsed.provenance.encoding == "cp1252" and not any("guess" in w for w in parsed.warnings)
    guessed = discover_parsers().parse(path, hints=ParseHints())
    assert guessed.metadata["sample_name"] == "GFP-SEC_03 5 µg 25 °C"
    # These letters are the same bytes in cp1250, which comes first for Central European installs.
    assert guessed.provenance.encoding in {"cp1250", "cp1252"}
    assert any(f"it was read as {guessed.provenance.encoding}, a guess" in w for w in guessed.warnings)


@pytest.mark.parametrize(
    ("written", "iso", "encoding", "name"),
    [
        ("2016/10/17 下午 01:02:06", "2016-10-17T13:02:06", "cp950", "咖啡因-樣品20161017"),  # Taiwan
        ("2016/10/17 上午 12:02:06", "2016-10-17T00:02:06", "cp950", "咖啡因-樣品20161017"),
        ("2021/03/04 午後 1:05:00", "2021-03-04T13:05:00", "cp932", "標準試料 2"),  # Japan
        ("2021-03-04 오전 9:05:00", "2021-03-04T09:05:00", "cp949", "시료 2"),  # Korea
        ("2021-03-04 9:05:00 下午", "2021-03-04T21:05:00", "cp950", "樣品 2"),  # the word after the time
    ],
)
def test_an_east_asian_lcsolution_export_with_the_afternoon_word_before_the_time(
    tmp_path: Path, written: str, iso: str, encoding: str, name: str
) -> None:
    path = _rewritten(
        TESTDATA / "shimadzu_labsolutions_ascii" / "testdata" / "B17_std2.txt",
        tmp_path,
        {
            "Acquired\t3/10/2022 9:41:02 PM": f"Acquired\t{written}",
            "Output Date\t3/10/2022": "Output Date\t2019/1/7",
            "Output Time\t10:02:13 PM": f"Output Time\t{written.split(' ', 1)[1]}",
            "Sample Name\tAssay std 2": f"Sample Name\t{name}",
        },
        encoding,
    )
    parsed = discover_parsers().parse(path, hints=ParseHints(encoding=encoding))
    assert parsed.metadata["injection_time"] == iso
    assert parsed.metadata["sample_name"] == name


def test_a_big5_export_is_guessed_as_big5(tmp_path: Path) -> None:
    path = _rewritten(
        TESTDATA / "shimadzu_labsolutions_ascii" / "testdata" / "B17_std2.txt",
        tmp_path,
        {
            "Sample Name\tAssay std 2": "Sample Name\t咖啡因-樣品20161017",
            "Output Time\t10:02:13 PM": "Output Time\t下午 10:02:13",
        },
        "cp950",
    )
    parsed = discover_parsers().parse(path, hints=ParseHints())
    assert parsed.metadata["sample_name"] == "咖啡因-樣品20161017"
    assert parsed.provenance.encoding == "cp950"


def test_a_json_export_in_a_legacy_code_page_is_warned_about_by_the_registry(tmp_path: Path) -> None:
    # The JSON readers do not pass the decoder's warning on; the registry adds it from the provenance.
    path = _rewritten(
        TESTDATA / "benchling_connector_chromeleon_json" / "testdata" / "nitrat_brunnen3.json",
        tmp_path,
        {'"injection name":"Brunnen 3"': '"injection name":"Brunnen Süd 3"'},
        "cp1252",
    )
    parsed = discover_parsers().parse(path, hints=ParseHints())
    assert parsed.metadata["sample_name"] == "Brunnen Süd 3"
    encoding = parsed.provenance.encoding
    assert encoding in {"cp1250", "cp1252"}  # the same bytes in both
    assert any("sets no encoding" in w and f"encoding: {encoding}" in w for w in parsed.warnings)
    hinted = discover_parsers().parse(path, hints=ParseHints(encoding="cp1252"))
    assert not any("sets no encoding" in w for w in hinted.warnings)
