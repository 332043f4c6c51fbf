"""SIGKILLed ``reprocess`` under the Benchling behaviours the docs leave open (sandbox variants): every
answer form for unknown ids in the run and result bulk-gets, every answer to a create whose id exists,
and a tenant that assigns its own ids (``client_ids=server_assigned`` with ``tenant: ids:
server_assigned``). Each trial: kills at seeded random moments once runs are being made, then a last
``reprocess`` to the end; every export must be one run with all its results and every row done."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import yaml
from reliability.adversary import (
    Proc,
    Restartable,
    assert_done_rows_are_whole,
    assert_each_once,
    env_for,
    kill_once_busy,
    run_to_end,
    sqlite_rows,
)

from ingest.sandbox import FaultSpec, Variants
from tests.support.corpus import GoodExport, write_corpus, write_export

BASE_SEED = int(os.environ.get("ADVERSARY_SEED", "7100"))
FORMS = (
    "listing_error_400",
    "invalid_ids_400",
    "invalid_ids_404",
    "invalid_id_404",
    "bad_request_400",
    "partial_200",
)
#: Run by default (the rest with --run-slow): a tenant that assigns its own ids.
QUICK = {"client_ids=server_assigned"}
CASES = [
    *(f"runs_missing={f}" for f in FORMS),
    *(f"results_missing={f}" for f in FORMS),
    *(f"duplicate_id={v}" for v in ("bad_request_400", "conflict_409", "existing_200")),
    "client_ids=server_assigned",
]


def server_assigned_map(map_path: Path, folder: Path) -> Path:
    document = yaml.safe_load(map_path.read_text(encoding="utf-8"))
    document.setdefault("tenant", {})["ids"] = "server_assigned"
    target = folder / "schemas_map_server_assigned.yaml"
    target.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    "variant", [v if v in QUICK else pytest.param(v, marks=pytest.mark.slow) for v in CASES]
)
def test_killed_reprocess_under_a_tenant_variant_makes_one_run_per_file(
    tmp_path: Path, map_without_png: Path, variant: str
) -> None:
    seed = BASE_SEED + 600 + CASES.index(variant)
    rng = random.Random(seed)
    folder = tmp_path / "archive"
    exports: list[GoodExport] = write_corpus(folder, 14, seed=seed)
    exports += [write_export(folder, 14 + i, seed=seed, results=rng.randint(120, 220)) for i in range(2)]
    map_path = map_without_png
    if variant == "client_ids=server_assigned":
        map_path = server_assigned_map(map_without_png, tmp_path)
    faults = FaultSpec.parse("*: latency=0.02")
    sandbox = Restartable(
        tmp_path / "sandbox.sqlite", {"faults": faults, "variants": Variants.parse([variant])}
    )
    server = sandbox.start()
    home = tmp_path / "home"
    try:
        kills = 0
        for _ in range(3):
            env = env_for(server, home, map_path)
            args = ["reprocess", str(folder), "--batch", str(rng.choice([1, 4, 25]))]
            proc = Proc(args, env, tmp_path / "reprocess.log").start()
            runs = len(server.store.runs())
            busy = lambda s=server, n=runs: len(s.store.runs()) > n  # noqa: E731
            kills += kill_once_busy(proc, busy, rng, 0.0, 1.5, timeout=30)
            if rng.random() < 0.5:
                server = sandbox.restart()
        env = env_for(server, home, map_path)
        code = run_to_end(["reprocess", str(folder)], env, tmp_path / "reprocess.log")
        log = (tmp_path / "reprocess.log").read_text(errors="replace")
        assert code == 0, log[-4000:]
        note = f"{variant}, seed {seed}, {kills} kill(s) landed"
        assert_each_once(server, exports)
        rows = sqlite_rows(home / "ledger.sqlite")
        assert {r["state"] for r in rows} == {"done"}, (
            f"{note}: {[(r['path'], r['state'], r['last_error']) for r in rows if r['state'] != 'done']}"
        )
        assert_done_rows_are_whole(server, rows)
    finally:
        sandbox.stop()
