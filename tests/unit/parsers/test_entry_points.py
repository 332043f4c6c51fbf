"""Built-ins and third-party parsers are found the same way: entry points in installed package metadata.

The packages are given to discovery through its ``distributions`` seam as real ``.dist-info`` folders
(see ``support.distributions``), except where the test is about the installed metadata itself.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from ingest.errors import ConfigError
from parsers import ENTRY_POINT_GROUP, discover_parsers
from parsers._plugin.entry_points import registrations
from tests.support.distributions import installed_builtins, write_distribution

REPO = Path(__file__).resolve().parents[3]
LC = "parsers.lc_results_csv.parser:LcResultsCsvParser"
PLATE = "example_lab_parser:ExamplePlateCsvParser"
FORMAT_FOLDERS = sorted(
    p.name for p in (REPO / "parsers").iterdir() if p.is_dir() and not p.name.startswith("_")
)


def declared_in_pyproject() -> dict[str, str]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    return dict(project["entry-points"][ENTRY_POINT_GROUP])


def test_every_format_folder_is_registered_under_its_own_name_in_pyproject() -> None:
    declared = declared_in_pyproject()
    assert sorted(declared) == FORMAT_FOLDERS
    for name, value in declared.items():
        assert value.startswith(f"parsers.{name}.parser:"), (name, value)


def test_the_installed_metadata_is_current_with_pyproject() -> None:
    """Fails when the environment was installed before the table changed: run 'make venv'."""
    assert installed_builtins() == declared_in_pyproject()


#: Format folders registered through a provider (one plugin per allotropy vendor, none without allotropy:
#: the test environment hides it, see tests/conformance/parsers/allotropy_bridge).
PROVIDER_FOLDERS = ["allotropy_bridge"]


def test_installed_builtins_are_discovered_with_builtin_origin_and_their_entry_names() -> None:
    registry = discover_parsers(third_party=False)
    assert sorted(registry.names) == [f for f in FORMAT_FOLDERS if f not in PROVIDER_FOLDERS]
    assert {entry.origin for entry in registry} == {"builtin"}


def test_builtins_come_first_then_other_packages_by_distribution(tmp_path: Path) -> None:
    site = tmp_path / "site"
    dists = [
        write_distribution(site, "zeta-parsers", "2.0", {"example_plate_csv": PLATE}),
        write_distribution(site, "benchling-ingest", "9.9", {"lc_results_csv": LC}),
    ]
    found = registrations(distributions=lambda: dists)
    assert [(r.entry_point.name, r.origin) for r in found] == [
        ("lc_results_csv", "builtin"),
        ("example_plate_csv", "entry point zeta-parsers 2.0"),
    ]
    registry = discover_parsers(distributions=lambda: dists)
    assert [(e.name, e.origin) for e in registry] == [
        ("lc_results_csv", "builtin"),
        ("example_plate_csv", "entry point zeta-parsers 2.0"),
    ]


def test_a_package_found_twice_on_the_path_counts_once(tmp_path: Path) -> None:
    first = write_distribution(tmp_path / "a", "benchling_ingest", "9.9", {"lc_results_csv": LC})
    second = write_distribution(tmp_path / "b", "Benchling-Ingest", "1.0", {"broken": "no.such:Module"})
    registry = discover_parsers(distributions=lambda: [first, second])
    assert registry.names == ("lc_results_csv",)


def test_source_tree_without_installed_metadata_is_a_config_error_saying_to_install(tmp_path: Path) -> None:
    other = write_distribution(tmp_path / "site", "example-lab-parser", "0.1.0", {"example_plate_csv": PLATE})
    with pytest.raises(ConfigError) as info:
        discover_parsers(distributions=lambda: [other])
    message = str(info.value)
    assert "No installed metadata of 'benchling-ingest' was found" in message
    assert "source tree that was never installed" in message
    assert "pip install -e ." in message


def test_metadata_installed_before_builtins_were_registered_is_a_config_error(tmp_path: Path) -> None:
    stale = write_distribution(tmp_path / "site", "benchling-ingest", "0.1.0", entry_points=None)
    with pytest.raises(ConfigError, match=r"'benchling-ingest' 0\.1\.0 registers no parser under"):
        discover_parsers(distributions=lambda: [stale])


def test_only_loads_the_named_entry_points_and_rejects_unknown_names(tmp_path: Path) -> None:
    dists = [
        write_distribution(tmp_path / "site", "benchling-ingest", "9.9", {"lc_results_csv": LC}),
        write_distribution(tmp_path / "site", "broken-parsers", "1.0", {"broken": "no.such.module:Parser"}),
    ]
    # The broken package is never imported: only the named entry point is loaded.
    assert discover_parsers(only=("lc_results_csv",), distributions=lambda: dists).names == (
        "lc_results_csv",
    )
    with pytest.raises(ConfigError, match=re.escape("No parser entry point is named ['lc_csv']")):
        discover_parsers(only=("lc_csv",), distributions=lambda: dists)


def test_third_party_false_leaves_out_other_packages(tmp_path: Path) -> None:
    dists = [
        write_distribution(tmp_path / "site", "benchling-ingest", "9.9", {"lc_results_csv": LC}),
        write_distribution(tmp_path / "site", "example-lab-parser", "0.1.0", {"example_plate_csv": PLATE}),
    ]
    assert discover_parsers(third_party=False, distributions=lambda: dists).names == ("lc_results_csv",)
    assert "example_plate_csv" in discover_parsers(distributions=lambda: dists).names


def test_a_distribution_whose_metadata_has_no_name_is_ignored(tmp_path: Path) -> None:
    nameless = tmp_path / "site" / "broken-1.0.dist-info"
    nameless.mkdir(parents=True)
    (nameless / "METADATA").write_text("Metadata-Version: 2.1\n", encoding="utf-8")
    (nameless / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nbroken = no.such:Module\n", encoding="utf-8"
    )
    own = write_distribution(tmp_path / "site", "benchling-ingest", "9.9", {"lc_results_csv": LC})
    dists = [metadata.PathDistribution(nameless), own]
    assert discover_parsers(distributions=lambda: dists).names == ("lc_results_csv",)
