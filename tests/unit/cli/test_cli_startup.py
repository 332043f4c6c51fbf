"""The command line answers at once: ``--help`` and ``--version`` import no command and nothing heavy.

What is checked is what gets imported (a fresh interpreter, then ``sys.modules``), never how long it
takes: the time is measured by ``bench/cli_start.py`` (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from ingest import __version__
from ingest.cli import LAZY_COMMANDS, cli
from tests.support.paths import REPO

#: Modules that cost hundreds of milliseconds to import, or pull in the pipeline: none at start.
HEAVY = (
    "pandas",
    "numpy",
    "pyarrow",
    "matplotlib",
    "httpx",
    "starlette",
    "uvicorn",
    "psycopg",
    "pydantic",
    "rich",
    "watchdog",
    "yaml",
    "rainbow",
    "parsers",
    "ingest.pipeline",
    "ingest.benchling",
    "ingest.sandbox",
    "ingest.commands",
)

PROBE = """
import json, sys
from ingest.cli import main
sys.argv = ["benchling-ingest", *ARGS]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "loaded": sorted(sys.modules)}))
"""


def loaded_after(*args: str) -> tuple[int, list[str]]:
    code = PROBE.replace("ARGS", repr(list(args)))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, timeout=120
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["code"], result["loaded"]


@pytest.mark.parametrize("args", [("--help",), ("--version",), ()], ids=["help", "version", "bare"])
def test_the_group_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    code, loaded = loaded_after(*args)
    assert code in (0, None, 2)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY or m.startswith(HEAVY))
    assert not heavy, f"'benchling-ingest {' '.join(args)}' imported {heavy}"


def test_a_command_is_imported_when_invoked() -> None:
    _, loaded = loaded_after("parsers", "--help")
    assert "ingest.commands.parsers" in loaded
    assert "ingest.commands.run" not in loaded and "ingest.sandbox" not in loaded


def test_version_and_help_answer() -> None:
    runner = CliRunner()
    version = runner.invoke(cli, ["--version"])
    assert version.exit_code == 0 and __version__ in version.output
    helped = runner.invoke(cli, ["--help"])
    assert helped.exit_code == 0
    for name, (_, summary) in LAZY_COMMANDS.items():
        assert name in helped.output and summary.split()[0] in helped.output


@pytest.mark.parametrize("name", list(LAZY_COMMANDS))
def test_each_listed_summary_is_the_commands_own_first_line(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.name == name
    first_line = (command.help or "").strip().splitlines()[0]
    assert LAZY_COMMANDS[name][1] == first_line


@pytest.mark.parametrize("name", list(LAZY_COMMANDS))
def test_each_commands_help_shows_examples_and_the_environment(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"], terminal_width=120)
    assert result.exit_code == 0
    assert "Examples:" in result.output and f"benchling-ingest {name}" in result.output
    assert "Environment:" in result.output


@pytest.mark.parametrize("name", ["run", "validate", "watch", "reprocess", "doctor"])
def test_options_name_the_variables_they_read(name: str) -> None:
    output = CliRunner().invoke(cli, [name, "--help"], terminal_width=200).output
    for variable in ("BENCHLING_INGEST_MAP", "BENCHLING_INGEST_LEDGER", "BENCHLING_INGEST_PARSERS_DIR"):
        assert variable in output, f"{name} --help does not name {variable}"
    assert "BENCHLING_API_KEY" in output


def test_every_command_module_is_listed() -> None:
    modules = {module for module, _ in LAZY_COMMANDS.values()}
    helpers = {"__init__", "options", "logs", "interrupts"}
    on_disk = {
        f"ingest.commands.{p.stem}"
        for p in (REPO / "ingest" / "commands").glob("*.py")
        if p.stem not in helpers
    }
    assert modules == on_disk


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["nonsense"])
    assert result.exit_code == 2 and "No such command 'nonsense'" in result.output
