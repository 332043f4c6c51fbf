"""Forcing commands (`run --force`, `reprocess --force`) as the ledger records them.

A forcing ingests files again on purpose, each as a new generation. Killed half-way and run again (what
an operator does after a crash), it must finish its work, not force a second time the files it had
already forced. So each forcing is a ledger row, open until its command went through every file, and
each forced file's row names its forcing. A new forcing covers itself and every forcing still open when
it began (a killed one's, or one still running on another host): a file version any of them forced is
resumed or reported done, not forced again. When the new one finishes, those it covers are finished too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Forcing:
    """One forcing command's ledger row: its id and the forcings it covers (its own id included)."""

    id: int
    covers: frozenset[int]

    def forced(self, row_forcing: int | None) -> bool:
        """True when a row of ``row_forcing`` was forced by this command or one it covers."""
        return row_forcing is not None and row_forcing in self.covers
