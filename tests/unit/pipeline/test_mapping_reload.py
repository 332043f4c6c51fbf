"""The running service's mapping reload as logic: a real mapping file in a temporary folder, the real
parser of the mapping file, a manual clock, and a scripted tenant check (what Benchling would answer).
No service and no waiting: each look is one ``poll`` after the clock was moved on."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ingest.errors import BenchlingUnavailableError, ConfigError
from ingest.pipeline.mapping_reload import MappingReload, short_sha
from ingest.resolve import SchemaMap, parse_schema_map
from tests.support.fake_time import FakeTime
from tests.support.paths import REPO

ORIGINAL = (REPO / "schemas_map.yaml").read_bytes()
#: The same mapping in another content (what an operator's comment makes of a save).
EDITED = ORIGINAL + b"\n# edited by the operator\n"
BROKEN_YAML = ORIGINAL + b"\n  - parser: [unclosed\n"
UNKNOWN_KEY = ORIGINAL.replace(b"mappings:", b"mapings:", 1)
SETTLE = 1.0


class Tenant:
    """What the tenant check answers next: None (fits), a problem, or an error (Benchling away)."""

    def __init__(self) -> None:
        self.answers: list[str | Exception | None] = []
        self.asked = 0

    def fits(self, schema_map: SchemaMap) -> str | None:
        self.asked += 1
        answer = self.answers.pop(0) if self.answers else None
        if isinstance(answer, Exception):
            raise answer
        return answer


class Rig:
    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "schemas_map.yaml"
        self.path.write_bytes(ORIGINAL)
        self.time = FakeTime()
        self.tenant = Tenant()
        self.applied: list[SchemaMap] = []
        self.refuse_apply: str | None = None
        self.reload = MappingReload(
            self.path,
            ORIGINAL,
            self.parse(ORIGINAL),
            parse=self.parse,
            fits=self.tenant.fits,
            apply=self.apply,
            settle_seconds=SETTLE,
            poll_seconds=0.0,
            retry_seconds=30.0,
            clock=self.time.clock,
            wall_clock=lambda: 1_700_000_000.0 + self.time.clock(),
        )
        self.start_sha = self.reload.status.sha256

    def parse(self, content: bytes) -> SchemaMap:
        return parse_schema_map(content.decode("utf-8"), self.path)

    def apply(self, schema_map: SchemaMap) -> None:
        if self.refuse_apply is not None:
            raise ConfigError(self.refuse_apply)
        self.applied.append(schema_map)

    def save(self, content: bytes) -> None:
        self.path.write_bytes(content)

    def settle(self) -> None:
        """Look now, and again once the file has stayed the same for the settle time."""
        self.reload.poll()
        self.time.advance(SETTLE)
        self.reload.poll()


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    return Rig(tmp_path)


def records(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == level and r.name == "ingest.service"]


def test_a_valid_save_is_used_once_settled_and_said_in_one_info_line(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.save(EDITED)
    with caplog.at_level(logging.INFO, logger="ingest.service"):
        rig.reload.poll()
        assert rig.applied == [], "not read before it settled"
        rig.time.advance(SETTLE)
        rig.reload.poll()
        for _ in range(3):
            rig.time.advance(SETTLE)
            rig.reload.poll()
    assert len(rig.applied) == 1 and rig.reload.schema_map is rig.applied[0]
    status = rig.reload.status
    assert status.sha256 != rig.start_sha and status.problem is None
    assert status.as_json()["sha256"] == short_sha(status.sha256) and len(short_sha(status.sha256)) == 12
    assert records(caplog, logging.INFO) == [
        f"Mapping reloaded from {rig.path} (sha256 {short_sha(status.sha256)}): files planned from now on "
        "use it."
    ]
    assert rig.reload.take_applied() and not rig.reload.take_applied()


def test_a_half_written_save_is_never_read_as_broken(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    cut = ORIGINAL[: int(len(ORIGINAL) * 0.4)]
    with caplog.at_level(logging.INFO, logger="ingest.service"):
        rig.save(cut)
        rig.reload.poll()
        rig.time.advance(0.3)
        rig.save(EDITED)  # the editor's second write, well within the settle time
        rig.reload.poll()
        rig.time.advance(0.5)
        rig.reload.poll()
        assert rig.applied == [], "the whole file has not stayed the same for the settle time yet"
        rig.time.advance(0.5)
        rig.reload.poll()
    assert len(rig.applied) == 1
    assert records(caplog, logging.ERROR) == [] and records(caplog, logging.WARNING) == []
    assert len(records(caplog, logging.INFO)) == 1
    assert rig.reload.status.problem is None


@pytest.mark.parametrize(
    ("content", "said"),
    [(BROKEN_YAML, "is not valid YAML"), (UNKNOWN_KEY, "mapings: unknown key")],
    ids=["broken-yaml", "unknown-key"],
)
def test_an_invalid_save_keeps_the_mapping_in_use_is_logged_once_and_a_fix_clears_it(
    rig: Rig, caplog: pytest.LogCaptureFixture, content: bytes, said: str
) -> None:
    in_use = rig.reload.schema_map
    with caplog.at_level(logging.INFO, logger="ingest.service"):
        rig.save(content)
        for _ in range(4):
            rig.settle()
    errors = records(caplog, logging.ERROR)
    assert len(errors) == 1, errors
    assert str(rig.path) in errors[0] and said in errors[0] and "line " in errors[0]
    assert f"the mapping in use (sha256 {short_sha(rig.start_sha)}" in errors[0]
    problem = rig.reload.status.problem
    assert problem is not None and said in problem and str(rig.path) in problem
    assert rig.reload.schema_map is in_use and rig.applied == [] and rig.reload.status.sha256 == rig.start_sha
    assert rig.tenant.asked == 0, "an invalid file is not sent to the tenant check"

    rig.save(EDITED)
    rig.settle()
    assert rig.reload.status.problem is None and len(rig.applied) == 1


def test_a_deleted_file_keeps_the_mapping_in_use_and_its_return_clears_the_problem(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ingest.service"):
        rig.path.unlink()
        for _ in range(3):
            rig.settle()
        warnings = records(caplog, logging.WARNING)
        assert len(warnings) == 1 and f"'{rig.path}' was deleted" in warnings[0]
        assert rig.reload.status.problem == f"The mapping file '{rig.path}' was deleted."
        rig.save(ORIGINAL)
        rig.settle()
    assert rig.reload.status.problem is None and rig.reload.status.sha256 == rig.start_sha
    assert rig.applied == [], "the same content is nothing to reload"
    assert any("holds the mapping in use again" in m for m in records(caplog, logging.INFO))
    assert records(caplog, logging.ERROR) == []


def test_a_save_that_does_not_fit_the_tenant_is_refused_then_used_once_the_tenant_has_the_field(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.tenant.answers = ["1 problem(s) in the map against this tenant: field 'operatorr' is not there."] * 2
    with caplog.at_level(logging.INFO, logger="ingest.service"):
        rig.save(EDITED)
        rig.settle()
        rig.time.advance(29.0)
        rig.reload.poll()
        assert rig.tenant.asked == 1, "checked again only after the retry time"
        rig.time.advance(1.0)
        rig.reload.poll()
        assert rig.tenant.asked == 2 and rig.applied == []
        assert len(records(caplog, logging.ERROR)) == 1, "the same answer is not logged again"
        assert "operatorr" in str(rig.reload.status.problem)
        rig.time.advance(30.0)
        rig.reload.poll()  # the tenant now has the field: the next answer is None
    assert len(rig.applied) == 1 and rig.reload.status.problem is None


def test_a_save_benchling_cannot_check_waits_and_is_checked_at_once_when_a_pause_ends(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.tenant.answers = [
        BenchlingUnavailableError("Benchling could not be reached.", method="GET", path="/assay-run-schemas")
    ]
    with caplog.at_level(logging.INFO, logger="ingest.service"):
        rig.save(EDITED)
        rig.settle()
        assert rig.applied == [] and "could not be checked against the tenant" in str(
            rig.reload.status.problem
        )
        assert len(records(caplog, logging.WARNING)) == 1
        rig.reload.recheck()
    assert len(rig.applied) == 1 and rig.reload.status.problem is None
    assert rig.reload.take_applied()


def test_a_change_only_a_restart_applies_keeps_the_mapping_in_use(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.refuse_apply = "The mapping file changes tenant.ids, which apply only at start: restart the service."
    with caplog.at_level(logging.INFO, logger="ingest.service"):
        rig.save(EDITED)
        rig.settle()
        rig.settle()
    assert rig.reload.status.problem == rig.refuse_apply and rig.reload.status.sha256 == rig.start_sha
    assert len(records(caplog, logging.ERROR)) == 1 and not rig.reload.take_applied()


def test_new_work_waits_while_a_save_settles_so_files_after_a_save_use_it(rig: Rig) -> None:
    assert not rig.reload.holds_new_work()
    rig.save(EDITED)
    rig.reload.poll()  # the change is seen
    assert rig.reload.holds_new_work(), "a file planned now would use the mapping the save replaces"
    rig.time.advance(SETTLE)
    rig.reload.poll()  # settled and put in use
    assert len(rig.applied) == 1
    assert not rig.reload.holds_new_work()


def test_a_file_that_keeps_changing_holds_new_work_back_only_briefly(rig: Rig) -> None:
    for step in range(12):
        rig.save(EDITED + f"# save {step}\n".encode())
        rig.reload.poll()
        if step == 0:
            assert rig.reload.holds_new_work()
        rig.time.advance(SETTLE / 4)
    assert not rig.reload.holds_new_work(), "held back for as long as the file keeps changing"
    assert rig.applied == []
