"""Meta-tests over every parser plugin: protocol, sniff never raises, garbage gives ParseError, has tests
and (built-ins) test data written in this repository, so none is left untested on a clean clone.

Parsers are collected entry point by entry point (built-ins, then other installed packages), so one that
fails to import fails its own cases instead of hiding every other parser.
"""

from __future__ import annotations

import codecs
import random
import re
from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers import Parser
from parsers._plugin.entry_points import Registration, is_provider, load_registration, registrations
from parsers._plugin.plugin_class import protocol_problems
from tests.support.testdata import EXPECTED_SUFFIX, expected_output

REPO = Path(__file__).resolve().parents[3]
THIS_FILE = Path(__file__).resolve()
# Providers (the allotropy bridge: one plugin per allotropy vendor, present only when allotropy is) are
# checked by their own conformance tests (tests/conformance/parsers/allotropy_bridge), with allotropy.
REGISTERED = [r for r in registrations() if not is_provider(r.entry_point.load())]
SPECS: dict[str, Registration] = {r.entry_point.value: r for r in REGISTERED}
BUILTINS: list[str] = [r.entry_point.value for r in REGISTERED if r.builtin]
CONFORMANCE = Path(__file__).resolve().parent


def load(spec: str) -> type[Parser]:
    return load_registration(SPECS[spec]).parser_class


def garbage_files(folder: Path, extension: str) -> list[Path]:
    """Empty, binary, truncated, wrongly encoded and random files named with ``extension``."""
    rng = random.Random(1234)
    contents = {
        "empty": b"",
        "whitespace": b"  \r\n\t\n",
        "binary": bytes(range(256)) * 4,
        "random": bytes(rng.getrandbits(8) for _ in range(4096)),
        "utf16_garbage": codecs.BOM_UTF16_LE + "no table here\r\n1\t2\r\n".encode("utf-16-le"),
        "latin1_text": "Probe: Lösung µ\n;;;\n".encode("latin-1"),
        "truncated_lc": b"Sample ID,RT (min),Area\nSMP-001,1.2",
        "truncated_header": b"Sample ID,RT (m",
        "json_garbage": b'{"injections": [ {"peaks": ',
        "nul_bytes": b"\x00" * 512,
    }
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, data in contents.items():
        path = folder / f"{stem}{extension}"
        path.write_bytes(data)
        paths.append(path)
    return paths


@pytest.mark.parametrize("spec", list(SPECS))
def test_parser_declares_name_version_extensions(spec: str) -> None:
    cls = load(spec)
    assert protocol_problems(cls) == []
    assert re.fullmatch(r"[a-z][a-z0-9_]*", cls.name)
    assert cls.version and cls.extensions


@pytest.mark.parametrize("spec", list(SPECS))
def test_sniff_never_raises_on_garbage(spec: str, tmp_path: Path) -> None:
    cls = load(spec)
    for extension in cls.extensions:
        for path in garbage_files(tmp_path / extension.strip("."), extension):
            verdict = cls().sniff(path.read_bytes()[:65536], path)
            assert isinstance(verdict, bool), f"{cls.name}.sniff returned {verdict!r} for {path.name}"


@pytest.mark.parametrize("spec", list(SPECS))
def test_sniff_handles_a_folder_with_empty_head(spec: str, tmp_path: Path) -> None:
    cls = load(spec)
    folder = tmp_path / f"unit{cls.extensions[0]}"
    folder.mkdir()
    assert cls().sniff(b"", folder) in (True, False)


@pytest.mark.parametrize("spec", list(SPECS))
def test_parse_of_garbage_raises_parse_error_only(spec: str, tmp_path: Path) -> None:
    cls = load(spec)
    for extension in cls.extensions:
        for path in garbage_files(tmp_path / extension.strip("."), extension):
            try:
                cls().parse(path)
            except ParseError as exc:
                assert str(exc), f"{cls.name} raised an empty ParseError for {path.name}"
            except Exception as exc:
                pytest.fail(f"{cls.name}.parse({path.name}) raised {type(exc).__name__}: {exc}")
            # Some garbage (e.g. whitespace-only for a permissive format) may legitimately parse to nothing.


@pytest.mark.parametrize("spec", list(SPECS))
def test_parse_of_missing_file_raises_parse_error(spec: str, tmp_path: Path) -> None:
    cls = load(spec)
    with pytest.raises(ParseError):
        cls().parse(tmp_path / f"missing{cls.extensions[0]}")


def _test_sources() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8", errors="replace")
        for path in (REPO / "tests").rglob("test_*.py")
        if path.resolve() != THIS_FILE
    }


@pytest.mark.parametrize("spec", BUILTINS)
def test_every_builtin_parser_has_a_test_module(spec: str) -> None:
    """datasette-style: a built-in is only done when some test module exercises it by name."""
    cls = load(spec)
    pattern = re.compile(rf"\b({re.escape(cls.name)}|{re.escape(cls.__name__)})\b")
    mentioning = [p for p, text in _test_sources().items() if pattern.search(text)]
    assert mentioning, f"no test module under tests/ mentions parser '{cls.name}' ({cls.__name__})"


@pytest.mark.parametrize("spec", BUILTINS)
def test_every_builtin_parser_has_test_data_pairs_in_the_repository(spec: str) -> None:
    """Tests against ../shared are skipped on a clean clone; these written inputs are not."""
    name = load(spec).name
    folder = CONFORMANCE / name / "testdata"
    paired = [p for p in folder.glob("*") if expected_output(p).is_file()] if folder.is_dir() else []
    assert paired, f"{folder} holds no input with its expected output (<input>{EXPECTED_SUFFIX})"
    modules = list((CONFORMANCE / name).glob(f"test_{name}_testdata.py"))
    assert modules, f"no test_{name}_testdata.py beside {folder}"
