"""Names both ChemStation reports use for peak-table columns and header fields, and what they normalize to."""

from __future__ import annotations

import re

#: Peak-table column names (canonical form, see :func:`canonical_name`) -> normalized key.
PEAK_COLUMNS: dict[str, str] = {
    "peaknumber": "peak_number",
    "peak#": "peak_number",
    "peakno": "peak_number",
    "peak": "peak_number",
    "#": "peak_number",
    "retentiontime": "retention_time",
    "rettime": "retention_time",
    "rt": "retention_time",
    "time": "retention_time",
    "peaktype": "peak_type",
    "type": "peak_type",
    "peakwidth": "peak_width",
    "width": "peak_width",
    "area": "area",
    "height": "height",
    "area%": "area_percent",
    "areapercent": "area_percent",
    "name": "peak_name",
    "compoundname": "peak_name",
    "compdname": "peak_name",
    "compound": "peak_name",
    "peakname": "peak_name",
    "amount": "amount",
    "amt": "amount",
    "amt/area": "amount_per_area",
    "amount/area": "amount_per_area",
}

#: Columns without which a peak table cannot become results.
REQUIRED_PEAK_COLUMNS: tuple[str, ...] = ("retention_time", "area")

#: Columns kept as text (everything else in a peak table is a number).
TEXT_PEAK_COLUMNS: frozenset[str] = frozenset({"peak_type", "peak_name"})

#: Extra result columns every ChemStation peak table contributes, in this order.
BASE_EXTRA_COLUMNS: tuple[str, ...] = ("peak_type", "peak_width_min")

#: Time units a retention time or width may carry, and the factor to minutes.
TIME_UNITS_TO_MIN: dict[str, float] = {"": 1.0, "min": 1.0, "mins": 1.0, "s": 1 / 60, "sec": 1 / 60}

_UNIT_IN_BRACKETS = re.compile(r"\[([^\]]*)\]")


def canonical_name(name: str) -> str:
    """Column or key name without case, spacing, brackets' content and trailing dots or colons."""
    without_unit = _UNIT_IN_BRACKETS.sub("", name)
    return re.sub(r"\s+", "", without_unit).strip(".:").lower()


def bracketed_unit(text: str) -> str | None:
    """The unit written in square brackets (``[mAU*s]`` -> ``mAU*s``), else the bare text, else None."""
    match = _UNIT_IN_BRACKETS.search(text)
    unit = (match.group(1) if match else text).strip()
    return unit or None


def snake_case(name: str) -> str:
    """A snake_case column name for a peak-table column we have no normalized key for."""
    words = re.findall(r"[a-z0-9]+", _UNIT_IN_BRACKETS.sub("", name).lower().replace("%", " percent "))
    snake = "_".join(words) or "column"
    return snake if snake[0].isalpha() else f"column_{snake}"
