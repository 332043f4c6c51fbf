"""The data files installed with the package (``ingest/data``): the demo exports, the demo tenant, the
demo mapping and the starter mapping. Found with ``importlib.resources``, so the demo and the sandbox
work from any directory after ``pip install``; in the repository, ``sample_data`` and
``schemas_map.yaml`` at the top are links to the same files."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ingest.errors import ConfigError


def packaged(*parts: str) -> Path:
    """The installed data file or folder ``ingest/data/<parts>``, as a path on disk."""
    resource = resources.files("ingest").joinpath("data", *parts)
    if not isinstance(resource, Path):
        raise ConfigError(
            f"benchling-ingest's data file 'data/{'/'.join(parts)}' is not on disk (the package is installed "
            "in a zip archive?); install it as files (pip install benchling-ingest)."
        )
    return resource


def demo_exports() -> Path:
    """The demo exports: one folder per instrument kind."""
    return packaged("sample_data", "exports")


def demo_tenant() -> Path:
    """The demo tenant the sandbox is seeded with (schemas, entities, dropdowns)."""
    return packaged("sample_data", "tenant.yaml")


def demo_map() -> Path:
    """The mapping of the demo exports onto the demo tenant."""
    return packaged("schemas_map.yaml")


def starter_map_header() -> Path:
    """The commented top of the starter mapping ``init`` writes (the mappings follow, per parser)."""
    return packaged("starter_schemas_map.yaml")
