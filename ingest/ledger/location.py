"""Where a ledger lives: a SQLite file (a path) or a PostgreSQL database (a ``postgresql://`` URL).

A PostgreSQL URL may carry a password; :func:`redact_dsn` is the only form of it that may be shown
(logs, errors, ``status``, reprs).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql", "postgres")
_SECRET_PARAMS = frozenset({"password", "sslpassword"})
_MASK = "***"


def is_postgres_dsn(location: str | Path) -> bool:
    """True for ``postgresql://…`` and ``postgres://…`` (a shared ledger), False for a file path."""
    if isinstance(location, Path):
        return False
    scheme, sep, _ = location.strip().partition("://")
    return bool(sep) and scheme.lower() in POSTGRES_SCHEMES


def redact_dsn(dsn: str) -> str:
    """The URL with any password (in the user part or a ``password=`` parameter) replaced by ``***``."""
    try:
        parts = urlsplit(dsn.strip())
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            user, has_password, _ = userinfo.partition(":")
            netloc = f"{user}:{_MASK}@{host}" if has_password else netloc
        query = parse_qsl(parts.query, keep_blank_values=True)
        redacted = [(k, _MASK if k.lower() in _SECRET_PARAMS else v) for k, v in query]
        text = urlencode(redacted, safe="*", quote_via=quote) if query else parts.query
        return urlunsplit((parts.scheme, netloc, parts.path, text, parts.fragment))
    except ValueError:
        # Unparseable: show nothing that might be the secret.
        return f"{dsn.partition('://')[0]}://{_MASK}"


def dsn_secrets(location: str | Path | None) -> list[str]:
    """The password(s) a PostgreSQL URL carries (as written and decoded), for log redaction."""
    if location is None or not is_postgres_dsn(location):
        return []
    try:
        parts = urlsplit(str(location).strip())
        found = [parts.password] if parts.password else []
        found += [v for k, v in parse_qsl(parts.query) if k.lower() in _SECRET_PARAMS and v]
    except ValueError:
        return []
    return sorted({*found, *(unquote(f) for f in found)}, key=len, reverse=True)


def describe_location(location: str | Path) -> str:
    """A printable name for the ledger: the path, or the URL without its password."""
    if isinstance(location, Path) or not is_postgres_dsn(location):
        return str(location)
    return redact_dsn(location)
