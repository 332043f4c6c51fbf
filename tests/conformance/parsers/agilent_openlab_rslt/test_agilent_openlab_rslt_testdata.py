"""OpenLab CDS result sets against the test data written for them in ``testdata/`` (always run).

The inputs are written by :mod:`tests.support.openlab_result_set` from the specs below (a test checks
the committed files are exactly what they give): a zipped result set as copied off a data system (the
``.rslt`` folder inside the zip, macOS resource forks beside it; results in per-injection ``.rx``
packages; two injections, two chromatogram signals and a pressure curve, named and unnamed peaks in
integration order, .NET timestamps with seven fractional digits), and a result set folder as OpenLab
stores it, with its results in the main ACAML document and a LIMS ID.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers import discover_parsers
from parsers.agilent_openlab_rslt.parser import OpenLabResultSetParser
from tests.support.golden import Golden
from tests.support.openlab_result_set import (
    InjectionSpec,
    PeakSpec,
    SignalSpec,
    write_result_set,
    zip_result_set,
)
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)
ZIPPED = TESTDATA / "Caffeine QC-2024-03-05 10-00-00+01-00.rslt"
FOLDER = TESTDATA / "Stability T1-2024-03-06 09-00-00+01-00.rslt"

_PRESSURE = SignalSpec(
    "PMP1A", "PMP1A,Pressure", [120.5, 121.0, 121.2, 120.9], chromatogram=False, unit="bar"
)
ZIPPED_INJECTIONS = (
    InjectionSpec(
        sample_name="SMP-010",
        run_time="2024-03-05T10:12:40.1234567+01:00",
        acquired_utc="2024-03-05T09:12:43.524Z",
        line=1,
        vial="P1-A-01",
        signals=(
            SignalSpec(
                "DAD1A",
                "DAD1A,Sig=254,4  Ref=360,100",
                [0.1, 0.4, 12.5, 88.0, 20.25, 2.0, 0.5],
                peaks=(
                    PeakSpec(2.312, 1150.25, 180.5, 92.0, 2.1, 2.55, name="Caffeine", baseline="BV"),
                    PeakSpec(0.845, 100.0, 12.25, 8.0, 0.7, 1.0),
                ),
            ),
            SignalSpec(
                "DAD1B",
                "DAD1B,Sig=280,4  Ref=360,100",
                [0.0, 0.2, 6.0, 41.5, 9.75, 1.0, 0.25],
                peaks=(PeakSpec(2.315, 540.75, 84.0, 100.0, 2.1, 2.56, name="Caffeine"),),
            ),
            _PRESSURE,
        ),
    ),
    InjectionSpec(
        sample_name="SMP-011",
        run_time="2024-03-05T10:31:02.6410816+01:00",
        acquired_utc="2024-03-05T09:31:05.100Z",
        line=2,
        vial="P1-A-02",
        signals=(
            SignalSpec(
                "DAD1A",
                "DAD1A,Sig=254,4  Ref=360,100",
                [0.2, 0.3, 9.5, 70.0, 15.0, 1.5, 0.4],
                peaks=(PeakSpec(2.309, 910.5, 150.0, 100.0, 2.08, 2.5, name="Caffeine"),),
            ),
            SignalSpec("DAD1B", "DAD1B,Sig=280,4  Ref=360,100", [0.0, 0.1, 0.2, 0.1, 0.0, 0.0, 0.0]),
            _PRESSURE,
        ),
    ),
)
FOLDER_INJECTIONS = (
    InjectionSpec(
        sample_name="SMP-012",
        run_time="2024-03-06T09:05:12.5000000+01:00",
        acquired_utc="2024-03-06T08:05:15.000Z",
        line=4,
        replicate=2,
        vial="P2-B-07",
        lims_id="LIMS-0012",
        volume=10.0,
        operator="jdoe",
        signals=(
            SignalSpec(
                "VWD1A",
                "VWD1A,Wavelength=273 nm",
                [0.05, 0.1, 3.0, 25.5, 4.0, 0.3],
                peaks=(PeakSpec(1.98, 402.5, 61.0, 100.0, 1.8, 2.2, name="Caffeine"),),
            ),
        ),
    ),
)


def build_testdata(folder: Path) -> tuple[Path, Path]:
    """Write both inputs into ``folder`` (how the committed ones were made)."""
    staging = folder / "staging"
    zipped_source = write_result_set(
        staging / ZIPPED.name,
        sequence=ZIPPED.stem,
        instrument="LC-07 1260 Infinity II",
        injections=ZIPPED_INJECTIONS,
    )
    zipped = zip_result_set(zipped_source, folder / ZIPPED.name)
    stored = write_result_set(
        folder / FOLDER.name,
        sequence=FOLDER.stem,
        instrument="LC-02 1290",
        injections=FOLDER_INJECTIONS,
        results_in_main_document=True,
    )
    shutil.rmtree(staging)
    return zipped, stored


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == [ZIPPED.name, FOLDER.name]


def test_committed_inputs_are_what_the_specs_write(tmp_path: Path) -> None:
    zipped, stored = build_testdata(tmp_path)
    assert zipped.read_bytes() == ZIPPED.read_bytes()
    assert sorted(p.name for p in stored.iterdir()) == sorted(p.name for p in FOLDER.iterdir())
    for path in stored.iterdir():
        assert path.read_bytes() == (FOLDER / path.name).read_bytes(), path.name


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "agilent_openlab_rslt", golden)


def test_zipped_set_peaks_by_injection_and_signal_in_retention_order() -> None:
    parsed = discover_parsers().parse(ZIPPED)
    results = parsed.results
    assert results["sample_name"].tolist() == ["SMP-010", "SMP-010", "SMP-010", "SMP-011"]
    assert results["signal"].tolist()[:3] == [
        "DAD1A,Sig=254,4 Ref=360,100",
        "DAD1A,Sig=254,4 Ref=360,100",
        "DAD1B,Sig=280,4 Ref=360,100",
    ]
    assert results["retention_time_min"].tolist()[:2] == [0.845, 2.312]
    assert results["peak_name"].isna().tolist()[:2] == [True, False]
    assert results["peak_name"].tolist()[1] == "Caffeine"
    assert results["area_unit"].unique().tolist() == ["mAU*s"]
    assert results["injection_time"].tolist()[-1] == "2024-03-05T10:31:02.641081+01:00"
    assert results["injection"].tolist() == ["1", "1", "1", "2"]
    assert parsed.metadata["injection_count"] == 2
    assert parsed.metadata["instrument"] == "LC-07 1260 Infinity II"


def test_chromatograms_become_traces_and_instrument_curves_do_not() -> None:
    parsed = discover_parsers().parse(ZIPPED)
    assert [trace.channel for trace in parsed.traces] == [
        "DAD1A,Sig=254,4 Ref=360,100 (injection 1)",
        "DAD1B,Sig=280,4 Ref=360,100 (injection 1)",
        "DAD1A,Sig=254,4 Ref=360,100 (injection 2)",
        "DAD1B,Sig=280,4 Ref=360,100 (injection 2)",
    ]
    assert parsed.traces[0].data["signal"].tolist() == pytest.approx([0.1, 0.4, 12.5, 88.0, 20.25, 2.0, 0.5])
    assert parsed.traces[0].signal_unit == "mAU"


def test_folder_set_with_results_in_the_main_document() -> None:
    parsed = discover_parsers().parse(FOLDER)
    assert parsed.metadata["sample_name"] == "SMP-012"
    assert parsed.metadata["sample_id"] == "LIMS-0012"
    assert parsed.results["injection"].tolist() == ["4-2"]
    assert (parsed.metadata["injection_volume"], parsed.metadata["operator"]) == (10.0, "jdoe")


def test_a_result_for_an_unknown_injection_is_refused(tmp_path: Path) -> None:
    copy = shutil.copytree(FOLDER, tmp_path / FOLDER.name)
    document = copy / f"{FOLDER.stem}.acaml"
    text = document.read_bytes().decode("utf-8")
    marker = '<InjectionMeasData_ID id="'
    head, _, tail = text.rpartition(marker)
    document.write_bytes((head + marker + "ffffffff" + tail[8:]).encode())
    with pytest.raises(ParseError, match="refers to injection ffffffff"):
        OpenLabResultSetParser().parse(copy)


def test_a_set_without_its_acaml_document_is_refused(tmp_path: Path) -> None:
    copy = shutil.copytree(FOLDER, tmp_path / FOLDER.name)
    (copy / f"{FOLDER.stem}.acaml").unlink()
    assert not OpenLabResultSetParser().sniff(b"", copy)
    with pytest.raises(ParseError, match=r"holds 0 ACAML documents at its top level"):
        OpenLabResultSetParser().parse(copy)


def test_malformed_xml_is_refused_naming_the_member(tmp_path: Path) -> None:
    copy = shutil.copytree(FOLDER, tmp_path / FOLDER.name)
    document = copy / f"{FOLDER.stem}.acaml"
    document.write_bytes(document.read_bytes()[:-40])
    with pytest.raises(ParseError, match=r"Member '.*\.acaml' of .* is not well-formed XML"):
        OpenLabResultSetParser().parse(copy)


def test_a_zip_that_is_not_a_result_set_is_declined(tmp_path: Path) -> None:
    other = tmp_path / "other.rslt"
    shutil.make_archive(str(tmp_path / "other"), "zip", root_dir=TESTDATA.parent, base_dir="real_exports")
    (tmp_path / "other.zip").rename(other)
    assert not OpenLabResultSetParser().sniff(other.read_bytes()[:65536], other)
