"""A local HTTP server that behaves like Benchling's REST API v2 (strictly), for tests, demo and benchmarks.

See ``ingest/sandbox/README.md`` for what is implemented and each choice where Benchling is undocumented.
"""

from __future__ import annotations

from ingest.sandbox.app import create_app
from ingest.sandbox.clock import Clock, ManualClock, SystemClock
from ingest.sandbox.config import Limits, RateLimit, SandboxConfig
from ingest.sandbox.faults import FaultRule, FaultSpec
from ingest.sandbox.server import SandboxServer
from ingest.sandbox.tenant import Tenant, load_tenant
from ingest.sandbox.transport import inprocess_transport
from ingest.sandbox.variants import Variants, one_off_variants

__all__ = [
    "Clock",
    "FaultRule",
    "FaultSpec",
    "Limits",
    "ManualClock",
    "RateLimit",
    "SandboxConfig",
    "SandboxServer",
    "SystemClock",
    "Tenant",
    "Variants",
    "create_app",
    "inprocess_transport",
    "load_tenant",
    "one_off_variants",
]
