"""The ChemStation ``.D`` data folder: which report files it holds, and which parser claims it.

A ``.D`` folder may hold a CSV report (``Report00.CSV`` + ``REPORT01.CSV``...), a text report
(``Report.TXT``), both, or neither, beside the binary signal files (``DAD1A.ch``...). Exactly one parser
must claim a folder, so the rule is: **the CSV report wins**. ``agilent_chemstation_csv`` claims every
``.D`` folder with a CSV report header; ``agilent_chemstation_txt`` claims a ``.D`` folder only when it
has a text report and no CSV report header (and any text report given as a file). The CSV report is
preferred because it carries full-precision numbers and declares its signal count and columns.

Report sets are found by content, not by their default names: a site may save them under its own
prefix (``Sample7_00.CSV`` + ``Sample7_01.CSV``..., ``Summary.TXT``). The CSV header is the
``<prefix>00.CSV`` whose content is a CSV report header (``Report00.CSV`` first), and its peak tables
are the ``<prefix>NN.CSV`` beside it; text reports are the ``.TXT`` files (``Report.TXT`` first), of
which the text parser takes the first whose content is a report. File names are matched without regard
to case: ChemStation writes ``Report00.CSV`` beside ``REPORT01.CSV``, and copies through other systems
change case further. Because the rule needs to know a CSV report header when it sees one,
:func:`looks_like_csv_report` lives here too, and both parsers' ``sniff`` use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError
from parsers._chemstation.names import canonical_name
from parsers._common.decoding import decode_head

_NUMBERED_CSV = re.compile(r"^(?P<prefix>.*?)(?P<number>\d{2,3})\.csv$", re.IGNORECASE)
_HEADER_REPORT = "report00.csv"
_TEXT_REPORT = "report.txt"


@dataclass(frozen=True)
class DataFolder:
    """The report and signal files found in one ``.D`` folder (or the folder holding a report file).

    ``text_report`` is ``Report.TXT`` when there is one; ``text_candidates`` are every ``.TXT`` file, that
    one first, for a parser that recognises a text report by its content.
    """

    root: Path
    csv_header: Path | None
    peak_tables: dict[int, Path]
    text_report: Path | None
    signal_files: tuple[Path, ...]
    text_candidates: tuple[Path, ...] = ()
    #: ``Report00.CSV`` by its name, whatever it holds (to name what is wrong with it).
    named_csv_header: Path | None = None


def is_data_folder(path: Path) -> bool:
    """True for a ChemStation data folder: a directory whose name ends in ``.D`` (any case)."""
    return path.suffix.lower() == ".d" and path.is_dir()


def peak_tables_beside(header: Path) -> dict[int, Path]:
    """The peak tables of a CSV report header: ``<prefix>NN.CSV`` beside ``<prefix>00.CSV`` (NN >= 1)."""
    match = _NUMBERED_CSV.match(header.name)
    prefix = (match["prefix"] if match else header.stem).lower()
    tables: dict[int, Path] = {}
    try:
        entries = sorted(p for p in header.parent.iterdir() if p.is_file())
    except OSError as exc:
        raise ParseError(f"Folder '{header.parent}' could not be read: {exc.strerror}.", file=header) from exc
    for entry in entries:
        found = _NUMBERED_CSV.match(entry.name)
        if found and found["prefix"].lower() == prefix and int(found["number"]) > 0 and entry != header:
            tables[int(found["number"])] = entry
    return tables


def _csv_header(entries: list[Path]) -> Path | None:
    """The CSV report header among ``entries``: ``Report00.CSV``, else any ``<prefix>00.CSV`` (then any
    ``.CSV``) whose content is one."""
    numbered = [e for e in entries if (m := _NUMBERED_CSV.match(e.name)) and int(m["number"]) == 0]
    others = [e for e in entries if e.suffix.lower() == ".csv" and e not in numbered]
    ordered = sorted(numbered, key=lambda e: e.name.lower() != _HEADER_REPORT) + others
    return next((e for e in ordered if looks_like_csv_report(read_head(e))), None)


def list_folder(root: Path) -> DataFolder:
    """List a folder's report and signal files; ParseError when it cannot be read."""
    try:
        entries = sorted(p for p in root.iterdir() if p.is_file())
    except OSError as exc:
        raise ParseError(f"Folder '{root}' could not be read: {exc.strerror}.", file=root) from exc
    csv_header = _csv_header(entries)
    texts = sorted(
        (e for e in entries if e.suffix.lower() == ".txt"), key=lambda e: e.name.lower() != _TEXT_REPORT
    )
    return DataFolder(
        root=root,
        csv_header=csv_header,
        peak_tables=peak_tables_beside(csv_header) if csv_header is not None else {},
        text_report=next((e for e in texts if e.name.lower() == _TEXT_REPORT), None),
        signal_files=tuple(e for e in entries if e.suffix.lower() == ".ch"),
        text_candidates=tuple(texts),
        named_csv_header=next((e for e in entries if e.name.lower() == _HEADER_REPORT), None),
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


def _head_keys(head: bytes) -> set[str]:
    # Line ends may be CR alone (files passed through old Mac tools): the key pattern needs LF.
    text = decode_head(head).replace("\r\n", "\n").replace("\r", "\n")
    return {canonical_name(m.group("key")) for m in _KEY_LINE.finditer(text)}


def csv_report_keys(head: bytes) -> set[str]:
    """The run keys (canonical) of a ChemStation CSV report header among the bytes' quoted keys."""
    return _head_keys(head) & _RUN_KEYS


def looks_like_csv_report(head: bytes) -> bool:
    """True when the bytes start a ChemStation CSV report header (cheap; never raises)."""
    keys = _head_keys(head)
    return "numberofsignals" in keys and bool(keys & _RUN_KEYS)
