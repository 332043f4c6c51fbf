"""``doctor``'s checks of this host: the folders a watch uses, the ledger, free disk.

Writability is tried, not inferred from permission bits (Windows ACLs, read-only shares and mounts
answer ``os.access`` wrongly): a hidden probe file is created and removed at once; its name matches the
watcher's default excludes, so a running watch never takes it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ingest.ledger.location import is_postgres_dsn
from ingest.operations.doctor_context import CheckResult, DoctorContext
from ingest.watch.shares import is_network_path

#: Under this much free space in the working folder or where files are moved, the disk check warns.
LOW_DISK_BYTES = 1024**3


def writable(folder: Path) -> str | None:
    """None when a file can be created in ``folder``; otherwise why not."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".benchling-ingest-probe-", suffix=".tmp"):
            pass
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists (where a missing folder would be created)."""
    path = path.absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_folders(context: DoctorContext) -> CheckResult:
    watched = context.folders
    if not watched.folders:
        return CheckResult(
            "folders", "skip", "No folders given.", "doctor FOLDER... --archive DIR --failed DIR checks them"
        )
    problems: list[str] = []
    notes: list[str] = []
    for folder in watched.folders:
        problem = _drop_folder_problem(folder, moves=watched.moves_files)
        if problem is None:
            continue
        if not folder.exists() and is_network_path(folder):
            notes.append(f"'{folder}' is not reachable now ({problem}); it is watched once it is back")
        else:
            problems.append(f"'{folder}' {problem}")
    for name, target in (("archive", watched.archive_dir), ("quarantine", watched.failed_dir)):
        if target is None:
            continue
        base = nearest_existing(target)
        if not base.is_dir():
            problems.append(f"the {name} folder '{target}' cannot be made: '{base}' is not a folder")
        elif (why := writable(base)) is not None:
            problems.append(f"the {name} folder '{target}' is not writable ('{base}': {why})")
        for folder in watched.folders:
            if _same_folder(target, folder):
                problems.append(
                    f"the {name} folder '{target}' is the watched folder '{folder}' itself (what is filed "
                    "there would be found again, without end); give a folder outside it, or one inside it"
                )
    details = {"folders": [str(f) for f in watched.folders], "problems": problems, "notes": notes}
    if problems:
        return CheckResult(
            "folders",
            "fail",
            "; ".join(problems) + ".",
            "create the folders, or give the service's account the right to read and write them",
            details,
        )
    if notes:
        return CheckResult("folders", "warn", "; ".join(notes) + ".", None, details)
    moved = " and move files out of them" if watched.moves_files else ""
    return CheckResult(
        "folders", "ok", f"{len(watched.folders)} folder(s) can be listed{moved}.", details=details
    )


def _same_folder(a: Path, b: Path) -> bool:
    """Whether two paths name one folder, as the platform compares them (links followed, case on Windows)."""
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def _drop_folder_problem(folder: Path, *, moves: bool) -> str | None:
    if not folder.exists():
        return "does not exist"
    if not folder.is_dir():
        return "is not a folder"
    try:
        with os.scandir(folder) as entries:
            next(entries, None)
    except OSError as exc:
        return f"cannot be listed ({exc.strerror or type(exc).__name__})"
    if moves and (why := writable(folder)) is not None:
        return f"is not writable, so files cannot be moved out of it ({why})"
    return None


def check_ledger(context: DoctorContext) -> CheckResult:
    settings = context.settings
    if is_postgres_dsn(settings.ledger_location):
        return _check_postgres(str(settings.ledger_location), settings.ledger_name)
    path = settings.ledger_path
    if path.exists():
        if not path.is_file():
            return CheckResult("ledger", "fail", f"The ledger '{path}' is not a file.", _LEDGER_FIX)
        try:
            with path.open("r+b"):
                pass
        except OSError as exc:
            return CheckResult(
                "ledger", "fail", f"The ledger '{path}' cannot be written ({exc.strerror}).", _LEDGER_FIX
            )
    base = nearest_existing(path.parent)
    why = writable(base) if base.is_dir() else "not a folder"
    if why is not None:
        return CheckResult(
            "ledger",
            "fail",
            f"The ledger's folder '{path.parent}' is not writable ('{base}': {why}); SQLite writes its "
            "journal beside the ledger.",
            _LEDGER_FIX,
        )
    state = "can be written" if path.exists() else "will be created"
    return CheckResult("ledger", "ok", f"The ledger '{path}' {state}.", details={"ledger": str(path)})


_LEDGER_FIX = "choose a ledger the service's account can write (--ledger or BENCHLING_INGEST_LEDGER)"


def _check_postgres(dsn: str, shown: str) -> CheckResult:
    import psycopg  # only those with a PostgreSQL ledger load it

    try:
        with psycopg.connect(dsn, connect_timeout=10) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        # psycopg's message never holds the password; the DSN is shown without it.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return CheckResult(
            "ledger",
            "fail",
            f"The PostgreSQL ledger {shown} cannot be reached ({reason}).",
            "check the server, the URL and that this host may connect",
        )
    return CheckResult("ledger", "ok", f"The PostgreSQL ledger {shown} answers.", details={"ledger": shown})


def check_disk(context: DoctorContext) -> CheckResult:
    places = {"working folder": context.settings.home}
    if context.folders.archive_dir is not None:
        places["archive"] = context.folders.archive_dir
    if context.folders.failed_dir is not None:
        places["quarantine"] = context.folders.failed_dir
    return disk_result(places, LOW_DISK_BYTES)


def disk_result(places: dict[str, Path], threshold: int) -> CheckResult:
    """The disk check for ``places`` (name -> folder, made or not yet): warn under ``threshold`` bytes."""
    free: dict[str, int] = {}
    low: list[str] = []
    for name, place in places.items():
        try:
            left = shutil.disk_usage(nearest_existing(place)).free
        except OSError as exc:
            low.append(f"the {name} '{place}': free space unknown ({exc.strerror})")
            continue
        free[name] = left
        if left < threshold:
            low.append(f"the {name} '{place}' has {_size(left)} free")
    details = {"free_bytes": free, "threshold_bytes": threshold}
    if low:
        return CheckResult(
            "disk",
            "warn",
            "; ".join(low) + f" (under {_size(threshold)}).",
            "free some space: a full disk stops the ledger and the file moves",
            details,
        )
    shown = ", ".join(f"{name} {_size(n)}" for name, n in free.items())
    return CheckResult("disk", "ok", f"Free space: {shown}.", details=details)


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:.0f} MiB"
