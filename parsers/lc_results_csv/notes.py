"""Warnings of the LC results CSV parser, worded once for both of its reading paths."""

from __future__ import annotations

from pathlib import Path


def no_chromatogram_column(path: Path) -> str:
    return (
        f"'{path.name}' has no 'Chromatogram' column naming its trace file; the run gets no "
        "chromatogram (add the column to the export to attach one)."
    )


def unnamed_column(index: int, file: Path, name: str) -> str:
    return (
        f"Column {index + 1} of '{file.name}' has values but a blank header cell; it is kept as "
        f"'{name}'. Expected a name in every header cell."
    )


def trace_not_found(value: str, file: Path) -> str:
    return (
        f"Chromatogram file '{value}' named in '{file.name}' was not found beside it; "
        "no trace was read and nothing is attached for it."
    )
