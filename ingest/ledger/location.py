"""Where a ledger lives: a SQLite file (a path) or a PostgreSQL database (a ``postgresql://`` URL).

A PostgreSQL URL may carry a password; :func:`redact_dsn` is the only form of it that may be shown
(logs, errors, ``status``, reprs).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

POSTGRES_SCHEMES = ("postgresql", "postgres")
_SECRET_PARAMS = frozenset({"password", "sslpassword"})
_MASK = "***"
_SECRET_PARAM_VALUE = re.compile(r"(?i)((?:^|[?&])(?:ssl)?password=)([^&#]*)")


def is_postgres_dsn(location: str | Path) -> bool:
    """True for ``postgresql://…`` and ``postgres://…`` (a shared ledger), False for a file path."""
    if isinstance(location, Path):
        return False
    scheme, sep, _ = location.strip().partition("://")
    return bool(sep) and scheme.lower() in POSTGRES_SCHEMES


_KEYWORD_DSN = re.compile(
    r"(?i)(?:^|\s)(?:host|hostaddr|port|dbname|user|password|sslpassword|sslmode|service)\s*="
)


def is_keyword_dsn(location: str | Path) -> bool:
    """True for a libpq keyword/value string (``host=db user=… password=…``): not a file name, and not
    a form this tool reads (it takes a ``postgresql://`` URL)."""
    return not isinstance(location, Path) and bool(_KEYWORD_DSN.search(location))


def libpq_reads(dsn: str) -> bool:
    """True when libpq reads ``dsn`` as written: it can parse it, and the password it finds in the user
    part is the one written there. An unencoded ``@``, ``/``, ``?`` or space in a password makes libpq
    read part of it as the host, port, database or query, and its errors then quote that part: such a
    URL is refused before anything connects with it."""
    from psycopg import Error as PsycopgError  # imported here: only a PostgreSQL ledger needs it
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(dsn.strip())
    except (PsycopgError, ValueError):
        return False
    rest = dsn.strip().partition("://")[2]
    if "@" not in rest:
        return True
    _user, has_password, written = rest.rpartition("@")[0].partition(":")
    return not has_password or unquote(written) == str(params.get("password", ""))


def redact_dsn(dsn: str) -> str:
    """The URL with any password (in the user part or a ``password=`` parameter) replaced by ``***``.

    Read loosely on purpose: everything before the last ``@`` after the scheme counts as the user part
    (libpq itself reads a password holding ``#`` or ``?``, which a URL parser takes for the fragment or
    the query), and every password libpq would find is masked wherever else it appears."""
    scheme, sep, rest = dsn.strip().partition("://")
    if "@" in rest:
        userinfo, _, after = rest.rpartition("@")
        user, has_password, _ = userinfo.partition(":")
        rest = f"{user}:{_MASK}@{after}" if has_password else rest
    rest = _SECRET_PARAM_VALUE.sub(lambda m: f"{m.group(1)}{_MASK}", rest)
    for secret in _spellings(_libpq_secrets(dsn)):
        rest = rest.replace(secret, _MASK)
    return f"{scheme}{sep}{rest}"


def dsn_secrets(location: str | Path | None) -> list[str]:
    """The password(s) a PostgreSQL URL carries (as written and decoded), for log redaction: what libpq
    reads, and what :func:`redact_dsn` masks."""
    if location is None or not is_postgres_dsn(location):
        return []
    found = _libpq_secrets(str(location))
    rest = str(location).strip().partition("://")[2]
    if "@" in rest:
        _user, has_password, password = rest.rpartition("@")[0].partition(":")
        found += [password] if has_password and password else []
    found += [m.group(2) for m in _SECRET_PARAM_VALUE.finditer(rest) if m.group(2)]
    return _spellings(found)


def _libpq_secrets(dsn: str) -> list[str]:
    """The passwords libpq itself would read from ``dsn`` (none when it cannot read it at all)."""
    from psycopg import Error as PsycopgError  # imported here: only a PostgreSQL ledger needs it
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(dsn.strip())
    except (PsycopgError, ValueError):
        return []
    return [str(params[key]) for key in sorted(_SECRET_PARAMS) if params.get(key)]


def _spellings(secrets: list[str]) -> list[str]:
    """Each secret as written and percent-decoded; longest first (so a secret that holds another is
    masked whole)."""
    forms = {form for secret in secrets for form in (secret, unquote(secret))}
    return sorted((form for form in forms if form), key=len, reverse=True)


def describe_location(location: str | Path) -> str:
    """A printable name for the ledger: the path, or the URL without its password."""
    if isinstance(location, Path) or not is_postgres_dsn(location):
        return str(location)
    return redact_dsn(location)
