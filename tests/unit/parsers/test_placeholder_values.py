"""Metadata values a vendor writes for "not set" become missing, with a warning and their raw text kept;
real small, zero and negative numbers where a field can hold them are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.models import ParsedFile, Provenance, Scalar
from parsers import discover_parsers, empty_results
from parsers._plugin.placeholder_values import placeholder_reason, screen_placeholders

TESTDATA = Path(__file__).parents[2] / "conformance" / "parsers"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("injection_volume", 9.18356e-39),  # PACsolution's unset volume, a subnormal float
        ("injection_volume", 5e-324),
        ("run_time", -1e-35),
        ("injection_volume", 1e300),
        ("run_time", -1.7976931348623157e308),
        ("injection_volume", -1.0),
        ("injection_volume", 0.0),
        ("run_time", 0.0),
        ("run_time", -1),
        ("injection", -1),
        ("signal_count", -1),
        ("operator", "n/a"),
        ("sample_id", " --- "),
        ("method", "N.A."),
        ("vial", "#N/A"),
    ],
)
def test_not_set_values_are_recognised(key: str, value: Scalar) -> None:
    assert placeholder_reason(key, value) is not None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("injection_volume", 0.05),
        ("injection_volume", 1e-6),  # a small volume in litres is still a measurement
        ("run_time", 0.001),
        ("start_time_min", 0.0),  # a window may start at zero
        ("injection", 0),
        ("time_offset", -0.5),  # an offset may be negative
        ("dilution_factor", -1.0),  # not a volume, time or count: left alone
        ("y_axis_min", -5.0),
        ("sample_name", "Na"),  # sodium, not "n/a"
        ("sample_name", "Blank - 2"),
        ("injection_volume", True),
        ("injection_time", "2024-01-01T00:00:00"),
    ],
)
def test_real_values_are_kept(key: str, value: Scalar) -> None:
    assert placeholder_reason(key, value) is None


def _parsed(metadata: dict[str, Scalar]) -> ParsedFile:
    return ParsedFile(
        metadata=metadata, results=empty_results(), provenance=Provenance("p", "1", Path("x.txt"))
    )


def test_a_placeholder_becomes_missing_with_a_warning_naming_the_key_and_the_raw_value() -> None:
    screened = screen_placeholders(
        _parsed({"injection_volume": 9.18356e-39, "operator": "n/a"}), file=Path("x.txt")
    )
    assert screened.metadata["injection_volume"] is None and screened.metadata["operator"] is None
    assert screened.metadata["injection_volume_raw"] == "9.18356e-39"
    assert screened.metadata["operator_raw"] == "n/a"
    first, second = screened.warnings
    assert "'x.txt' gives injection_volume as '9.18356e-39'" in first and "denormal" in first
    assert "left empty" in first and "kept as injection_volume_raw" in first
    assert "gives operator as 'n/a'" in second


def test_output_without_placeholders_is_returned_unchanged() -> None:
    parsed = _parsed({"injection_volume": 10.0, "operator": "jdoe"})
    assert screen_placeholders(parsed, file=Path("x.txt")) is parsed


def test_a_pacsolution_export_with_an_unset_injection_volume(tmp_path: Path) -> None:
    source = TESTDATA / "shimadzu_labsolutions_ascii" / "testdata" / "GC_line2_091244.TXT"
    text = source.read_bytes().decode("utf-8-sig")
    assert "Injection Volume\t1\r\n" in text or "Injection Volume\t1\n" in text
    path = tmp_path / source.name
    path.write_bytes(text.replace("Injection Volume\t1", "Injection Volume\t9.18356e-039", 1).encode())
    parsed = discover_parsers().parse(path)
    assert parsed.metadata.get("injection_volume") is None
    assert parsed.metadata["injection_volume_raw"] == "9.18356e-39"
    assert any("gives injection_volume as '9.18356e-39'" in w for w in parsed.warnings)
    assert len(parsed.results)  # the rest of the export is read as before
