"""The spike test: a one-sided Poisson test against the region's own previous twelve months."""

import math

from sinergi.analytics import stats


def test_upper_tail_matches_the_formula():
    # P(X >= 3 | mean 1) = 1 - e^-1 (1 + 1 + 1/2)
    assert math.isclose(stats.poisson_upper_tail(3, 1.0), 1 - math.exp(-1) * 2.5, rel_tol=1e-9)
    assert stats.poisson_upper_tail(0, 5.0) == 1.0


def test_a_month_far_above_the_usual_is_a_spike_with_its_numbers():
    found = stats.spike(8, [1] * 12)
    assert found is not None
    assert (found.count, found.baseline_mean, found.baseline_months) == (8, 1.0, 12)
    assert found.p_value < 0.001
    assert found.test == "poisson_upper_tail"


def test_ordinary_months_and_tiny_counts_are_not_spikes():
    assert stats.spike(3, [2] * 12) is None  # P(X >= 3 | 2) = 0.32
    assert stats.spike(2, [0] * 12) is None  # fewer than MIN_COUNT cases
    assert stats.spike(5, []) is None  # no history to compare with


def test_only_the_last_twelve_months_count():
    # Ten busy months long ago do not hide a spike against the last quiet year.
    assert stats.spike(6, [20] * 10 + [0] * 12) is not None
