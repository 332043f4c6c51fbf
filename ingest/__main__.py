"""``python -m ingest`` runs the command line."""

from __future__ import annotations

from ingest.cli import main

main()
