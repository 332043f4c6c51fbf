"""ChemStation CSV report parser against the test data written for it in ``testdata/`` (always run).

The ``.D`` folders model the real export (UTF-16LE with a BOM, CRLF, quoted keys, ``Report00.CSV``
declaring signals and columns, headerless ``REPORTnn.CSV`` tables) and go beyond it: a template with
Name and Amount columns, a signal without peaks (an empty ``REPORT02.CSV``), and a German installation
(semicolons, decimal commas, ``Mär``, a table that repeats its header). ``.ch`` signal files are
binary: a test writes one with known points (``support.chemstation_ch``) instead of keeping one here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from parsers import discover_parsers
from tests.support.chemstation_ch import write_ch_file
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == ["Koffein_SST_03.D", "Probe_12.D"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "agilent_chemstation_csv", golden)


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_report00_given_alone_reads_like_its_folder(path: Path) -> None:
    registry = discover_parsers()
    from_folder = registry.parse(path)
    from_file = registry.parse(path / "Report00.CSV")
    assert from_file.provenance.parser == "agilent_chemstation_csv"
    pd.testing.assert_frame_equal(from_folder.results, from_file.results)
    assert dict(from_file.metadata) == dict(from_folder.metadata)


def test_template_with_name_and_amount_and_a_signal_without_peaks() -> None:
    unit = TESTDATA / "Koffein_SST_03.D"
    assert (unit / "REPORT02.CSV").stat().st_size == 0
    parsed = discover_parsers().parse(unit)
    results = parsed.results
    assert parsed.metadata["signal_count"] == 2
    assert results["signal"].unique().tolist() == ["DAD1 A, Sig=273,4 Ref=360,100"]
    assert results["peak_name"].fillna("").tolist() == ["", "Koffein", "", "Theophyllin"]
    assert results["amount"].tolist()[1] == 49.8871
    assert results["retention_time_min"].iloc[1] == 2.14185392856598  # full precision, as exported
    assert parsed.metadata["injection_time"] == "2023-03-14T09:41:07"  # 14-Mar-23, 09:41:07


def test_german_installation_with_semicolons_and_decimal_commas() -> None:
    parsed = discover_parsers().parse(TESTDATA / "Probe_12.D")
    meta = parsed.metadata
    assert meta["injection_time"] == "2023-03-07T14:02:11"  # 07-Mär-23
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (2.5, "µl")
    assert parsed.results["area"].tolist() == [215.441, 1872.0031, 92.873]  # the repeated header is skipped
    assert parsed.results["peak_width_min"].isna().all()  # this template has no width column


def test_a_signal_file_in_the_folder_is_attached_and_decoded(tmp_path: Path) -> None:
    unit = shutil.copytree(TESTDATA / "Koffein_SST_03.D", tmp_path / "Koffein_SST_03.D")
    stored = [0.0, 0.2, 1.5, 7.0, 3.0, 0.6, 0.1, 0.0, 0.0]
    write_ch_file(
        unit / "DAD1A.ch",
        stored,
        start_min=2.0,
        end_min=2.32,
        description="DAD1A, Sig=273,4  Ref=360,100",  # how the .ch spells the report's signal 1
        scale=50.0,
    )
    parsed = discover_parsers().parse(unit)
    assert parsed.attachments == (unit / "DAD1A.ch",)
    (trace,) = parsed.traces
    assert trace.channel == "DAD1 A, Sig=273,4 Ref=360,100"  # the report's spelling of the same signal
    assert trace.signal_unit == "mAU"
    assert trace.data["time_min"].tolist() == pytest.approx([2.0 + 0.04 * i for i in range(9)])
    assert trace.data["signal"].tolist() == pytest.approx([50.0 * v for v in stored])
    assert parsed.warnings == ()
