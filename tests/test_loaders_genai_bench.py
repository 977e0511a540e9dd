"""genai-bench run files: units from `_time_unit`, errors kept, named by model and load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import SWEEPS, levels, other_tools_files, quiet_load, sweep_structure

import tpot_widget
from tpot_widget import Load
from tpot_widget.loaders import LoadError, genai_bench

FOLDER = Path("genai-bench") / "openai_vllm_text-to-text_llama-3.1-8b"
RUN = FOLDER / "D(100,100)_text-to-text_num_concurrency_2_time_4s.json"


def _raw(fixtures_dir: Path) -> dict[str, Any]:
    return json.loads((fixtures_dir / RUN).read_text())


def _write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def test_values_match_raw_fields(fixtures_dir: Path) -> None:
    raw = _raw(fixtures_dir)
    assert raw["_time_unit"] == "ms"
    run = tpot_widget.load_run(fixtures_dir / RUN)
    assert run.format == "genai-bench"
    requests = raw["individual_request_metrics"]
    assert len(run) == len(requests) == 5
    for i, r in enumerate(requests):
        if r["error_code"] is not None:
            continue
        ttft, e2e, n = r["ttft"] / 1e3, r["e2e_latency"] / 1e3, r["num_output_tokens"]
        assert run["time_to_first_token"][i] == pytest.approx(ttft, rel=1e-12)
        assert run["time_to_last_token"][i] == pytest.approx(e2e, rel=1e-12)
        assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (n - 1))
        assert run["tpot_reported"][i] == pytest.approx(r["tpot"] / 1e3)
        assert run["num_tokens_input"][i] == r["num_input_tokens"]
        assert run["num_tokens_output"][i] == n
    # by hand from request 0: (1331.2 - 81.2) ms / (101 - 1) tokens = 12.5 ms
    assert run["time_per_output_token"][0] == pytest.approx(0.0125)
    assert np.isnan(run["request_start"]).all()  # genai-bench keeps no start times


def test_failed_request_keeps_code_and_message(fixtures_dir: Path) -> None:
    run = genai_bench.load(fixtures_dir / RUN)[0]
    assert run.n_errors == 1
    assert run["error"][2] == "error 503: Connection error: Server disconnected"
    assert not run.valid("time_per_output_token")[2]


def test_seconds_unit_and_missing_unit(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _raw(fixtures_dir)
    for r in raw["individual_request_metrics"]:
        for key in ("ttft", "tpot", "e2e_latency", "output_latency"):
            if r[key] is not None:
                r[key] /= 1e3
    raw["_time_unit"] = "s"
    in_s = genai_bench.load(_write(tmp_path / "s" / "run.json", raw))[0]
    del raw["_time_unit"]  # files written before the unit option: seconds
    unitless = genai_bench.load(_write(tmp_path / "u" / "run.json", raw))[0]
    in_ms = genai_bench.load(fixtures_dir / RUN)[0]
    for column in ("time_to_first_token", "time_to_last_token", "time_per_output_token"):
        np.testing.assert_allclose(in_s[column], in_ms[column], rtol=1e-12)
        np.testing.assert_allclose(unitless[column], in_ms[column], rtol=1e-12)


def test_named_by_model_scenario_and_concurrency(fixtures_dir: Path, tmp_path: Path) -> None:
    run = genai_bench.load(fixtures_dir / RUN)[0]
    assert run.name == "Llama-3.1-8B-Instruct · D(100,100) · concurrency 2"
    assert run.metadata["model"] == "meta-llama/Llama-3.1-8B-Instruct"
    # no experiment_metadata.json: the experiment folder stands in for the model
    alone = _write(tmp_path / "my-exp" / "run.json", _raw(fixtures_dir))
    assert genai_bench.load(alone)[0].name == "my-exp · D(100,100) · concurrency 2"


def test_detected_by_content_only_genai_bench(fixtures_dir: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "whatever.json"
    renamed.write_bytes((fixtures_dir / RUN).read_bytes())
    assert tpot_widget.load_run(renamed).format == "genai-bench"
    for other in other_tools_files(fixtures_dir, "genai-bench"):
        assert not genai_bench.sniff(other, other.read_bytes()[: 1 << 16]), other


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"aggregated_metrics": {}}, "expected a genai-bench run file"),
        (
            {"aggregated_metrics": {}, "individual_request_metrics": []},
            "'individual_request_metrics' is empty",
        ),
        (
            {"individual_request_metrics": [{"ttft": 1}], "_time_unit": "us"},
            "unknown _time_unit 'us'",
        ),
        (
            {"individual_request_metrics": [{"ttft": "0.1"}], "_time_unit": "s"},
            "individual_request_metrics[0].ttft",
        ),
        ({"individual_request_metrics": [[1, 2]]}, "individual_request_metrics[0] is a list"),
        (  # an entry with none of the fields is no request (not a request of NaN)
            {"individual_request_metrics": [{"ttft": 0.1, "e2e_latency": 1.0}, {}, {"x": 1}]},
            "individual_request_metrics[1] holds none of genai-bench's per-request fields",
        ),
    ],
)
def test_bad_input_names_file_and_place(tmp_path: Path, data: Any, expected: str) -> None:
    path = _write(tmp_path / "run.json", data)
    with pytest.raises(LoadError) as info:
        genai_bench.load(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


# --- load levels and sweeps ----------------------------------------------------------------


def test_an_experiment_folder_is_one_sweep_per_scenario(fixtures_dir: Path) -> None:
    runs = quiet_load(fixtures_dir / SWEEPS / "genai-bench-sweep")
    experiment = "openai_vllm_text-to-text_llama-3.1-8b_20260601_120000"
    assert [(r.metadata["scenario"], r.load) for r in runs] == [
        (s, Load("concurrency", c)) for s in ("D(100,100)", "D(2000,200)") for c in (1, 4)
    ]
    assert sweep_structure(runs) == [
        (f"{experiment} · {s}", None) for s in ("D(100,100)", "D(2000,200)") for _ in (1, 4)
    ]
    assert len({r.name for r in runs}) == 4


def test_a_batch_size_run_is_at_concurrency_one(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _raw(fixtures_dir)
    raw["aggregated_metrics"] |= {"iteration_type": "batch_size", "batch_size": 32}
    del raw["aggregated_metrics"]["num_concurrency"]  # genai-bench's default, 1
    (run,) = genai_bench.load(_write(tmp_path / "exp" / "run.json", raw))
    assert levels([run]) == [("concurrency", 1.0)]
    assert sweep_structure([run]) == [("exp · D(100,100) · batch size 32", None)]
