"""The wheel as a user installs it, run from an empty folder: ``--version``, ``init``, ``parsers`` (the
test plugin is not among them) and ``demo`` against its embedded sandbox, all from package data.

Offline: the wheel is built with the build tools of the test environment (``--no-build-isolation``) and
installed with ``--no-deps --no-index`` into a fresh venv whose dependencies are those already installed
in the test environment (linked in one by one, leaving out this project's own editable install).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.support.paths import REPO

#: Names in the test environment's site-packages that are this project (or the tests' plugin), not a
#: dependency: the fresh venv must get the project from the wheel only.
OWN = ("benchling_ingest", "__editable__", "example_lab_parser", "ingest", "parsers")


def run(argv: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; its ``bin`` (``Scripts`` on Windows) folder."""
    base = tmp_path_factory.mktemp("wheel")
    wheels = base / "wheels"
    run(
        [sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "--no-build-isolation", "-w", wheels],
        cwd=base,
    )
    (wheel,) = wheels.glob("benchling_ingest-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for data in (
        "ingest/data/sample_data/tenant.yaml",
        "ingest/data/sample_data/exports/lc/2026-11-02_caffeine_std.csv",
        "ingest/data/schemas_map.yaml",
        "ingest/data/starter_schemas_map.yaml",
    ):
        assert data in names, f"{data} is not in the wheel"
    assert not any(n.startswith("example_lab_parser") or n.startswith("tests/") for n in names)

    venv = base / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base)
    scripts = venv / ("Scripts" if sys.platform == "win32" else "bin")
    python = scripts / ("python.exe" if sys.platform == "win32" else "python")
    purelib = Path(
        run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=base).strip()
    )
    deps = base / "deps"
    deps.mkdir()
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in ours.iterdir():
        if not entry.name.startswith(OWN) and entry.suffix != ".pth":
            (deps / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    (purelib / "test_dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel],
        cwd=base,
    )
    return scripts


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def user_env() -> dict[str, str]:
    """The test environment without its plugin path and without any Benchling setting."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("BENCHLING")}


def cli(scripts: Path, *args: str, cwd: Path) -> str:
    return run([scripts / "benchling-ingest", *args], cwd=cwd, env=user_env())


def test_the_installed_package_is_the_wheels(installed: Path, empty: Path) -> None:
    python = installed / ("python.exe" if sys.platform == "win32" else "python")
    where = run([python, "-c", "import ingest; print(ingest.__file__)"], cwd=empty, env=user_env())
    assert Path(where.strip()).is_relative_to(installed.parent), where
    assert "0.1.0" in cli(installed, "--version", cwd=empty)


def test_init_writes_a_starter_map_here(installed: Path, empty: Path) -> None:
    out = cli(installed, "init", cwd=empty)
    assert (empty / "schemas_map.yaml").is_file(), out
    assert "#   - parser: lc_results_csv" in (empty / "schemas_map.yaml").read_text(encoding="utf-8")


def test_parsers_lists_the_builtins_and_not_the_test_plugin(installed: Path, empty: Path) -> None:
    out = cli(installed, "parsers", cwd=empty)
    assert "lc_results_csv" in out and "builtin" in out
    assert "example_plate_csv" not in out and "example-lab-parser" not in out


def test_demo_runs_from_an_empty_folder(installed: Path, empty: Path) -> None:
    out = cli(installed, "demo", "--work-dir", "work", cwd=empty)
    assert "Summary:" in out and " ingested, 0 quarantined" in out, out
    assert "nothing created" in out
    archived = [p for p in (empty / "work" / "archive").rglob("*") if p.is_file()]
    assert archived and not [p for p in (empty / "work" / "inbox").rglob("*.json") if p.is_file()]
