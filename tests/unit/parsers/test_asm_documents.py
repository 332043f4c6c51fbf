"""The ASM parser's refusals and its readings of small documents written in each test: every refusal a
ParseError naming the file, where and what was expected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import ParseError
from parsers._asm.document import technique_of
from parsers.asm.parser import AsmParser

PLATE = "http://purl.allotrope.org/manifests/plate-reader/REC/2025/03/plate-reader.manifest"


def write(tmp_path: Path, document: Any, name: str = "doc.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document, encoding="utf-8")
    return path


def plate(measurement: dict[str, Any]) -> dict[str, Any]:
    return {
        "$asm.manifest": PLATE,
        "plate reader aggregate document": {
            "plate reader document": [
                {"measurement aggregate document": {"measurement document": [measurement]}}
            ]
        },
    }


@pytest.mark.parametrize(
    ("manifest", "subject", "technique"),
    [
        (PLATE, "plate reader", "plate_reader"),
        ("http://purl.allotrope.org/manifests/pcr/REC/2024/09/qpcr.manifest", "qpcr", "qpcr"),
        ("http://purl.allotrope.org/manifests/pcr/BENCHLING/2023/09/dpcr.manifest", "dpcr", "other"),
        (
            "http://purl.allotrope.org/manifests/cell-counting/REC/2024/09/cell-counting.manifest",
            "x",
            "cell_counting",
        ),
        ("http://example.org/vendor/my.manifest", "spectrophotometry", "spectrophotometry"),
        ("http://example.org/vendor/my.manifest", "light obscuration", "other"),
    ],
)
def test_the_technique_comes_from_the_manifest_else_the_aggregate_name(
    manifest: str, subject: str, technique: str
) -> None:
    assert technique_of(manifest, subject) == technique


def test_sniff_needs_a_json_object_naming_a_manifest(tmp_path: Path) -> None:
    parser = AsmParser()
    assert parser.sniff(b'\xef\xbb\xbf  {"$asm.manifest": "x"', tmp_path / "a.json")
    assert not parser.sniff(b'{"injections": []}', tmp_path / "a.json")
    assert not parser.sniff(b'["$asm.manifest": 1]', tmp_path / "a.json")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('{"$asm.manifest": ', r"Unable to read '.*doc\.json' as JSON at line 1"),
        (
            {"$asm.manifest": 7, "plate reader aggregate document": {}},
            r"has '\$asm\.manifest' = 7\. Expected the URL",
        ),
        ({"$asm.manifest": PLATE}, r"holds 0 '<technique> aggregate document' objects"),
        ({"$asm.manifest": PLATE, "a aggregate document": {}, "b aggregate document": {}}, r"holds 2 "),
        (
            plate({"absorbance": {"value": "high", "unit": "mAU"}}),
            r"'absorbance\.value' at .*measurement document\[0\].*found 'high'\. Expected a number",
        ),
        (plate({"absorbance": 1.5}), r"'absorbance' .* Expected a quantity like"),
        (plate({"sample document": ["A1"]}), r"'sample document' .* Expected an object"),
    ],
)
def test_refusals_name_the_file_the_place_and_what_was_expected(
    tmp_path: Path, document: Any, message: str
) -> None:
    with pytest.raises(ParseError, match=message):
        AsmParser().parse(write(tmp_path, document))


def test_a_cell_density_in_a_unit_that_cannot_be_converted_is_refused(tmp_path: Path) -> None:
    document = {
        "$asm.manifest": "http://purl.allotrope.org/manifests/cell-counting/REC/2024/09/cell-counting.manifest",
        "cell counting aggregate document": {"cell counting document": [{"measurement aggregate document": {
            "measurement document": [{"processed data aggregate document": {"processed data document": [
                {"viable cell density (cell counter)": {"value": 3.0, "unit": "cells/well"}}]}}]}}]},
    }  # fmt: skip
    with pytest.raises(
        ParseError, match=r"found the unit 'cells/well'\. Expected one of \['10\^6 cells/mL', 'cells/mL'\]"
    ):
        AsmParser().parse(write(tmp_path, document))


def test_a_wavelength_not_in_nm_is_refused(tmp_path: Path) -> None:
    device = {"device control document": [{"detector wavelength setting": {"value": 0.45, "unit": "µm"}}]}
    document = plate(
        {"device control aggregate document": device, "absorbance": {"value": 1.0, "unit": "mAU"}}
    )
    with pytest.raises(ParseError, match=r"Expected a wavelength in nm"):
        AsmParser().parse(write(tmp_path, document))


def test_units_that_differ_between_rows_get_a_unit_column(tmp_path: Path) -> None:
    document = plate({"absorbance": {"value": 1.0, "unit": "mAU"}})
    group = document["plate reader aggregate document"]["plate reader document"][0][
        "measurement aggregate document"
    ]
    group["measurement document"] = [
        {
            "absorbance": {"value": 1.0, "unit": "mAU"},
            "compartment temperature": {"value": 25.0, "unit": "degC"},
        },
        {
            "absorbance": {"value": 2.0, "unit": "mAU"},
            "compartment temperature": {"value": 298.0, "unit": "K"},
        },
    ]
    parsed = AsmParser().parse(write(tmp_path, document))
    assert parsed.results["compartment_temperature_unit"].tolist() == ["degC", "K"]
    assert "compartment_temperature" not in parsed.column_units
