"""Dates and times as instrument PCs write them: in the short-date format of the acquiring PC's locale.

Shared by every text format. Seen in the wild: ``02/08/2023 16:11:10`` (day first), ``3/10/2022 9:53:59 PM``
(US, month first), ``28-1-2020 20:11:51`` (day first with dashes), ``21.2.2012. 13:16:57`` (Croatian,
trailing dot), ISO ``2023-08-02 16:11:10`` and ``2021-09-21 4:08:11 PM`` (ISO date, 12-hour clock),
``2016/10/17 下午 01:02:06`` (Chinese, Japanese and Korean PCs write the morning/afternoon word before
the time: 上午/下午, 午前/午後, 오전/오후),
month names ``28-Jan-22, 11:36:29``, ``28-jan-20`` (Dutch), ``7. März 2023``, ``26 mai 2017``, and a UTC
offset after the time (``+02:00``, ``+0200``, ``Z``, ``UTC+2``).

A numeric date such as ``01/02/2023`` is ambiguous on its own, so the day/month order is decided once per
file from **every** date it holds (:func:`decide_order`): a date whose first number is above 12 shows day
first, one whose second number is above 12 shows month first, and a file showing both is an error. When
nothing in the file decides, the site's setting (``date_order`` in ``schemas_map.yaml``) does; without one,
a 12-hour clock points to the US habit (month first), and otherwise day first is taken. Either guess is
marked ``assumed`` so that an ambiguous date read by it carries a warning: Australian, British and Indian
PCs write day-first dates with a 12-hour clock (``12/06/2019 11:49:36 PM`` is 12 June).

Datetimes with an offset in the text come back timezone-aware; all others stay naive (the resolver
applies the mapping's timezone to naive ones). :class:`DateReader` bundles the per-file decision and the
reading with ParseErrors that name the file, line and column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ingest.errors import ParseError

#: The per-site setting of ``schemas_map.yaml`` (``date_order``) a parser may be given in its hints.
DateOrderSetting = Literal["day_first", "month_first"]

# Weekday names and abbreviations that may open a long date ("Tuesday, January 28, 2020"), per language.
_WEEKDAYS = frozenset(
    " ".join(
        (
            "monday tuesday wednesday thursday friday saturday sunday",
            "mon tue tues wed thu thur thurs fri sat sun",
            "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag mo di mi do fr sa so",
            "lundi mardi mercredi jeudi vendredi samedi dimanche lun mar mer jeu ven sam dim",
            "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag ma wo vr za zo",
            "lunes martes miercoles jueves viernes sabado domingo mie jue vie sab dom",
            "lunedi martedi mercoledi giovedi venerdi sabato domenica gio",
        )
    ).split()
)

#: Month names and abbreviations (lower case, accents removed) in English, German, French, Dutch,
#: Spanish and Italian, to the month number. No spelling means different months in two languages.
_MONTH_SPELLINGS: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "januar",
        "jaenner",
        "janner",
        "jän",
        "jan",
        "janvier",
        "janv",
        "januari",
        "enero",
        "ene",
        "gennaio",
        "gen",
    ),
    2: ("february", "feb", "februar", "febr", "fevrier", "fevr", "fev", "februari", "febrero", "febbraio"),
    3: ("march", "mar", "marz", "maerz", "mrz", "mars", "maart", "mrt", "marzo"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mei", "mayo", "maggio", "mag"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug"),
    8: ("august", "aug", "aout", "augustus", "agosto", "ago"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "set", "settembre"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott"),
    11: ("november", "nov", "novembre", "noviembre"),
    12: ("december", "dec", "dezember", "dez", "decembre", "diciembre", "dic", "dicembre"),
}


def _plain(word: str) -> str:
    """Lower case without accents or a trailing dot: ``'Mär.'`` -> ``'mar'``, ``'févr.'`` -> ``'fevr'``."""
    decomposed = unicodedata.normalize("NFKD", word.strip().rstrip(".").lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_MONTHS: dict[str, int] = {_plain(name): month for month, names in _MONTH_SPELLINGS.items() for name in names}

#: Month abbreviations of ChemStation's month-name dates, kept for plugins that import it.
MONTH_ABBREVIATIONS: dict[str, int] = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun"), start=1)},
    **{m: i for i, m in enumerate(("jul", "aug", "sep", "oct", "nov", "dec"), start=7)},
    "mär": 3,
    "mrz": 3,
    "mai": 5,
    "okt": 10,
    "dez": 12,
}


def month_number(word: str) -> int | None:
    """The month a name or abbreviation means in any of the six languages (any case, dot or accent)."""
    return _MONTHS.get(_plain(word))


_TIME = (
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d{1,6})\d*)?)?"
    r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
    r"(?:\s*(?P<zone>Z|(?:UTC|GMT)?\s?[+-]\d{1,2}(?::?\d{2})?|UTC|GMT))?"
)
_NUMERIC = re.compile(
    r"^(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})\.?"
    rf"(?:(?:\s*,\s*|\s+|T){_TIME})?$"
)
_WORD = r"[^\W\d_]{3,10}\.?"
_NAMED = (
    # 28-Jan-22, 7. März 2023, 26 mai 2017, 28/jan/2020 (day, month name, year)
    re.compile(
        rf"^(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\.?[\s./-]*(?P<mon>{_WORD})[\s./-]*(?P<y>\d{{4}}|\d{{2}})"
        rf"(?:(?:\s*,\s*|\s+|T){_TIME})?$"
    ),
    # Jan 28, 2020 10:00 AM (US: month name, day, year)
    re.compile(
        rf"^(?P<mon>{_WORD})[\s./-]*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
        rf"(?:(?:\s*,\s*|\s+|T){_TIME})?$"
    ),
    # 2020-Jan-28 (year, month name, day)
    re.compile(
        rf"^(?P<y>\d{{4}})[\s./-]+(?P<mon>{_WORD})[\s./-]+(?P<d>\d{{1,2}})"
        rf"(?:(?:\s*,\s*|\s+|T){_TIME})?$"
    ),
)
# Spanish and Italian long dates: "3 de marzo de 2020", "3 del marzo 2020".
_FILLER = re.compile(r"(?<=\w) (?:de|del) (?=\w)", re.IGNORECASE)
_LEADING_WEEKDAY = re.compile(r"^(?P<word>[^\W\d_]{2,12})\.?,?\s+(?=\S)")
# A numeric date anywhere in a text, for deciding the order: not inside a longer number or path segment.
_DATE_IN_TEXT = re.compile(
    r"(?<![\w./-])(?P<a>\d{1,2})(?P<sep>[/-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2})(?![\w/-])"
)
#: The morning/afternoon words of Chinese, Japanese and Korean locales, as AM or PM.
_LOCAL_MERIDIEM = {"上午": "AM", "下午": "PM", "午前": "AM", "午後": "PM", "오전": "AM", "오후": "PM"}
_LOCAL_MERIDIEM_TIME = re.compile(
    rf"(?P<word>{'|'.join(_LOCAL_MERIDIEM)})\s*(?P<time>\d{{1,2}}:\d{{2}}(?::\d{{2}})?)"
    rf"|(?P<time2>\d{{1,2}}:\d{{2}}(?::\d{{2}})?)\s*(?P<word2>{'|'.join(_LOCAL_MERIDIEM)})"
)
_TWELVE_HOUR = re.compile(
    rf"\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s*[AaPp]\.?\s?[Mm]\b|{_LOCAL_MERIDIEM_TIME.pattern}"
)


def _latin_meridiem(text: str) -> str:
    """``text`` with a 上午/下午-style word before (or after) a time written as AM/PM after it."""

    def latin(match: re.Match[str]) -> str:
        word, time = (match["word"], match["time"]) if match["word"] else (match["word2"], match["time2"])
        return f"{time} {_LOCAL_MERIDIEM[word]}"

    return _LOCAL_MERIDIEM_TIME.sub(latin, text)


@dataclass(frozen=True)
class DateOrder:
    """How the numeric dates of one file are read.

    ``assumed`` is True when nothing in the file or the site's setting decided it (a 12-hour clock led
    to month first, or day first was taken); ``decided_by`` says what did (a date of the file, the
    site's setting, a 12-hour clock), for messages.
    """

    day_first: bool
    assumed: bool
    decided_by: str = ""

    @property
    def reading(self) -> str:
        """``'day first'`` or ``'month first'``, for messages."""
        return "day first" if self.day_first else "month first"


def _evidence(texts: Iterable[str]) -> tuple[str | None, str | None]:
    """(a text showing day first, a text showing month first), each the first found, else None."""
    day_first: str | None = None
    month_first: str | None = None
    for text in texts:
        for match in _DATE_IN_TEXT.finditer(text):
            a, b = int(match["a"]), int(match["b"])
            # 31 >= day > 12 >= month: a time written with dashes ("08-40-11" in a folder name) is no date.
            if 31 >= a > 12 >= b >= 1 and day_first is None:
                day_first = match.group(0)
            elif 31 >= b > 12 >= a >= 1 and month_first is None:
                month_first = match.group(0)
        if day_first and month_first:
            break
    return day_first, month_first


def decide_order(
    values: Iterable[str], *, hint: DateOrderSetting | None = None, file: Path | str | None = None
) -> DateOrder:
    """Day first or month first for the numeric dates of one file, decided from every date in ``values``.

    ``values`` may be whole lines or the whole text of the file: every ``d/m/y`` or ``d-m-y`` date in them
    counts. A file showing both orders is a ParseError (naming ``file``); a file showing neither follows
    ``hint`` (the site's ``date_order`` setting), then a 12-hour clock (month first, the US habit), then
    day first; both guesses have ``assumed`` set.
    """
    texts = list(values)
    day_first, month_first = _evidence(texts)
    if day_first and month_first:
        where = f" in '{file}'" if file is not None else ""
        raise ParseError(
            f"Dates{where} are written both day first ({day_first!r}) and month first ({month_first!r}). "
            "Expected one date order throughout a file.",
            file=file if file is not None else "",
            column="date",
        )
    if day_first:
        return DateOrder(day_first=True, assumed=False, decided_by=f"the date {day_first!r} in the file")
    if month_first:
        return DateOrder(day_first=False, assumed=False, decided_by=f"the date {month_first!r} in the file")
    if hint is not None:
        return DateOrder(
            day_first=hint == "day_first", assumed=False, decided_by="the site's date_order setting"
        )
    has_dates = any(_DATE_IN_TEXT.search(text) for text in texts)
    if has_dates and any(_TWELVE_HOUR.search(text) for text in texts):
        return DateOrder(day_first=False, assumed=True, decided_by="a 12-hour clock (the US habit)")
    return DateOrder(day_first=True, assumed=has_dates)


def ambiguity_warning(value: str, order: DateOrder, *, file: Path | str) -> str:
    """The warning for an ambiguous date read in an order nothing in the file decided."""
    why = f" (guessed from {order.decided_by})" if order.decided_by else ""
    return (
        f"Dates in '{file}' such as {value.strip()!r} could be day/month or month/day and nothing in the "
        f"file decides it; they were read {order.reading}{why}. Set 'date_order' in schemas_map.yaml to "
        "say which."
    )


def _zone(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    compact = text.replace(" ", "").upper()
    if compact in ("Z", "UTC", "GMT"):
        return dt.UTC
    match = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?", compact)
    if match is None:
        return None
    hours, minutes = int(match[2]), int(match[3] or 0)
    if hours > 18 or minutes > 59:
        raise ValueError("offset out of range")
    sign = -1 if match[1] == "-" else 1
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _assemble(year: int, month: int, day: int, match: re.Match[str]) -> dt.datetime | dt.date:
    if year < 100:
        year += 2000
    date = dt.date(year, month, day)
    if match["h"] is None:
        return date
    hour = int(match["h"])
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError("hour out of range for a 12-hour clock")
        hour = hour % 12 + (12 if match["ampm"][0].lower() == "p" else 0)
    micro = int((match["frac"] or "0").ljust(6, "0"))
    return dt.datetime(
        year, month, day, hour, int(match["mi"]), int(match["s"] or 0), micro, tzinfo=_zone(match["zone"])
    )


def _without_weekday(text: str) -> str:
    match = _LEADING_WEEKDAY.match(text)
    if match and _plain(match["word"]) in _WEEKDAYS and month_number(match["word"]) is None:
        return text[match.end() :]
    return text


def parse_timestamp(value: str, order: DateOrder) -> dt.datetime | dt.date | None:
    """A datetime (or a date when no time is given), or None when ``value`` is not a recognised date.

    Numeric dates follow ``order`` (ISO ``YYYY-MM-DD`` and ``YYYY/MM/DD`` always, dotted dates are always
    day first); month names are read in six languages; a 12-hour clock and a UTC offset are honoured.
    """
    text = _without_weekday(re.sub(r"\s+", " ", _latin_meridiem(value.strip())))
    text = _FILLER.sub(" ", text)
    try:
        match = _NUMERIC.match(text)
        if match:
            a, b, c = int(match["a"]), int(match["b"]), int(match["c"])
            if len(match["a"]) == 4:
                return _assemble(a, b, c, match)
            if len(match["c"]) not in (2, 4):
                return None
            if match["sep"] == "." or order.day_first:
                return _assemble(c, b, a, match)
            return _assemble(c, a, b, match)
        for pattern in _NAMED:
            match = pattern.match(text)
            if match:
                month = month_number(match["mon"])
                if month is None:
                    return None
                return _assemble(int(match["y"]), month, int(match["d"]), match)
    except ValueError:
        return None
    return None


def is_ambiguous(value: str) -> bool:
    """Whether ``value`` is a numeric date that reads differently day first and month first."""
    match = _NUMERIC.match(re.sub(r"\s+", " ", value.strip()))
    if match is None or len(match["a"]) == 4 or match["sep"] == ".":
        return False
    a, b = int(match["a"]), int(match["b"])
    return a != b and a <= 12 and b <= 12


_MONTH_NAME_DATE = re.compile(
    r"^(?P<d>\d{1,2})-(?P<mon>[A-Za-zÄäÖöÜü]{3})-(?P<y>\d{2}|\d{4}),?\s+(?P<t>\d{1,2}:\d{2}(?::\d{2})?)$"
)


def parse_month_name_datetime(value: str) -> dt.datetime | None:
    """A ``28-Jan-22, 11:36:29`` date and time (two- or four-digit year), or None when ``value`` is not one.

    Kept for plugins written against earlier releases; :func:`parse_timestamp` reads these and many more.
    """
    match = _MONTH_NAME_DATE.match(value)
    if not match or month_number(match["mon"]) is None:
        return None
    stamp = parse_timestamp(value, DateOrder(day_first=True, assumed=False))
    return stamp if isinstance(stamp, dt.datetime) else None


@dataclass
class DateReader:
    """Reads the dates of one file the same way, with ParseErrors naming the file, line and column.

    Build it with :meth:`for_file` from the file's text (every date in it decides the day/month order)
    and the site's ``date_order`` hint; :attr:`warnings` holds a note when an ambiguous date was read
    in an order nothing decided.
    """

    file: Path
    order: DateOrder
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def for_file(
        cls, texts: Iterable[str], *, file: Path, hint: DateOrderSetting | None = None
    ) -> DateReader:
        return cls(file=file, order=decide_order(texts, hint=hint, file=file))

    def read(
        self,
        value: str,
        *,
        line: int | None = None,
        column: str | None = None,
        zones: Mapping[str, float] | None = None,
    ) -> dt.datetime | dt.date:
        """``value`` as a datetime (aware when it carries an offset) or a date; ParseError otherwise.

        ``zones`` maps zone abbreviations a format appends (``EDT``) to hours from UTC.
        """
        text = value.strip()
        tz: dt.tzinfo | None = None
        if zones:
            suffix = re.match(r"^(?P<stamp>.*?)\s+(?P<zone>[A-Za-z]{3,5})$", text)
            if suffix and suffix["zone"].upper() in zones:
                text = suffix["stamp"]
                tz = dt.timezone(dt.timedelta(hours=zones[suffix["zone"].upper()]))
        stamp = parse_timestamp(text, self.order)
        if stamp is None:
            where = "".join(
                (f" line {line}" if line is not None else "", f" column '{column}'" if column else "")
            )
            raise ParseError(
                f"Unable to read {value.strip()!r} as a date in '{self.file}'{where}. Expected a date "
                "such as '21.09.2021 16:08:11', '9/21/2021 4:08:11 PM', '2021-09-21T16:08:11+02:00' "
                "or '21-Sep-21, 16:08:11'.",
                file=self.file,
                line=line,
                column=column,
            )
        if tz is not None and isinstance(stamp, dt.datetime) and stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=tz)
        if self.order.assumed and is_ambiguous(text) and not self.warnings:
            self.warnings.append(ambiguity_warning(text, self.order, file=self.file))
        return stamp

    def iso(self, value: str, *, line: int | None = None, column: str | None = None) -> str:
        """``value`` read by :meth:`read`, as ISO 8601 text (with its offset when it has one)."""
        return self.read(value, line=line, column=column).isoformat()
