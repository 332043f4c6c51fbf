"""The same exports as other sites' settings would write them, for checking that a parse does not change.

Each format's test data (and, when present, the real exports in ``../shared``) is rewritten along the
axes its software varies by site: encoding (UTF-8 with and without BOM, UTF-16 and UTF-32, little- and
big-endian, with and without BOM), line ends (CRLF, LF, CR), delimiter, decimal comma, thousands
grouping, date order and clock, month names in six languages, upper/lower-case file names and, for
ChemStation, report files saved under a site's own prefix. :func:`variants_for` lists what a format's
software can produce; :meth:`Variant.write` writes one rewritten copy of an export (a file or a ``.D``
folder) into a folder; :func:`comparable` is the part of a parse that must come out the same.

The rewrites are made here, from the exports' own text: numbers are rewritten only where a whole cell
(or, in fixed-width reports, a whole token) is a number, and dates only where a date is followed by a
time or fills a field, so paths and names keep their text. The site's hints that go with a variant
(``date_order``, ``decimal``) are part of it, as a site would set them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints
from parsers._common.dates import DateReader
from parsers._common.decoding import decode_bytes
from parsers._common.numbers import decide_number_format

Layout = Literal["csv", "lines", "fixed", "json"]

#: Encodings a variant may write: (name, codec, BOM written before the text).
ENCODINGS: dict[str, tuple[str, bytes]] = {
    "utf-8": ("utf-8", b""),
    "utf-8-bom": ("utf-8", codecs.BOM_UTF8),
    "utf-16-le-bom": ("utf-16-le", codecs.BOM_UTF16_LE),
    "utf-16-le": ("utf-16-le", b""),
    "utf-16-be-bom": ("utf-16-be", codecs.BOM_UTF16_BE),
    "utf-16-be": ("utf-16-be", b""),
    "utf-32-le-bom": ("utf-32-le", codecs.BOM_UTF32_LE),
    "utf-32-le": ("utf-32-le", b""),
    "utf-32-be-bom": ("utf-32-be", codecs.BOM_UTF32_BE),
    "utf-32-be": ("utf-32-be", b""),
}
ALL_ENCODINGS = tuple(ENCODINGS)
#: Legacy code pages a site's PCs write (Japanese, Cyrillic, Western Windows): a variant in one of these
#: comes with the site's ``encoding`` setting, as a site would set it.
SITE_CODE_PAGES = ("cp932", "cp1251", "cp1252")
ENCODINGS.update({name: (name, b"") for name in SITE_CODE_PAGES})
#: Said by a parse whose encoding was guessed; a variant re-encoding the file changes whether it is said.
GUESSED_ENCODING = "its site sets no encoding"
UTF16_ENCODINGS = ("utf-16-le-bom", "utf-16-le", "utf-16-be-bom", "utf-16-be")

#: Month abbreviations per language, as the locales print them in short dates.
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "de": ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
    "it": ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"),
}


@dataclass(frozen=True)
class Dialect:
    """How a format's software lays out its text and what a site's settings change in it."""

    layout: Layout
    encodings: tuple[str, ...] = ALL_ENCODINGS
    delimiters: tuple[str, ...] = ()
    decimal_comma: bool = True
    grouping: bool = False
    dates: bool = True
    report_prefix: bool = False
    #: Files beside an export that it names (kept unchanged, with their names).
    companions: bool = False


DIALECTS: dict[str, Dialect] = {
    "lc_results_csv": Dialect("csv", delimiters=(",", ";", "\t"), grouping=True, companions=True),
    "agilent_chemstation_csv": Dialect("csv", delimiters=(",",), report_prefix=True),
    "agilent_chemstation_txt": Dialect("fixed", report_prefix=True),
    "agilent_openlab_trace_csv": Dialect("lines", encodings=UTF16_ENCODINGS, dates=False),
    "shimadzu_labsolutions_ascii": Dialect("lines", delimiters=("\t", ","), grouping=True),
    "thermo_chromeleon_txt": Dialect("lines", grouping=True),
    "waters_empower_arw": Dialect("lines", grouping=True),
    "benchling_connector_chromeleon_json": Dialect("json", decimal_comma=False, dates=False),
    "benchling_connector_empower_json": Dialect("json", decimal_comma=False, dates=False),
}

_TEXT_SUFFIXES = (".csv", ".txt", ".arw", ".json")
_INTEGER_CELL = re.compile(
    r"^(?P<quote>\"?)(?P<pad>\s*)(?P<sign>[+-]?)(?P<whole>\d{4,})(?P<end>\s*)(?P=quote)$"
)
# A decimal number standing alone in fixed-width text (not part of a date, version or path).
_FIXED_DECIMAL = re.compile(r"(?<![\w.,:/\\-])(\d+)\.(\d+)((?:[eE][+-]?\d+)?)(?![\w.,:/\\])")


def _decimal_cell(mark: str) -> re.Pattern[str]:
    """A cell that is one decimal number written with ``mark``, thousands grouped or not (quoted or not)."""
    group = re.escape(("," if mark == "." else ".") + " '")
    return re.compile(
        rf"^(?P<quote>\"?)(?P<pad>\s*)(?P<sign>[+-]?)(?P<whole>\d{{1,3}}(?:[{group}]\d{{3}})+|\d+)"
        rf"{re.escape(mark)}(?P<fraction>\d+)(?P<exp>[eE][+-]?\d+)?(?P<end>\s*)(?P=quote)$"
    )


_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s?(?P<ampm>[AaPp][Mm]))?"
_NUMERIC_DATE = re.compile(
    r"(?<![\w./\\-])(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2})(?P<dot>\.?)"
    rf"(?:(?P<gap>,\s*|\s+)(?P<time>{_TIME}))?(?P<tail>(?=[ \"\t,;]*$)|(?=\t)|(?=\"))?",
    re.MULTILINE,
)
_NAMED_DATE = re.compile(
    r"(?<![\w-])(?P<d>\d{1,2})-(?P<mon>[A-Za-zÄäéû]{3,5}\.?)-(?P<y>\d{2}|\d{4})"
    rf"(?:(?P<gap>,\s*|\s+)(?P<time>{_TIME}))?"
)


@dataclass(frozen=True)
class Variant:
    """One way another site's settings write the same export: a name, the rewrite and the site's hints."""

    name: str
    kind: Literal["bytes", "numbers", "dates", "names"]
    hints: ParseHints = field(default_factory=ParseHints)
    encoding: str | None = None
    line_end: str | None = None
    delimiter: str | None = None
    decimal: Literal[".", ","] | None = None
    grouping: str | None = None
    date_style: str | None = None
    name_case: Literal["upper", "lower"] | None = None
    prefix: str | None = None

    def write(self, source: Path, parser: str, folder: Path) -> Path:
        """Write this variant of ``source`` (a file or a ``.D`` folder) into ``folder``; returns its path."""
        dialect = DIALECTS[parser]
        folder.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            target = folder / self._renamed(source.name, folder_unit=True)
            target.mkdir()
            members = sorted(p for p in source.iterdir() if p.is_file())
            report_names = _report_names(members, self.prefix) if self.prefix else {}
            for member in members:
                name = report_names.get(member.name, member.name)
                (target / self._renamed(name)).write_bytes(self._rewrite(member, dialect))
            return target
        if dialect.companions:
            for sibling in source.parent.iterdir():
                if sibling.is_file() and sibling != source and not sibling.name.endswith(".expected.json"):
                    shutil.copyfile(sibling, folder / sibling.name)
        name = source.name
        if self.prefix and source.name.lower() == "report.txt":
            name = f"{self.prefix}.TXT"
        target = folder / self._renamed(name)
        target.write_bytes(self._rewrite(source, dialect))
        return target

    def _renamed(self, name: str, *, folder_unit: bool = False) -> str:
        if self.name_case == "upper":
            return name.upper()
        if self.name_case == "lower":
            return name.lower()
        return name

    def _rewrite(self, path: Path, dialect: Dialect) -> bytes:
        data = path.read_bytes()
        if self.kind == "names" or path.suffix.lower() not in _TEXT_SUFFIXES or not data.strip():
            return data
        decoded = decode_bytes(data, file=path)
        text = decoded.text
        if self.date_style:
            text = rewrite_dates(text, self.date_style, file=path, fixed_width=dialect.layout == "fixed")
        if self.decimal or self.grouping or self.delimiter:
            text = rewrite_cells(text, dialect, self, file=path)
        original = data.decode(decoded.encoding, errors="replace")
        kept = "\r\n" if "\r\n" in original else "\r" if "\r" in original else "\n"
        text = text.replace("\n", self.line_end or kept)
        codec, bom = ENCODINGS[self.encoding] if self.encoding else (_codec(decoded.encoding, data), b"")
        return bom + text.encode(codec)


def _codec(encoding: str, data: bytes) -> str:
    """The codec that writes text back as the original was written (its BOM included)."""
    if encoding in ("utf-16", "utf-32"):
        return encoding  # Python's utf-16/utf-32 codecs write a BOM, as the original had
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return encoding


def _report_names(members: list[Path], prefix: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for member in members:
        match = re.match(r"^report(\d{2,3})\.csv$", member.name, re.IGNORECASE)
        if match:
            names[member.name] = f"{prefix}{match.group(1)}.CSV"
        elif member.name.lower() == "report.txt":
            names[member.name] = f"{prefix}.TXT"
    return names


def _number_text(match: re.Match[str], variant: Variant, mark: str) -> str:
    whole, fraction = re.sub(r"\D", "", match["whole"]), match.groupdict().get("fraction")
    if variant.grouping and len(whole) > 3:
        groups = []
        while whole:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = variant.grouping.join(groups)
    body = whole if fraction is None else f"{whole}{mark}{fraction}"
    quote = match["quote"]
    return (
        f"{quote}{match['pad']}{match['sign']}{body}{match.groupdict().get('exp') or ''}{match['end']}{quote}"
    )


def _source_mark(cells: list[str]) -> str:
    """The decimal mark the original file writes (its numeric cells show it)."""
    found = decide_number_format(c.strip().strip('"') for c in cells)
    return found.decimal or "."


def _cells(cells: list[str], variant: Variant, mark: str, target: str) -> list[str]:
    """``cells`` with numbers written with the ``target`` decimal mark (and the variant's grouping)."""
    decimal = _decimal_cell(mark)
    numbers = sum(bool(decimal.match(c) or _INTEGER_CELL.match(c)) for c in cells)
    out = []
    for cell in cells:
        found = decimal.match(cell)
        if found:
            out.append(_number_text(found, variant, target))
            continue
        integer = _INTEGER_CELL.match(cell)
        # Whole numbers are grouped only in table rows: a key's single value may be an ID.
        grouped = integer and variant.grouping and numbers >= 3
        out.append(_number_text(integer, variant, target) if integer and grouped else cell)
    return out


def rewrite_cells(text: str, dialect: Dialect, variant: Variant, *, file: Path) -> str:
    """``text`` with its number cells (and delimiter) as ``variant`` writes them."""
    if dialect.layout == "fixed":
        mark = variant.decimal or "."
        return _FIXED_DECIMAL.sub(lambda m: f"{m[1]}{mark}{m[2]}{m[3]}", text)
    if dialect.layout == "csv":
        return _rewrite_csv(text, variant)
    source = "\t" if "\t" in text else ","
    target = variant.delimiter or source
    if target == "," and (variant.decimal == "," or variant.grouping == ","):
        target = "\t"  # comma-delimited exports are written tab-delimited with decimal commas
    lines = text.split("\n")
    split = [line.split(source) for line in lines]
    if target != source and any(target in cell for cells in split for cell in cells):
        return text  # this file's cells hold the other delimiter: it cannot be written so
    mark = _source_mark([cell for cells in split for cell in cells])
    decimal = variant.decimal or mark
    return "\n".join(target.join(_cells(cells, variant, mark, decimal)) for cells in split)


def _rewrite_csv(text: str, variant: Variant) -> str:
    first = text.split("\n", 1)[0]
    source = max((",", ";", "\t"), key=lambda d: first.count(d))
    target = variant.delimiter or source
    if target == "," and (variant.decimal == "," or variant.grouping == ","):
        target = ";"  # a decimal comma needs another delimiter
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=source))
    mark = _source_mark([cell for row in rows for cell in row])
    # A comma delimiter needs a decimal point, whatever the original wrote.
    decimal = "." if target == "," else (variant.decimal or mark)
    quote_all = '"' in first
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=target, lineterminator="\n", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    )
    for row in rows:
        if not row:
            out.write("\n")
            continue
        writer.writerow(_cells(row, variant, mark, decimal) if decimal != mark or variant.grouping else row)
    result = out.getvalue()
    if quote_all:
        # ChemStation quotes text cells only; numbers stay bare.
        result = re.sub(rf'"([+-]?[\d.,\' ]*\d)"(?=[{re.escape(target)}\n]|$)', r"\1", result)
    return result if text.endswith("\n") else result.rstrip("\n")


