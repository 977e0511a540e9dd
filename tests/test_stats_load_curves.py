"""Curves over load levels: interpolation on log load and the first exit from a region."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tpot_widget.stats.load_curves import first_exit, interpolate

X = np.log([1.0, 2.0, 4.0, 8.0])


def test_interpolation_is_exact_at_the_levels_and_linear_in_log_load_between() -> None:
    values = np.array([0.0, 1.0, 3.0, 7.0])
    assert interpolate(X, values, math.log(4.0)) == 3.0
    assert interpolate(X, values, math.log(math.sqrt(8.0))) == pytest.approx(2.0)  # halfway
    draws = np.stack([values, values + 1.0], axis=1)
    assert list(interpolate(X, draws, math.log(math.sqrt(2.0)))) == pytest.approx([0.5, 1.5])
    with pytest.raises(ValueError, match="outside the levels"):
        interpolate(X, values, math.log(16.0))


def test_the_exit_of_a_straight_line_is_exact_and_its_interval_holds_the_draws() -> None:
    line = X - math.log(3.0)  # crosses 0 at x = 3
    rng = np.random.default_rng(0)
    draws = line[:, None] + rng.normal(0.0, 0.05, (1, 4000))  # the whole line shifts
    e = first_exit(X, line, draws, 0.95)
    assert e.status == "within" and e.estimate == pytest.approx(3.0)
    # a shift s moves the exit to 3·e^{s}: the 95% interval is 3·e^{±1.96·0.05}
    assert e.ci_low == pytest.approx(3 * math.exp(-1.96 * 0.05), rel=0.01)
    assert e.ci_high == pytest.approx(3 * math.exp(1.96 * 0.05), rel=0.01)
    assert not e.open_low and not e.open_high


def test_never_leaving_or_never_inside_gives_no_estimate_and_an_open_interval() -> None:
    inside = np.full(4, -1.0)
    e = first_exit(X, inside, inside[:, None] + np.zeros((1, 100)), 0.95)
    assert (e.status, e.estimate, e.ci_high, e.open_high) == ("never left", None, None, True)
    assert e.ci_low == pytest.approx(8.0)  # wholly above the highest point
    outside = np.full(4, 1.0)
    e = first_exit(X, outside, outside[:, None] + np.zeros((1, 100)), 0.95)
    assert (e.status, e.ci_low, e.open_low) == ("never inside", None, True)
    assert e.ci_high == pytest.approx(1.0)
    mixed = np.stack([inside] * 60 + [X - math.log(3.0)] * 40, axis=1)
    e = first_exit(X, X - math.log(3.0), mixed, 0.95)
    assert e.ci_low == pytest.approx(3.0) and e.ci_high is None and e.open_high
    assert first_exit(X[:0], X[:0], np.empty((0, 5)), 0.95).status == "no points"


def test_touching_the_line_counts_as_inside_only_when_inclusive() -> None:
    touch = np.array([-1.0, 0.0, 0.0, 1.0])  # on the line at 2 and 4
    draws = touch[:, None] + np.zeros((1, 10))
    assert first_exit(X, touch, draws, 0.95).estimate == pytest.approx(2.0)
    assert first_exit(X, touch, draws, 0.95, inclusive=True).estimate == pytest.approx(4.0)
