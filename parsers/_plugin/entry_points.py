"""Loading parser classes from ``"module:Class"`` specs and from entry points of installed packages."""

from __future__ import annotations

import importlib
from importlib.metadata import EntryPoint, entry_points

from ingest.errors import ConfigError
from parsers._plugin.plugin_class import PluginSource, check_parser_class

#: The entry-point group third-party packages register their parser classes under.
ENTRY_POINT_GROUP = "benchling_ingest.parsers"


def load_spec(spec: str, *, origin: str = "builtin") -> PluginSource:
    """Import ``"package.module:Class"`` and check the class; a failure is a ConfigError naming the spec."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(
            f"Parser spec {spec!r} ({origin}) is malformed. Expected 'package.module:ClassName'.",
            plugin=spec,
        )
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise ConfigError(
            f"Parser {spec!r} ({origin}) could not be imported: {type(exc).__name__}: {exc}. "
            "Expected an importable module defining the parser class.",
            plugin=spec,
        ) from exc
    try:
        obj = getattr(module, attr)
    except AttributeError as exc:
        raise ConfigError(
            f"Parser {spec!r} ({origin}) was not found: module '{module_name}' has no attribute '{attr}'. "
            "Expected the parser class to be defined there.",
            plugin=spec,
        ) from exc
    return PluginSource(check_parser_class(obj, origin=f"{origin} {spec}"), origin)


def load_entry_points(group: str = ENTRY_POINT_GROUP) -> list[PluginSource]:
    """Every parser class registered under the entry-point ``group``, in a stable order."""
    found = sorted(entry_points(group=group), key=lambda ep: (_dist_name(ep), ep.name))
    return [_load_entry_point(ep) for ep in found]


def _dist_name(ep: EntryPoint) -> str:
    dist = ep.dist
    return f"{dist.name} {dist.version}" if dist is not None else "unknown distribution"


def _load_entry_point(ep: EntryPoint) -> PluginSource:
    origin = f"entry point {_dist_name(ep)}"
    try:
        obj = ep.load()
    except Exception as exc:
        raise ConfigError(
            f"Parser entry point '{ep.name} = {ep.value}' ({origin}) could not be loaded: "
            f"{type(exc).__name__}: {exc}. Expected an importable 'module:Class'.",
            plugin=ep.value,
        ) from exc
    return PluginSource(check_parser_class(obj, origin=f"{origin} ({ep.value})"), origin)
