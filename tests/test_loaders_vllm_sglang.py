"""vLLM and SGLang serving-benchmark results: parallel per-request arrays, runs per line."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import SWEEPS, levels, sweep_structure

import tpot_widget
from tpot_widget.loaders import LoadError, sglang, vllm


def _vllm_path(fixtures_dir: Path) -> Path:
    return fixtures_dir / "vllm" / "vllm-0.33.0_mock_openai-chat_c4_detailed.json"


def _sglang_path(fixtures_dir: Path) -> Path:
    return fixtures_dir / "sglang" / "sglang-0.5.23_mock_concurrency4_output-details.jsonl"


def _vllm_raw(fixtures_dir: Path) -> dict[str, Any]:
    return json.loads(_vllm_path(fixtures_dir).read_text())


def _sglang_raw(fixtures_dir: Path) -> dict[str, Any]:
    return json.loads(_sglang_path(fixtures_dir).read_text().splitlines()[0])


def _write(path: Path, *objects: dict[str, Any]) -> Path:
    path.write_text("\n".join(json.dumps(o) for o in objects))
    return path


# --- vLLM ----------------------------------------------------------------------------------


def test_vllm_fixture_values_match_raw_arrays(fixtures_dir: Path) -> None:
    raw = _vllm_raw(fixtures_dir)
    run = tpot_widget.load_run(_vllm_path(fixtures_dir))
    assert run.format == "vllm"
    assert run.name == f"{raw['model_id']} {raw['date']}"  # no label
    assert len(run) == len(raw["ttfts"]) == 24
    assert run.n_errors == sum(bool(e) for e in raw["errors"]) == 0
    assert run.metadata["model_id"] == "mock-model"
    assert run.metadata["max_concurrency"] == 4
    first = min(raw["start_times"])
    for i in (0, 7, 23):
        ttft, e2e, n = raw["ttfts"][i], raw["latencies"][i], raw["output_lens"][i]
        assert run["time_to_first_token"][i] == ttft
        assert run["time_to_last_token"][i] == e2e
        assert run["num_tokens_input"][i] == raw["input_lens"][i]
        assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (n - 1))
        assert run["request_start"][i] == pytest.approx(raw["start_times"][i] - first)
    assert np.isnan(run["tpot_reported"]).all()  # vLLM keeps no per-request TPOT
    # vLLM's own median TPOT uses the same formula
    tpot = run["time_per_output_token"]
    assert np.median(tpot) * 1e3 == pytest.approx(raw["median_tpot_ms"], rel=1e-9)


def test_vllm_without_latencies_sums_the_itls(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _vllm_raw(fixtures_dir)
    del raw["latencies"], raw["start_times"]
    (run,) = vllm.load(_write(tmp_path / "old.json", raw))
    for i in (0, 5, 23):
        expected = raw["ttfts"][i] + math.fsum(raw["itls"][i])
        assert run["time_to_last_token"][i] == pytest.approx(expected, abs=1e-12)
    assert np.isnan(run["request_start"]).all()


def test_vllm_failed_requests_keep_their_error(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _vllm_raw(fixtures_dir)
    for i in (2, 9):  # what vLLM writes for a failed request
        raw["ttfts"][i], raw["itls"][i], raw["output_lens"][i] = 0.0, [], 0
        raw["latencies"][i] = 0.0
        raw["errors"][i] = "Traceback ... ClientConnectorError"
    run = tpot_widget.load_run(_write(tmp_path / "failed.json", raw))
    assert run.n_errors == 2
    assert run["error"][9] == "Traceback ... ClientConnectorError"
    assert np.isnan(run["time_to_first_token"][[2, 9]]).all()  # 0.0 placeholders dropped
    assert run.valid("time_per_output_token").sum() == 22


def test_vllm_append_result_holds_one_run_per_line(fixtures_dir: Path, tmp_path: Path) -> None:
    first = _vllm_raw(fixtures_dir)
    second = dict(first, label="tuned", ttfts=[t / 2 for t in first["ttfts"]])
    path = _write(tmp_path / "appended.json", first, second)
    runs = tpot_widget.load_runs(path)
    assert [r.name for r in runs] == ["mock-model 20261128-020142", "tuned"]
    assert runs[1]["time_to_first_token"][0] == first["ttfts"][0] / 2
    with pytest.raises(LoadError, match=r"found 2: 'mock-model 20261128-020142'.*'tuned'"):
        tpot_widget.load_run(path)
    # a label used twice still gives runs told apart
    twice = _write(tmp_path / "twice.json", second, second)
    assert [r.name for r in tpot_widget.load_runs(twice)] == ["tuned (1)", "tuned (2)"]


def test_vllm_without_save_detailed_says_what_to_do(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _vllm_raw(fixtures_dir)
    for key in ("input_lens", "output_lens", "ttfts", "itls", "generated_texts", "errors"):
        del raw[key]  # what --save-result alone keeps (latencies stay)
    path = _write(tmp_path / "aggregate.json", raw)
    with pytest.raises(LoadError, match="--save-detailed") as info:
        tpot_widget.load_run(path)
    assert str(path) in str(info.value)


def test_vllm_mismatched_arrays_name_the_field(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _vllm_raw(fixtures_dir)
    raw["output_lens"] = raw["output_lens"][:-1]
    with pytest.raises(LoadError, match=r"output_lens.*23 entries.*24"):
        vllm.load(_write(tmp_path / "bad.json", raw))


# --- SGLang --------------------------------------------------------------------------------


def test_sglang_fixture_values_match_raw_arrays(fixtures_dir: Path) -> None:
    raw = _sglang_raw(fixtures_dir)
    path = _sglang_path(fixtures_dir)
    run = tpot_widget.load_run(path)
    assert run.format == "sglang"
    assert run.name == path.stem
    assert len(run) == len(raw["ttfts"]) == 24
    assert run.n_errors == 0
    assert run.metadata["dataset_name"] == "random-ids"
    assert run.metadata["request_rate"] == "inf"  # JSON-safe
    for i in (0, 11, 23):
        ttft, n = raw["ttfts"][i], raw["output_lens"][i]
        e2e = ttft + math.fsum(raw["itls"][i])
        assert run["time_to_first_token"][i] == ttft
        assert run["time_to_last_token"][i] == pytest.approx(e2e, abs=1e-12)
        assert run["num_tokens_output"][i] == n
        assert run["num_tokens_input"][i] == raw["input_lens"][i]
        assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (n - 1))
    assert np.isnan(run["request_start"]).all()
    assert np.isnan(run["tpot_reported"]).all()
    # TTFT + sum(ITLs) misses only the stream's tail after the last token
    e2e_all = run["time_to_last_token"]
    assert np.mean(e2e_all) * 1e3 == pytest.approx(raw["mean_e2e_latency_ms"], rel=1e-3)


def test_sglang_runs_per_line_and_tags(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _sglang_raw(fixtures_dir)
    second = dict(raw, max_concurrency=8)
    third = dict(raw, tag="bf16")
    runs = sglang.load(_write(tmp_path / "out.jsonl", raw, second, third))
    assert [r.name for r in runs] == [
        "out #1 (rate=inf, max_concurrency=4)",
        "out #2 (rate=inf, max_concurrency=8)",
        "bf16",
    ]
    # one tag on two lines: told apart by the naming rule of every surface
    twice = sglang.load(_write(tmp_path / "twice.jsonl", third, third))
    assert [r.name for r in twice] == ["bf16 (1)", "bf16 (2)"]


def test_sglang_without_output_details_says_what_to_do(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _sglang_raw(fixtures_dir)
    for key in ("input_lens", "output_lens", "ttfts", "itls", "generated_texts", "errors"):
        del raw[key]
    path = _write(tmp_path / "aggregate.jsonl", raw)
    with pytest.raises(LoadError, match=r"--output-details.*0\.4\.7"):
        tpot_widget.load_run(path)
    # a file mixing runs with and without details loads the detailed ones and warns
    mixed = _write(tmp_path / "mixed.jsonl", raw, _sglang_raw(fixtures_dir))
    with pytest.warns(UserWarning, match=r"skipped 1 run.*mixed\.jsonl:1"):
        runs = tpot_widget.load_runs(mixed)
    assert len(runs) == 1


def test_vllm_and_sglang_are_told_apart_by_content(fixtures_dir: Path, tmp_path: Path) -> None:
    vllm_head = _vllm_path(fixtures_dir).read_bytes()[:65536]
    sglang_head = _sglang_path(fixtures_dir).read_bytes()[:65536]
    neutral = tmp_path / "result.json"
    assert vllm.sniff(neutral, vllm_head) and not sglang.sniff(neutral, vllm_head)
    assert sglang.sniff(neutral, sglang_head) and not vllm.sniff(neutral, sglang_head)
    # file names do not matter
    renamed = tmp_path / "sglang_results.jsonl"
    renamed.write_bytes(_vllm_path(fixtures_dir).read_bytes())
    assert tpot_widget.load_run(renamed).format == "vllm"
    # pretty-printed vLLM output is recognised and read too
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(_vllm_raw(fixtures_dir), indent=2))
    assert len(tpot_widget.load_run(pretty)) == 24


# --- load levels and sweeps ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"request_rate": "inf", "max_concurrency": 16}, ("concurrency", 16.0)),
        ({"request_rate": 2.5, "max_concurrency": None}, ("rate", 2.5)),
        ({"request_rate": 2.5, "max_concurrency": 64}, ("rate", 2.5)),  # the cap is no level
        ({"request_rate": "inf", "max_concurrency": None}, ("throughput", None)),
        ({"request_rate": 4, "ramp_up_strategy": "linear"}, None),  # the rate changes
        ({"request_rate": "fast", "max_concurrency": None}, None),
    ],
)
def test_vllm_level_is_the_rate_else_the_concurrency(
    fixtures_dir: Path, tmp_path: Path, fields: dict[str, Any], expected: object
) -> None:
    raw = _vllm_raw(fixtures_dir) | fields
    assert levels(vllm.load(_write(tmp_path / "r.json", raw))) == [expected]


def test_fixture_levels_of_vllm_and_sglang(fixtures_dir: Path) -> None:
    # vLLM writes request_rate "inf", SGLang Infinity; both with max_concurrency 4
    assert levels(vllm.load(_vllm_path(fixtures_dir))) == [("concurrency", 4.0)]
    assert levels(sglang.load(_sglang_path(fixtures_dir))) == [("concurrency", 4.0)]


def test_appended_runs_form_one_sweep_at_their_levels(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _vllm_raw(fixtures_dir)
    runs = [raw | {"max_concurrency": c, "date": f"2026010{c}"} for c in (1, 4, 16)]
    loaded = vllm.load(_write(tmp_path / "appended.json", *runs))
    assert levels(loaded) == [("concurrency", 1.0), ("concurrency", 4.0), ("concurrency", 16.0)]
    assert sweep_structure(loaded) == [("mock-model · appended", None)] * 3
    sglang_raw = _sglang_raw(fixtures_dir)
    lines = [sglang_raw | {"request_rate": r, "max_concurrency": None} for r in (1.0, 2.0)]
    loaded = sglang.load(_write(tmp_path / "sg.jsonl", *lines))
    assert levels(loaded) == [("rate", 1.0), ("rate", 2.0)]
    assert {c for c, _ in sweep_structure(loaded)} == {"sglang-oai-chat · sg"}
    # a file of one run is no sweep
    assert sweep_structure(vllm.load(_vllm_path(fixtures_dir))) == [(None, None)]


def _vllm_sweep(fixtures_dir: Path) -> Path:
    return fixtures_dir / SWEEPS / "vllm-sweep"


def test_a_vllm_sweep_folder_loads_each_configuration_level_and_repeat(fixtures_dir: Path) -> None:
    runs = tpot_widget.load_runs(_vllm_sweep(fixtures_dir))
    assert (
        len(runs) == 8
    )  # 2 SERVE sets x 2 levels x 2 runs; warmup.json and summary.json are not runs
    table = sorted(
        (str(r.metadata["sweep_config"]), r.load.value, r.metadata["repeat"])  # type: ignore[union-attr]
        for r in runs
    )
    assert table == sorted(
        (f"max_num_seqs={s}", float(c), k) for s in (64, 256) for c in (2, 8) for k in (0, 1)
    )
    assert {r.load.kind for r in runs} == {"concurrency"}  # type: ignore[union-attr]
    assert "max_num_seqs=64 · concurrency 8 · run 1" in {r.name for r in runs}
    assert all(r.metadata["run_number"] == r.metadata["repeat"] for r in runs)


def test_a_vllm_sweep_loads_alike_from_any_of_its_folders(fixtures_dir: Path) -> None:
    experiment = _vllm_sweep(fixtures_dir) / "20260601_120000"
    combination = experiment / "SERVE--max_num_seqs=64-BENCH--max_concurrency=2"
    whole = {r.name: r for r in tpot_widget.load_runs(experiment)}
    for source in (combination, combination / "run=1.json"):
        for run in tpot_widget.load_runs(source):
            assert whole[run.name].metadata == run.metadata and whole[run.name].load == run.load
    assert len(tpot_widget.load_runs(combination)) == 2
    assert vllm.sniff(experiment, b"") and not vllm.sniff(_vllm_sweep(fixtures_dir).parent, b"")


@pytest.mark.parametrize(
    ("folder", "config", "expected"),
    [
        # other BENCH parameters belong to the configuration, the level parameters do not
        (
            "SERVE--max_num_seqs=8-BENCH--max_concurrency=4-random_input_len=128",
            "max_num_seqs=8 · random_input_len=128",
            ("concurrency", 4.0),
        ),
        ("BENCH--request_rate=2.5", "my-experiment", ("rate", 2.5)),
        ("SERVE--low_latency-BENCH--busy", "low_latency", ("concurrency", 4.0)),
    ],
)
def test_a_sweep_combination_names_its_configuration(
    fixtures_dir: Path, tmp_path: Path, folder: str, config: str, expected: object
) -> None:
    raw = _vllm_raw(fixtures_dir)
    if "request_rate" in folder:
        raw |= {"request_rate": 2.5, "max_concurrency": None}
    (tmp_path / "my-experiment" / folder).mkdir(parents=True)
    path = _write(tmp_path / "my-experiment" / folder / "run=3.json", raw)
    (run,) = tpot_widget.load_runs(tmp_path / "my-experiment")
    assert sweep_structure([run]) == [(config, 3)]
    assert levels([run]) == [expected]
    assert run.source == str(path)
