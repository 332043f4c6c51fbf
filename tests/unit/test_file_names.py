"""File names the OS hands over: which are text, how they are shown, how they are shortened to fit."""

from __future__ import annotations

import os
import sys
from pathlib import PurePath

import pytest

from ingest.file_names import (
    MAX_NAME_LENGTH,
    display,
    is_text,
    name_length,
    path_is_text,
    raw_bytes,
    safe_name,
    safe_relative,
)

posix_bytes_names = pytest.mark.skipif(
    sys.platform == "win32", reason="names as arbitrary bytes are a POSIX thing (Windows names are UTF-16)"
)


def undecodable(raw: bytes) -> str:
    """The str Python gives for a name made of these bytes (lone surrogates for the bad ones)."""
    return os.fsdecode(raw)


@posix_bytes_names
def test_a_name_that_is_not_utf8_is_not_text_and_is_shown_by_its_bytes() -> None:
    name = undecodable(b"run\xff\xfe.csv")
    assert not is_text(name)
    assert not path_is_text(PurePath("inbox", name))
    assert display(name) == "run\\xff\\xfe.csv"
    assert raw_bytes(name) == b"run\xff\xfe.csv"
    assert display(PurePath("/drop", name)) == "/drop/run\\xff\\xfe.csv"


def test_control_characters_are_escaped_so_a_name_stays_on_one_line() -> None:
    assert display("evil\nname.csv") == "evil\\nname.csv"
    assert "\n" not in display("a\r\nb")


def test_text_names_are_shown_and_kept_as_they_are() -> None:
    for name in ("run1.csv", "Probe µ-Säure (2).csv", "データ.txt"):
        assert is_text(name)
        assert display(name) == name
        assert safe_name(name) == name


@posix_bytes_names
def test_safe_name_of_an_undecodable_name_is_printable_and_keeps_originals_apart() -> None:
    first = safe_name(undecodable(b"run\xff.csv"))
    second = safe_name(undecodable(b"run\xfe.csv"))
    for safe in (first, second):
        assert is_text(safe) and safe.isprintable()
        assert safe.startswith("run_~") and safe.endswith(".csv")
    assert first != second


def test_a_long_name_is_cut_to_fit_with_a_hash_and_its_suffix() -> None:
    long = "x" * 260 + ".csv"
    safe = safe_name(long)
    assert name_length(safe) <= MAX_NAME_LENGTH
    assert safe.endswith(".csv") and "~" in safe
    with_report = safe_name(long, reserve=len(".error.json"))
    assert name_length(with_report + ".error.json") <= MAX_NAME_LENGTH
    # Two long names that differ only past the cut stay apart.
    assert safe_name("y" * 300 + "a.csv") != safe_name("y" * 300 + "b.csv")


def test_a_name_that_fits_only_without_the_reserve_is_shortened() -> None:
    name = "n" * 246 + ".csv"  # 250 units: fits alone, not with ".error.json" beside it
    assert safe_name(name) == name
    assert name_length(safe_name(name, reserve=11)) <= MAX_NAME_LENGTH - 11


def test_multibyte_names_are_cut_on_character_boundaries() -> None:
    name = "é" * 200 + ".txt"  # 404 bytes in UTF-8
    safe = safe_name(name)
    assert is_text(safe)
    assert name_length(safe) <= MAX_NAME_LENGTH
    assert safe.endswith(".txt")


def test_safe_relative_makes_every_part_safe_and_reserves_room_only_for_the_last() -> None:
    relative = PurePath("d" * 300, "f" * 250 + ".csv")
    safe = safe_relative(relative, reserve=11)
    assert all(name_length(part) <= MAX_NAME_LENGTH for part in safe.parts)
    assert name_length(safe.name) <= MAX_NAME_LENGTH - 11
    assert safe_relative(PurePath("LC1", "run.csv"), reserve=11) == PurePath("LC1", "run.csv")


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ('win<>:"|?*.csv', "win_______~", ".csv"),
        ("back\\slash.csv", "back_slash~", ".csv"),
        ("CON.csv", "CON_~", ".csv"),
        ("nul.csv", "nul_~", ".csv"),
        ("AUX", "AUX_~", ""),
        ("com1.tar.gz", "com1_.tar~", ".gz"),
        ("LPT9.txt", "LPT9_~", ".txt"),
        ("endsdot.csv.", "endsdot~", ".csv_"),
        ("endsspace.csv ", "endsspace~", ".csv_"),
    ],
)
def test_names_a_windows_share_refuses_are_made_fit_with_a_hash(name: str, start: str, end: str) -> None:
    fitted = safe_name(name)
    assert fitted.startswith(start) and fitted.endswith(end), fitted
    assert not set('<>:"|?*\\') & set(fitted)
    assert fitted[-1] not in ". "


def test_names_windows_holds_are_kept_even_when_they_resemble_device_names() -> None:
    for name in (
        "console.csv",
        "CONTROL.csv",
        "com10.csv",
        "nul_run.csv",
        "a.b.csv",
        ".hidden",
        "run (1).csv",
    ):
        assert safe_name(name) == name


def test_two_unfit_names_that_fit_alike_stay_apart() -> None:
    assert safe_name("a:b.csv") != safe_name("a?b.csv")
