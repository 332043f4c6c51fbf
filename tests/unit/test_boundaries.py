"""Imports run one way (design.md): parsers know nothing of Benchling, the client nothing of parsers,
the sandbox nothing of the pipeline; only the composer and the commands tie stages together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {n for n in names if n.split(".")[0] in ("ingest", "parsers")}


def files(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


@pytest.mark.parametrize("path", files("parsers"), ids=lambda p: str(p.relative_to(REPO)))
def test_parsers_import_only_models_errors_and_parsers(path: Path) -> None:
    allowed = {"ingest.models", "ingest.errors", "ingest.contract"}
    bad = {m for m in imported_modules(path) if m not in allowed and not m.startswith("parsers")}
    assert not bad, f"{path} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files("ingest/benchling"), ids=lambda p: str(p.relative_to(REPO)))
def test_client_imports_only_itself_and_errors(path: Path) -> None:
    bad = {m for m in imported_modules(path) if not m.startswith("ingest.benchling") and m != "ingest.errors"}
    assert not bad, f"{path} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files("ingest/sandbox"), ids=lambda p: str(p.relative_to(REPO)))
def test_sandbox_imports_only_itself_and_errors(path: Path) -> None:
    bad = {m for m in imported_modules(path) if not m.startswith("ingest.sandbox") and m != "ingest.errors"}
    assert not bad, f"{path} imports {sorted(bad)}"


STAGES = ("watch", "ledger", "resolve", "filing")


@pytest.mark.parametrize("stage", STAGES)
def test_stages_do_not_import_each_other(stage: str) -> None:
    others = tuple(f"ingest.{s}" for s in STAGES if s != stage)
    for path in files(f"ingest/{stage}"):
        bad = {m for m in imported_modules(path) if m.startswith(others)}
        assert not bad, f"{path} imports {sorted(bad)}"
