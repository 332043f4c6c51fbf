"""The one pattern language (watch --include/--exclude, reprocess --glob, the demo's folder walk)."""

from __future__ import annotations

from pathlib import PurePath, PureWindowsPath

import pytest

from ingest.watch.patterns import DEFAULT_EXCLUDES, PathFilter, glob_matches


@pytest.mark.parametrize(
    ("pattern", "relative", "expected"),
    [
        # Case is ignored on every platform.
        ("*.csv", "Report00.CSV", True),
        ("lc/*.csv", "LC/run.csv", True),
        ("*.d", "2026/RUN1.D", True),
        # Without "/": the name, at any depth.
        ("*.tmp", "a/b/c.TMP", True),
        ("~$*", "exports/~$Book1.xlsx", True),
        ("*.csv", "x.csv/data.txt", False),
        (".*", "a/b.csv", False),
        (".*", ".hidden", True),
        ("*.tmp", ".partial.tmp", True),
        # With "/": the whole relative path; "*" stays within one folder name, "**" spans folders.
        ("lc/*.csv", "gc/run.csv", False),
        ("lc/*.csv", "lc/2026/run.csv", False),
        ("lc/**/*.csv", "lc/2026/11/run.csv", True),
        ("lc/**/*.csv", "lc/run.csv", True),
        ("**/*.csv", "run.csv", True),
        ("**/*.csv", "x/run.csv", True),
        ("2026/*", "2026/Run 1 (copy).csv", True),
        # Windows users write backslashes.
        ("LC\\*.CSV", "lc/run.csv", True),
        ("Exports\\**\\*.txt", "exports/Shimadzu/SMP-013.TXT", True),
    ],
)
def test_glob_matches(pattern: str, relative: str, expected: bool) -> None:
    assert glob_matches(pattern, PurePath(relative)) is expected


def test_windows_relative_paths_match_like_posix_ones() -> None:
    relative = PureWindowsPath("Sequence 12\\RUN1.D")
    assert glob_matches("sequence 12/*.d", relative)
    assert glob_matches("*.D", relative)
    assert not glob_matches("run1.d/*", relative)


def test_an_excluded_folder_hides_everything_below_it() -> None:
    path_filter = PathFilter()
    assert path_filter.is_excluded(PurePath("a/.git/config"))
    assert not path_filter.is_candidate(PurePath(".sync/run.csv"))
    assert path_filter.is_candidate(PurePath("runs/run.csv"))
    assert not PathFilter(exclude=("old",)).is_candidate(PurePath("OLD/2019/run.csv"))


def test_include_takes_only_matching_candidates() -> None:
    path_filter = PathFilter(include=("*.csv", "shimadzu/*.txt"))
    assert path_filter.is_candidate(PurePath("lc/deep/RUN.CSV"))
    assert path_filter.is_candidate(PurePath("Shimadzu/SMP-013.TXT"))
    assert not path_filter.is_candidate(PurePath("other/SMP-013.txt"))
    assert not path_filter.is_candidate(PurePath("lc/~$run.csv")), "excludes win over includes"


def test_default_filter_rejects_markers_and_reports_but_keeps_exports() -> None:
    path_filter = PathFilter(exclude=DEFAULT_EXCLUDES, done_marker=".done")
    assert path_filter.is_candidate(PurePath("runs/run1.csv"))
    assert not path_filter.is_candidate(PurePath("runs/run1.csv.done"))
    assert not path_filter.is_candidate(PurePath("runs/run1.csv.error.json"))
    assert path_filter.marker_for("run1.csv") == "run1.csv.done"
    assert PathFilter().marker_for("run1.csv") is None
