"""The site's hints reach the parsers that take them (and only those), and formula-like text is handled
by the site's ``formula_text`` policy for every parser's output."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints, Provenance
from parsers import discover_parsers, results_frame
from parsers._plugin.formula_text import (
    looks_like_formula,
    screen_formula_text,
    screen_text_columns,
    screen_text_lists,
)

FILE = Path("run42.csv")

HINTED = """
from pathlib import Path
from typing import ClassVar
from ingest.models import ParsedFile, ParseHints, Provenance
from parsers import results_frame

class HintedParser:
    name: ClassVar[str] = "hinted_txt"
    version: ClassVar[str] = "1.0"
    extensions: ClassVar[tuple[str, ...]] = (".hint",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return True

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        seen = hints or ParseHints()
        return ParsedFile(
            metadata={"date_order": seen.date_order or "none", "decimal": seen.decimal or "none"},
            results=results_frame([{"sample_id": "S", "peak_name": "=1+2"}]),
            provenance=Provenance(self.name, self.version, path),
        )

class PlainParser:
    name: ClassVar[str] = "plain_txt"
    version: ClassVar[str] = "1.0"
    extensions: ClassVar[tuple[str, ...]] = (".plain",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return True

    def parse(self, path: Path) -> ParsedFile:
        return ParsedFile(
            metadata={"sample_name": "@SUM(A1:A3)"},
            results=results_frame([{"sample_id": "S", "peak_name": "-12.5"}]),
            provenance=Provenance(self.name, self.version, path),
        )
"""


@pytest.fixture
def dropins(tmp_path: Path) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "hinted.py").write_text(textwrap.dedent(HINTED), encoding="utf-8")
    for name in ("a.hint", "b.plain"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    return folder


def test_hints_go_to_parsers_that_take_them_by_parser_and_folder(dropins: Path, tmp_path: Path) -> None:
    asked: list[tuple[str, Path | None]] = []

    def hints_for(parser: str, folder: Path | None) -> ParseHints:
        asked.append((parser, folder))
        return ParseHints(date_order="month_first", decimal="comma", formula_text="keep")

    registry = discover_parsers(dropins, third_party=False).with_hints(hints_for)
    parsed = registry.parse(tmp_path / "a.hint", folder=tmp_path / "watched")
    assert (parsed.metadata["date_order"], parsed.metadata["decimal"]) == ("month_first", "comma")
    assert parsed.results["peak_name"].tolist() == ["=1+2"]  # formula_text: keep
    assert asked == [("hinted_txt", tmp_path / "watched")]


def test_a_parser_without_a_hints_keyword_still_works_and_its_output_is_screened(
    dropins: Path, tmp_path: Path
) -> None:
    registry = discover_parsers(dropins, third_party=False)
    parsed = registry.parse(tmp_path / "b.plain")
    assert parsed.metadata["sample_name"] == "'@SUM(A1:A3)"  # neutralised by default
    assert parsed.results["peak_name"].tolist() == ["-12.5"]  # a number is no formula
    (warning,) = parsed.warnings
    assert "'@SUM(A1:A3)' (metadata 'sample_name')" in warning and "formula_text: neutralise" in warning


def test_explicit_hints_win_over_the_provider(dropins: Path, tmp_path: Path) -> None:
    registry = discover_parsers(dropins, third_party=False).with_hints(
        lambda p, f: ParseHints(decimal="comma")
    )
    parsed = registry.parse(tmp_path / "a.hint", hints=ParseHints(decimal="point", formula_text="keep"))
    assert parsed.metadata["decimal"] == "point"


def test_refuse_makes_formula_text_a_parse_error(dropins: Path, tmp_path: Path) -> None:
    registry = discover_parsers(dropins, third_party=False)
    with pytest.raises(ParseError, match=r"'=1\+2' \(result row 1 column 'peak_name'\)"):
        registry.parse(tmp_path / "a.hint", hints=ParseHints(formula_text="refuse"))


@pytest.mark.parametrize(
    "text",
    [
        "=cmd|' /C calc'!A0",
        "=1+2",
        "@SUM(A1:A9)",
        "+A1*2",
        "-2+3+cmd|' /C calc'!A0",
        '=HYPERLINK("x")',
        "-A1",
    ],
)
def test_formula_like_text(text: str) -> None:
    assert looks_like_formula(text)


@pytest.mark.parametrize(
    "text",
    [
        "-12.5",
        "+3",
        "-",
        "--",
        "- not found",
        "@home",
        "(-)-Epicatechin",
        "Sig=254 nm",
        "α-Tocopherol",
        "-Glucose",
    ],
)
def test_text_that_is_not_a_formula(text: str) -> None:
    assert not looks_like_formula(text)


def test_neutralised_values_name_their_line_and_header_when_the_parser_knows_them() -> None:
    parsed = ParsedFile(
        metadata={},
        results=results_frame([{"sample_id": "S"}, {"sample_id": "S", "peak_name": "=A1"}]),
        provenance=Provenance("p", "1", FILE),
    )
    screened = screen_formula_text(
        parsed,
        policy="neutralise",
        file=FILE,
        line_of=lambda row: row + 2,
        headers={"peak_name": "Peak Name"},
    )
    names = screened.results["peak_name"]
    assert names.isna().tolist() == [True, False] and names.iloc[1] == "'=A1"
    assert screened.results["peak_name"].dtype == pd.ArrowDtype(__import__("pyarrow").string())
    assert "'=A1' (line 3 column 'Peak Name')" in screened.warnings[0]


@pytest.mark.parametrize("space", [chr(c) for c in range(0x3001) if chr(c).isspace()])
def test_formula_text_after_any_leading_space_is_found_in_long_columns_as_in_short_ones(space: str) -> None:
    # Over 64 values a column is pre-checked by pyarrow (RE2), whose \s is ASCII only.
    texts: list[str | None] = [*(f"name {i}" for i in range(80)), f"{space}=SUM(A1)"]
    screened = screen_text_columns(
        {"peak_name": pa.array(texts)}, {}, policy="neutralise", file=Path("r.csv")
    )
    replaced, _, warning = screen_text_lists(
        {"peak_name": texts}, {}, policy="neutralise", file=Path("r.csv")
    )
    assert screened.columns["peak_name"].to_pylist()[-1] == f"'{space}=SUM(A1)" == replaced["peak_name"][-1]
    assert screened.warning == warning
