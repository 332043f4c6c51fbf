"""The project's error hierarchy (a leaf module: imports nothing from the project).

Every error is an ``IngestError`` carrying its context as attributes. ``retryable`` is a class
property: the pipeline decides between retry and give-up by the error's type alone. So is
``pauses_ingestion``: an error about the configuration or the tenant as a whole (credentials refused,
Benchling unreachable from the start, a mapping that names what the tenant lacks) would fail every
file alike, so it pauses the service and leaves the files where they are instead of quarantining them;
every other error is about one file and quarantines (or retries) that file alone. Messages are
full sentences naming the file, the line or field, the bad value and what was expected. No error
ever carries a credential: callers pass only method, path, status and Benchling's own message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

#: The values (API key, client secret, ledger password) no message, report or page may show; the
#: settings register them as they are read (``hide_secrets``).
_SECRETS: set[str] = set()
SECRET_MASK = "[REDACTED]"


def hide_secrets(values: Iterable[str]) -> None:
    """From now on, ``without_secrets`` masks each of ``values`` (those shorter than 4 characters are
    too common to mask)."""
    _SECRETS.update(v for v in values if v and len(v) >= 4)


def forget_secrets() -> None:
    """Mask nothing any more (for a process that loads other settings, such as a test run)."""
    _SECRETS.clear()


def without_secrets(value: Any) -> Any:
    """``value`` (text, or JSON-like lists and dicts of it) with every registered secret masked: for what
    may carry text from outside (a file's name or content) into an error, a report, the ledger or a page."""
    if isinstance(value, str):
        for secret in sorted(_SECRETS, key=len, reverse=True):
            value = value.replace(secret, SECRET_MASK)
        return value
    if isinstance(value, dict):
        return {without_secrets(k): without_secrets(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_secrets(v) for v in value]
    return value


class IngestError(Exception):
    """Base of every error this project raises on purpose."""

    retryable: ClassVar[bool] = False
    #: The cause may go away by itself shortly (a file still arriving): wait once before giving up.
    deferrable: ClassVar[bool] = False
    #: Short machine-readable stage name written to ``<file>.error.json`` and the ledger.
    stage: ClassVar[str] = "ingest"
    #: Not the file's fault: every file would fail alike until the configuration or the tenant is fixed,
    #: so ingestion pauses (files stay where they are, rows stay pending) instead of quarantining.
    pauses_ingestion: ClassVar[bool] = False

    def __init__(self, message: str, **context: Any) -> None:
        message = without_secrets(message)
        super().__init__(message)
        self.message = message
        self.context: dict[str, Any] = dict(context)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description: type, stage, message, retryable and the context values."""
        return {
            "type": type(self).__name__,
            "stage": self.stage,
            "message": self.message,
            "retryable": self.retryable,
            "pauses_ingestion": self.pauses_ingestion,
            "details": without_secrets({k: _jsonable(v) for k, v in self.context.items()}),
        }


#: A run of letters and digits this long, or a ``sk_`` prefix, looks like a key or a secret.
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_\-]{16,}")


def shown_setting(value: str) -> str:
    """A setting's bad value as an error may show it: quoted, unless it looks like a secret (a key
    put in the wrong variable, e.g. BENCHLING_URL and BENCHLING_API_KEY swapped), which is described
    instead of shown."""
    text = value.strip()
    scheme, sep, rest = text.partition("://")
    if sep and len(scheme) <= 8:
        # A URL: its scheme and host are shown (to find a typo), never a user, password or a path that
        # looks like it carries a key.
        authority, _, path = rest.partition("/")
        shown = f"{scheme}://{authority.rsplit('@', 1)[-1]}"
        if "@" not in authority and not looks_secret(path):
            return repr(text)
        return f"{shown!r} followed by {len(text) - len(shown)} characters not shown"
    if looks_secret(text):
        return f"a value of {len(text)} characters that looks like a key (not shown)"
    return repr(text)


def looks_secret(text: str) -> bool:
    """True for text that may be a key or token: never shown in a message."""
    return text.lower().startswith(("sk_", "sk-")) or bool(_TOKEN_RUN.search(text)) or len(text) > 80


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


class ConfigError(IngestError):
    """Settings, command-line flags or ``schemas_map.yaml`` are wrong: pauses ingestion when met while
    ingesting (at start-up it stops the command instead)."""

    stage = "config"
    pauses_ingestion = True

    def __init__(
        self, message: str, *, file: Path | str | None = None, line: int | None = None, **context: Any
    ) -> None:
        super().__init__(message, file=file, line=line, **context)
        self.file = file
        self.line = line


class OtherTenantError(ConfigError):
    """A row was planned for another tenant than ``BENCHLING_URL`` names now (the variable was changed,
    or the ledger belongs to another installation): nothing of it is sent here; it waits, and goes on
    once ``BENCHLING_URL`` names its tenant again. Only that row waits: the others go on."""

    retryable = True
    pauses_ingestion = False


class ParseError(IngestError):
    """An export could not be read. Names the file, and the line and column when known."""

    stage = "parse"

    def __init__(
        self,
        message: str,
        *,
        file: Path | str,
        line: int | None = None,
        column: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, file=file, line=line, column=column, **context)
        self.file = file
        self.line = line
        self.column = column


class NoParserError(ParseError):
    """No parser, or more than one, claims a file.

    Deferrable: a file no parser claims may be an attachment of an export that has not been read yet.
    """

    deferrable = True

    def __init__(self, message: str, *, file: Path | str, candidates: Sequence[str] = ()) -> None:
        super().__init__(message, file=file, candidates=list(candidates))
        self.candidates = list(candidates)


class ResolveError(IngestError):
    """A parsed file cannot be turned into Benchling requests (mapping, schema or value problems)."""

    stage = "resolve"

    def __init__(self, message: str, *, problems: Sequence[str] = (), **context: Any) -> None:
        super().__init__(message, problems=list(problems), **context)
        self.problems = list(problems)


class MappingMismatchError(ResolveError):
    """The mapping names a schema, field, dropdown, project or registry the tenant does not have (or has
    in another form): every file of that mapping would fail alike, so ingestion pauses until the mapping
    file or the tenant is fixed. A file's own values that do not fit are a plain ``ResolveError``."""

    pauses_ingestion = True


class EntitiesNotFoundError(ResolveError):
    """Registry IDs that are not registered; lists every missing one at once."""

    def __init__(self, message: str, *, missing: Sequence[str], **context: Any) -> None:
        super().__init__(message, problems=[f"not registered: {m}" for m in missing], **context)
        self.missing = list(missing)


class AttachmentError(ResolveError):
    """An attachment is missing or points outside the export's folder."""


class AttachmentMissingError(AttachmentError):
    """Files an export names are not there (yet): deferrable, they may still be being copied."""

    deferrable = True


class BenchlingError(IngestError):
    """Benchling answered with an error, or could not be reached."""

    stage = "upload"

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status: int | None = None,
        error_type: str | None = None,
        benchling_message: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(
            message,
            method=method,
            path=path,
            status=status,
            error_type=error_type,
            benchling_message=benchling_message,
            **context,
        )
        self.method = method
        self.path = path
        self.status = status
        self.error_type = error_type
        self.benchling_message = benchling_message


class BenchlingRejectedError(BenchlingError):
    """A 4xx other than 429: the request is wrong and sending it again will not help."""


class BenchlingAuthError(BenchlingRejectedError):
    """401/403 (or an OAuth token refused): the credentials are wrong or lack permission. Pauses
    ingestion: no file is at fault."""

    pauses_ingestion = True


class BenchlingNotFoundError(BenchlingRejectedError):
    """404: the object does not exist."""


class BenchlingUnavailableError(BenchlingError):
    """429, 5xx, timeouts and dropped connections: worth trying again later."""

    retryable = True


class BenchlingUnreachableError(BenchlingUnavailableError):
    """No connection to Benchling could be made (refused, no such host, connect timeout) before this
    client ever had an answer: most likely a wrong ``BENCHLING_URL`` or a network that blocks it, so it is
    reported at once rather than retried for minutes, and ingestion pauses until Benchling answers. A
    refused connection after Benchling has answered is a transient ``BenchlingUnavailableError``."""

    pauses_ingestion = True


class RateLimitedError(BenchlingUnavailableError):
    """429: the tenant's rate limit was hit."""


class AmbiguousWriteError(BenchlingUnavailableError):
    """A create failed in a way that leaves unknown whether the server stored it."""


class ServerAssignedIdsError(BenchlingRejectedError):
    """Benchling created a run or results under ids of its own instead of those sent: exactly-once by
    derived ids cannot work on this tenant until ``tenant: ids: server_assigned`` is set. Terminal; the
    objects that were created are named in the context (``assigned_ids``), never the ids sent."""


class ContentChangedError(IngestError):
    """A file (or an attachment) changed after it was read: what would be sent is not what was hashed.

    ``export_changed``: the export itself changed, so this version is given up (the new content is a new
    version); otherwise only attachments changed and the file is planned again once they settle.
    """

    stage = "pin"

    def __init__(self, message: str, *, changed: Sequence[Path | str], export_changed: bool) -> None:
        super().__init__(message, changed=[str(p) for p in changed], export_changed=export_changed)
        self.changed = [str(p) for p in changed]
        self.export_changed = export_changed


class LedgerError(IngestError):
    """The ledger database is unusable or a state transition is not allowed."""

    stage = "ledger"


class LedgerUnavailableError(LedgerError):
    """The ledger's database cannot be reached now (a PostgreSQL server restarting, a network cut):
    nothing was decided, so the work is tried again later."""

    retryable = True


class LeaseLostError(LedgerError):
    """Another worker took over a ledger row this worker was working on (its lease ran out), so this
    worker's write was refused rather than overwriting the new owner's progress."""


class RenderError(IngestError):
    """The chromatogram PNG of an export could not be drawn: the render failed or ran out of time (it
    would again: terminal)."""

    stage = "render"

    def __init__(self, message: str, *, file: Path | str, **context: Any) -> None:
        super().__init__(message, file=str(file), **context)
        self.file = str(file)


class RenderProcessLostError(RenderError):
    """The process drawing a chromatogram stopped (killed, out of memory): another attempt gets a new one."""

    retryable = True


class StopRequestedError(IngestError):
    """A stop was asked for (Ctrl-C, SIGTERM) while waiting (a backoff, the rate limit): the wait ends
    at once and the file is left where it is, resumed by the next start like any retry."""

    retryable = True
    stage = "stop"
