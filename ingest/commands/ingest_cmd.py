"""Commands of this group are added by their owning work item."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