def _render(stamp: dt.datetime | dt.date, style: str, *, has_time: bool, seconds: bool) -> str:
    day, month, year = stamp.day, stamp.month, stamp.year
    if style.startswith("names-"):
        months = MONTHS[style.split("-", 1)[1]]
        date = f"{day:02d}-{months[month - 1]}-{year}"
    elif style == "iso12":
        date = f"{year:04d}-{month:02d}-{day:02d}"
    elif style.startswith("mdy"):
        date = f"{month}/{day}/{year}"
    elif style == "dmy24-dash":
        date = f"{day}-{month}-{year}"
    elif style == "dmy24-dot":
        date = f"{day:02d}.{month:02d}.{year}"
    else:
        date = f"{day:02d}/{month:02d}/{year}"
    if not has_time or not isinstance(stamp, dt.datetime):
        return date
    return f"{date} {_clock(stamp, style, seconds=seconds)}"


def _clock(stamp: dt.datetime, style: str, *, seconds: bool) -> str:
    tail = f":{stamp.second:02d}" if seconds else ""
    if style in ("mdy12", "iso12"):
        hour = stamp.hour % 12 or 12
        return f"{hour}:{stamp.minute:02d}{tail} {'PM' if stamp.hour >= 12 else 'AM'}"
    return f"{stamp.hour:02d}:{stamp.minute:02d}{tail}"


