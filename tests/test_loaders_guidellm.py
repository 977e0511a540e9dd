"""guidellm benchmarks.json, both schemas: every benchmark a run, failed requests kept."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import SWEEPS, levels, other_tools_files, sweep_structure

import tpot_widget
from tpot_widget.loaders import LoadError, guidellm
from tpot_widget.run import NUMERIC_COLUMNS, Run

NEW = "guidellm-0.8.1_mock_concurrent4_benchmarks.json"
OLD = "benchmarks_stripped_v0.2-0.3_schema.json"


def _path(fixtures_dir: Path, name: str) -> Path:
    return fixtures_dir / "guidellm" / name


def _raw(fixtures_dir: Path, name: str) -> dict[str, Any]:
    return json.loads(_path(fixtures_dir, name).read_text())


def _write(tmp_path: Path, data: Any, name: str = "benchmarks.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def _assert_same_runs(a: list[Run], b: list[Run]) -> None:
    assert [r.name for r in a] == [r.name for r in b]
    for x, y in zip(a, b, strict=True):
        assert x.format == y.format == "guidellm"
        for column in NUMERIC_COLUMNS:
            np.testing.assert_array_equal(x[column], y[column])
        assert list(x["error"]) == list(y["error"])


@contextmanager
def _no_warning() -> Iterator[None]:
    """Fail the test if anything inside warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _tpot(e2e: float, ttft: float, n: int) -> float:
    return (e2e - ttft) / (n - 1)


def test_new_schema_values_match_raw_fields(fixtures_dir: Path) -> None:
    raw = _raw(fixtures_dir, NEW)
    runs = guidellm.load(_path(fixtures_dir, NEW))
    assert len(runs) == len(raw["benchmarks"]) == 1
    run = runs[0]
    assert run.name == "mock-model · concurrent 4 streams"
    requests = raw["benchmarks"][0]["requests"]["successful"]
    assert len(run) == len(requests) == 24
    assert run.n_errors == 0
    first = min(r["request_start_time"] for r in requests)
    for i in (0, 7, 23):
        r = requests[i]
        ttft = r["time_to_first_token_ms"] / 1e3
        # the tool's TTFT agrees with its own timings
        timings = r["info"]["timings"]
        assert ttft == pytest.approx(timings["first_token_iteration"] - timings["request_start"])
        e2e = r["request_latency"]
        assert run["time_to_first_token"][i] == pytest.approx(ttft, rel=1e-12)
        assert run["time_to_last_token"][i] == pytest.approx(e2e, rel=1e-12)
        assert run["time_per_output_token"][i] == pytest.approx(
            _tpot(e2e, ttft, r["output_tokens"]), rel=1e-12
        )
        assert run["tpot_reported"][i] == pytest.approx(r["time_per_output_token_ms"] / 1e3)
        assert run["num_tokens_input"][i] == r["prompt_tokens"]
        assert run["num_tokens_output"][i] == r["output_tokens"]
        assert run["request_start"][i] == pytest.approx(r["request_start_time"] - first)
    assert np.nanmin(run["request_start"]) == 0.0
    assert run.metadata["schema"] == "0.4+"
    assert run.metadata["guidellm_version"] == "0.8.1"
    assert run.metadata["model"] == "mock-model"


