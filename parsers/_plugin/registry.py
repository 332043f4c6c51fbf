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
Exactly one parser must accept the file; otherwise a :class:`ingest.errors.NoParserError` says why: an
empty or binary file is named as such, and when every candidate declines, the one whose ``near_miss``
came closest is named with what the file lacked ("looks like an LC results CSV but has no 'Area'
column").

Parsing (:meth:`ParserRegistry.parse`) gives the site's :class:`ingest.models.ParseHints` to parsers
whose ``parse`` takes a ``hints`` keyword (a registry made :meth:`~ParserRegistry.with_hints` looks them
up per parser and folder), checks the output against the contract, makes metadata values that stand for
"not set" missing (:mod:`parsers._plugin.placeholder_values`: ``9.18356e-039``, ``-1``, ``n/a``), and
screens its text for spreadsheet formulas (:mod:`parsers._plugin.formula_text`) by the hints'
``formula_text`` policy: once per file, by the parser itself when it declares ``screens_formula_text``
(it knows the line and header of each value), else here.

Multi-file units: a folder whose suffix is in :attr:`ParserRegistry.unit_suffixes` (parsers declare
them in an optional ``unit_suffixes`` class attribute, e.g. ``(".d",)``) is one unit and is given to
the parser as the folder path. A parser given one member of a unit reads the siblings it needs itself;
for example ChemStation's ``Report00.CSV`` given alone reads ``REPORT01.CSV``… beside it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from ingest.errors import ConfigError, NoParserError, ParseError
from ingest.models import ParsedFile, ParseHints
from parsers._common.handed_bytes import hand_over, take_back
from parsers._plugin.contract import NearMiss, Parser, techniques_of, validate_parsed
from parsers._plugin.dropin import load_dropin_folder
from parsers._plugin.entry_points import Distributions, load_entry_points
from parsers._plugin.formula_text import screen_formula_text
from parsers._plugin.guessed_encoding import warn_of_guessed_encoding
from parsers._plugin.placeholder_values import screen_placeholders

#: How much of a file ``sniff`` sees.
SNIFF_BYTES = 64 * 1024

#: Whether a file whose first :data:`SNIFF_BYTES` held all of it is handed to its parser as read
#: (:mod:`parsers._common.handed_bytes`) rather than read again.
_HAND_OVER_WHOLE_FILES = True

_DEFAULT_HINTS = ParseHints()

#: The site's hints for one parser's files in one folder (``SchemaMap.parse_hints`` is one).
HintsProvider = Callable[[str, Path | None], ParseHints]


@cache
def takes_hints(parser_class: type[Parser]) -> bool:
    """Whether ``parser_class.parse`` accepts a ``hints`` keyword (parsers of earlier releases do not)."""
    try:
        parameters = inspect.signature(parser_class.parse).parameters
    except (TypeError, ValueError):  # a builtin or C callable without a signature
        return False
    return "hints" in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def screens_formula_text(parser_class: type[Parser]) -> bool:
    """Whether ``parser_class`` screens formula text itself by the hints it is given (it declares
    ``screens_formula_text = True`` and takes hints), so the registry need not screen its output again."""
    return getattr(parser_class, "screens_formula_text", False) is True and takes_hints(parser_class)


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

    def __init__(self, entries: Sequence[ParserEntry], *, hints: HintsProvider | None = None) -> None:
        self._hints = hints
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
        self._by_suffix, self._any_suffix = _suffix_index(self._entries)

    def __iter__(self) -> Iterator[ParserEntry]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"ParserRegistry({[e.name for e in self._entries]})"

    def with_hints(self, hints: HintsProvider) -> ParserRegistry:
        """The same parsers, parsing with the hints ``hints(parser_name, folder)`` gives."""
        return ParserRegistry(self._entries, hints=hints)

    def hints_for(self, parser_name: str, folder: Path | None) -> ParseHints:
        """The hints a parse by ``parser_name`` of a file in ``folder`` gets (defaults without a provider)."""
        return self._hints(parser_name, folder) if self._hints is not None else ParseHints()

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
        return self._choose(path)[0]

    def _by_extension(self, path: Path) -> list[ParserEntry]:
        """The entries whose extensions ``path``'s name (lowered) ends with, beyond the extension itself."""
        lowered = path.name.lower()
        dot = lowered.rfind(".")
        # Only entries with an extension ending in the name's last suffix can match (see _suffix_index).
        candidates = self._by_suffix.get(lowered[dot:], self._any_suffix) if dot >= 0 else self._any_suffix
        return [
            entry
            for entry, extensions in candidates
            if any(lowered.endswith(ext) and len(lowered) > len(ext) for ext in extensions)
        ]

    def _choose(self, path: Path) -> tuple[ParserEntry, bytes | None]:
        """The one entry that reads ``path``, and the file's bytes when the sniffs' read held all of them."""
        by_extension = self._by_extension(path)
        if not by_extension:
            known = sorted({ext for e in self._entries for ext in e.extensions})
            raise NoParserError(
                f"No parser reads '{path}': no parser handles its extension. "
                f"Expected one of the extensions {known}.",
                file=path,
            )
        folder = path.is_dir()
        head, whole = (b"", False) if folder else _read_head(path)
        problem = None if folder else _content_problem(head)
        if problem is not None:
            raise NoParserError(
                f"No parser reads '{path}': {problem}.", file=path, candidates=[e.name for e in by_extension]
            )
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
        if len(accepted) == 1:
            return accepted[0], head if whole else None
        candidates = [e.name for e in by_extension]
        if not accepted:
            raise NoParserError(
                f"No parser reads '{path}': {_closest(by_extension, head, path, reasons)}",
                file=path,
                candidates=candidates,
            )
        names = [f"{e.name} ({e.origin})" for e in accepted]
        raise NoParserError(
            f"Several parsers claim '{path}': {names}. Expected exactly one; make their sniff() stricter.",
            file=path,
            candidates=[e.name for e in accepted],
        )

    def parse(
        self,
        path: Path,
        *,
        parser_name: str | None = None,
        folder: Path | None = None,
        hints: ParseHints | None = None,
    ) -> ParsedFile:
        """Choose a parser (or use ``parser_name``), parse ``path`` and validate the result.

        ``hints`` (else the provider's hints for the chosen parser and ``folder``, the watched folder the
        file was found in, else ``path``'s folder) go to parsers that take them, and decide what happens
        to formula-like text. Raises only ParseError: a plugin's own bug (any other exception) is wrapped
        in a ParseError naming the parser and the file, so one bad plugin cannot stop the service.
        """
        entry, data = (self.get(parser_name), None) if parser_name else self._choose(path)
        if hints is not None:
            chosen = hints
        elif self._hints is not None:
            chosen = self._hints(entry.name, folder or path.parent)
        else:
            chosen = _DEFAULT_HINTS  # what hints_for gives without a provider (frozen: one serves all)
        # A small file's bytes, read to choose its parser, are what the parser reads (this call only).
        handed = hand_over(path, data) if data is not None and _HAND_OVER_WHOLE_FILES else None
        try:
            parser = entry.create()
            if takes_hints(entry.parser_class):
                parsed = parser.parse(path, hints=chosen)  # type: ignore[call-arg]  # checked by takes_hints
            else:
                parsed = parser.parse(path)
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
        finally:
            if handed is not None:
                take_back(handed)
        if not isinstance(parsed, ParsedFile):
            raise ParseError(
                f"Parser '{entry.name}' ({entry.origin}) returned {type(parsed).__name__} for '{path}'. "
                "Expected a ParsedFile.",
                file=path,
                parser=entry.name,
            )
        try:
            checked = validate_parsed(parsed, file=path)
        except ParseError:
            raise
        except Exception as exc:
            raise ParseError(
                f"Parser '{entry.name}' ({entry.origin}) returned output for '{path}' that could not be "
                f"checked: {type(exc).__name__}: {exc}. Expected a ParsedFile following the parser contract.",
                file=path,
                parser=entry.name,
            ) from exc
        told = warn_of_guessed_encoding(checked, file=path, hinted=chosen.encoding)
        unset = screen_placeholders(told, file=path)
        if screens_formula_text(entry.parser_class):
            return unset  # screened by the parser itself, by these hints, with lines and headers
        return screen_formula_text(unset, policy=chosen.formula_text, file=path)


def _content_problem(head: bytes) -> str | None:
    """Why no parser can read a file (not a folder), whatever its format (empty or blank); else None."""
    if not head:
        return (
            "it is empty (an empty file, 0 bytes). Expected an instrument export "
            "(was it exported or copied empty?)"
        )
    if not head.strip():
        return "it is empty: it holds only blank lines. Expected an instrument export with content"
    return None


def _closest(entries: Sequence[ParserEntry], head: bytes, path: Path, reasons: list[str]) -> str:
    """The refusal's reason: the format that came closest and what the file lacked, then the others."""
    misses: list[tuple[NearMiss, ParserEntry]] = []
    silent: list[str] = []
    for entry in entries:
        ask = getattr(entry.parser_class, "near_miss", None)
        miss: NearMiss | None = None
        if callable(ask):
            try:
                found = ask(entry.create(), head, path)
            except Exception as exc:  # a plugin's explanation must not hide the refusal itself
                reasons.append(f"{entry.name} ({entry.origin}): near_miss raised {type(exc).__name__}: {exc}")
                continue
            miss = found if isinstance(found, NearMiss) else None
        if miss is not None and miss.closeness > 0:
            misses.append((miss, entry))
        else:
            silent.append(entry.name)
    misses.sort(key=lambda pair: -pair[0].closeness)
    parts: list[str] = []
    if misses:
        best, entry = misses[0]
        parts.append(f"it looks like {best.looks_like} ({entry.name}) but {best.lacks}.")
        others = [f"{e.name}: {m.looks_like} but {m.lacks}" for m, e in misses[1:]]
        if others:
            parts.append("Less close: " + "; ".join(others) + ".")
    if silent:
        named = ", ".join(silent)
        parts.append(
            f"Not the format of {named} either."
            if misses
            else f"Its content is not the format of any parser for its extension ({named})."
        )
    if reasons:
        parts.append("Problems asking the parsers: " + "; ".join(reasons) + ".")
    return " ".join(parts)


def _read_head(path: Path) -> tuple[bytes, bool]:
    """The first :data:`SNIFF_BYTES` of a file (not a folder), and whether they are all of it (the read
    reached the file's end)."""
    head = b""
    try:
        # Unbuffered: one read of the size asked for, with no buffer of its own to fill first.
        with open(path, "rb", buffering=0) as handle:
            while len(head) < SNIFF_BYTES:
                part = handle.read(SNIFF_BYTES - len(head))
                if not part:
                    return head, True
                head += part
    except OSError as exc:
        raise ParseError(f"File '{path}' could not be read: {exc.strerror}.", file=path) from exc
    return head, False


#: Entries, in the registry's order, each with its extensions.
_Candidates = tuple[tuple[ParserEntry, tuple[str, ...]], ...]


def _suffix_index(entries: Sequence[ParserEntry]) -> tuple[dict[str, _Candidates], _Candidates]:
    """Entries (in order, each with its extensions) by the last suffix (from the last dot) of any of their
    extensions, and the entries with an extension without a dot, which any name may match: a name ending
    in an extension ends in that extension's last suffix, so its own last suffix finds every candidate."""
    undotted = tuple((e, e.extensions) for e in entries if any("." not in ext for ext in e.extensions))
    suffixes = {ext[ext.rfind(".") :] for e in entries for ext in e.extensions if "." in ext}
    by_suffix = {
        suffix: tuple(
            (e, e.extensions)
            for e in entries
            if any(ext[ext.rfind(".") :] == suffix for ext in e.extensions if "." in ext)
            or any("." not in ext for ext in e.extensions)
        )
        for suffix in suffixes
    }
    return by_suffix, undotted


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
