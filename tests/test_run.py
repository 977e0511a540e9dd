"""The Run model: one TPOT definition for every tool, LLMeter-compatible access, conversions."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from factories import make_run

from tpot_widget import Run


@pytest.fixture
def run() -> Run:
    """Four requests: a normal one, one output token, a failure ("" is success), a normal one."""
    return make_run(
        "r",
        duration=None,
        columns={
            "time_to_first_token": [0.1, 0.2, None, 0.05],
            "time_to_last_token": [1.1, 0.2, None, 0.5],
            "num_tokens_output": [11, 1, None, 10],
            "num_tokens_input": [5, 6, None, 7],
            "error": [None, "", "HTTP 503", None],
        },
    )


def test_tpot_is_recomputed_only_with_more_than_one_output_token(run: Run) -> None:
    tpot = run["time_per_output_token"]
    assert tpot[0] == pytest.approx((1.1 - 0.1) / 10)
    assert math.isnan(tpot[1])  # one output token: no TPOT
    assert math.isnan(tpot[2])  # failed request
    assert tpot[3] == pytest.approx(0.45 / 9)


def test_errors_counted_kept_and_excluded_from_valid_rows(run: Run) -> None:
    assert run.n_errors == 1  # "" means success
    assert list(run["error"]) == [None, None, "HTTP 503", None]
    assert run.valid("time_per_output_token").tolist() == [True, False, False, True]
    with pytest.raises(ValueError):
        run.errors[0] = True  # read-only, like every column


def test_get_dimension_is_llmeter_compatible(run: Run) -> None:
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


def test_frame_round_trip_and_repr(run: Run) -> None:
    frame = run.to_pandas()
    assert list(frame.columns)[-1] == "error" and len(frame) == 4
    again = Run.from_frame(frame, name="again")
    np.testing.assert_array_equal(again["time_per_output_token"], run["time_per_output_token"])
    assert again.n_errors == 1
    text = repr(run)
    assert "'r'" in text and "requests=4" in text and "errors=1" in text and "ms" in text
    with pytest.raises(ValueError, match="num_tokens_output"):
        Run.from_frame(pd.DataFrame({"time_to_first_token": [0.1]}))


def test_to_polars_keeps_error_texts(run: Run) -> None:
    pytest.importorskip("polars")
    frame = run.to_polars()
    assert frame["error"].to_list() == [None, None, "HTTP 503", None]
    assert frame.height == 4


# --- impossible values, the number rule, frames, Parquet -----------------------------------


def test_impossible_timings_warn_with_rows_and_become_nan() -> None:
    with pytest.warns(UserWarning, match=r"runs/x\.json: impossible values") as caught:
        run = Run.from_columns(
            "x",
            time_to_first_token=[0.1, 0.5, 0.0, 0.2, 0.0, 2e6],
            time_to_last_token=[1.0, 0.4, 0.0, 0.6, 0.0, 3e6],
            num_tokens_output=[10, 10, 10, 2e9, 10, 10],
            error=[None, None, None, None, "HTTP 500", None],
            source="runs/x.json",
        )
    message = str(caught[0].message)
    assert "TTFT > E2E in 1 (row 1)" in message
    assert "TTFT = E2E = 0 in 1 (row 2)" in message  # row 4 failed: its zeros are placeholders
    assert "above 1e+06 s or a token count above 1e+09 in 2 (rows 3, 5)" in message
    assert run.valid("time_per_output_token").tolist() == [True, False, False, False, False, False]
    assert run["time_to_first_token"][4] == 0.0  # a failed row keeps its values


def test_from_columns_refuses_text_and_booleans() -> None:
    with pytest.raises(ValueError, match=r"'num_tokens_output', row 1: '14' is not a number"):
        Run.from_columns(
            "r",
            time_to_first_token=[0.1, 0.1],
            time_to_last_token=[1, 1],
            num_tokens_output=[9, "14"],
        )
    with pytest.raises(ValueError, match=r"'time_to_first_token', row 0: True"):
        Run.from_columns(
            "r", time_to_first_token=[True], time_to_last_token=[1.0], num_tokens_output=[9]
        )
    with pytest.raises(ValueError, match="holds booleans"):
        Run.from_columns(
            "r",
            time_to_first_token=np.array([0.1]),
            time_to_last_token=np.array([1.0]),
            num_tokens_output=np.array([True]),
        )


def test_from_frame_converts_timedeltas_and_datetimes_to_seconds() -> None:
    frame = pd.DataFrame(
        {
            "time_to_first_token": pd.to_timedelta([0.1, 0.25], unit="s"),
            "time_to_last_token": pd.to_timedelta([1.1, 2.25], unit="s"),
            "num_tokens_output": [11, 21],
            "request_start": pd.to_datetime(["2026-01-01 00:00:05.000", "2026-01-01 00:00:07.500"]),
        }
    )
    run = Run.from_frame(frame)
    np.testing.assert_allclose(run["time_to_first_token"], [0.1, 0.25])
    np.testing.assert_allclose(run["time_to_last_token"], [1.1, 2.25])
    np.testing.assert_allclose(run["request_start"], [0.0, 2.5])
    np.testing.assert_allclose(run["time_per_output_token"], [0.1, 0.1])
    tz = frame.assign(request_start=frame["request_start"].dt.tz_localize("UTC"))
    np.testing.assert_allclose(Run.from_frame(tz)["request_start"], [0.0, 2.5])


def test_from_frame_error_flags_false_zero_empty_none_nan_mean_success() -> None:
    n = 7
    frame = pd.DataFrame(
        {
            "time_to_first_token": [0.1] * n,
            "time_to_last_token": [1.0] * n,
            "num_tokens_output": [10] * n,
            "error": [False, 0, "", None, float("nan"), "HTTP 429", True],
        }
    )
    run = Run.from_frame(frame)
    assert run["error"].tolist() == [None, None, None, None, None, "HTTP 429", "error"]
    bools = frame.assign(error=[False] * (n - 1) + [True])
    assert Run.from_frame(bools).n_errors == 1
    assert Run.from_frame(frame.assign(error=[0] * n)).n_errors == 0


@pytest.mark.parametrize("bad", ["abc", [1, 2], {"v": 1}, True])
def test_from_frame_bad_cells_name_column_and_row(bad: object) -> None:
    values: list[object] = [10, 11, 12]
    values[2] = bad
    frame = pd.DataFrame(
        {
            "time_to_first_token": [0.1, 0.1, 0.1],
            "time_to_last_token": [1.0, 1.0, 1.0],
            "num_tokens_output": pd.Series(values, dtype=object),
        }
    )
    with pytest.raises(ValueError, match=r"column 'num_tokens_output', row 2: .* is not a number"):
        Run.from_frame(frame)


def test_from_frame_refuses_duplicate_columns_and_bad_error_cells() -> None:
    frame = pd.DataFrame(
        [[0.1, 1.0, 10, 0.2]],
        columns=[
            "time_to_first_token",
            "time_to_last_token",
            "num_tokens_output",
            "time_to_first_token",
        ],
    )
    with pytest.raises(ValueError, match=r"duplicate column\(s\) \['time_to_first_token'\]"):
        Run.from_frame(frame)
    frame = pd.DataFrame(
        {
            "time_to_first_token": [0.1, 0.1],
            "time_to_last_token": [1.0, 1.0],
            "num_tokens_output": [10, 10],
            "error": [None, ["boom"]],
        }
    )
    with pytest.raises(ValueError, match=r"column 'error', row 1"):
        Run.from_frame(frame)
    with pytest.raises(ValueError, match="booleans"):
        Run.from_frame(frame.assign(error=None, num_tokens_output=[True, False]))


def _frame_with_errors(errors: pd.Series) -> pd.DataFrame:
    n = len(errors)
    return pd.DataFrame(
        {
            "time_to_first_token": [0.1] * n,
            "time_to_last_token": [1.0] * n,
            "num_tokens_output": [10] * n,
            "error": errors,
        }
    )


@pytest.mark.parametrize(
    "dtype", ["category", "string", pd.StringDtype("pyarrow"), "object"], ids=str
)
def test_an_error_column_means_what_its_values_say_whatever_its_dtype(dtype: object) -> None:
    """A categorical or pandas `string` error column: missing and "" are successes, texts
    failures (issue 16: categorical marked every request failed, `string` was refused)."""
    if str(dtype) == "string[pyarrow]":
        pytest.importorskip("pyarrow")
    errors = pd.Series([None, "HTTP 429", "", None, "HTTP 429", "timeout"], dtype=dtype)
    run = Run.from_frame(_frame_with_errors(errors))
    assert run["error"].tolist() == [None, "HTTP 429", None, None, "HTTP 429", "timeout"]
    assert run.n_errors == 3


def test_from_columns_reads_pandas_missing_errors_as_success() -> None:
    errors = pd.Series([pd.NA, "boom"], dtype="string")
    run = Run.from_columns(
        "r",
        time_to_first_token=[0.1, 0.1],
        time_to_last_token=[1, 1],
        num_tokens_output=[9, 9],
        error=errors,
    )
    assert run["error"].tolist() == [None, "boom"]


@pytest.mark.parametrize("not_a_frame", [[1, 2], {"time_to_first_token": [0.1]}, "x.json", None])
def test_from_frame_says_what_it_expects(not_a_frame: object) -> None:
    with pytest.raises(TypeError, match=r"Run\.from_frame expects a pandas or polars DataFrame"):
        Run.from_frame(not_a_frame)
    with pytest.raises(TypeError, match=type(not_a_frame).__name__):
        Run.from_frame(not_a_frame)


def test_to_parquet_round_trip_is_exact(tmp_path) -> None:
    import tpot_widget

    base = make_run("p", n=500, error_rate=0.1, seed=3)
    ttft = np.array(base["time_to_first_token"])
    ttft[[5, 17]] = np.nan  # missing values survive
    run = Run.from_columns(
        "p run",
        time_to_first_token=ttft,
        time_to_last_token=base["time_to_last_token"],
        num_tokens_output=base["num_tokens_output"],
        num_tokens_input=base["num_tokens_input"],
        tpot_reported=base["time_per_output_token"],
        request_start=base["request_start"],
        error=base["error"],
        format="llmeter",
        source="s3://bucket/run-1",
        metadata={"tool": "LLMeter", "clients": 4, "nested": {"a": [1, 2]}},
    )
    path = run.to_parquet(tmp_path / "p.parquet")
    again = tpot_widget.load_run(path)
    assert (again.name, again.format, again.source) == (run.name, run.format, run.source)
    assert dict(again.metadata) == dict(run.metadata)
    for column in run:
        if column == "error":
            assert again["error"].tolist() == run["error"].tolist()
        else:
            np.testing.assert_array_equal(again[column], run[column])
    assert again.n_errors == run.n_errors > 0
