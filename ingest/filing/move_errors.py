"""Which failed moves are worth trying again: a share that is away or busy comes back, a name or a
permission the destination refuses does not."""

from __future__ import annotations

import errno

#: Errors a move meets again however often it is tried (an invalid name, no right to write there).
_LASTING_ERRNOS = frozenset(
    {errno.EINVAL, errno.ENAMETOOLONG, errno.EILSEQ, errno.EPERM, errno.EACCES, errno.EROFS, errno.ENOTDIR}
)
#: Windows reports a file another program holds open as access denied; that one passes.
_WINDOWS_SHARING_VIOLATIONS = frozenset({32, 33})
#: How often a move that fails for a lasting reason is tried before it is given up.
LASTING_FAILURE_ATTEMPTS = 3


def is_lasting(exc: BaseException) -> bool:
    """True when trying the same move again would fail the same way."""
    if isinstance(exc, ValueError):
        return True  # the path itself does not fit (outside the watched folder)
    if not isinstance(exc, OSError):
        return False
    if getattr(exc, "winerror", None) in _WINDOWS_SHARING_VIOLATIONS:
        return False
    return exc.errno in _LASTING_ERRNOS
