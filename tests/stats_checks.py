"""Shared checks of the statistics tests: our interval endpoints against a reference's
(scipy.stats.bootstrap, or exact resampling) within Monte-Carlo error."""

from __future__ import annotations

import numpy as np


def assert_endpoints_agree(
    mine: np.ndarray, theirs: np.ndarray, *, default_seed: bool = True, se_floor: float = 0.0
) -> None:
    """Our endpoints (one row [low, high] per seed, the default seed first) agree with the
    reference's (one row per reference seed) within Monte-Carlo error.

    SE is the larger spread of the two sets of endpoints (plus `se_floor`); with k reference
    and m of our seeds, the default seed's endpoints lie within 3·SE·√(1 + 1/k) of the
    reference's mean (when `default_seed`), and the mean of ours within 3·SE·√(1/m + 1/k).
    """
    k, m = len(theirs), len(mine)
    se = np.maximum(theirs.std(axis=0, ddof=1), mine.std(axis=0, ddof=1)) + se_floor
    centre = theirs.mean(axis=0)
    if default_seed:
        assert np.all(np.abs(mine[0] - centre) <= 3 * se * np.sqrt(1 + 1 / k)), (
            f"ours {mine[0]} vs the reference {centre} ± {se}"
        )
    assert np.all(np.abs(mine.mean(axis=0) - centre) <= 3 * se * np.sqrt(1 / m + 1 / k)), (
        f"ours (mean of {m} seeds) {mine.mean(axis=0)} vs the reference {centre} ± {se}"
    )
