"""A Chromeleon text export cut short is never an empty run: refused, or warned when a part survives.

The inputs are the format's own test data (``tests/conformance/parsers/thermo_chromeleon_txt/testdata``)
cut inside their header blocks, as a copy interrupted on a network share leaves them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers import discover_parsers

TESTDATA = Path(__file__).parents[2] / "conformance" / "parsers" / "thermo_chromeleon_txt" / "testdata"


def _cut_before(source: str, marker: str, folder: Path) -> Path:
    data = (TESTDATA / source).read_bytes()
    cut = folder / source
    cut.write_bytes(data[: data.index(marker.encode("utf-8"))])
    return cut


def test_an_export_cut_inside_its_header_is_refused_as_truncated(tmp_path: Path) -> None:
    path = _cut_before("Para_Std2_v73.txt", "Signal Parameter", tmp_path)
    with pytest.raises(ParseError) as refused:
        discover_parsers().parse(path)
    message = str(refused.value)
    assert f"'{path}' holds neither chromatogram data" in message
    assert "nor a peak table" in message and "is the file truncated?" in message


def test_a_peak_table_without_its_announced_data_points_is_read_with_a_warning(tmp_path: Path) -> None:
    path = _cut_before("SST_Koffein_12.txt", "Chromatogram Data:", tmp_path)
    parsed = discover_parsers().parse(path)
    assert parsed.results["peak_name"].tolist() == ["Coffein", "Theobromin"]
    assert parsed.traces == ()
    assert any(
        "announces 30 data points but has no 'Chromatogram Data:' section" in warning
        for warning in parsed.warnings
    )
