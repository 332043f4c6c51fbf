"""A running service's snapshot on its instance row: written by the service's ledger, read by another
process's (``status``), never written before the instance registered."""

from __future__ import annotations

from pathlib import Path

from ingest.ledger import SqliteLedger


def test_a_published_snapshot_is_read_by_another_connection(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with SqliteLedger(path) as service_side:
        service_side.register_instance("watch", [tmp_path / "inbox"])
        service_side.publish_snapshot({"outcomes": {"done": 2}, "requests": {"total": 7}})
        with SqliteLedger(path) as status_side:
            [instance] = status_side.instances()
    assert instance.command == "watch"
    assert instance.snapshot == {"outcomes": {"done": 2}, "requests": {"total": 7}}


def test_nothing_is_published_before_registering(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with SqliteLedger(path) as ledger:
        ledger.publish_snapshot({"outcomes": {}})
        assert ledger.instances(include_finished=True) == []


def test_a_stopped_instance_keeps_its_last_snapshot_and_is_not_revived(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    ledger = SqliteLedger(path)
    ledger.register_instance("watch")
    ledger.publish_snapshot({"requests": {"total": 3}})
    ledger.close()
    with SqliteLedger(path) as reader:
        [instance] = reader.instances(include_finished=True)
    assert (instance.state, instance.snapshot) == ("stopped", {"requests": {"total": 3}})
