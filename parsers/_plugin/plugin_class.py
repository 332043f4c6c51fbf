"""A loaded parser class: the check against the parser protocol, and where the class came from.

A class is accepted when it satisfies the parser protocol of :mod:`parsers._plugin.contract`: a
snake_case ``name``, a non-empty ``version`` string, ``extensions`` as lower-case suffixes with the dot,
callable ``sniff`` and ``parse``, ``techniques`` (when given) naming known techniques, and a constructor
that takes no arguments. Anything else is a :class:`ingest.errors.ConfigError` naming the plugin and
where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ingest.contract import CONTRACTS
from ingest.errors import ConfigError
from parsers._plugin.contract import Parser

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_EXTENSION = re.compile(r"^\.[a-z0-9][a-z0-9_.-]*$")


@dataclass(frozen=True)
class PluginSource:
    """A parser class and a human-readable origin: ``builtin``, ``entry point <dist>`` or ``file <path>``."""

    parser_class: type[Parser]
    origin: str
    file: Path | None = None


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
    techniques = getattr(obj, "techniques", None)
    if techniques is not None and (
        not isinstance(techniques, tuple) or not techniques or any(t not in CONTRACTS for t in techniques)
    ):
        problems.append(
            f"'techniques' is {techniques!r}; expected a non-empty tuple of {sorted(CONTRACTS)} (or no "
            "'techniques' for liquid chromatography)"
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
