"""``Retry-After`` (RFC 9110 section 10.2.3): seconds, or an HTTP date, after which to send again."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime


def retry_after_seconds(
    headers: Mapping[str, str], *, wall_clock: Callable[[], float] = time.time
) -> float | None:
    """Seconds to wait per ``Retry-After``; None when absent or unreadable.

    An HTTP date is measured from the answer's own ``Date`` header when it has one (the server's clock,
    so the two clocks' skew does not count), else from ``wall_clock``. A date in the past is 0.
    """
    raw = (headers.get("retry-after") or "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    until = _http_date(raw)
    if until is None:
        return None
    sent = _http_date((headers.get("date") or "").strip())
    now = sent if sent is not None else wall_clock()
    return max(0.0, until - now)


def _http_date(text: str) -> float | None:
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # RFC 9110 dates are GMT; an obsolete form may parse without a zone
        return None
    stamp = moment.timestamp()
    return stamp if math.isfinite(stamp) else None
