"""A running service's mapping kept in step with the mapping file, predictably and visibly.

The service's loop calls :meth:`MappingReload.poll` on every pass; at most every ``poll_seconds`` it
reads the file (a few kilobytes) and compares the content with what it read before. A change is acted
on only once the content has stayed the same for ``settle_seconds``: an editor saving in place writes
the file in several steps, and the half-written file must never be taken for the mapping. Then:

- the content of the mapping in use: nothing to reload (a problem said before is cleared);
- a content that loads and fits the tenant (the checks ``watch`` runs at start): the pipeline plans
  with it from then on (files already planned keep their plan); one INFO line;
- a content that does not (not YAML, an unknown key, a schema or field the tenant lacks, a change only
  a restart applies): the mapping in use stays; one ERROR with the start check's message;
- the file deleted or unreadable: the mapping in use stays; one WARNING.

Each problem is kept in :attr:`MappingReload.status` (the status page shows it) until a later save is
used. A content Benchling could not check (unreachable, credentials refused), or that did not fit the
tenant, is checked again every ``retry_seconds`` (logged again only if the answer changes) and at once
when a pause ends (:meth:`MappingReload.recheck`); nothing is quarantined because of the mapping file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError, IngestError
from ingest.resolve import SchemaMap

log = logging.getLogger("ingest.service")

#: The mapping file's content -> the mapping (ConfigError naming the line when it is not valid).
ParseMapping = Callable[[bytes], SchemaMap]
#: Why the mapping does not fit the tenant (None when it fits); an IngestError when Benchling cannot say.
TenantFit = Callable[[SchemaMap], str | None]
#: Plan with the mapping from now on (ConfigError when it changes what only a restart applies).
ApplyMapping = Callable[[SchemaMap], None]

#: Hex digits of the sha256 shown in logs and on the status page.
SHORT_SHA = 12


def short_sha(sha256: str) -> str:
    return sha256[:SHORT_SHA]


@dataclass(frozen=True)
class MappingStatus:
    """The mapping in use: its file, content hash and when it was loaded (epoch seconds), and the
    problem with the file as it is now (None when the file holds it, or a save waits to settle)."""

    path: Path
    sha256: str
    loaded_at: float
    problem: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "sha256": short_sha(self.sha256),
            "loaded_at": self.loaded_at,
            "problem": self.problem,
        }


@dataclass(frozen=True)
class _Look:
    """What the file held at one look: ``key`` is its content's sha256, or why it could not be read."""

    key: str
    content: bytes | None = None
    error: str | None = None