def test_old_schema_values_match_raw_fields_and_sampling_warns(fixtures_dir: Path) -> None:
    raw = _raw(fixtures_dir, OLD)
    bench = raw["benchmarks"][0]
    # guidellm 0.2-0.3 saved only a sample of the 47 requests: say so instead of hiding it
    with pytest.warns(UserWarning, match=r"sample of the requests successful 1 of 46"):
        runs = guidellm.load(_path(fixtures_dir, OLD))
    assert [r.name for r in runs] == ["example_model · synchronous"]
    run = runs[0]
    r = bench["requests"]["successful"][0]
    ttft = r["first_token_time"] - r["start_time"]
    e2e = r["end_time"] - r["start_time"]
    assert run["time_to_first_token"][0] == pytest.approx(ttft, rel=1e-9)
    assert run["time_to_last_token"][0] == pytest.approx(e2e, rel=1e-9)
    assert run["time_per_output_token"][0] == pytest.approx(_tpot(e2e, ttft, r["output_tokens"]))
    assert run["num_tokens_input"][0] == r["prompt_tokens"] == 257
    assert run["num_tokens_output"][0] == r["output_tokens"] == 128
    assert run["request_start"][0] == 0.0
    assert run.metadata["schema"] == "0.2-0.3"
    assert run.metadata["requests_made"]["total"] == 47


@pytest.mark.parametrize("name", [NEW, OLD])
def test_detected_by_content(fixtures_dir: Path, tmp_path: Path, name: str) -> None:
    path = _path(fixtures_dir, name)
    with pytest.warns() if name == OLD else _no_warning():
        detected = tpot_widget.load_runs(path)
    with pytest.warns() if name == OLD else _no_warning():
        direct = guidellm.load(path)
    _assert_same_runs(detected, direct)
    renamed = tmp_path / "results.json"
    renamed.write_bytes(path.read_bytes())
    with pytest.warns() if name == OLD else _no_warning():
        assert tpot_widget.load_run(renamed).format == "guidellm"


def test_sniff_rejects_other_tools(fixtures_dir: Path) -> None:
    for other in other_tools_files(fixtures_dir, "guidellm", "*.json*"):
        assert not guidellm.sniff(other, other.read_bytes()[: 1 << 16]), other


def _new_with_failures(fixtures_dir: Path) -> dict[str, Any]:
    """The 0.8.1 report with 3 benchmarks; the second has errored and incomplete requests."""
    raw = _raw(fixtures_dir, NEW)
    bench = raw["benchmarks"][0]
    failing = copy.deepcopy(bench)
    ok = failing["requests"]["successful"]
    errored, incomplete = copy.deepcopy(ok[0]), copy.deepcopy(ok[1])
    failing["requests"]["successful"] = ok[2:]
    errored["info"]["status"] = "errored"
    errored["info"]["error"] = "HTTPStatusError: 500 Internal Server Error"
    errored["info"]["timings"]["first_token_iteration"] = None
    errored.update(
        time_to_first_token_ms=None,
        time_per_output_token_ms=None,
        output_tokens=None,
        request_latency=None,
    )
    incomplete["info"]["status"] = "cancelled"
    incomplete["info"]["error"] = None
    incomplete.update(request_latency=None, output_tokens=3)
    failing["requests"]["errored"] = [errored]
    failing["requests"]["incomplete"] = [incomplete]
    failing["scheduler_metrics"]["requests_made"] = {
        "successful": 22,
        "errored": 1,
        "incomplete": 1,
        "total": 24,
    }
    failing["config"]["strategy"] = {"type_": "constant", "rate": 2.5, "max_concurrency": None}
    raw["benchmarks"] = [bench, failing, copy.deepcopy(bench)]
    return raw


