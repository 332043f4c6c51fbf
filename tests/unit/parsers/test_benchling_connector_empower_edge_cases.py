"""Edge cases of the Empower connector JSON parser, on files made in tmp_path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import ParseError
from ingest.models import ParsedFile
from parsers import validate_parsed
from parsers.benchling_connector_chromeleon_json.parser import ChromeleonConnectorJsonParser
from parsers.benchling_connector_empower_json.parser import EmpowerConnectorJsonParser

INJECTION = {
    "InjectionId": 501,
    "SampleName": "EX-42",
    "SampleType": "Unknown",
    "Vial": "7",
    "Injection": 2,
    "DateAcquired": "2024-05-06T07:08:09",
    "InjectionVolume": 10.0,
    "Label": "U0101",
    "AcqMethodSet": "Assay MS",
    "AcquiredBy": "bob",
}
PEAK = {
    "Name": "Caffeine",
    "PeakLabel": "1",
    "RetentionTime": 2.5,
    "Area": 1500.0,
    "Height": 300.0,
    "PctArea": 60.0,
}
DOCUMENT: dict[str, Any] = {
    "metadata": {"project": "Assays", "db": "prod", "username": "svc", "password": "s3cret-pw"},
    "values": {
        "fields": {"SampleSetName": "Set 9", "SampleSetId": 900, "SystemName": "HPLC-3", "Node": "N1"},
        "injections": [{"fields": INJECTION}],
        "channels": [
            {
                "fields": {
                    "ChannelId": 502,
                    "InjectionId": 501,
                    "ChannelDescription": "PDA 254 nm",
                    "DetUnits": "AU",
                },
                "chrom": [[0.0, 0.5, 1.0], [0.001, 0.002, 0.001]],
            }
        ],
        "results": [
            {
                "fields": {
                    "InjectionId": 501,
                    "ChannelId": 502,
                    "ChannelDescription": "PDA 254 nm",
                    "ResultId": 7,
                },
                "peaks": [{"fields": PEAK}],
            }
        ],
    },
}


def write(tmp_path: Path, document: Any, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "empower.json"
    path.write_bytes(json.dumps(document, ensure_ascii=False, indent=2).encode(encoding))
    return path


def parse(path: Path) -> ParsedFile:
    return validate_parsed(EmpowerConnectorJsonParser().parse(path), file=path)


def changed(mutate: Any) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    mutate(document["values"])
    return document


def test_minimal_sample_set(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, DOCUMENT))
    (row,) = parsed.results.to_dict("records")
    assert (row["sample_name"], row["injection"], row["injection_number"], row["vial"]) == (
        "EX-42",
        "501",
        2,
        "7",
    )
    assert (row["signal"], row["peak_number"], row["peak_name"]) == ("PDA 254 nm", 1, "Caffeine")
    assert (row["area"], row["area_unit"], row["height"], row["height_unit"]) == (1500.0, "µV*s", 300.0, "µV")
    assert row["injection_time"] == "2024-05-06T07:08:09"
    meta = parsed.metadata
    assert (meta["sequence"], meta["sample_set_id"], meta["instrument"]) == ("Set 9", "900", "HPLC-3")
    assert (meta["sample_name"], meta["method"], meta["operator"]) == ("EX-42", "Assay MS", "bob")
    (trace,) = parsed.traces
    assert (trace.channel, trace.signal_unit) == ("PDA 254 nm (injection 501)", "AU")
    assert trace.data["signal"].tolist() == [0.001, 0.002, 0.001]


def test_connector_credentials_never_reach_the_output(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, DOCUMENT))
    everything = json.dumps(
        [dict(parsed.metadata), parsed.results.astype(str).to_dict("records"), parsed.warnings], default=str
    )
    assert "s3cret-pw" not in everything and "svc" not in everything
    assert parsed.metadata["project"] == "Assays"


def test_utf16_with_bom(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, DOCUMENT, encoding="utf-16"))
    assert parsed.results["peak_name"].tolist() == ["Caffeine"]


def test_result_for_an_unlisted_injection_uses_its_own_fields(tmp_path: Path) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["injections"] = []
        values["results"][0]["fields"].update(SampleName="From result", InjectionId=777, Vial="9")

    (row,) = parse(write(tmp_path, changed(mutate))).results.to_dict("records")
    assert (row["sample_name"], row["injection"], row["vial"]) == ("From result", "777", "9")


def test_entries_without_a_fields_wrapper_are_read(tmp_path: Path) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["injections"] = [INJECTION]
        values["results"][0]["peaks"] = [PEAK]

    (row,) = parse(write(tmp_path, changed(mutate))).results.to_dict("records")
    assert (row["sample_name"], row["peak_name"]) == ("EX-42", "Caffeine")


def test_text_numbers_with_decimal_comma(tmp_path: Path) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["results"][0]["peaks"][0]["fields"].update(Area="1500,5", RetentionTime="2,25")

    (row,) = parse(write(tmp_path, changed(mutate))).results.to_dict("records")
    assert (row["area"], row["retention_time_min"]) == (1500.5, 2.25)


def test_result_without_peaks_is_valid_and_empty(tmp_path: Path) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["results"][0]["peaks"] = []

    parsed = parse(write(tmp_path, changed(mutate)))
    assert parsed.results.empty and len(parsed.traces) == 1


def expect_error(path: Path, *fragments: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        EmpowerConnectorJsonParser().parse(path)
    assert info.value.file == path
    for fragment in fragments:
        assert fragment in info.value.message, info.value.message
    return info.value


def test_missing_values(tmp_path: Path) -> None:
    expect_error(write(tmp_path, {"metadata": {}}), "no 'values' object")


def test_non_numeric_height(tmp_path: Path) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["results"][0]["peaks"][0]["fields"]["Height"] = "n/q"

    error = expect_error(
        write(tmp_path, changed(mutate)), "'Height'", "$.values.results[0].peaks[0].fields", "'n/q'"
    )
    assert error.column == "Height"


def test_fractional_injection_number(tmp_path: Path) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["injections"][0]["fields"]["Injection"] = 1.5

    expect_error(write(tmp_path, changed(mutate)), "'Injection'", "whole number")


def test_chrom_with_three_parts(tmp_path: Path) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["channels"][0]["chrom"] = [[0.0], [1.0], [2.0]]

    expect_error(write(tmp_path, changed(mutate)), "'chrom'", "3 parts", "Expected two arrays")


def test_results_that_are_an_object(tmp_path: Path) -> None:
    def mutate(values: dict[str, Any]) -> None:
        values["results"] = {"peaks": []}

    expect_error(write(tmp_path, changed(mutate)), "'results'", "JSON array")


def test_truncated(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(DOCUMENT)[:-40], encoding="utf-8")
    expect_error(path, "as JSON at line 1")


def test_sniff_claims_empower_and_not_chromeleon(tmp_path: Path) -> None:
    head = write(tmp_path, DOCUMENT).read_bytes()[:65536]
    assert EmpowerConnectorJsonParser().sniff(head, tmp_path / "empower.json")
    assert not ChromeleonConnectorJsonParser().sniff(head, tmp_path / "empower.json")


@pytest.mark.parametrize(
    "head", [b"", b"\xfe\xff\xd8", b"SampleSetName,SampleSetId\n1,2", b'["SampleSetName"]']
)
def test_sniff_rejects_other_content_without_raising(head: bytes) -> None:
    assert EmpowerConnectorJsonParser().sniff(head, Path("x.json")) is False
