"""lc_results_csv's fast path (plain UTF-8 files with a decimal point) gives exactly what the general path
gives, on every test file, every demo export and every variant of them other sites' settings write."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.models import ParseHints
from tests.support.export_variants import Variant, exports_of, variants_for
from tests.support.lc_paths import assert_paths_agree

HERE = Path(__file__).parent
REPO = Path(__file__).resolve().parents[4]
INPUTS = [
    *exports_of(HERE / "testdata", skip=lambda p: p.name.endswith("_trace.csv")),
    *sorted(
        p for p in (REPO / "sample_data" / "exports" / "lc").glob("*.csv") if not p.stem.endswith("_trace")
    ),
]
#: Inputs written with a decimal point in UTF-8 (the others use a decimal comma or a code page).
PLAIN_INPUTS = ("2026-11-02_caffeine_std.csv", "2026-11-04_impurity_profile.csv", "script_minimal.csv")
#: Variants after which a file is still plain, so the fast path must read it (not merely agree).
PLAIN_VARIANTS = {"line-ends-crlf", "line-ends-lf", "names-upper", "names-lower", "delimiter-comma"}


@pytest.mark.parametrize("export", INPUTS, ids=lambda p: p.name)
def test_the_test_data_and_demo_exports_read_the_same_by_either_path(export: Path) -> None:
    assert_paths_agree(export)


@pytest.mark.parametrize("variant", variants_for("lc_results_csv"), ids=lambda v: v.name)
@pytest.mark.parametrize("export", INPUTS, ids=lambda p: p.name)
def test_every_variant_reads_the_same_by_either_path(export: Path, variant: Variant, tmp_path: Path) -> None:
    try:
        rewritten = variant.write(export, "lc_results_csv", tmp_path / "variant")
    except UnicodeEncodeError as exc:
        pytest.skip(
            f"{export.name} holds {exc.object[exc.start : exc.end]!r}, which {variant.encoding} cannot write"
        )
    assert_paths_agree(rewritten, variant.hints)


def test_the_plain_inputs_and_their_plain_variants_take_the_fast_path(tmp_path: Path) -> None:
    # Without this, the agreement above could hold only because the fast path declined every file.
    plain = [p for p in INPUTS if p.name in PLAIN_INPUTS]
    assert len(plain) == len(PLAIN_INPUTS)
    for export in plain:
        assert assert_paths_agree(export), export.name
        for variant in variants_for("lc_results_csv"):
            if variant.name in PLAIN_VARIANTS:
                rewritten = variant.write(export, "lc_results_csv", tmp_path / variant.name / export.stem)
                assert assert_paths_agree(rewritten, ParseHints()), f"{variant.name} of {export.name}"
