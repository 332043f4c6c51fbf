"""``benchling-ingest parse``: parse one export locally and print what the pipeline would get."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from ingest.contract import contract_for
from ingest.errors import ConfigError, ParseError
from ingest.models import ParsedFile, ParseHints, text_encoding
from parsers import ParserRegistry, discover_parsers

PARSERS_DIR_OPTION = click.option(
    "--parsers-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder of drop-in .py parser files to load besides the installed parsers.",
)


def _fail(message: str, code: int) -> NoReturn:
    """One clear line on stderr, then exit: 2 for a file that cannot be parsed, 1 for plugin setup."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def registry_or_exit(parsers_dir: Path | None) -> ParserRegistry:
    """The parser registry, or exit with code 1 naming the plugin that could not be loaded."""
    try:
        return discover_parsers(parsers_dir)
    except ConfigError as exc:
        _fail(exc.message, 1)


def _json_document(path: Path, parsed: ParsedFile) -> dict[str, Any]:
    return {
        "file": str(path),
        "parser": parsed.provenance.parser,
        "parser_version": parsed.provenance.parser_version,
        "encoding": parsed.provenance.encoding,
        "technique": parsed.technique,
        "column_units": column_units(parsed),
        "metadata": dict(parsed.metadata),
        "results": json.loads(parsed.results.to_json(orient="records", force_ascii=False)),
        "traces": [
            {"channel": t.channel, "points": len(t.data), "signal_unit": t.signal_unit} for t in parsed.traces
        ],
        "attachments": [str(a) for a in parsed.attachments],
        "warnings": list(parsed.warnings),
    }


def column_units(parsed: ParsedFile) -> dict[str, str]:
    """Each result column's unit where one holds for the whole column: the contract's fixed units, the
    parser's per-file ones, and ``per row: <column>`` for a value column whose unit column varies."""
    contract = contract_for(parsed.technique)
    units: dict[str, str] = {}
    for column in contract.columns if contract else ():
        if column.unit:
            units[column.name] = column.unit
        elif column.unit_column:
            units[column.name] = f"per row: {column.unit_column}"
    units.update(parsed.column_units)
    return {name: unit for name, unit in units.items() if name in parsed.results.columns}


def _print_table(path: Path, parsed: ParsedFile) -> None:
    console = Console(width=200)
    about = Table(title=f"{path.name} — {parsed.provenance.parser} {parsed.provenance.parser_version}")
    about.add_column("field")
    about.add_column("value")
    about.add_row("technique", parsed.technique)
    for key, value in parsed.metadata.items():
        about.add_row(key, "" if value is None else str(value))
    for trace in parsed.traces:
        about.add_row("trace", f"{trace.channel} ({len(trace.data)} points)")
    for attachment in parsed.attachments:
        about.add_row("attachment", str(attachment))
    for warning in parsed.warnings:
        about.add_row("warning", warning)
    console.print(about)
    results = Table(title=f"{len(parsed.results)} results")
    units = column_units(parsed)
    for column in parsed.results.columns:
        unit = units.get(str(column))
        results.add_column(f"{column} ({unit})" if unit and not unit.startswith("per row") else str(column))
    for row in parsed.results.itertuples(index=False):
        results.add_row(*("" if pd.isna(v) else str(v) for v in row))
    console.print(results)


@click.command(
    "parse",
    epilog=(
        "\b\nExamples:\n  benchling-ingest parse run42.csv\n"
        "  benchling-ingest parse run42.csv --format json --date-order month_first\n"
        "  benchling-ingest parse Sample.D --format parquet --output sample.parquet\n\n"
        "Environment: none (it reads only the file, no settings and no Benchling)."
    ),
)
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json", "parquet"]),
    default="table",
    show_default=True,
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write here.")
@click.option("--parser", "parser_name", default=None, help="Use this parser instead of choosing one.")
@click.option(
    "--date-order",
    type=click.Choice(["day_first", "month_first"]),
    default=None,
    help="How to read 01/02/2023 when nothing in the file decides (as 'date_order' in schemas_map.yaml).",
)
@click.option(
    "--decimal",
    type=click.Choice(["comma", "point"]),
    default=None,
    help="How to read 1,052 when nothing in the file decides (as 'decimal' in schemas_map.yaml).",
)
@click.option(
    "--formula-text",
    type=click.Choice(["neutralise", "refuse", "keep"]),
    default="neutralise",
    show_default=True,
    help="What to do with text a spreadsheet would run as a formula (as 'formula_text').",
)
@click.option(
    "--encoding",
    default=None,
    help="The code page of text exports without a BOM, e.g. cp932 (as 'encoding' in schemas_map.yaml).",
)
@PARSERS_DIR_OPTION
def parse_command(
    path: Path,
    output_format: str,
    output: Path | None,
    parser_name: str | None,
    date_order: str | None,
    decimal: str | None,
    formula_text: str,
    encoding: str | None,
    parsers_dir: Path | None,
) -> None:
    """Parse one export and print what the parser read.

    What the pipeline would get from it: metadata, results and traces (no Benchling calls).
    """
    if output_format == "parquet" and output is None:
        raise click.UsageError("--format parquet needs --output FILE.")
    try:
        encoding = text_encoding(encoding)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--encoding") from None
    registry = registry_or_exit(parsers_dir)
    hints = ParseHints(
        date_order=date_order,  # type: ignore[arg-type]  # click.Choice limits it to the literal's values
        decimal=decimal,  # type: ignore[arg-type]  # likewise
        formula_text=formula_text,  # type: ignore[arg-type]  # likewise
        encoding=encoding,
    )
    try:
        parsed = registry.parse(path, parser_name=parser_name, hints=hints)
    except ParseError as exc:
        _fail(exc.message, 2)
    except ConfigError as exc:
        _fail(exc.message, 1)
    if output_format == "parquet":
        assert output is not None
        parsed.results.to_parquet(output, index=False)
        click.echo(f"Wrote {len(parsed.results)} results to {output}.", err=True)
        return
    if output_format == "table":
        _print_table(path, parsed)
        return
    if output_format == "csv":
        text = parsed.results.to_csv(index=False, lineterminator="\n")
    else:
        text = json.dumps(_json_document(path, parsed), indent=2, ensure_ascii=False, default=str) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


COMMAND = parse_command