def test_errored_and_incomplete_requests_are_kept(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _new_with_failures(fixtures_dir)
    path = _write(tmp_path, raw)
    with _no_warning():  # every request was saved: no sampling warning
        runs = tpot_widget.load_runs(path)
    # one run per benchmark, unique names from the strategy / rate
    assert [r.name for r in runs] == [
        "mock-model · concurrent 4 streams (1)",
        "mock-model · constant 2.5 req/s",
        "mock-model · concurrent 4 streams (2)",
    ]
    run = runs[1]
    assert len(run) == 24
    assert run.n_errors == 2
    errors = list(run["error"])
    assert errors[:22] == [None] * 22
    assert errors[22] == "HTTPStatusError: 500 Internal Server Error"
    assert errors[23].startswith("incomplete: ")
    assert "cancelled" in errors[23]
    err = raw["benchmarks"][1]["requests"]["errored"][0]
    # E2E falls back to the request's own end − start; no TTFT and no token count
    assert run["time_to_last_token"][22] == pytest.approx(
        err["request_end_time"] - err["request_start_time"]
    )
    assert np.isnan(run["time_to_first_token"][22])
    assert np.isnan(run["num_tokens_output"][22])
    inc = raw["benchmarks"][1]["requests"]["incomplete"][0]
    assert run["time_to_first_token"][23] == pytest.approx(inc["time_to_first_token_ms"] / 1e3)
    # failed requests never reach the statistics
    assert not run.valid("time_per_output_token")[22:].any()
    assert run.valid("time_per_output_token")[:22].all()
    starts = [
        r["request_start_time"]
        for s in ("successful", "errored", "incomplete")
        for r in raw["benchmarks"][1]["requests"][s]
    ]
    assert run["request_start"] == pytest.approx(np.array(starts) - min(starts))


def test_old_schema_errored_and_incomplete(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _raw(fixtures_dir, OLD)
    bench = raw["benchmarks"][0]
    ok = bench["requests"]["successful"][0]
    errored = copy.deepcopy(ok)
    errored.update(
        type_="generative_text_error",
        error="ReadTimeout",
        end_time=None,
        last_token_time=None,
        output_tokens=None,
        request_latency=None,
        time_to_first_token_ms=None,
        time_per_output_token_ms=None,
        start_time=ok["start_time"] + 2.0,
        first_token_time=ok["first_token_time"] + 2.0,
    )
    incomplete = copy.deepcopy(ok)
    incomplete.update(type_="generative_text_error", error="Request was cancelled")
    bench["requests"]["errored"] = [errored]
    bench["requests"]["incomplete"] = [incomplete]
    bench["request_totals"] = {"successful": 1, "errored": 1, "incomplete": 1, "total": 3}
    bench["args"]["strategy"] = {"type_": "poisson", "rate": 4.0}
    with _no_warning():
        run = tpot_widget.load_run(_write(tmp_path, raw))
    assert run.name == "example_model · poisson 4 req/s"
    assert list(run["error"]) == [None, "ReadTimeout", "incomplete: Request was cancelled"]
    # no time_to_first_token_ms: computed from the flat timestamps
    assert run["time_to_first_token"][1] == pytest.approx(
        errored["first_token_time"] - errored["start_time"]
    )
    assert np.isnan(run["time_to_last_token"][1])
    assert run["request_start"][1] == pytest.approx(2.0)
    assert run.valid("time_per_output_token").tolist() == [True, False, False]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"benchmarks": []}, "the 'benchmarks' list is empty"),
        ({"benchmarks": None}, "the 'benchmarks' list is empty or missing"),
        ({"metadata": {"guidellm_version": "0.8.1"}}, "an object with 'benchmarks'"),
        (
            {"benchmarks": [{"config": {"strategy": {"type_": "synchronous"}}}]},
            "benchmarks[0] (benchmarks · synchronous) has no per-request data",
        ),
        (
            {
                "benchmarks": [
                    {"requests": {"successful": [], "errored": [], "incomplete": []}},
                ]
            },
            "benchmarks[0] (benchmarks · benchmark 0) holds no requests",
        ),
        (
            {
                "benchmarks": [
                    {
                        "requests": {
                            "successful": [
                                {"request_start_time": 1.0, "prompt_tokens": "many"},
                            ]
                        }
                    }
                ]
            },
            "benchmarks[0].requests.successful[0].prompt_tokens: expected a number",
        ),
    ],
)
def test_bad_input_names_file_and_place(tmp_path: Path, data: Any, expected: str) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(LoadError) as info:
        guidellm.load(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_report_without_benchmarks_is_detected_and_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, {"metadata": {"guidellm_version": "0.8.1"}, "benchmarks": []})
    with pytest.raises(LoadError, match="holds no run") as info:
        tpot_widget.load_runs(path)
    assert str(path) in str(info.value)


