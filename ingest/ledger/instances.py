"""The commands using a ledger: each registers itself, heartbeats while it runs and is marked stopped
when it closes; one whose heartbeat stopped (a killed process, a host that went away) is marked dead.
``status`` and the web page read them; claims name their holder by the instance id."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ingest.errors import without_secrets

InstanceState = Literal["running", "stopped", "dead"]


@dataclass(frozen=True)
class InstanceRecord:
    """One command that has used the ledger: ``id`` is ``host/pid/random`` (what ``claimed_by`` holds)."""

    id: str
    host: str
    pid: int
    command: str
    folders: tuple[Path, ...]
    started_at: dt.datetime
    heartbeat_at: dt.datetime
    state: InstanceState
    #: What a running service last published of itself (``ingest.pipeline.service_snapshot``), or None.
    snapshot: dict[str, Any] | None = None


def default_host_id() -> str:
    """The machine's name: the host id unless ``BENCHLING_INGEST_HOST_ID`` sets another."""
    return socket.gethostname() or "localhost"


def new_instance_id(host: str) -> str:
    """A fresh id for one process's use of a ledger: unique even when a pid is reused."""
    return f"{host}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


def folders_to_json(folders: Sequence[Path]) -> str:
    return json.dumps([str(f) for f in folders])


def folders_from_json(text: str) -> tuple[Path, ...]:
    return tuple(Path(f) for f in json.loads(text or "[]"))


def snapshot_to_json(snapshot: Mapping[str, Any]) -> str:
    return json.dumps(without_secrets(json.loads(json.dumps(snapshot, default=str))), sort_keys=True)


def snapshot_from_json(text: str | None) -> dict[str, Any] | None:
    """The stored snapshot; None when there is none or it cannot be read (a report must still show)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
