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


# -- ingest's own layout: stages, one composer, operations, thin commands ------------------------------

STAGES = ("watch", "ledger", "resolve", "load", "filing")
#: Leaf modules every part may use.
SHARED = {
    "ingest",
    "ingest.models",
    "ingest.errors",
    "ingest.contract",
    "ingest.hashing",
    "ingest.file_names",
}
UPPER = ("ingest.pipeline", "ingest.operations", "ingest.commands", "ingest.cli")


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


@pytest.mark.parametrize("stage", STAGES)
def test_stages_import_no_other_stage_and_nothing_above_them(stage: str) -> None:
    """A stage has one job; only the pipeline composes stages. Resolve and load may use the client."""
    allowed = SHARED | {f"ingest.{stage}"} | ({"ingest.benchling"} if stage in ("resolve", "load") else set())
    for path in files(f"ingest/{stage}"):
        bad = {m for m in imported_modules(path) if package_of(m) not in allowed}
        assert not bad, f"{path} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files("ingest/pipeline"), ids=lambda p: str(p.relative_to(REPO)))
def test_the_pipeline_composes_stages_and_knows_nothing_above_it(path: Path) -> None:
    bad = {m for m in imported_modules(path) if m.startswith(UPPER[1:])}
    assert not bad, f"{path} imports {sorted(bad)}"


def test_only_the_factory_and_the_parser_commands_import_parsers() -> None:
    allowed = {
        REPO / "ingest" / "pipeline" / "factory.py",
        REPO / "ingest" / "commands" / "parse.py",
        REPO / "ingest" / "commands" / "parsers.py",
    }
    importers = {p for p in files("ingest") if any(m.startswith("parsers") for m in imported_modules(p))}
    assert importers <= allowed, f"{sorted(map(str, importers - allowed))} import parsers"


@pytest.mark.parametrize("path", files("ingest/web"), ids=lambda p: str(p.relative_to(REPO)))
def test_the_web_server_shows_the_service_and_knows_nothing_above_it(path: Path) -> None:
    """The status page, health and metrics read the service; operations start them, commands never."""
    bad = {
        m
        for m in imported_modules(path)
        if m.startswith(("ingest.operations", "ingest.commands", "ingest.cli"))
    }
    assert not bad, f"{path} imports {sorted(bad)}"


def test_only_operations_start_the_web_server() -> None:
    importers = {
        p
        for p in files("ingest")
        if "web" not in p.relative_to(REPO / "ingest").parts[:1]
        and any(m.startswith("ingest.web") for m in imported_modules(p))
    }
    assert all(p.parent.name == "operations" for p in importers), sorted(map(str, importers))


@pytest.mark.parametrize("path", files("ingest/operations"), ids=lambda p: str(p.relative_to(REPO)))
def test_operations_do_not_import_commands(path: Path) -> None:
    bad = {m for m in imported_modules(path) if m.startswith(("ingest.commands", "ingest.cli"))}
    assert not bad, f"{path} imports {sorted(bad)}"


COMMAND_HELPERS = {"__init__.py", "options.py", "logs.py", "interrupts.py"}
#: What a command may import from ingest: operations, the pipeline's public names and its factory, the
#: stages' option types (package level only), settings, errors, models, and the other command helpers.
COMMAND_IMPORTS = SHARED | {
    "ingest.settings",
    "ingest.pipeline",
    "ingest.pipeline.factory",
    "ingest.watch",
    "ingest.filing",
    "ingest.commands.options",
    "ingest.commands.logs",
    "ingest.commands.interrupts",
    "ingest.commands.parse",
}
MAX_COMMAND_LINES = 200


def command_modules() -> list[Path]:
    return [p for p in files("ingest/commands") if p.name not in COMMAND_HELPERS]


@pytest.mark.parametrize("path", command_modules(), ids=lambda p: p.name)
def test_commands_are_thin(path: Path) -> None:
    """A command parses options, calls an operation or the pipeline, and prints: it reaches the ledger,
    the client, the resolver and the load steps only through them, and stays short."""
    extra = {"ingest.sandbox"} if path.name == "sandbox.py" else set()
    imported = imported_modules(path)
    bad = {
        m
        for m in imported
        if m.startswith("ingest")
        and m not in COMMAND_IMPORTS | extra
        and not m.startswith("ingest.operations.")
    }
    assert not bad, f"{path} imports {sorted(bad)}"
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_COMMAND_LINES, f"{path} has {lines} lines; a command module stays thin"


def test_every_command_module_is_registered_once() -> None:
    from ingest.cli import LAZY_COMMANDS

    registered = sorted(module for module, _ in LAZY_COMMANDS.values())
    assert registered == sorted(f"ingest.commands.{p.stem}" for p in command_modules())


@pytest.mark.parametrize(
    "path",
    [REPO / "ingest" / "pipeline" / "backfill.py", REPO / "ingest" / "pipeline" / "service.py"],
    ids=lambda p: p.name,
)
def test_backfill_and_service_use_only_the_pipelines_public_steps(path: Path) -> None:
    """No reaching into ``pipeline.ledger``, ``.client`` or private parts: one implementation of the
    ingest step, shared by every path."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reached = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and (node.attr in ("ledger", "client", "uploader", "loader") or _private_of_another(node))
    }
    assert not reached, f"{path} reaches into {sorted(reached)}"


def _private_of_another(node: ast.Attribute) -> bool:
    is_private = node.attr.startswith("_") and not node.attr.startswith("__")
    owner_is_self = isinstance(node.value, ast.Name) and node.value.id == "self"
    return is_private and not owner_is_self


@pytest.mark.parametrize(
    "path",
    [p for p in files("ingest") if "sandbox" not in p.parts and "benchling" not in p.parts],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{path} has {lines} lines; split it by job"
