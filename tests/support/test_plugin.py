"""The example third-party parser package (``tests/plugin_package``), installed for the test session only.

It is never pip-installed into ``.venv`` (it would show in every user's parser list): at the start of a
test session its source folder goes on ``sys.path`` and its metadata (a ``.dist-info`` folder with its
entry points, read from its own ``pyproject.toml``) is written to a temporary folder also put on
``sys.path``, which is how ``importlib.metadata`` finds an installed package. ``PYTHONPATH`` gets both
too, so a CLI subprocess started by a test sees the same packages.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

from tests.support.distributions import write_distribution
from tests.support.paths import REPO

PLUGIN_PACKAGE = REPO / "tests" / "plugin_package"
ENTRY_POINT_GROUP = "benchling_ingest.parsers"


def install_for_session() -> Path:
    """Make the plugin importable and discoverable in this process and its children; returns the
    temporary metadata folder (remove it with :func:`uninstall`)."""
    with (PLUGIN_PACKAGE / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    site = Path(tempfile.mkdtemp(prefix="benchling-ingest-test-plugin-"))
    write_distribution(site, project["name"], project["version"], project["entry-points"][ENTRY_POINT_GROUP])
    added = [str(PLUGIN_PACKAGE), str(site)]
    sys.path[:0] = added
    inherited = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(added + ([inherited] if inherited else []))
    return site


def uninstall(site: Path) -> None:
    shutil.rmtree(site, ignore_errors=True)
