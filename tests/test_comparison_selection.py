"""`Selection`: one meaning of "the selected rows" for the statistics, the widget and exports."""

from __future__ import annotations

import numpy as np
from factories import make_run

from tpot_widget.comparison import Comparer, Selection
from tpot_widget.comparison.selection import PreparedRun


def test_the_mask_keeps_failed_rows_and_the_statistics_drop_them() -> None:
    run = make_run(n=400, error_rate=0.2, seed=3)
    selection = Selection(token_range=(100, 600), time_range=(10, 50))
    mask = selection.mask(run)
    x, t = run["num_tokens_output"], run["request_start"]
    np.testing.assert_array_equal(mask, (x >= 100) & (x <= 600) & (t >= 10) & (t <= 50))
    assert run.errors[mask].any()  # failed requests inside the ranges are selected...
    prepared = PreparedRun.of_run(run, "time_per_output_token", "num_tokens_output")
    usable = selection.usable(run, "time_per_output_token")
    assert not run.errors[usable].any()  # ...but never counted
    np.testing.assert_array_equal(
        prepared.select(selection), np.sort(run["time_per_output_token"][usable])
    )
    np.testing.assert_array_equal(prepared.mask(selection), mask)


def test_the_comparer_and_the_selection_agree_on_every_run() -> None:
    runs = [make_run("a", seed=1, error_rate=0.1), make_run("b", seed=2, error_rate=0.1)]
    comparer = Comparer(runs)
    selection = Selection(token_range=(200, None))
    for i, run in enumerate(runs):
        np.testing.assert_array_equal(
            comparer.selection_mask(i, selection.token_range), selection.mask(run)
        )


def test_no_range_selects_every_row_and_a_nan_x_only_then() -> None:
    run = make_run(n=50, columns={"num_tokens_output": [None] + [10] * 49})
    assert Selection().mask(run).all()
    assert not Selection(token_range=(None, None)).mask(run)[0]


def test_group_counts_are_the_masks_counts_per_run_of_an_arm() -> None:
    """A sweep's SLO attainment counts rows per run without a mask: the same counts."""
    from tpot_widget.comparison.selection import GroupCounts

    run = make_run(n=900, error_rate=0.1, seed=5)
    x = np.array(run["num_tokens_output"], dtype=np.float64)
    x[::37] = np.nan  # rows without an x: inside no range, counted when nothing is selected
    values, start = run["time_per_output_token"], run["request_start"]
    prepared = PreparedRun(run.name, values, x, start, ~run.errors)
    flags = np.random.default_rng(1).random(len(x)) < 0.7
    groups = np.repeat(np.arange(3), [300, 250, 350])
    counter = GroupCounts(prepared, flags, groups, 4)  # a fourth run without rows
    single = GroupCounts(prepared, flags, None)
    for token_range, time_range in [
        (None, None),
        ((100, 600), None),
        ((None, 300), None),
        ((600, 100), None),
        ((2000, 3000), None),
        ((100, 600), (10, 50)),
        (None, (0, 20)),
    ]:
        selection = Selection(token_range, time_range)
        mask = prepared.mask(selection)
        expected_n = np.bincount(groups[mask], minlength=4).tolist()
        expected_met = np.bincount(groups[mask & flags], minlength=4).tolist()
        assert counter.counts(selection) == (expected_met, expected_n)
        assert single.counts(selection) == ([int((mask & flags).sum())], [int(mask.sum())])