def test_runs_of_two_files_are_told_apart_by_model(fixtures_dir: Path, tmp_path: Path) -> None:
    """Two models run with the same strategy: the names say which model is which."""
    raw = _raw(fixtures_dir, OLD)
    other = copy.deepcopy(raw)
    other["benchmarks"][0]["worker"]["backend_model"] = "meta-llama/Llama-3.1-8B-Instruct"
    a = _write(tmp_path, raw, "qwen.json")
    b = _write(tmp_path, other, "llama.json")
    with pytest.warns(UserWarning, match="sample of the requests"):
        runs = tpot_widget.load_runs([a, b])
    assert [r.name for r in runs] == [
        "example_model · synchronous",
        "Llama-3.1-8B-Instruct · synchronous",
    ]
    assert runs[1].metadata["model"] == "meta-llama/Llama-3.1-8B-Instruct"


def test_file_stem_names_a_run_without_model(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _raw(fixtures_dir, NEW)
    del raw["benchmarks"][0]["config"]["backend"]["model"]
    with _no_warning():
        run = tpot_widget.load_run(_write(tmp_path, raw, "h100-run.json"))
    assert run.name == "h100-run · concurrent 4 streams"


# --- load levels and sweeps ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        (
            "guidellm-0.8.1-sweep",
            [("synchronous", 1.0), ("throughput", None), ("rate", 2.0), ("rate", 4.0)],
        ),
        (
            "guidellm-0.3-sweep",
            [("synchronous", 1.0), ("throughput", None), ("rate", 1.5), ("rate", 3.0)],
        ),
    ],
)
def test_a_sweep_file_loads_each_benchmark_at_its_strategy(
    fixtures_dir: Path, folder: str, expected: list[tuple[str, float | None]]
) -> None:
    runs = tpot_widget.load_runs(fixtures_dir / SWEEPS / folder / "benchmarks.json")
    assert levels(runs) == expected
    # one file is one configuration's sweep, named by model and folder; no repeats
    config = f"Llama-3.1-8B-Instruct · {folder}"
    assert sweep_structure(runs) == [(config, None)] * len(expected)
    assert len({r.name for r in runs}) == len(runs)  # the names tell the levels apart


@pytest.mark.filterwarnings("ignore:.*kept only a sample")
def test_single_run_fixtures_have_their_strategy_level(fixtures_dir: Path) -> None:
    assert levels(guidellm.load(_path(fixtures_dir, NEW))) == [("concurrency", 4.0)]
    assert levels(guidellm.load(_path(fixtures_dir, OLD))[:1]) == [("synchronous", 1.0)]


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ({"type_": "poisson", "rate": 0.5}, ("rate", 0.5)),
        ({"type_": "concurrent", "streams": 16, "max_concurrency": 16}, ("concurrency", 16.0)),
        ({"type_": "throughput", "max_concurrency": 64}, ("throughput", None)),
        ({"type_": "trace"}, None),  # a replayed trace runs at no one level
        ({"type_": "constant", "rate": "fast"}, None),  # not a rate: no level, loads anyway
    ],
)
@pytest.mark.filterwarnings("ignore:.*kept only a sample")
@pytest.mark.parametrize("schema", [NEW, OLD])
def test_every_strategy_type_gives_its_level(
    fixtures_dir: Path, tmp_path: Path, strategy: dict[str, Any], expected: object, schema: str
) -> None:
    raw = _raw(fixtures_dir, schema)
    section = "config" if schema == NEW else "args"  # 0.4+ / 0.2-0.3
    raw["benchmarks"][0][section]["strategy"] = strategy
    assert levels(guidellm.load(_write(tmp_path, raw))[:1]) == [expected]