def rewrite_dates(text: str, style: str, *, file: Path, fixed_width: bool = False) -> str:
    """``text`` with every date that carries a time or fills a field written in ``style``.

    The original dates are read as the parser reads them (order decided from the whole file), so the
    rewritten file means the same instants.
    """
    reader = DateReader.for_file([text], file=file)

    def replace(match: re.Match[str]) -> str:
        has_time = match["time"] is not None
        if not has_time and match.groupdict().get("tail") is None:
            return match.group(0)  # a date inside a name or path keeps its text
        original = match.group(0).rstrip()
        try:
            stamp = reader.read(original)
        except ParseError:
            return match.group(0)
        rendered = _render(stamp, style, has_time=has_time, seconds=match["s"] is not None)
        return rendered + match.group(0)[len(original) :]

    # Both patterns are found in the original text, so no date is rewritten twice.
    spans = sorted(
        (m.start(), m.end(), replace(m))
        for pattern in (_NAMED_DATE, _NUMERIC_DATE)
        for m in pattern.finditer(text)
    )
    pieces: list[str] = []
    at = 0
    for start, end, new in spans:
        if start < at:
            continue
        pieces += [text[at:start], new]
        at = end
    text = "".join([*pieces, text[at:]])
    if style in ("mdy12", "iso12"):
        text = _lone_times(text)
    return _realign(text) if fixed_width else text


