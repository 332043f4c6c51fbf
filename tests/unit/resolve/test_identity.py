"""Ids derived from the content: the same file plans the same ids in any ledger, and only the tenant,
the run schema, the content or the generation change them."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from ingest.resolve.identity import Identity, result_id_for, run_id_for, tenant_key
from ingest.resolve.mapping_check import check_all
from ingest.resolve.mapping_file import SchemaMap, load_schema_map
from tests.support.paths import REPO
from tests.support.tenant_fakes import FakeTenant

DEMO_MAP = REPO / "schemas_map.yaml"


def schema_map_from(text: str, folder: Path) -> SchemaMap:
    path = folder / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return load_schema_map(path)


@pytest.mark.parametrize(
    "url",
    [
        "https://tenant.benchling.com",
        "https://TENANT.benchling.com/",
        "https://tenant.benchling.com:443/api/v2",
        "http://tenant.benchling.com:8000",
        "tenant.benchling.com",
    ],
)
def test_the_tenant_key_is_the_lower_case_host(url: str) -> None:
    assert tenant_key(url) == "tenant.benchling.com"


def test_a_url_without_a_host_is_refused() -> None:
    with pytest.raises(ValueError, match="has no host"):
        tenant_key("https://")


def test_each_input_of_a_run_id_changes_it_and_nothing_else_does() -> None:
    base = run_id_for("t.benchling.com", "assaysch_1", "ab" * 32, 0)
    assert base == run_id_for("t.benchling.com", "assaysch_1", "ab" * 32, 0)
    assert uuid.UUID(base).version == 5
    others = [
        run_id_for("u.benchling.com", "assaysch_1", "ab" * 32, 0),
        run_id_for("t.benchling.com", "assaysch_2", "ab" * 32, 0),
        run_id_for("t.benchling.com", "assaysch_1", "cd" * 32, 0),
        run_id_for("t.benchling.com", "assaysch_1", "ab" * 32, 1),
    ]
    assert len({base, *others}) == 5
    assert result_id_for(base, 0) != result_id_for(base, 1) != result_id_for(others[0], 1)


def test_candidate_ids_cover_a_window_of_generations() -> None:
    candidates = Identity("t").candidate_run_ids("s", "ab", 16)
    assert sorted(candidates.values()) == list(range(16, 32))
    assert candidates[run_id_for("t", "s", "ab", 20)] == 20


def test_server_assigned_ids_need_a_run_field_holding_the_file_hash(tmp_path: Path) -> None:
    text = DEMO_MAP.read_text(encoding="utf-8").replace("  ids: kept", "  ids: server_assigned", 1)
    assert check_all(schema_map_from(text, tmp_path), FakeTenant()) == []
    without_hash = text.replace("        file_sha256: {provenance: sha256}\n", "")
    problems = check_all(schema_map_from(without_hash, tmp_path), FakeTenant())
    assert problems and all("{provenance: sha256}" in p for p in problems)
    assert any("mapping 'lc_results_csv' run" in p for p in problems)
