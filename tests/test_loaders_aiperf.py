"""AIPerf profile_export.jsonl: units converted as written, warm-up dropped, errors kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import SWEEPS, levels, quiet_load, sweep_structure

import tpot_widget
from tpot_widget.loaders import LoadError, aiperf


def _fixture(fixtures_dir: Path) -> Path:
    return fixtures_dir / "aiperf" / "aiperf-0.13.0_mock_concurrency4_profile_export.jsonl"


def _raw(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _record(
    start_ns: int,
    *,
    phase: str = "profiling",
    unit: str = "ms",
    ttft: float | None = 100.0,
    latency: float | None = 500.0,
    itl: float | None = 10.0,
    osl: int | None = 41,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    if ttft is not None:
        metrics["time_to_first_token"] = {"value": ttft, "unit": unit}
        metrics["request_latency"] = {"value": latency, "unit": unit}
        metrics["inter_token_latency"] = {"value": itl, "unit": unit}
        metrics["input_sequence_length"] = {"value": 64, "unit": "tokens"}
        metrics["output_sequence_length"] = {"value": osl, "unit": "tokens"}
    record: dict[str, Any] = {
        "metadata": {
            "session_num": 0,
            "request_start_ns": start_ns,
            "request_end_ns": start_ns + 10**9,
            "benchmark_phase": phase,
            "was_cancelled": False,
        },
        "metrics": metrics,
    }
    if error is not None:
        record["error"] = error
    return record


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_fixture_values_match_raw_metrics(fixtures_dir: Path) -> None:
    path = _fixture(fixtures_dir)
    raw = _raw(path)
    run = tpot_widget.load_run(path)
    assert run.format == "aiperf"
    assert run.name == path.stem
    assert len(run) == len(raw) == 24
    assert run.n_errors == 0
    first = min(r["metadata"]["request_start_ns"] for r in raw)
    for i in (0, 10, 23):
        m = raw[i]["metrics"]
        assert m["time_to_first_token"]["unit"] == "ms"
        ttft = m["time_to_first_token"]["value"] / 1e3
        e2e = m["request_latency"]["value"] / 1e3
        n = m["output_sequence_length"]["value"]
        assert run["time_to_first_token"][i] == pytest.approx(ttft, rel=1e-12)
        assert run["time_to_last_token"][i] == pytest.approx(e2e, rel=1e-12)
        assert run["num_tokens_output"][i] == n
        assert run["num_tokens_input"][i] == m["input_sequence_length"]["value"]
        assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (n - 1))
        assert run["tpot_reported"][i] == pytest.approx(m["inter_token_latency"]["value"] / 1e3)
        start = (raw[i]["metadata"]["request_start_ns"] - first) / 1e9
        assert run["request_start"][i] == pytest.approx(start, abs=1e-9)
    # AIPerf's inter_token_latency uses the same formula as our recomputed TPOT
    np.testing.assert_allclose(run["time_per_output_token"], run["tpot_reported"], rtol=1e-9)


def test_warmup_dropped_and_errors_kept(tmp_path: Path) -> None:
    error = {"code": 500, "type": "InternalServerError", "message": "model overloaded"}
    records = [
        _record(10**18, phase="warmup", ttft=999.0),
        _record(10**18 + 2 * 10**9),
        _record(10**18 + 3 * 10**9, ttft=None, error=error),
        _record(10**18 + 5 * 10**9, ttft=120.0, latency=520.0),
    ]
    path = _write(tmp_path / "my-bench" / "profile_export.jsonl", records)
    run = tpot_widget.load_run(path)
    assert run.name == "my-bench"  # AIPerf's artifact folder
    assert len(run) == 3
    assert run.metadata["warmup_records_dropped"] == 1
    assert run["error"].tolist() == [None, "InternalServerError (500): model overloaded", None]
    assert run["request_start"].tolist() == [0.0, 1.0, 3.0]
    assert run["time_to_first_token"][2] == pytest.approx(0.12)
    assert run["time_per_output_token"][0] == pytest.approx((0.5 - 0.1) / 40)


@pytest.mark.parametrize(
    ("unit", "factor"), [("ns", 1e-9), ("us", 1e-6), ("ms", 1e-3), ("sec", 1.0), ("s", 1.0)]
)
def test_times_are_converted_by_their_unit(tmp_path: Path, unit: str, factor: float) -> None:
    record = _record(0, unit=unit, ttft=200.0, latency=600.0, itl=10.0, osl=41)
    (run,) = aiperf.load(_write(tmp_path / "x.jsonl", [record]))
    assert run["time_to_first_token"][0] == pytest.approx(200.0 * factor)
    assert run["time_to_last_token"][0] == pytest.approx(600.0 * factor)
    assert run["tpot_reported"][0] == pytest.approx(10.0 * factor)


def test_unknown_unit_is_a_clear_error(tmp_path: Path) -> None:
    records = [_record(0), _record(1, unit="fortnights")]
    path = _write(tmp_path / "x.jsonl", records)
    with pytest.raises(LoadError, match=r"x\.jsonl:2: .*'fortnights'.*known units: ns"):
        aiperf.load(path)


def test_only_warmup_records_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.jsonl", [_record(0, phase="warmup")])
    with pytest.raises(LoadError, match=r"no profiling-phase record.*1 warm-up"):
        aiperf.load(path)


def test_sniff_by_content(fixtures_dir: Path) -> None:
    head = _fixture(fixtures_dir).read_bytes()[:65536]
    assert aiperf.sniff(Path("whatever.txt"), head)
    assert not aiperf.sniff(Path("profile_export.jsonl"), b'{"time_to_first_token": 1}\n')


# --- the earlier record layout (AIPerf's example artifacts of October 2025) ----------------

EARLY = Path("aiperf") / "2025-10-layout" / "profile_export.jsonl"


def test_earlier_layout_values_match_raw_fields(fixtures_dir: Path) -> None:
    path = fixtures_dir / EARLY
    raw = _raw(path)
    profiling = [r for r in raw if r["metadata"]["credit_phase"] == "profiling"]
    run = tpot_widget.load_run(path)  # detected by content
    assert run.format == "aiperf"
    assert len(run) == len(profiling) == 4
    assert run.metadata["warmup_records_dropped"] == 1
    assert run.metadata["earlier_field_names"] == ["credit_phase", "timestamp_ns", "ttft"]
    first = min(r["metadata"]["timestamp_ns"] for r in profiling)
    for i, record in enumerate(profiling):
        m = record["metrics"]
        assert run["request_start"][i] == pytest.approx(
            (record["metadata"]["timestamp_ns"] - first) / 1e9, abs=1e-9
        )
        if record["error"] is not None:
            assert np.isnan(run["time_to_first_token"][i])
            continue
        ttft = m["ttft"]["value"] / 1e3
        e2e = m["request_latency"]["value"] / 1e3
        n = m["output_sequence_length"]["value"]
        assert run["time_to_first_token"][i] == pytest.approx(ttft, rel=1e-12)
        assert run["time_to_last_token"][i] == pytest.approx(e2e, rel=1e-12)
        assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (n - 1))
        assert run["num_tokens_input"][i] == m["input_sequence_length"]["value"]
        assert run["num_tokens_output"][i] == n
    # by hand, from the file: (1402.25 - 152.25) ms / (51 - 1) tokens
    assert run["time_per_output_token"][0] == pytest.approx(0.025)
    assert run["request_start"].tolist() == pytest.approx([0.0, 1.25, 2.0, 3.5])
    assert run["error"].tolist()[2] == (
        "RequestCancellationError (499): Request was cancelled after 0.000 seconds"
    )
    assert run.n_errors == 1


def test_name_from_the_summary_next_to_the_records(fixtures_dir: Path, tmp_path: Path) -> None:
    # the summary names model and load: readable in a comparison table
    run = aiperf.load(fixtures_dir / EARLY)[0]
    assert run.name == "Llama-3.1-8B-Instruct · concurrency 4"
    assert run.metadata["model"] == "meta-llama/Llama-3.1-8B-Instruct"
    # without a summary, AIPerf's artifact folder names the run
    lonely = tmp_path / "llama-8b-openai-chat-concurrency4" / "profile_export.jsonl"
    lonely.parent.mkdir()
    lonely.write_bytes((fixtures_dir / EARLY).read_bytes())
    assert aiperf.load(lonely)[0].name == "llama-8b-openai-chat-concurrency4"
    # a request-rate run
    summary = {"input_config": {"endpoint": {"model_names": ["org/m"]}, "loadgen": {}}}
    summary["input_config"]["loadgen"]["request_rate"] = 2.5
    (lonely.parent / "profile_export_aiperf.json").write_text(json.dumps(summary))
    assert aiperf.load(lonely)[0].name == "m · 2.5 req/s"


def test_compressed_records_are_named_without_the_data_suffix(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    import gzip

    records = [_record(10**18), _record(10**18 + 10**9)]
    plain = _write(tmp_path / "mock_run.jsonl", records)
    packed = tmp_path / "mock_run.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert aiperf.load(packed)[0].name == "mock_run" == aiperf.load(plain)[0].name
    # the artifact folder: records and summary both compressed, named by the summary
    folder = tmp_path / "artifacts"
    folder.mkdir()
    for name in ("profile_export.jsonl", "profile_export_aiperf.json"):
        raw = (fixtures_dir / EARLY).with_name(name).read_bytes()
        (folder / f"{name}.gz").write_bytes(gzip.compress(raw))
    run = aiperf.load(folder / "profile_export.jsonl.gz")[0]
    assert run.name == "Llama-3.1-8B-Instruct · concurrency 4"
    # without a summary, the folder names the run (not "profile_export.jsonl")
    (folder / "profile_export_aiperf.json.gz").unlink()
    assert aiperf.load(folder / "profile_export.jsonl.gz")[0].name == "artifacts"


def test_ttft_with_benchmark_phase_is_read(tmp_path: Path) -> None:
    """The layout of early October 2025: `ttft` metric but current metadata names."""
    records = [_record(10**18), _record(10**18 + 10**9, ttft=250.0, latency=650.0)]
    for r in records:
        r["metrics"]["ttft"] = r["metrics"].pop("time_to_first_token")
    run = aiperf.load(_write(tmp_path / "x.jsonl", records))[0]
    assert run["time_to_first_token"].tolist() == pytest.approx([0.1, 0.25])
    assert run["time_per_output_token"][1] == pytest.approx((0.65 - 0.25) / 40)
    assert run.metadata["earlier_field_names"] == ["ttft"]


def test_no_ttft_anywhere_warns(tmp_path: Path) -> None:
    records = [_record(0), _record(10**9)]
    for r in records:
        del r["metrics"]["time_to_first_token"]
    with pytest.warns(UserWarning, match=r"x\.jsonl: none of the 2 successful.*`ttft`"):
        run = aiperf.load(_write(tmp_path / "x.jsonl", records))[0]
    assert np.isnan(run["time_to_first_token"]).all()


def test_lines_without_aiperf_fields_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "profile_export.jsonl"
    path.write_text("{}\n{}\n")
    with pytest.raises(LoadError, match=r"profile_export\.jsonl: no AIPerf record.*`metrics`"):
        aiperf.load(path)


def test_sniff_earlier_layout(fixtures_dir: Path) -> None:
    head = (fixtures_dir / EARLY).read_bytes()[:65536]
    assert aiperf.sniff(Path("anything.jsonl"), head)
    summary = (fixtures_dir / EARLY).with_name("profile_export_aiperf.json")
    assert not aiperf.sniff(summary, summary.read_bytes())


# --- load levels and sweeps ----------------------------------------------------------------

SWEEP = "Llama-3.1-8B-Instruct-openai-chat-concurrency_sweep"


def test_a_concurrency_sweep_folder_loads_each_level(fixtures_dir: Path) -> None:
    runs = quiet_load(fixtures_dir / SWEEPS / "aiperf-sweep" / SWEEP)
    assert levels(runs) == [("concurrency", 1.0), ("concurrency", 4.0), ("concurrency", 8.0)]
    assert sweep_structure(runs) == [(SWEEP, None)] * 3
    assert [r.name for r in runs] == [f"Llama-3.1-8B-Instruct · concurrency {c}" for c in (1, 4, 8)]


def test_repeats_of_a_sweep_are_numbered_as_aiperf_does(fixtures_dir: Path) -> None:
    root = fixtures_dir / SWEEPS / "aiperf-sweep" / f"{SWEEP}-repeated"
    runs = quiet_load(root)
    table = sorted((r.load.value, r.metadata["repeat"]) for r in runs)  # type: ignore[union-attr]
    assert table == [(2.0, 1), (2.0, 2), (8.0, 1), (8.0, 2)]
    assert {r.metadata["sweep_config"] for r in runs} == {root.name}
    assert "Llama-3.1-8B-Instruct · concurrency 8 · run 2" in {r.name for r in runs}


def test_a_sweep_level_folder_names_the_level_without_a_summary(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    # independent mode: <artifact>/concurrency_N/profile_runs/run_000K/, no summary beside
    records = (fixtures_dir / EARLY).read_bytes()
    for level in ("concurrency_16", "request_rate_2.5"):
        path = tmp_path / "my-sweep" / level / "profile_runs" / "run_0003" / "profile_export.jsonl"
        path.parent.mkdir(parents=True)
        path.write_bytes(records)
    runs = quiet_load(tmp_path / "my-sweep")
    assert levels(runs) == [("concurrency", 16.0), ("rate", 2.5)]
    assert sweep_structure(runs) == [("my-sweep", 3), ("my-sweep", 3)]
    assert [r.name for r in runs] == [
        "my-sweep · concurrency 16 · run 3",
        "my-sweep · 2.5 req/s · run 3",
    ]


def test_the_profile_settings_give_the_level(fixtures_dir: Path, tmp_path: Path) -> None:
    run = aiperf.load(fixtures_dir / EARLY)[0]
    assert levels([run]) == [("concurrency", 4.0)]
    assert sweep_structure([run]) == [(None, None)]  # one profile is no sweep
    folder = tmp_path / "concurrency_64"  # a rate set beside a concurrency: the rate is the level
    folder.mkdir()
    (folder / "profile_export.jsonl").write_bytes((fixtures_dir / EARLY).read_bytes())
    loadgen = {"concurrency": 64, "request_rate": 8}
    summary = {"input_config": {"endpoint": {"model_names": ["org/m"]}, "loadgen": loadgen}}
    (folder / "profile_export_aiperf.json").write_text(json.dumps(summary))
    assert levels(aiperf.load(folder / "profile_export.jsonl")) == [("rate", 8.0)]
