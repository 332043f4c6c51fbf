"""The real services other tests rely on start here: PostgreSQL (as the postgres user when root, survives
a SIGKILL with its data) and the system Chromium driven headless."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import psycopg
import pytest
from playwright.sync_api import Page

from tests.support.postgres import PostgresServer


def test_postgres_accepts_connections_and_recovers_from_a_kill(
    postgres_server: PostgresServer, postgres_dsn: str
) -> None:
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (n integer)")
        conn.execute("INSERT INTO t VALUES (1), (2)")
    postgres_server.kill()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(postgres_dsn, connect_timeout=2)
    postgres_server.start()
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute("SELECT sum(n) FROM t").fetchone() == (3,)


@pytest.fixture
def local_page_url() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><body><h1 id='t'>benchling-ingest</h1><script>document.getElementById('t')"
            body += b".textContent += ' ready'</script></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="page-server")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_system_chromium_runs_scripts_of_a_local_page(browser_page: Page, local_page_url: str) -> None:
    browser_page.goto(local_page_url)
    assert browser_page.locator("#t").inner_text() == "benchling-ingest ready"
