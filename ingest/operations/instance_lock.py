"""One instance per ledger: an OS-level exclusive lock held by ``watch``, ``run`` and ``reprocess`` for
their whole life, and by ``retry`` while it writes.

The lock is ``filelock``'s native lock (``flock`` on Linux and macOS, ``msvcrt.locking`` on Windows): the
operating system drops it when the process ends, however it ends, so a killed holder never blocks the
next start. Beside the lock file, ``<lock>.json`` says who holds it (pid, host, since, command); it is
only information, read to name the holder in the one-line refusal, and a stale one is simply replaced.

Which locks a command takes:
- a SQLite ledger (one machine): ``<ledger>.lock`` beside the ledger file, for every command above;
- a shared ledger (``postgresql://…``; several hosts take files through its claims): one lock per host
  and watched folder, ``<home>/locks/<host>-<folder hash>.lock``, taken by ``watch`` and ``reprocess``
  for each folder they take files from; ``run`` and ``retry`` take none (the database keeps them apart).

``retry`` and a running ``watch``: retry only resets ledger rows (single transactions) and moves files
back into the drop folder, which the running watch then takes, so it goes ahead while a watch holds the
lock and refuses while a ``run``, ``reprocess`` or another ``retry`` holds it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import filelock
import psutil  # type: ignore[import-untyped]  # psutil ships no type hints

from ingest.errors import ConfigError, IngestError
from ingest.file_names import display, safe_name
from ingest.settings import Settings

log = logging.getLogger("ingest.instance")

LockingCommand = Literal["watch", "run", "reprocess", "retry"]
#: How long a refused instance waits for the holder to finish writing who it is.
HOLDER_INFO_WAIT_SECONDS = 2.0


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as its holder wrote it."""

    pid: int
    host: str
    since: str
    command: str
    #: The machine's own name (``host`` may be a chosen host id); a pid is checked only on its machine.
    machine: str = ""

    def describe(self) -> str:
        return f"'{self.command}' (pid {self.pid} on host {self.host}, since {self.since})"


class InstanceLockedError(IngestError):
    """Another instance holds the lock this command needs; the message names it on one line."""

    stage = "lock"

    def __init__(self, message: str, *, lock_file: Path, holder: Holder | None) -> None:
        super().__init__(message, lock_file=lock_file, holder=asdict(holder) if holder else None)
        self.lock_file = lock_file
        self.holder = holder


@dataclass(frozen=True)
class LockSpec:
    """One lock a command needs: the file, a sentence-start naming what it guards, and what to do."""

    lock_file: Path
    refusal: str
    advice: str


