"""The shape of ``parsers/``: one folder per format with the same modules, and imports that run one way.

- A format folder (any folder not starting with ``_``) is named like its parser and holds ``reader.py``,
  ``parser.py`` and ``constants.py``; any further module is named, with its reason, in the folder's
  ``__init__`` docstring.
- Format folders never import each other; ``_common`` knows nothing of formats, ``_plugin`` or
  ``_chemstation``; ``_plugin`` imports no format and no shared reader (built-ins reach it through
  entry points, not imports), only ``_common.handed_bytes``: the seam through which the registry hands a
  small file's bytes, read to choose its parser, to the shared reader; ``_chemstation`` (shared by the
  ChemStation formats) and ``_asm`` (shared by ``asm`` and ``allotropy_bridge``) use only themselves,
  ``_common`` and ``_plugin``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PARSERS = REPO / "parsers"
REQUIRED_MODULES = ("__init__.py", "reader.py", "parser.py", "constants.py")
FORMATS = sorted(p.name for p in PARSERS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def parsers_imports(path: Path) -> set[str]:
    """The ``parsers.*`` modules a file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {n for n in names if n.startswith("parsers.")}


#: The one ``_common`` module ``_plugin`` may import (see the module docstring).
HANDED_BYTES = "parsers._common.handed_bytes"


def package_of(module: str) -> str:
    """``parsers.lc_results_csv.reader`` -> ``lc_results_csv``."""
    return module.split(".")[1]


def test_there_are_format_folders() -> None:
    assert len(FORMATS) >= 9, FORMATS


@pytest.mark.parametrize("folder", FORMATS)
def test_format_folder_has_reader_parser_and_constants(folder: str) -> None:
    present = {p.name for p in (PARSERS / folder).glob("*.py")}
    assert set(REQUIRED_MODULES) <= present, f"parsers/{folder} lacks {set(REQUIRED_MODULES) - present}"


@pytest.mark.parametrize("folder", FORMATS)
def test_every_further_module_is_explained_in_the_folder_docstring(folder: str) -> None:
    extra = sorted(p.stem for p in (PARSERS / folder).glob("*.py") if p.name not in REQUIRED_MODULES)
    docstring = ast.get_docstring(ast.parse((PARSERS / folder / "__init__.py").read_text(encoding="utf-8")))
    assert docstring, f"parsers/{folder}/__init__.py has no docstring"
    unexplained = [m for m in extra if not re.search(rf"``{m}``", docstring)]
    assert not unexplained, f"parsers/{folder}/__init__.py does not say why it has {unexplained}"


@pytest.mark.parametrize("folder", FORMATS)
def test_format_folder_is_named_like_the_parser_it_defines(folder: str) -> None:
    source = (PARSERS / folder / "parser.py").read_text(encoding="utf-8")
    names = re.findall(r'^\s+name: ClassVar\[str\] = "([a-z0-9_]+)"', source, flags=re.M)
    assert names == [folder], f"parsers/{folder}/parser.py defines parsers {names}"


@pytest.mark.parametrize("path", sorted(PARSERS.rglob("*.py")), ids=lambda p: str(p.relative_to(REPO)))
def test_imports_inside_parsers_run_one_way(path: Path) -> None:
    here = path.relative_to(PARSERS).parts[0] if path.parent != PARSERS else ""
    modules = parsers_imports(path)
    if here == "_plugin":
        modules -= {HANDED_BYTES}
    imported = {package_of(m) for m in modules}
    if here == "_common":
        allowed = {"_common"}
    elif here == "_plugin":
        allowed = {"_plugin"}
    elif here in ("_chemstation", "_asm"):
        allowed = {here, "_common", "_plugin"}
    elif here:
        allowed = {here, "_common", "_plugin"}
        if here.startswith("agilent_chemstation_"):
            allowed.add("_chemstation")
        if here in ("asm", "allotropy_bridge"):
            allowed.add("_asm")
    else:  # parsers/__init__.py and the re-exports of earlier import paths
        allowed = {"_common", "_plugin"}
    bad = sorted(imported - allowed)
    assert not bad, f"{path.relative_to(REPO)} imports from {bad}"