def _lone_times(text: str) -> str:
    """A time that fills a field of its own (Chromeleon's ``Injection Time``) on a 12-hour clock."""

    def twelve(match: re.Match[str]) -> str:
        hour, rest = int(match["h"]), match["rest"]
        return f"{match['lead']}{hour % 12 or 12}:{rest} {'PM' if hour >= 12 else 'AM'}"

    return re.sub(
        r"(?P<lead>\t)(?P<h>\d{1,2}):(?P<rest>\d{2}:\d{2})(?=\s*$)", twelve, text, flags=re.MULTILINE
    )


def _realign(text: str) -> str:
    # ChemStation's header block prints two keys on a line; a longer date must not run into the second.
    return re.sub(r"(\S) ?(?=(?:Inj|Seq\. Line|Location) +:)", r"\1  ", text)


def variants_for(parser: str) -> list[Variant]:
    """Every variant the format's software (or copying its files) can produce."""
    dialect = DIALECTS[parser]
    variants = [Variant(f"encoding-{name}", "bytes", encoding=name) for name in dialect.encodings]
    if dialect.layout != "json" and dialect.encodings == ALL_ENCODINGS:
        variants += [
            Variant(f"encoding-{name}-site", "bytes", encoding=name, hints=ParseHints(encoding=name))
            for name in SITE_CODE_PAGES
        ]
    variants += [
        Variant(f"line-ends-{label}", "bytes", line_end=end)
        for label, end in (("crlf", "\r\n"), ("lf", "\n"), ("cr", "\r"))
    ]
    variants += [
        Variant("names-upper", "names", name_case="upper"),
        Variant("names-lower", "names", name_case="lower"),
    ]
    if dialect.report_prefix:
        variants.append(Variant("report-prefix", "names", prefix="Probe7_"))
    if dialect.layout == "json":
        return variants
    variants += [Variant(f"delimiter-{_label(d)}", "bytes", delimiter=d) for d in dialect.delimiters]
    if dialect.decimal_comma:
        variants.append(Variant("decimal-comma", "numbers", decimal=",", hints=ParseHints(decimal="comma")))
    if dialect.grouping:
        variants += [
            Variant(
                "grouping-comma-point",
                "numbers",
                decimal=".",
                grouping=",",
                hints=ParseHints(decimal="point"),
            ),
            Variant(
                "grouping-point-comma",
                "numbers",
                decimal=",",
                grouping=".",
                hints=ParseHints(decimal="comma"),
            ),
            Variant(
                "grouping-space-comma",
                "numbers",
                decimal=",",
                grouping=" ",
                hints=ParseHints(decimal="comma"),
            ),
            Variant(
                "grouping-apostrophe-point",
                "numbers",
                decimal=".",
                grouping="'",
                hints=ParseHints(decimal="point"),
            ),
        ]
    if dialect.dates:
        day_first, month_first = ParseHints(date_order="day_first"), ParseHints(date_order="month_first")
        variants += [
            Variant("dates-dmy-24h-slash", "dates", date_style="dmy24-slash", hints=day_first),
            Variant("dates-dmy-24h-dot", "dates", date_style="dmy24-dot", hints=day_first),
            Variant("dates-dmy-24h-dash", "dates", date_style="dmy24-dash", hints=day_first),
            Variant("dates-mdy-12h", "dates", date_style="mdy12", hints=month_first),
            Variant("dates-mdy-24h", "dates", date_style="mdy24", hints=month_first),
            Variant("dates-iso-12h", "dates", date_style="iso12"),
            *(Variant(f"dates-month-names-{lang}", "dates", date_style=f"names-{lang}") for lang in MONTHS),
        ]
    return variants


