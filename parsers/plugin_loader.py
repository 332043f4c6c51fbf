"""Loading parser classes from ``"module:Class"`` specs and entry points, and checking them.

A class is accepted when it satisfies the parser protocol of :mod:`parsers.base`: a snake_case
``name``, a non-empty ``version`` string, ``extensions`` as lower-case suffixes with the dot, callable
``sniff`` and ``parse``, and a constructor that takes no arguments. Anything else is a
:class:`ingest.errors.ConfigError` naming the plugin and where it came from.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from ingest.errors import ConfigError
from parsers.base import Parser

#: The entry-point group third-party packages register their parser classes under.
ENTRY_POINT_GROUP = "benchling_ingest.parsers"

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_EXTENSION = re.compile(r"^\.[a-z0-9][a-z0-9_.-]*$")


@dataclass(frozen=True)
class PluginSource:
    """A parser class and a human-readable origin: ``builtin``, ``entry point <dist>`` or ``file <path>``."""

    parser_class: type[Parser]
    origin: str
    file: Path | None = None


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


def protocol_problems(obj: object) -> list[str]:
    """Why ``obj`` is not a parser class (empty when it is one)."""
    if not isinstance(obj, type):
        return [f"it is a {type(obj).__name__}, not a class"]
    problems: list[str] = []
    name = getattr(obj, "name", None)
    if not isinstance(name, str) or not _SNAKE.match(name):
        problems.append(f"'name' is {name!r}; expected a snake_case string such as 'my_lc_csv'")
    version = getattr(obj, "version", None)
    if not isinstance(version, str) or not version.strip():
        problems.append(f"'version' is {version!r}; expected a non-empty string such as '1.0'")
    extensions = getattr(obj, "extensions", None)
    if not isinstance(extensions, tuple) or not extensions:
        problems.append(f"'extensions' is {extensions!r}; expected a non-empty tuple such as ('.csv',)")
    else:
        bad = [e for e in extensions if not isinstance(e, str) or not _EXTENSION.match(e)]
        if bad:
            problems.append(
                f"'extensions' has {bad!r}; expected lower-case suffixes with the dot, like '.csv'"
            )
    for method in ("sniff", "parse"):
        if not callable(getattr(obj, method, None)):
            problems.append(f"'{method}' is missing or not callable")
    return problems


def check_parser_class(obj: object, *, origin: str) -> type[Parser]:
    """Return ``obj`` as a parser class, or raise ConfigError listing every protocol problem."""
    problems = protocol_problems(obj)
    label = getattr(obj, "__qualname__", repr(obj))
    if problems:
        raise ConfigError(
            f"Parser class '{label}' ({origin}) does not follow the parser protocol: "
            + "; ".join(problems)
            + ".",
            plugin=label,
            problems=problems,
        )
    try:
        obj()  # type: ignore[operator]  # checked to be a class above; the constructor must take no args
    except Exception as exc:
        raise ConfigError(
            f"Parser class '{label}' ({origin}) could not be created without arguments: "
            f"{type(exc).__name__}: {exc}. Expected a constructor that takes no arguments.",
            plugin=label,
        ) from exc
    return obj  # type: ignore[return-value]  # protocol members checked one by one above
