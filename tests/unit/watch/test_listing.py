"""The one folder walker as reprocess and the demo use it: exports only, units whole, one pattern language."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.watch import PathFilter, list_exports
from ingest.watch.listing import list_root


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def is_export(path: Path) -> bool:
    """Stands in for the parser registry's claim: CSV files and .D units are exports, traces are not."""
    return path.suffix.lower() in (".csv", ".d") and not path.name.lower().endswith("_trace.csv")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "Archive"
    touch(root / "2024" / "11" / "Run 1 (copy).CSV")
    touch(root / "2024" / "11" / "Run 1 (copy)_trace.csv")
    touch(root / "2024" / "12" / "SEQ-7" / "RUN1.D" / "Report00.CSV")
    touch(root / "2024" / "12" / "SEQ-7" / "RUN1.D" / "DAD1A.ch")
    touch(root / "2025" / "~$open.csv")
    touch(root / "2025" / "b.csv.error.json")
    touch(root / ".sync" / "hidden.csv")
    touch(root / "2025" / "a.csv")
    return root


def relative(root: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_exports_in_path_order_with_units_whole_and_default_excludes(archive: Path) -> None:
    found = list_exports(archive, is_export=is_export)
    assert relative(archive, [c.path for c in found]) == [
        "2024/11/Run 1 (copy).CSV",
        "2024/12/SEQ-7/RUN1.D",
        "2025/a.csv",
    ]
    unit = found[1]
    assert unit.is_unit and len(unit.members) == 2


@pytest.mark.parametrize(
    ("include", "expected"),
    [
        (("*.csv",), ["2024/11/Run 1 (copy).CSV", "2025/a.csv"]),
        (("2024/**",), ["2024/11/Run 1 (copy).CSV", "2024/12/SEQ-7/RUN1.D"]),
        (("2024/*/*.csv",), ["2024/11/Run 1 (copy).CSV"]),
        (("2024\\12\\**\\*.d",), ["2024/12/SEQ-7/RUN1.D"]),
        (("RUN1.D", "A.CSV"), ["2024/12/SEQ-7/RUN1.D", "2025/a.csv"]),
    ],
)
def test_include_patterns_select_exports(
    archive: Path, include: tuple[str, ...], expected: list[str]
) -> None:
    found = list_exports(archive, include=include, is_export=is_export)
    assert relative(archive, [c.path for c in found]) == expected


def test_a_folder_that_cannot_be_listed_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be listed"):
        list_exports(tmp_path / "missing", is_export=is_export)


def test_skipped_folders_are_not_entered_however_their_path_is_spelt(tmp_path: Path) -> None:
    """The archive inside a watched folder, named relative to elsewhere (``..``): never listed."""
    (tmp_path / "archive" / "2026").mkdir(parents=True)
    (tmp_path / "archive" / "2026" / "old.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "new.csv").write_text("b\n", encoding="utf-8")
    spelt = tmp_path / "archive" / ".." / "archive"
    listing = list_root(tmp_path, PathFilter(), (".d",), recursive=True, skip=[spelt])
    assert [c.relative.as_posix() for c in listing.candidates] == ["new.csv"]
