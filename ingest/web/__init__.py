"""What a running service shows of itself over HTTP: the status page, ``/healthz`` and ``/metrics``."""

from __future__ import annotations

from ingest.web.address import HttpAddress, check_token_rule, parse_address
from ingest.web.server import StatusServer

__all__ = ["HttpAddress", "StatusServer", "check_token_rule", "parse_address"]
