"""The Run model: one TPOT definition for every tool, LLMeter-compatible access, conversions."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from tpot_widget import Run


def _run() -> Run:
    return Run.from_columns(
        "r",
        time_to_first_token=[0.1, 0.2, None, 0.05],
        time_to_last_token=[1.1, 0.2, None, 0.5],
        num_tokens_output=[11, 1, None, 10],
        num_tokens_input=[5, 6, None, 7],
        error=[None, "", "HTTP 503", None],
    )


def test_tpot_is_recomputed_only_with_more_than_one_output_token() -> None:
    run = _run()
    tpot = run["time_per_output_token"]
    assert tpot[0] == pytest.approx((1.1 - 0.1) / 10)
    assert math.isnan(tpot[1])  # one output token: no TPOT
    assert math.isnan(tpot[2])  # failed request
    assert tpot[3] == pytest.approx(0.45 / 9)


def test_errors_counted_kept_and_excluded_from_valid_rows() -> None:
    run = _run()
    assert run.n_errors == 1  # "" means success
    assert list(run["error"]) == [None, None, "HTTP 503", None]
    assert run.valid("time_per_output_token").tolist() == [True, False, False, True]
    with pytest.raises(ValueError):
        run.errors[0] = True  # read-only, like every column


def test_get_dimension_is_llmeter_compatible() -> None:
    run = _run()
    assert run.run_name == "r"
    assert run.get_dimension("num_tokens_output") == [11, 1, None, 10]
    assert all(isinstance(v, int) for v in run.get_dimension("num_tokens_input") if v)
    ttft = run.get_dimension("time_to_first_token")
    assert ttft[2] is None and [k for k in ttft if k] == [0.1, 0.2, 0.05]


def test_bad_values_become_nan_with_a_counting_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = Run.from_columns(
            "bad",
            time_to_first_token=[float("nan"), -1.0, 0.1],
            time_to_last_token=[1.0, float("inf"), 0.5],
            num_tokens_output=[5, 5, 5],
            source="runs/bad.json",
        )
    messages = [str(w.message) for w in caught]
    assert any("runs/bad.json" in m and "3 NaN, infinite or negative" in m for m in messages)
    assert np.isnan(run["time_to_first_token"][:2]).all()
    assert np.isnan(run["time_to_last_token"][1])


def test_frame_round_trip_and_repr() -> None:
    run = _run()
    frame = run.to_pandas()
    assert list(frame.columns)[-1] == "error" and len(frame) == 4
    again = Run.from_frame(frame, name="again")
    np.testing.assert_array_equal(again["time_per_output_token"], run["time_per_output_token"])
    assert again.n_errors == 1
    text = repr(run)
    assert "'r'" in text and "requests=4" in text and "errors=1" in text and "ms" in text
    with pytest.raises(ValueError, match="num_tokens_output"):
        Run.from_frame(pd.DataFrame({"time_to_first_token": [0.1]}))


def test_to_polars_keeps_error_texts() -> None:
    pytest.importorskip("polars")
    frame = _run().to_polars()
    assert frame["error"].to_list() == [None, None, "HTTP 503", None]
    assert frame.height == 4
