"""Parser discovery and choice: which plugin reads a given export, and running it safely.

Discovery (:func:`discover_parsers`) runs in a function, never at import time, in this order:

1. the built-ins: the entry points benchling-ingest's own package registers under the group
   ``benchling_ingest.parsers`` (see :mod:`parsers._plugin.entry_points`);
2. classes other installed packages register under the same group, the same way;
3. ``.py`` files of an optional drop-in folder (see :mod:`parsers._plugin.dropin`).

Every class is checked against the parser protocol, and two parsers with the same ``name`` are an
error naming both origins. A plugin that cannot be loaded is a :class:`ingest.errors.ConfigError` at
discovery: the service refuses to start rather than silently ignoring files.

Choosing (:meth:`ParserRegistry.choose`) filters by extension (case-insensitive; a folder unit such as
ChemStation's ``Sample.D`` has extension ``.d``), then asks each candidate's ``sniff(head, path)``
with the first 64 KiB of the file (``head=b""`` for a folder: the parser looks inside it itself).
Exactly one parser must accept the file; otherwise a :class:`ingest.errors.NoParserError` lists the
candidates and why each was left out.

Multi-file units: a folder whose suffix is in :attr:`ParserRegistry.unit_suffixes` (parsers declare
them in an optional ``unit_suffixes`` class attribute, e.g. ``(".d",)``) is one unit and is given to
the parser as the folder path. A parser given one member of a unit reads the siblings it needs itself;
for example ChemStation's ``Report00.CSV`` given alone reads ``REPORT01.CSV``… beside it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ingest.errors import ConfigError, NoParserError, ParseError
from ingest.models import ParsedFile
from parsers._plugin.contract import Parser, techniques_of, validate_parsed
from parsers._plugin.dropin import load_dropin_folder
from parsers._plugin.entry_points import Distributions, load_entry_points

#: How much of a file ``sniff`` sees.
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class ParserEntry:
    """One registered parser: its class, identity and where it came from."""

    parser_class: type[Parser]
    origin: str

    @property
    def name(self) -> str:
        return self.parser_class.name

    @property
    def version(self) -> str:
        return self.parser_class.version

    @property
    def extensions(self) -> tuple[str, ...]:
        return self.parser_class.extensions

    @property
    def techniques(self) -> tuple[str, ...]:
        """The techniques its files can be (``liquid_chromatography`` when the class declares none)."""
        return techniques_of(self.parser_class)

    @property
    def unit_suffixes(self) -> tuple[str, ...]:
        suffixes = getattr(self.parser_class, "unit_suffixes", ())
        return tuple(s.lower() for s in suffixes if isinstance(s, str))

    def create(self) -> Parser:
        """A fresh parser instance (one per use, so a plugin's state is never shared between threads)."""
        return self.parser_class()

    def matches_extension(self, path: Path) -> bool:
        lowered = path.name.lower()
        return any(lowered.endswith(ext) and len(lowered) > len(ext) for ext in self.extensions)


class ParserRegistry:
    """The discovered parsers; chooses one per file and runs it behind the parser contract."""

    def __init__(self, entries: Sequence[ParserEntry]) -> None:
        by_name: dict[str, ParserEntry] = {}
        for entry in entries:
            previous = by_name.get(entry.name)
            if previous is not None and previous.parser_class is not entry.parser_class:
                raise ConfigError(
                    f"Two parsers are named '{entry.name}': one from {previous.origin} and one from "
                    f"{entry.origin}. Expected unique parser names; rename one of them.",
                    plugin=entry.name,
                    origins=[previous.origin, entry.origin],
                )
            by_name.setdefault(entry.name, entry)
        self._entries: tuple[ParserEntry, ...] = tuple(by_name.values())

    def __iter__(self) -> Iterator[ParserEntry]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"ParserRegistry({[e.name for e in self._entries]})"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self._entries)

    @property
    def techniques(self) -> dict[str, tuple[str, ...]]:
        """Parser name -> the techniques its files can be."""
        return {e.name: e.techniques for e in self._entries}

    @property
    def unit_suffixes(self) -> frozenset[str]:
        """Folder suffixes (lower-case, with the dot) that make a folder one export unit, e.g. ``.d``."""
        return frozenset(s for e in self._entries for s in e.unit_suffixes)

    def get(self, name: str) -> ParserEntry:
        """The entry named ``name``; a ConfigError listing the known names when there is none."""
        for entry in self._entries:
            if entry.name == name:
                return entry
        raise ConfigError(f"No parser is named {name!r}. Expected one of {list(self.names)}.", plugin=name)

    def choose(self, path: Path) -> Parser:
        """The one parser that reads ``path`` (extension, then sniff); NoParserError otherwise."""
        return self._choose_entry(path).create()

    def claims(self, path: Path) -> bool:
        """True when exactly one parser reads ``path`` (what folder listings use to find exports);
        False also when the file cannot be read (any more)."""
        try:
            self._choose_entry(path)
        except ParseError:
            return False
        return True

    def _choose_entry(self, path: Path) -> ParserEntry:
        by_extension = [e for e in self._entries if e.matches_extension(path)]
        if not by_extension:
            known = sorted({ext for e in self._entries for ext in e.extensions})
            raise NoParserError(
                f"No parser reads '{path}': no parser handles its extension. "
                f"Expected one of the extensions {known}.",
                file=path,
            )
        head = _read_head(path)
        accepted: list[ParserEntry] = []
        reasons: list[str] = []
        for entry in by_extension:
            try:
                verdict = bool(entry.create().sniff(head, path))
            except Exception as exc:  # a plugin's sniff must not stop the others from being asked
                reasons.append(f"{entry.name} ({entry.origin}): sniff raised {type(exc).__name__}: {exc}")
                continue
            if verdict:
                accepted.append(entry)
            else:
                reasons.append(f"{entry.name} ({entry.origin}): sniff declined the content")
        if len(accepted) == 1:
            return accepted[0]
        candidates = [e.name for e in by_extension]
        if not accepted:
            raise NoParserError(
                f"No parser reads '{path}': the parsers for its extension declined it ("
                + "; ".join(reasons)
                + "). Expected content one of them recognises.",
                file=path,
                candidates=candidates,
            )
        names = [f"{e.name} ({e.origin})" for e in accepted]
        raise NoParserError(
            f"Several parsers claim '{path}': {names}. Expected exactly one; make their sniff() stricter.",
            file=path,
            candidates=[e.name for e in accepted],
        )

    def parse(self, path: Path, *, parser_name: str | None = None) -> ParsedFile:
        """Choose a parser (or use ``parser_name``), parse ``path`` and validate the result.

        Raises only ParseError: a plugin's own bug (any other exception) is wrapped in a ParseError
        naming the parser and the file, so one bad plugin cannot stop the service.
        """
        entry = self.get(parser_name) if parser_name else self._choose_entry(path)
        try:
            parsed = entry.create().parse(path)
        except ParseError:
            raise
        except Exception as exc:
            raise ParseError(
                f"Parser '{entry.name}' {entry.version} ({entry.origin}) failed on '{path}' with "
                f"{type(exc).__name__}: {exc}. This is a bug in the parser; expected a ParseError "
                "for unreadable content.",
                file=path,
                parser=entry.name,
            ) from exc
        if not isinstance(parsed, ParsedFile):
            raise ParseError(
                f"Parser '{entry.name}' ({entry.origin}) returned {type(parsed).__name__} for '{path}'. "
                "Expected a ParsedFile.",
                file=path,
                parser=entry.name,
            )
        try:
            return validate_parsed(parsed, file=path)
        except ParseError:
            raise
        except Exception as exc:
            raise ParseError(
                f"Parser '{entry.name}' ({entry.origin}) returned output for '{path}' that could not be "
                f"checked: {type(exc).__name__}: {exc}. Expected a ParsedFile following the parser contract.",
                file=path,
                parser=entry.name,
            ) from exc


def _read_head(path: Path) -> bytes:
    if path.is_dir():
        return b""
    try:
        with path.open("rb") as handle:
            return handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise ParseError(f"File '{path}' could not be read: {exc.strerror}.", file=path) from exc


def discover_parsers(
    parsers_dir: Path | None = None,
    *,
    only: Collection[str] | None = None,
    third_party: bool = True,
    distributions: Distributions = metadata.distributions,
) -> ParserRegistry:
    """Load the registered parsers (built-ins, then other packages'), then ``parsers_dir`` drop-ins.

    ``only`` (entry-point names to load) and ``third_party=False`` (built-ins alone) narrow the set for
    tests and tools; ``distributions`` replaces the installed packages, for tests. Raises ConfigError
    when a plugin cannot be loaded, breaks the protocol or reuses a name, and when the project's own
    metadata is missing (see :mod:`parsers._plugin.entry_points`).
    """
    sources = load_entry_points(only=only, third_party=third_party, distributions=distributions)
    if parsers_dir is not None:
        sources.extend(load_dropin_folder(parsers_dir))
    return ParserRegistry([ParserEntry(s.parser_class, s.origin) for s in sources])
