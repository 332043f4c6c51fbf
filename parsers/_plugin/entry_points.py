"""Parser classes registered as entry points of installed packages, the built-ins included.

Every parser, ours and third-party, is registered under the entry-point group
:data:`ENTRY_POINT_GROUP` of its package's metadata (``[project.entry-points."benchling_ingest.parsers"]``
in ``pyproject.toml``). The built-ins are the entry points of benchling-ingest's own distribution; their
origin is ``builtin``, every other one's ``entry point <distribution> <version>``.

The built-ins therefore exist only in installed metadata (``pip install -e .``, which ``make venv``
runs). A source tree imported without it would silently find no built-in parser, so that case, and
metadata installed before a built-in was registered there, are :class:`ingest.errors.ConfigError`\\ s
saying to install the project.

An entry point names a parser class, or a *provider* (see :func:`is_provider`): a function returning
several classes, such as the allotropy bridge's one plugin per vendor, present only when allotropy is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from importlib import metadata

from ingest.errors import ConfigError
from parsers._plugin.plugin_class import PluginSource, check_parser_class

#: The entry-point group every parser class is registered under, built-ins included.
ENTRY_POINT_GROUP = "benchling_ingest.parsers"

#: The distribution whose entry points are the built-in parsers.
OWN_DISTRIBUTION = "benchling-ingest"

#: Where distributions are found: :func:`importlib.metadata.distributions`, or a fixed set in tests.
Distributions = Callable[[], Iterable[metadata.Distribution]]


@dataclass(frozen=True)
class Registration:
    """One entry point of the group and the distribution that declares it."""

    entry_point: metadata.EntryPoint
    distribution: str
    builtin: bool

    @property
    def origin(self) -> str:
        return "builtin" if self.builtin else f"entry point {self.distribution}"


def registrations(
    group: str = ENTRY_POINT_GROUP, *, distributions: Distributions = metadata.distributions
) -> list[Registration]:
    """Every entry point of ``group``: the built-ins by name, then the others by distribution and name.

    Raises ConfigError when benchling-ingest's own metadata is missing or registers no built-in.
    """
    own: metadata.Distribution | None = None
    found: list[Registration] = []
    seen: set[str] = set()
    for dist in distributions():
        raw_name = next(iter(dist.metadata.get_all("Name") or []), "")
        name = _normalized(raw_name)
        if not name or name in seen:
            continue  # nameless (broken) metadata, or a distribution found twice: the first is imported
        seen.add(name)
        builtin = name == OWN_DISTRIBUTION
        if builtin:
            own = dist
        label = f"{raw_name} {dist.version}"
        found.extend(Registration(ep, label, builtin) for ep in dist.entry_points.select(group=group))
    _check_own_metadata(own, found, group)
    return sorted(
        found, key=lambda r: (not r.builtin, "" if r.builtin else r.distribution, r.entry_point.name)
    )


def load_entry_points(
    group: str = ENTRY_POINT_GROUP,
    *,
    only: Collection[str] | None = None,
    third_party: bool = True,
    distributions: Distributions = metadata.distributions,
) -> list[PluginSource]:
    """The parser classes registered under ``group``, loaded and checked against the protocol.

    ``only`` names the entry points to load (all when None; a name no entry point has is a ConfigError);
    ``third_party=False`` loads the built-ins alone. Both exist for tests and tools that need a narrow set.
    """
    chosen = [r for r in registrations(group, distributions=distributions) if third_party or r.builtin]
    if only is not None:
        names = {r.entry_point.name for r in chosen}
        unknown = sorted(set(only) - names)
        if unknown:
            raise ConfigError(
                f"No parser entry point is named {unknown}. Expected names among {sorted(names)}.",
                plugin=unknown[0],
            )
        chosen = [r for r in chosen if r.entry_point.name in only]
    return [source for r in chosen for source in load_registration_sources(r)]


def is_provider(obj: object) -> bool:
    """Whether an entry point's object is a *provider*: a function marked ``provides_parsers = True``
    that returns the parser classes to register (possibly none, e.g. when an optional tool is absent)."""
    return callable(obj) and not isinstance(obj, type) and getattr(obj, "provides_parsers", False) is True


def load_registration_sources(registration: Registration) -> list[PluginSource]:
    """The parser classes of one entry point: its class, or every class its provider returns."""
    obj = _load(registration)
    if not is_provider(obj):
        return [_checked(obj, registration)]
    ep = registration.entry_point
    try:
        provided = tuple(obj())  # type: ignore[operator]  # is_provider checked that it is callable
    except Exception as exc:  # a provider's failure must name the entry point, like an import failure
        raise ConfigError(
            f"Parser provider '{ep.name} = {ep.value}' ({registration.origin}) failed: "
            f"{type(exc).__name__}: {exc}. Expected a function returning parser classes.",
            plugin=ep.value,
        ) from exc
    return [_checked(cls, registration) for cls in provided]


def load_registration(registration: Registration) -> PluginSource:
    """Import one entry point's class and check it; a failure is a ConfigError naming it and its origin."""
    return _checked(_load(registration), registration)


def _load(registration: Registration) -> object:
    ep = registration.entry_point
    try:
        return ep.load()
    except Exception as exc:  # any import-time failure of a plugin's module must name the plugin
        raise ConfigError(
            f"Parser entry point '{ep.name} = {ep.value}' ({registration.origin}) could not be loaded: "
            f"{type(exc).__name__}: {exc}. Expected an importable 'module:Class'.",
            plugin=ep.value,
        ) from exc


def _checked(obj: object, registration: Registration) -> PluginSource:
    ep = registration.entry_point
    origin = registration.origin
    return PluginSource(check_parser_class(obj, origin=f"{origin} ({ep.value})"), origin)


def _order(registration: Registration) -> tuple[bool, str, str]:
    builtin = registration.builtin
    return (not builtin, "" if builtin else registration.distribution, registration.entry_point.name)


def _normalized(name: str) -> str:
    # Distribution names compare case-insensitively with runs of -, _ and . as one dash (PEP 503).
    return re.sub(r"[-_.]+", "-", name).lower()


def _check_own_metadata(own: metadata.Distribution | None, found: list[Registration], group: str) -> None:
    if own is None:
        raise ConfigError(
            f"No installed metadata of '{OWN_DISTRIBUTION}' was found, so its built-in parsers (registered "
            f"as entry points of the group '{group}') cannot be found: the project is imported from a "
            "source tree that was never installed. Expected an installed package: run 'pip install -e .' "
            "in the repository (or 'make venv') and start again.",
            plugin=OWN_DISTRIBUTION,
        )
    if not any(r.builtin for r in found):
        raise ConfigError(
            f"The installed metadata of '{OWN_DISTRIBUTION}' {own.version} registers no parser under the "
            f"entry-point group '{group}'; it was installed before the built-in parsers were registered "
            "there. Expected current metadata: run 'pip install -e .' in the repository (or 'make venv') "
            "and start again.",
            plugin=OWN_DISTRIBUTION,
        )
