"""Guessing the legacy code page of a text export that is not UTF-8 and names no encoding.

Exports are mostly ASCII (headers, numbers) with a few non-ASCII names: a sample name in Japanese, an
operator in Cyrillic, ``µL`` and ``°C``. Every candidate code page decodes the file; the guess is the one
whose non-ASCII text is most plausible: letters of one script per word (kana with kanji is one), no
control or unassigned characters, no stray symbols where a letter belongs (``Próbka ³ód¿`` is Polish read
as cp1252), no words made mostly of accented Latin letters (``Îáðàçåö`` is Russian read as cp1252), no
dash or quote between two letters (``Ź€ŽŽ—ż`` is Japanese read as cp1250), no
case changing inside a word, no single half-width kana stuck to Latin letters (``ｵL`` is ``µL`` read as
cp932). Ties go to the earlier candidate.

Why not ``charset-normalizer`` (the well-kept detector): tried on such files (a few names in an otherwise
ASCII export) it named cp1257 for Russian cp1251 text and cp949 for Chinese GBK text, even restricted to
these code pages; its language models need more text than an export's names. Neither it nor this guess
can tell CJK code pages apart reliably on a few ideographs, which is why a guess is always reported with
the ``encoding`` setting that makes it certain.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable

#: Code pages of instrument PCs beyond the Western/Central European ones each parser lists: Cyrillic,
#: Greek, Japanese (Shift-JIS), Simplified Chinese (GBK), Korean, Traditional Chinese.
OTHER_CODE_PAGES = ("cp1251", "cp1253", "cp932", "cp936", "cp949", "cp950")

# Symbols exports write beside numbers and names; any other non-ASCII symbol counts against a reading.
_COMMON_SYMBOLS = frozenset("°±µ×·§©®«»–—‘’“”•…€")
_WORD = re.compile(r"[^\W\d_]+")
_BICAMERAL = frozenset({"LATIN", "CYRILLIC", "GREEK"})
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W\d_])[–—“”„•…€‰†‡](?=[^\W\d_])")


def guess_code_page(data: bytes, candidates: Iterable[str]) -> tuple[str, str] | None:
    """The most plausible ``(encoding, text)`` among ``candidates`` that decode ``data`` strictly, else
    None."""
    best: tuple[float, str, str] | None = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        score = implausibility(text)
        if best is None or score < best[0]:
            best = (score, encoding, text)
        if score == 0:
            break
    return (best[1], best[2]) if best else None


def implausibility(text: str) -> float:
    """How unlike real names ``text``'s non-ASCII characters are (0 when nothing looks wrong)."""
    score = 0.0
    for char in text:
        if char.isascii():
            continue
        category = unicodedata.category(char)
        if category[0] == "C" or char == "\ufffd":
            score += 3
        elif category[0] != "L" and char not in _COMMON_SYMBOLS and not _east_asian_punctuation(char):
            score += 1
    for word in _WORD.findall(text):
        if not word.isascii():
            score += _word_implausibility(word)
    # A dash, bullet or quote with letters on both sides is a letter of another code page ("Ź€Ž").
    score += len(_SYMBOL_IN_WORD.findall(text))
    return score


def _word_implausibility(word: str) -> float:
    scripts = [_script(char) for char in word]
    foreign = {s for s in scripts if s != "ASCII"}
    score = 0.0
    if len(foreign - {"CJK", "KANA"}) > 1 or (foreign & {"CJK", "KANA"} and foreign - {"CJK", "KANA"}):
        score += 2
    if "HALFWIDTH" in foreign and ("CJK" in foreign or len(word) == 1):
        score += 1
    if "ASCII" in scripts and (foreign - {"LATIN"}):
        runs = "".join("a" if s == "ASCII" else "x" for s in scripts)
        inner = runs.strip("a")
        # A name may put Latin letters before or after a run of another script ("試料A", "Probe試料"),
        # not one foreign character inside Latin letters ("Caf<kanji>ne" is "Caféine" read as cp932).
        if "a" in inner or len(inner) < 2:
            score += 2
    if foreign == {"LATIN"} or (foreign <= _BICAMERAL and len(foreign) == 1):
        accented = sum(1 for s in scripts if s == "LATIN")
        if "LATIN" in foreign and accented >= 2 and 2 * accented >= len(word):
            score += 1
        if any(a.islower() and b.isupper() and a != "µ" for a, b in itertools.pairwise(word)):
            score += 1
    return score


def _east_asian_punctuation(char: str) -> bool:
    """CJK punctuation (``、。「」``) and full-width digits and signs, as Japanese and Chinese text uses."""
    return "\u3000" <= char <= "\u303f" or "\uff01" <= char <= "\uff60" or "\uffe0" <= char <= "\uffee"


def _script(char: str) -> str:
    if char.isascii():
        return "ASCII"
    if char in "µªº":  # letters of Latin-1 used in units and ordinals ("µL", "2º")
        return "LATIN"
    name = unicodedata.name(char, "")
    if name.startswith("HALFWIDTH KATAKANA"):
        return "HALFWIDTH"
    first = name.split(" ", 1)[0]
    if first.startswith(("HIRAGANA", "KATAKANA")):
        return "KANA"
    return first or "UNKNOWN"
