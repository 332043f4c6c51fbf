"""``watch`` refuses option values outside what the pipeline honours, before anything starts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ingest.cli import cli


def test_an_attachment_grace_beyond_an_hour_is_refused_naming_the_range(tmp_path: Path) -> None:
    # Stored waits longer than an hour are read as a clock step (ingest.ledger.steady_clock): a longer
    # grace would silently end after an hour, so it is refused instead.
    result = CliRunner().invoke(cli, ["watch", "--attachment-grace", "7200", str(tmp_path)])
    assert result.exit_code == 2
    assert "--attachment-grace" in result.output and "0<=x<=3600" in result.output