class MappingReload:
    """The mapping in use for a pipeline and the file it came from; used from the service's loop thread
    only (``status`` may be read from any thread)."""

    def __init__(
        self,
        path: Path,
        content: bytes,
        schema_map: SchemaMap,
        *,
        parse: ParseMapping,
        fits: TenantFit,
        apply: ApplyMapping,
        settle_seconds: float = 1.0,
        poll_seconds: float = 0.5,
        retry_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        sha = hashlib.sha256(content).hexdigest()
        self.schema_map = schema_map
        self.status = MappingStatus(path, sha, wall_clock())
        self._path = path
        self._parse, self._fits, self._apply = parse, fits, apply
        self._settle, self._poll, self._retry = settle_seconds, poll_seconds, retry_seconds
        self._clock, self._wall_clock = clock, wall_clock
        self._seen, self._seen_since = sha, clock()
        self._handled = sha
        self._next_look = 0.0
        #: A content that loaded but was not used yet (Benchling could not check it, or it did not fit).
        self._waiting: tuple[str, SchemaMap] | None = None
        self._retry_at = math.inf
        self._applied = False
        #: Since when the service holds new work for a change not yet acted on.
        self._hold_started: float | None = None

    def poll(self, *, look_now: bool = False) -> None:
        """Look at the file when due (``look_now``: at once); act on a content that has settled (never
        raises)."""
        now = self._clock()
        if now < self._next_look and not look_now:
            return
        self._next_look = now + self._poll
        try:
            look = self._look()
            if look.key != self._seen:
                self._seen, self._seen_since = look.key, now
            elif look.key != self._handled and now - self._seen_since >= self._settle:
                self._handled = look.key
                self._handle(look)
            elif self._waiting is not None and now >= self._retry_at:
                self._check_and_apply(*self._waiting)
        except Exception as exc:  # a bug here must not stop the service: said once, the file kept
            log.exception("Looking at the mapping file '%s' failed unexpectedly.", self._path)
            self._say(logging.ERROR, f"Looking at the mapping file failed: {type(exc).__name__}: {exc}")

    def holds_new_work(self) -> bool:
        """True while a change of the file has been seen but not yet acted on (its save settling): the
        service plans nothing new meanwhile, so a file that arrives after a save is planned with it. At
        most twice ``settle`` and a second from the first change not acted on, so a file that keeps
        changing holds no one back for long."""
        if self._seen == self._handled:
            self._hold_started = None
            return False
        now = self._clock()
        if self._hold_started is None:
            self._hold_started = now
        return now - self._hold_started < 2 * self._settle + 1.0

    def recheck(self) -> None:
        """Check a content that waits for the tenant at once (a pause ends: Benchling answers again)."""
        if self._waiting is not None:
            self._check_and_apply(*self._waiting)

    def take_applied(self) -> bool:
        """True when a new mapping was put in use since last asked (a pause looks again at once)."""
        applied, self._applied = self._applied, False
        return applied

    def _look(self) -> _Look:
        try:
            content = self._path.read_bytes()
        except FileNotFoundError:
            return _Look("missing", error="was deleted")
        except OSError as exc:
            return _Look(f"unreadable: {exc.strerror}", error=f"could not be read: {exc.strerror}")
        return _Look(hashlib.sha256(content).hexdigest(), content=content)

    def _handle(self, look: _Look) -> None:
        self._waiting = None
        in_use = self.status
        if look.content is None:
            self._say(
                logging.WARNING,
                f"The mapping file '{self._path}' {look.error}.",
                f"The mapping in use (sha256 {short_sha(in_use.sha256)}) stays until the file is back.",
            )
        elif look.key == in_use.sha256:
            if in_use.problem is not None:
                log.info(
                    "The mapping file '%s' holds the mapping in use again (sha256 %s); its problem is gone.",
                    self._path,
                    short_sha(in_use.sha256),
                )
                self.status = replace(in_use, problem=None)
        else:
            try:
                schema_map = self._parse(look.content)
            except ConfigError as exc:
                self._reject(exc.message)
                return
            self._check_and_apply(look.key, schema_map)

    def _check_and_apply(self, sha: str, schema_map: SchemaMap) -> None:
        self._waiting = None
        try:
            problem = self._fits(schema_map)
        except IngestError as exc:
            self._wait(sha, schema_map)
            self._say(
                logging.WARNING,
                f"The mapping file '{self._path}' changed (sha256 {short_sha(sha)}) but could not be "
                f"checked against the tenant yet: {exc.message}",
                "It is used once Benchling answers; the mapping in use stays meanwhile.",
            )
            return
        if problem is not None:
            self._wait(sha, schema_map)
            self._reject(problem)
            return
        try:
            self._apply(schema_map)
        except ConfigError as exc:
            self._reject(exc.message)
            return
        self.schema_map = schema_map
        self.status = MappingStatus(self._path, sha, self._wall_clock())
        self._applied = True
        log.info(
            "Mapping reloaded from %s (sha256 %s): files planned from now on use it.",
            self._path,
            short_sha(sha),
        )

    def _wait(self, sha: str, schema_map: SchemaMap) -> None:
        self._waiting = (sha, schema_map)
        self._retry_at = self._clock() + self._retry

    def _reject(self, message: str) -> None:
        loaded = dt.datetime.fromtimestamp(self.status.loaded_at).astimezone().isoformat(timespec="seconds")
        self._say(
            logging.ERROR,
            message,
            f"The mapping file '{self._path}' was not reloaded: the mapping in use (sha256 "
            f"{short_sha(self.status.sha256)}, loaded {loaded}) stays until the file is fixed.",
        )

    def _say(self, level: int, problem: str, consequence: str = "") -> None:
        """Keep ``problem`` for the status page; logged only when it differs from the one kept."""
        if problem == self.status.problem:
            return
        log.log(level, "%s %s", _sentence(problem), consequence)
        self.status = replace(self.status, problem=problem)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
