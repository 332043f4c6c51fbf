"""Axis ticks at "nice" values (1, 2, 2.5 or 5 times a power of ten) and their labels."""

from __future__ import annotations

import math

#: Step multipliers tried in order for each power of ten.
_NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_ticks(lo: float, hi: float, most: int = 8) -> list[float]:
    """At most ``most`` evenly spaced values in ``[lo, hi]`` on a nice step (none when the range is
    empty or not finite)."""
    span = hi - lo
    if not (math.isfinite(lo) and math.isfinite(hi) and math.isfinite(span)) or span <= 0:
        return []
    raw = span / max(1, most - 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in _NICE_STEPS if m * power >= raw * (1 - 1e-9))
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    if last - first > 4 * most:  # a range too narrow for its magnitude: no step in float64 resolves it
        return []
    # Rounded below the step, so labels show no float noise; + 0.0 turns -0.0 into 0.0.
    digits = max(0, 3 - math.floor(math.log10(step)))
    return [round(i * step, digits) + 0.0 for i in range(first, last + 1)]


def tick_labels(values: list[float]) -> list[str]:
    """Labels for ticks on one step: as many decimals as the step needs, or scientific notation when
    plain digits would run past nine characters."""
    if not values:
        return []
    step = values[1] - values[0] if len(values) > 1 else abs(values[0]) or 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if not math.isclose(step * 10**decimals, round(step * 10**decimals), rel_tol=1e-6):
        decimals += 1  # a step of 2.5 x 10^k needs one digit more
    plain = [f"{v:.{decimals}f}" for v in values]
    if max(len(p) for p in plain) <= 9:
        return plain
    largest = max(abs(v) for v in values)
    digits = max(1, math.floor(math.log10(largest)) - math.floor(math.log10(step)) + 1)
    return [f"{v:.{min(digits, 6)}g}" for v in values]
