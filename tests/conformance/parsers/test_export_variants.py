"""Every parser reads the variants its software produces at other sites: the parse does not change.

Each built-in format's test data (and the real exports in ``../shared`` when present) is rewritten by
``tests.support.export_variants`` the way other sites' settings would write it: other encodings (UTF-16
and UTF-32 in both byte orders, with and without BOM), line ends, delimiters, decimal commas, thousands
grouping, date orders and clocks, month names in six languages, file-name case and report prefixes.
The variant's parse must give the same results, traces, attachments and metadata as the original's,
with the site's hints (``date_order``, ``decimal``) that go with the variant.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.models import ParsedFile
from parsers import ParserRegistry, discover_parsers
from tests.support.export_variants import (
    DIALECTS,
    GUESSED_ENCODING,
    SITE_CODE_PAGES,
    Variant,
    comparable,
    exports_of,
    variants_for,
)

PARSERS = Path(__file__).parent
#: The trace file an LC results CSV names is a companion, not an input.
COMPANIONS = ("_trace.csv",)
#: Real exports (under ../shared) per format; a few axes each, to keep the suite quick on big files.
REAL = {
    "agilent_chemstation_csv": ["agilent-chemstation-csv-report/2022-01-28_11-35-44_ba.D"],
    "agilent_chemstation_txt": ["agilent-chemstation-text-report/RUTIN2.D"],
    "shimadzu_labsolutions_ascii": [
        "shimadzu-labsolutions/STD_25.txt",
        "shimadzu-labsolutions/new-shim-1.txt",
        "shimadzu-labsolutions/Output-sample 0.txt",
    ],
    "thermo_chromeleon_txt": ["thermo-chromeleon-7/05_20170526_MME_AA_STD-Mix2_ED_1.txt"],
    "waters_empower_arw": ["waters-empower-arw/results1844.arw"],
}
REAL_VARIANTS = (
    "encoding-utf-16-be",
    "encoding-utf-32-le-bom",
    "line-ends-cr",
    "decimal-comma",
    "dates-mdy-12h",
)


def _cases() -> list[object]:
    cases: list[object] = []
    for parser in DIALECTS:
        testdata = PARSERS / parser / "testdata"
        for export in exports_of(testdata, skip=lambda p: p.name.endswith(COMPANIONS)):
            for variant in variants_for(parser):
                cases.append(
                    pytest.param(parser, export, variant, id=f"{parser}/{export.name}/{variant.name}")
                )
    return cases


@pytest.fixture(scope="module")
def registry() -> ParserRegistry:
    return discover_parsers()


@pytest.mark.parametrize(("parser", "export", "variant"), _cases())
def test_a_variant_of_the_test_data_parses_the_same(
    parser: str, export: Path, variant: Variant, tmp_path: Path, registry: ParserRegistry
) -> None:
    check_variant(registry, parser, export, variant, tmp_path)


@pytest.mark.parametrize(
    ("parser", "relative", "variant_name"),
    [
        pytest.param(parser, relative, name, id=f"{parser}/{Path(relative).name}/{name}")
        for parser, paths in REAL.items()
        for relative in paths
        for name in REAL_VARIANTS
        if any(v.name == name for v in variants_for(parser))
    ],
)
def test_a_variant_of_a_real_export_parses_the_same(
    parser: str,
    relative: str,
    variant_name: str,
    instrument_exports: Path,
    tmp_path: Path,
    registry: ParserRegistry,
) -> None:
    variant = next(v for v in variants_for(parser) if v.name == variant_name)
    check_variant(registry, parser, instrument_exports / relative, variant, tmp_path)


def check_variant(
    registry: ParserRegistry, parser: str, export: Path, variant: Variant, tmp_path: Path
) -> None:
    original = registry.parse(export)  # as its own site reads it; the variant with its site's hints
    try:
        rewritten = variant.write(export, parser, tmp_path / "variant")
    except UnicodeEncodeError as exc:
        pytest.skip(
            f"{export.name} holds {exc.object[exc.start : exc.end]!r}, which {variant.encoding} cannot write"
        )
    parsed = registry.parse(rewritten, hints=variant.hints)
    assert _compared(parsed, variant, original) == _compared(original, variant, original), (
        f"{variant.name} of {export.name} parses differently (written to {rewritten})"
    )


def _compared(parsed: ParsedFile, variant: Variant, original: ParsedFile) -> dict[str, object]:
    value = comparable(parsed, kind=variant.kind, original=original)
    if variant.kind == "dates":
        # A date variant comes with its site's date_order; the original is read without one, so a guessed
        # order (a 12-hour clock taken for the US habit) is said in its warnings and not in the variant's.
        value["warnings"] = sum("Set 'date_order'" not in w for w in parsed.warnings)
    if variant.encoding:
        # The original may be a legacy code page read by a guess (said in a warning), the variant not.
        value["warnings"] = sum(GUESSED_ENCODING not in w for w in parsed.warnings)
    return value


def test_every_format_has_test_data_and_variants_of_every_axis_it_allows() -> None:
    for parser, dialect in DIALECTS.items():
        names = {v.name for v in variants_for(parser)}
        assert list(exports_of(PARSERS / parser / "testdata")), parser
        assert {"line-ends-cr", "names-upper", "names-lower"} <= names
        assert any(n.startswith("encoding-utf-16") for n in names)
        if dialect.layout != "json" and parser != "agilent_openlab_trace_csv":
            assert {f"encoding-{page}-site" for page in SITE_CODE_PAGES} <= names
        if dialect.dates:
            assert {"dates-mdy-12h", "dates-iso-12h", "dates-month-names-nl"} <= names
        if dialect.grouping:
            assert "grouping-point-comma" in names