class InstanceLock:
    """An exclusive OS-level lock on ``lock_file`` with its holder's details in ``<lock_file>.json``.

    ``info_wait_seconds``: how long a refused caller waits for the holder's details to name a live
    process (they are written just after the lock is taken) before calling it unknown.
    """

    def __init__(self, lock_file: Path, *, info_wait_seconds: float = HOLDER_INFO_WAIT_SECONDS) -> None:
        self.lock_file = lock_file
        self._info_wait = info_wait_seconds
        self.info_file = lock_file.with_name(lock_file.name + ".json")
        self._lock = filelock.FileLock(
            lock_file, timeout=0, thread_local=False, blocking=False, fallback_to_soft=False
        )

    def try_acquire(self, me: Holder) -> Holder | None:
        """Take the lock and record ``me`` as its holder: None then. When another process holds it,
        return that holder (``command`` is ``"unknown"`` when it has not said who it is)."""
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except filelock.Timeout:
            return self._current_holder()
        except OSError as exc:
            raise ConfigError(
                f"Could not take the instance lock '{display(self.lock_file)}' ({exc.strerror or exc}); "
                "expected a writable folder on a file system with OS file locks.",
                file=self.lock_file,
            ) from exc
        self._write_info(me)
        return None

    def release(self) -> None:
        if not self._lock.is_locked:
            return
        with contextlib.suppress(OSError):
            self.info_file.unlink(missing_ok=True)
        self._lock.release()

    def _write_info(self, me: Holder) -> None:
        temp = self.info_file.with_name(f".{self.info_file.name}.{os.getpid()}.tmp")
        try:
            temp.write_text(json.dumps(asdict(me)), encoding="utf-8")
            os.replace(temp, self.info_file)
        except OSError as exc:  # the details are information only; the lock itself is what counts
            log.warning("Could not record this instance in %s: %s", display(self.info_file), exc)
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)

    def _current_holder(self) -> Holder:
        # The holder writes its details just after taking the lock; what is there before may be a
        # killed predecessor's, so wait briefly for details that name a live process.
        deadline = time.monotonic() + self._info_wait
        while True:
            holder = self._read_info()
            if holder is not None and _plausibly_alive(holder):
                return holder
            if time.monotonic() >= deadline:
                return Holder(pid=0, host="?", since="?", command="unknown")
            time.sleep(0.05)

    def _read_info(self) -> Holder | None:
        try:
            data = json.loads(self.info_file.read_text(encoding="utf-8"))
            return Holder(
                pid=int(data["pid"]),
                host=str(data["host"]),
                since=str(data["since"]),
                command=str(data["command"]),
                machine=str(data.get("machine", "")),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


def this_instance(settings: Settings, command: str) -> Holder:
    since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    return Holder(
        pid=os.getpid(), host=settings.host_id, since=since, command=command, machine=socket.gethostname()
    )


def lock_specs(settings: Settings, command: LockingCommand, folders: Sequence[Path] = ()) -> list[LockSpec]:
    """The locks ``command`` needs (see the module docstring); none for an in-memory ledger."""
    if not settings.shared_ledger:
        if str(settings.ledger_path) == ":memory:":
            return []
        ledger = Path(os.path.realpath(settings.ledger_path))
        refusal = f"Another benchling-ingest instance is using the ledger {display(ledger)}"
        advice = "Stop it first, or give this command another --ledger."
        return [LockSpec(ledger.with_name(ledger.name + ".lock"), refusal, advice)]
    if command not in ("watch", "reprocess"):
        return []
    specs = []
    host = safe_name(settings.host_id, reserve=40)
    for folder in sorted({Path(os.path.realpath(f)) for f in folders}):
        digest = hashlib.sha256(str(folder).encode("utf-8", "surrogatepass")).hexdigest()[:20]
        refusal = (
            f"Another benchling-ingest instance on host {settings.host_id} already takes files from "
            f"{display(folder)}"
        )
        advice = "Stop it first: on a shared ledger each host takes files from a folder once."
        specs.append(LockSpec(settings.home / "locks" / f"{host}-{digest}.lock", refusal, advice))
    return specs


@contextlib.contextmanager
def instance_lock(
    settings: Settings, command: LockingCommand, folders: Sequence[Path] = ()
) -> Iterator[None]:
    """Hold every lock ``command`` needs until the block ends; InstanceLockedError (one line, naming
    the holder) when another instance holds one."""
    me = this_instance(settings, command)
    with contextlib.ExitStack() as held:
        for spec in lock_specs(settings, command, folders):
            lock = InstanceLock(spec.lock_file)
            holder = lock.try_acquire(me)
            if holder is not None:
                raise _refused(spec, holder)
            held.callback(lock.release)
        yield


@contextlib.contextmanager
def retry_lock(settings: Settings) -> Iterator[Holder | None]:
    """The lock for ``retry``: taken when free (yields None); when a ``watch`` holds it, yields that
    watch and retry goes ahead beside it; any other holder refuses with InstanceLockedError."""
    me = this_instance(settings, "retry")
    with contextlib.ExitStack() as held:
        beside: Holder | None = None
        for spec in lock_specs(settings, "retry"):
            lock = InstanceLock(spec.lock_file)
            holder = lock.try_acquire(me)
            if holder is None:
                held.callback(lock.release)
            elif holder.command == "watch":
                beside = holder
            else:
                raise _refused(spec, holder, advice="Wait for it to finish, then retry again.")
        yield beside


def _refused(spec: LockSpec, holder: Holder, *, advice: str | None = None) -> InstanceLockedError:
    who = "a process that has not said who it is" if holder.command == "unknown" else holder.describe()
    message = f"{spec.refusal}: {who}. {advice or spec.advice}"
    return InstanceLockedError(message, lock_file=spec.lock_file, holder=holder)


def _plausibly_alive(holder: Holder) -> bool:
    if holder.pid <= 0:
        return False
    if holder.machine != socket.gethostname():
        return True  # another machine (a ledger on a share): its pids cannot be checked from here
    return bool(psutil.pid_exists(holder.pid))
