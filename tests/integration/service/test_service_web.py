"""``watch --http``: the status page in headless Chromium, ``/healthz`` and ``/metrics`` over HTTP, the
token rules, and ``status`` exit codes against a real ``watch`` and the sandbox on 127.0.0.1.

The page's port is chosen by the service (``--http 127.0.0.1:0``) and read from its log line, so no
port is ever guessed. Waiting is polling with a deadline.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from integration.service.conftest import sandbox_config
from integration.service.service_rig import (
    REPO,
    ServiceRig,
    WatchProcess,
    samples,
    wait_until,
    write_lc_export,
)

from ingest.sandbox import SandboxServer

TOKEN = "page-token-4711"
URL_LINE = re.compile(r"Status page at (http://127\.0\.0\.1:\d+)")
SCREENSHOT = REPO / "docs" / "status-page.png"
#: A file name the page must show as text, never as markup.
HOSTILE = "<img src=x onerror=alert(1)>&amp;"
#: Seconds allowed for anything a loaded 2-core machine may be slow at (start-up, a scan, an upload).
SLOW = 120.0


def page_url(watch: WatchProcess) -> str:
    found: list[str] = []

    def logged() -> bool:
        match = URL_LINE.search(watch.log())
        if match:
            found.append(match.group(1))
        return bool(match)

    watch.wait_for(logged, "the status page's address in the log", timeout=SLOW)
    return found[0]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def post_retry(base: str, file_id: int, token: str | None) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json", **({"X-Ingest-Token": token} if token else {})}
    request = urllib.request.Request(
        f"{base}/api/retry", data=json.dumps({"id": file_id}).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in /metrics:\n{text}"
    return float(match.group(1))


def test_the_page_shows_counts_a_done_file_with_its_run_link_and_a_failure_and_retries_it(
    rig: ServiceRig, browser_page: Any
) -> None:
    write_lc_export(rig.inbox, "good", samples(1, 2), tag="-web-good")
    write_lc_export(rig.inbox, HOSTILE, samples(3, 944), tag="-web-bad")
    with rig.start_watch("--http", "127.0.0.1:0", "--http-token", TOKEN) as watch:
        base = page_url(watch)
        watch.wait_settled(2, timeout=SLOW)
        done = rig.rows_in("done")[0]
        failed = rig.rows_in("failed")[0]
        assert TOKEN not in watch.log()

        page = browser_page
        page.goto(base + "/")
        page.locator("#done tbody").get_by_text("good.csv").wait_for(timeout=SLOW * 1000)
        counts = {
            row.locator("td").nth(0).inner_text(): row.locator("td").nth(1).inner_text()
            for row in page.locator("#counts tbody tr").all()
        }
        assert counts == {"done": "1", "failed": "1"}
        link = page.locator("#done tbody a")
        assert link.inner_text() == done.run_id
        assert link.get_attribute("href") == f"{rig.sandbox.base_url}/api/v2/assay-runs/{done.run_id}"
        failure_row = page.locator("#failures tbody tr").first
        failure_text = failure_row.inner_text()
        # Quarantined under a name a Windows share can hold (no '<', '>').
        assert failed.final_path is not None and failed.final_path.parent == rig.failed
        assert not set("<>") & set(failed.final_path.name)
        assert "SMP-944" in failure_text and str(failed.final_path) in failure_text
        # The hostile name is text: no element was made from it.
        assert HOSTILE in failure_row.locator("td").first.inner_text()
        assert page.locator("main img").count() == 0
        assert page.locator("#folders tbody").inner_text().count("yes") == 1

        if os.environ.get("STATUS_PAGE_SCREENSHOT"):
            page.set_viewport_size({"width": 1400, "height": 1000})
            page.screenshot(path=str(SCREENSHOT), full_page=True)

        # A wrong token is refused by the server; the right one puts the file back.
        page.locator("#token").fill("wrong")
        failure_row.get_by_role("button", name="Retry").click()
        page.get_by_text("Retry refused: The token is missing or wrong.").wait_for(timeout=SLOW * 1000)
        page.locator("#token").fill(TOKEN)
        failure_row.get_by_role("button", name="Retry").click()
        page.get_by_text("Put back 1 file(s)").wait_for(timeout=SLOW * 1000)
        watch.wait_for(
            lambda: len(rig.rows()) == 3, "the retried file taken again as a new row", timeout=SLOW
        )
        assert rig.rows_in("failed")[0].id == failed.id
        assert watch.stop(timeout=SLOW) == 0, watch.log()


def test_without_a_token_the_page_is_read_only(rig: ServiceRig) -> None:
    write_lc_export(rig.inbox, "bad", samples(945), tag="-web-ro")
    with rig.start_watch("--http", "127.0.0.1:0") as watch:
        base = page_url(watch)
        watch.wait_settled(1, timeout=SLOW)
        wait_until(
            lambda: json.loads(get(base + "/api/status")[1])["failures"] != [],
            timeout=SLOW,
            what="the failure on /api/status",
        )
        status = json.loads(get(base + "/api/status")[1])
        assert status["can_retry"] is False
        code, answer = post_retry(base, status["failures"][0]["id"], TOKEN)
        assert code == 403 and "read-only" in answer["error"]
        assert watch.stop(timeout=SLOW) == 0, watch.log()


def test_a_non_loopback_address_without_a_token_is_refused_at_start(rig: ServiceRig) -> None:
    result = rig.run_cli("watch", rig.inbox, "--http", "0.0.0.0:0", "--ledger", rig.ledger_path)
    assert result.returncode == 2
    assert "needs a token" in result.stderr
    assert not rig.ledger_path.exists()


def test_health_and_metrics_over_http_and_503_once_benchling_is_gone(tmp_path: Path) -> None:
    sandbox = SandboxServer(sandbox_config())
    sandbox.start()
    try:
        rig = ServiceRig(sandbox, tmp_path)
        for i in range(3):
            write_lc_export(rig.inbox, f"m{i}", samples(i + 1), tag=f"-metrics{i}")
        with rig.start_watch("--http", "127.0.0.1:0", "--health-probe", "0.5") as watch:
            base = page_url(watch)
            watch.wait_settled(3, timeout=SLOW)
            wait_until(lambda: get(base + "/healthz")[0] == 200, timeout=SLOW, what="/healthz 200")
            assert json.loads(get(base + "/healthz")[1]) == {"status": "ok", "reasons": []}

            assert get(base + "/metrics")[0] == 200
            wait_until(
                lambda: 'benchling_ingest_files{state="done"} 3.0' in get(base + "/metrics")[1].decode(),
                timeout=SLOW,
                what="3 done files in /metrics",
            )
            text = get(base + "/metrics")[1].decode()
            assert metric(text, 'benchling_ingest_files_finished_total{outcome="done"}') == 3
            assert metric(text, "benchling_ingest_drop_to_run_seconds_count") == 3
            assert metric(text, 'benchling_ingest_step_seconds_count{step="prepare"}') == 3
            assert (
                metric(text, 'benchling_ingest_requests_total{endpoint="POST /assay-runs",status="200"}') >= 1
            )
            assert metric(text, "benchling_ingest_queue_depth") == 0
            assert metric(text, "benchling_ingest_rate_limited_total") == 0

            # `status` from another process sees the live service and its requests before it stops.
            status = rig.run_cli("status", "--json", "--ledger", rig.ledger_path)
            report = json.loads(status.stdout)
            assert status.returncode == 0, status.stdout + status.stderr
            assert report["service"]["state"] == "running"
            assert report["counters"]["requests"] > 0

            sandbox.stop()
            wait_until(lambda: get(base + "/healthz")[0] == 503, timeout=SLOW, what="/healthz 503")
            reasons = json.loads(get(base + "/healthz")[1])["reasons"]
            assert any("Benchling" in reason for reason in reasons), reasons
            assert watch.stop(timeout=SLOW) == 0, watch.log()
    finally:
        sandbox.stop()

    stopped = rig.run_cli("status", "--ledger", rig.ledger_path)
    assert stopped.returncode == 2, stopped.stdout
    assert "no watch is running" in stopped.stdout


def test_status_exit_codes_with_a_failed_file_while_watch_runs_and_after_it_is_killed(
    rig: ServiceRig,
) -> None:
    write_lc_export(rig.inbox, "bad", samples(946), tag="-exit-codes")
    with rig.start_watch() as watch:
        watch.wait_settled(1, timeout=SLOW)
        running = rig.run_cli("status", "--ledger", rig.ledger_path)
        assert running.returncode == 1, running.stdout + running.stderr
        assert "Service: watch running on" in running.stdout
        watch.kill()
    wait_until(
        lambda: rig.run_cli("status", "--ledger", rig.ledger_path, "--stale-after", "1").returncode == 3,
        timeout=SLOW,
        what="status to call the killed watch stale",
    )
    stale = rig.run_cli("status", "--ledger", rig.ledger_path, "--stale-after", "1")
    assert "stale heartbeat" in stale.stdout
    assert rig.run_cli("status", "--ledger", rig.ledger_path, "--ignore-service").returncode == 1
