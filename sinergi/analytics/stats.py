"""The spike test of the hotspot map: plain Python, no Django.

A region's count this month is compared with its own last twelve months. Under the hypothesis that nothing
changed, the count is Poisson with the mean of those twelve months (floored at MIN_BASELINE so a region that
had nothing does not flag on its first case). The month is a spike when P(X >= count) < ALPHA and the count
is at least MIN_COUNT: a one-sided Poisson test at the 1 % level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ALPHA = 0.01
MIN_COUNT = 3
MIN_BASELINE = 0.25
BASELINE_MONTHS = 12


@dataclass(frozen=True)
class Spike:
    count: int
    baseline_mean: float
    baseline_months: int
    p_value: float

    @property
    def test(self) -> str:
        return "poisson_upper_tail"


def poisson_upper_tail(count: int, mean: float) -> float:
    """P(X >= count) for X ~ Poisson(mean), summed in log space so large counts do not overflow."""
    if count <= 0:
        return 1.0
    below = 0.0
    log_term = -mean  # log P(X = 0)
    for k in range(count):
        if k:
            log_term += math.log(mean) - math.log(k)
        below += math.exp(log_term)
    return max(0.0, 1.0 - below)


def spike(count: int, history: list[int]) -> Spike | None:
    """A Spike when `count` is significantly above the mean of `history` (the previous months, oldest first)."""
    window = history[-BASELINE_MONTHS:]
    if count < MIN_COUNT or not window:
        return None
    mean = max(sum(window) / len(window), MIN_BASELINE)
    p_value = poisson_upper_tail(count, mean)
    if p_value >= ALPHA:
        return None
    return Spike(
        count=count,
        baseline_mean=round(sum(window) / len(window), 2),
        baseline_months=len(window),
        p_value=p_value,
    )
