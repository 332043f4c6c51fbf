"""The instance lock: one watch/run/reprocess per SQLite ledger, one per host and folder on a shared
ledger, retry beside a watch, a one-line refusal naming the holder, and no stale lock after a kill."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.operations.instance_lock import (
    Holder,
    InstanceLock,
    InstanceLockedError,
    instance_lock,
    lock_specs,
    retry_lock,
)
from ingest.settings import Settings, load_settings


def sqlite_settings(tmp_path: Path) -> Settings:
    return load_settings({}, ledger_path=tmp_path / "state" / "ledger.sqlite")


def shared_settings(tmp_path: Path, host: str = "host-a") -> Settings:
    env = {"BENCHLING_INGEST_HOME": str(tmp_path / "home"), "BENCHLING_INGEST_HOST_ID": host}
    return load_settings(env, ledger_path="postgresql://ingest@db.example/ledger")


def me(command: str = "watch") -> Holder:
    return Holder(pid=os.getpid(), host="lab-pc", since="2026-01-02T03:04:05+00:00", command=command)


def test_a_second_holder_is_refused_with_one_line_naming_the_first(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    with (
        instance_lock(settings, "watch", [tmp_path / "inbox"]),
        pytest.raises(InstanceLockedError) as refused,
        instance_lock(settings, "run"),
    ):
        pytest.fail("a second instance ran beside the first")
    message = refused.value.message
    assert "\n" not in message
    assert str(settings.ledger_path) in message
    assert f"'watch' (pid {os.getpid()} on host {settings.host_id}, since " in message
    holder = refused.value.holder
    assert holder is not None and holder.command == "watch" and holder.pid == os.getpid()


def test_the_lock_is_free_again_after_the_holder_ends(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    with instance_lock(settings, "run"):
        pass
    with instance_lock(settings, "reprocess"):
        pass
    assert not (tmp_path / "state" / "ledger.sqlite.lock.json").exists(), "the holder details are removed"


def test_holder_details_are_written_beside_the_lock(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    with instance_lock(settings, "reprocess"):
        info = json.loads((tmp_path / "state" / "ledger.sqlite.lock.json").read_text(encoding="utf-8"))
    assert info["pid"] == os.getpid()
    assert info["command"] == "reprocess"
    assert info["host"] == settings.host_id
    assert info["machine"] == socket.gethostname()


def test_stale_details_left_by_a_dead_process_never_block(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    lock_file = tmp_path / "state" / "ledger.sqlite.lock"
    lock_file.parent.mkdir(parents=True)
    lock_file.write_bytes(b"")
    stale = {"pid": 999_999_999, "host": "old", "since": "2020-01-01", "command": "watch"}
    (tmp_path / "state" / "ledger.sqlite.lock.json").write_text(json.dumps(stale), encoding="utf-8")
    with instance_lock(settings, "watch"):
        info = json.loads((tmp_path / "state" / "ledger.sqlite.lock.json").read_text(encoding="utf-8"))
    assert info["pid"] == os.getpid()


def test_a_holder_that_has_not_said_who_it_is_is_named_unknown(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path / "x.lock")
    assert first.try_acquire(me()) is None
    first.info_file.unlink()  # as if refused in the instant between taking the lock and writing
    try:
        holder = InstanceLock(tmp_path / "x.lock", info_wait_seconds=0).try_acquire(me("run"))
    finally:
        first.release()
    assert holder is not None and holder.command == "unknown"


HOLD_IN_CHILD = """
import sys
from pathlib import Path
from ingest.operations.instance_lock import Holder, InstanceLock
import os
lock = InstanceLock(Path(sys.argv[1]))
assert lock.try_acquire(Holder(os.getpid(), "child", "now", "watch")) is None
print("held", flush=True)
sys.stdin.read()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX; TerminateProcess behaves the same")
def test_a_killed_holders_lock_does_not_block_the_next_start(tmp_path: Path) -> None:
    lock_file = tmp_path / "state" / "ledger.sqlite.lock"
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_IN_CHILD, str(lock_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        refused = InstanceLock(lock_file).try_acquire(me())
        assert refused is not None and refused.pid == child.pid and refused.host == "child"
    finally:
        child.kill()  # SIGKILL: no handler, no release, the details file stays behind
        child.wait(timeout=30)
        assert child.stdin is not None and child.stdout is not None
        child.stdin.close()
        child.stdout.close()
    assert (tmp_path / "state" / "ledger.sqlite.lock.json").exists()
    with instance_lock(sqlite_settings(tmp_path), "watch"):
        pass


# -- which locks --------------------------------------------------------------------------------------------


def test_a_sqlite_ledger_has_one_lock_beside_it_for_every_command(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    for command in ("watch", "run", "reprocess", "retry"):
        [spec] = lock_specs(settings, command, [tmp_path / "inbox"])  # type: ignore[arg-type]  # a literal
        assert spec.lock_file == tmp_path / "state" / "ledger.sqlite.lock"
    assert lock_specs(load_settings({}, ledger_path=Path(":memory:")), "run") == []


def test_a_shared_ledger_locks_per_host_and_folder_and_only_for_folder_commands(tmp_path: Path) -> None:
    a, b = tmp_path / "inbox-a", tmp_path / "inbox-b"
    host_a = shared_settings(tmp_path, "host-a")
    host_b = shared_settings(tmp_path, "host-b")
    assert len(lock_specs(host_a, "watch", [a, b])) == 2
    assert lock_specs(host_a, "run") == [] and lock_specs(host_a, "retry") == []
    [spec_a] = lock_specs(host_a, "watch", [a])
    [spec_b] = lock_specs(host_b, "watch", [a])
    assert spec_a.lock_file != spec_b.lock_file
    assert lock_specs(host_a, "reprocess", [a]) == [spec_a]


def test_on_a_shared_ledger_one_watch_per_folder_per_host(tmp_path: Path) -> None:
    inbox, other = tmp_path / "inbox", tmp_path / "other"
    host_a = shared_settings(tmp_path, "host-a")
    with instance_lock(host_a, "watch", [inbox]):
        with (
            instance_lock(host_a, "watch", [other]),
            instance_lock(shared_settings(tmp_path, "host-b"), "watch", [inbox]),
        ):
            pass  # another folder on this host, or the same folder from another host: both fine
        with instance_lock(host_a, "run"):
            pass
        with (
            pytest.raises(
                InstanceLockedError, match=r"on host host-a already takes files from .*inbox: 'watch'"
            ),
            instance_lock(host_a, "watch", [inbox]),
        ):
            pytest.fail("two watches on one folder and host")


# -- retry ---------------------------------------------------------------------------------------------------


def test_retry_takes_the_lock_when_it_is_free(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    with retry_lock(settings) as beside:
        assert beside is None
        with pytest.raises(InstanceLockedError, match="'retry'"), instance_lock(settings, "watch"):
            pytest.fail("a watch started while retry was writing")


def test_retry_goes_ahead_beside_a_running_watch(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    with instance_lock(settings, "watch"), retry_lock(settings) as beside:
        assert beside is not None and beside.command == "watch" and beside.pid == os.getpid()


@pytest.mark.parametrize("holder", ["run", "reprocess"])
def test_retry_refuses_while_a_run_or_reprocess_holds_the_ledger(tmp_path: Path, holder: str) -> None:
    settings = sqlite_settings(tmp_path)
    with (
        instance_lock(settings, holder),  # type: ignore[arg-type]  # parametrized with valid commands
        pytest.raises(InstanceLockedError, match=f"'{holder}'.*Wait for it to finish"),
        retry_lock(settings),
    ):
        pytest.fail("retry wrote beside a run")