def _label(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]


def _value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _plain_number(value: Any) -> Any:
    """A metadata text that is a number, written with any mark or grouping, as one canonical number; in
    other text (``212,4 bar``) a decimal comma between digits as a point."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not re.fullmatch(r"[+-]?[\d.,' ]*\d(?:[eE][+-]?\d+)?", text) or not re.search(r"\d", text):
        return re.sub(r"(?<=\d),(?=\d)", ".", value)
    compact = re.sub(r"[ ']", "", text)
    if "," in compact and "." in compact:
        compact = compact.replace("," if compact.rfind(".") > compact.rfind(",") else ".", "")
    compact = compact.replace(",", ".")
    if compact.count(".") > 1:
        compact = compact.replace(".", "")
    try:
        return float(compact)
    except ValueError:
        return value


def _looks_like_date(value: Any) -> bool:
    """A date, or a clock time that a 12-hour variant rewrote (``Output Time``)."""
    if not isinstance(value, str):
        return False
    lone_time = re.fullmatch(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?", value.strip())
    return bool(lone_time or _NUMERIC_DATE.search(value) or _NAMED_DATE.search(value))


def comparable(parsed: ParsedFile, *, kind: str, original: ParsedFile | None = None) -> dict[str, Any]:
    """What must be the same in a parse of any variant: results, traces, attachments and metadata.

    Metadata a number variant writes differently (a version ``5.98`` as ``5,98``) is compared as numbers;
    raw date texts that a date variant rewrote are left out (``injection_time``, read from them, is not).
    """
    frame = parsed.results
    metadata = dict(parsed.metadata)
    traces = [
        (
            trace.channel,
            trace.signal_unit,
            [[_value(v) for v in point] for point in trace.data.values.tolist()],
        )
        for trace in parsed.traces
    ]
    if kind == "names":
        # Formats that name the run after the file (OpenLab traces) follow the file name's case.
        metadata = {
            key: value.lower() if isinstance(value, str) else value for key, value in metadata.items()
        }
        traces = [(channel.lower(), unit, points) for channel, unit, points in traces]
    if kind == "numbers":
        metadata = {key: _plain_number(value) for key, value in metadata.items()}
    if kind == "dates" and original is not None:
        metadata = {
            key: value
            for key, value in metadata.items()
            if key == "injection_time"
            or not (_looks_like_date(value) or _looks_like_date(original.metadata.get(key)))
        }
    return {
        "parser": parsed.provenance.parser,
        "metadata": metadata,
        "result_dtypes": {str(col): str(dtype) for col, dtype in frame.dtypes.items()},
        "results": [
            {key: _value(value) for key, value in row.items()}
            for row in frame.astype(object).where(frame.notna(), None).to_dict("records")
        ],
        "traces": traces,
        "attachments": sorted(p.name.lower() for p in parsed.attachments),
        "warnings": len(parsed.warnings),
    }


def exports_of(folder: Path, *, skip: Callable[[Path], bool] = lambda p: False) -> Iterator[Path]:
    """The inputs of a testdata folder (files and ``.D`` folders, not expected outputs)."""
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".expected.json") or skip(path):
            continue
        yield path
