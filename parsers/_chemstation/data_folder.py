"""The ChemStation ``.D`` data folder: which report files it holds, and which parser claims it.

A ``.D`` folder may hold a CSV report (``Report00.CSV`` + ``REPORT01.CSV``...), a text report
(``Report.TXT``), both, or neither, beside the binary signal files (``DAD1A.ch``...). Exactly one parser
must claim a folder, so the rule is: **the CSV report wins**. ``agilent_chemstation_csv`` claims every
``.D`` folder with a ``Report00.CSV``; ``agilent_chemstation_txt`` claims a ``.D`` folder only when it has
a ``Report.TXT`` and no ``Report00.CSV`` (and any ``Report.TXT`` given as a file). The CSV report is
preferred because it carries full-precision numbers and declares its signal count and columns.

File names are matched without regard to case: ChemStation writes ``Report00.CSV`` beside
``REPORT01.CSV``, and copies through other systems change case further. Because the rule needs to know
a CSV report header when it sees one, :func:`looks_like_csv_report` lives here too, and both parsers'
``sniff`` use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError
from parsers._chemstation.names import canonical_name
from parsers._common.decoding import decode_head

_PEAK_TABLE = re.compile(r"^report(\d{2,3})\.csv$", re.IGNORECASE)
_HEADER_REPORT = "report00.csv"
_TEXT_REPORT = "report.txt"


@dataclass(frozen=True)
class DataFolder:
    """The report and signal files found in one ``.D`` folder (or the folder holding a report file)."""

    root: Path
    csv_header: Path | None
    peak_tables: dict[int, Path]
    text_report: Path | None
    signal_files: tuple[Path, ...]


def is_data_folder(path: Path) -> bool:
    """True for a ChemStation data folder: a directory whose name ends in ``.D`` (any case)."""
    return path.suffix.lower() == ".d" and path.is_dir()


def list_folder(root: Path) -> DataFolder:
    """List a folder's report and signal files; ParseError when it cannot be read."""
    try:
        entries = sorted(p for p in root.iterdir() if p.is_file())
    except OSError as exc:
        raise ParseError(f"Folder '{root}' could not be read: {exc.strerror}.", file=root) from exc
    csv_header: Path | None = None
    text_report: Path | None = None
    peak_tables: dict[int, Path] = {}
    signal_files: list[Path] = []
    for entry in entries:
        lowered = entry.name.lower()
        match = _PEAK_TABLE.match(entry.name)
        if lowered == _HEADER_REPORT:
            csv_header = entry
        elif lowered == _TEXT_REPORT:
            text_report = entry
        elif match:
            peak_tables[int(match.group(1))] = entry
        elif entry.suffix.lower() == ".ch":
            signal_files.append(entry)
    return DataFolder(
        root=root,
        csv_header=csv_header,
        peak_tables=peak_tables,
        text_report=text_report,
        signal_files=tuple(signal_files),
    )


def signal_files_beside(report: Path) -> tuple[Path, ...]:
    """The ``.ch`` files of the ``.D`` folder a report file sits in (none for a report elsewhere)."""
    if not is_data_folder(report.parent):
        return ()
    return list_folder(report.parent).signal_files


def report_and_signal_files(
    path: Path, report_of: Callable[[DataFolder], Path | None], *, missing: str
) -> tuple[Path, tuple[Path, ...]]:
    """The report a parser was given and the ``.ch`` files beside it.

    ``path`` is the report file itself, or a ``.D`` folder whose report ``report_of`` picks; a folder
    without that report is a ParseError, ``missing`` naming the report and what was expected.
    """
    if not path.is_dir():
        return path, signal_files_beside(path)
    folder = list_folder(path)
    report = report_of(folder)
    if report is None:
        raise ParseError(f"Folder '{path}' has no {missing}", file=path)
    return report, folder.signal_files


def read_head(path: Path, size: int = 8192) -> bytes:
    """The first bytes of a file, or b"" when it cannot be read (for sniffing, which must not raise)."""
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


_KEY_LINE = re.compile(r'^\s*"\s*(?P<key>[^"]+?)\s*"\s*[,;\t]', re.MULTILINE)
_RUN_KEYS = frozenset({"samplename", "injectiondate", "datafile", "acq.instrument", "acq.operator"})


def looks_like_csv_report(head: bytes) -> bool:
    """True when the bytes start a ChemStation CSV report header (cheap; never raises)."""
    text = decode_head(head)
    keys = {canonical_name(m.group("key")) for m in _KEY_LINE.finditer(text)}
    return "numberofsignals" in keys and bool(keys & _RUN_KEYS)
