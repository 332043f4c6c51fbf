"""Installed-package metadata written to a folder, for discovery tests that need a given set of packages.

A ``<name>-<version>.dist-info`` folder with ``METADATA`` and ``entry_points.txt`` is what pip writes;
:class:`importlib.metadata.PathDistribution` reads it like any installed package, so the registry's
``distributions`` seam gets real distributions, not stand-ins.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from parsers import ENTRY_POINT_GROUP


def write_distribution(
    folder: Path, name: str, version: str, entry_points: Mapping[str, str] | None = None
) -> metadata.Distribution:
    """Metadata of package ``name`` registering ``entry_points`` (entry name -> ``module:Class``)."""
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    if entry_points is not None:
        lines = [f"[{ENTRY_POINT_GROUP}]", *(f"{key} = {value}" for key, value in entry_points.items())]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return metadata.PathDistribution(info)


def installed_builtins() -> dict[str, str]:
    """The built-in entry points of the installed benchling-ingest (entry name -> ``module:Class``)."""
    own = metadata.distribution("benchling-ingest")
    return {ep.name: ep.value for ep in own.entry_points.select(group=ENTRY_POINT_GROUP)}
