"""llm-load-test output-NNN.json: ms → s, epoch s → s since the first request, errors kept."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import levels, sweep_structure

import tpot_widget
from tpot_widget.loaders import LoadError, llm_load_test
from tpot_widget.run import NUMERIC_COLUMNS

NAME = "llm-load-test-b27aad1_mock_openai-completions_c4_output-004"


def _fixture(fixtures_dir: Path) -> Path:
    return fixtures_dir / "llm-load-test" / f"{NAME}.json"


def _raw(fixtures_dir: Path) -> dict[str, Any]:
    return json.loads(_fixture(fixtures_dir).read_text())


def _write(tmp_path: Path, data: Any, name: str = "output-004.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_fixture_values_match_raw_fields(fixtures_dir: Path) -> None:
    raw = _raw(fixtures_dir)
    (run,) = llm_load_test.load(_fixture(fixtures_dir))
    assert run.name == NAME
    assert run.format == "llm-load-test"
    results = raw["results"]
    assert len(run) == len(results) == 30
    assert run.n_errors == 0
    first = min(r["start_time"] for r in results)
    for i in (0, 13, 29):
        r = results[i]
        ttft, e2e, n = r["ttft"] / 1e3, r["response_time"] / 1e3, r["output_tokens"]
        assert run["time_to_first_token"][i] == pytest.approx(ttft, rel=1e-12)
        assert run["time_to_last_token"][i] == pytest.approx(e2e, rel=1e-12)
        tpot = (e2e - ttft) / (n - 1)
        assert run["time_per_output_token"][i] == pytest.approx(tpot, rel=1e-12)
        # our TPOT is llm-load-test's decode-only `itl`; its `tpot` includes the TTFT
        assert tpot == pytest.approx(r["itl"] / 1e3, rel=1e-6)
        assert run["tpot_reported"][i] == pytest.approx(r["tpot"] / 1e3, rel=1e-12)
        assert run["num_tokens_input"][i] == r["input_tokens"]
        assert run["num_tokens_output"][i] == n
        assert run["request_start"][i] == pytest.approx(r["start_time"] - first)
    assert run.metadata["concurrency"] == 4
    assert run.metadata["model"] == "mock-model"
    assert run.metadata["summary"]["tpot"]["median"] == raw["summary"]["tpot"]["median"]


def test_fixture_detected_by_content(fixtures_dir: Path, tmp_path: Path) -> None:
    path = _fixture(fixtures_dir)
    (detected,) = tpot_widget.load_runs(path)
    (direct,) = llm_load_test.load(path)
    assert detected.name == direct.name == NAME
    for column in NUMERIC_COLUMNS:
        np.testing.assert_array_equal(detected[column], direct[column])
    renamed = _write(tmp_path, _raw(fixtures_dir), "data.json")
    assert tpot_widget.load_run(renamed).format == "llm-load-test"


def test_sniff_rejects_other_tools(fixtures_dir: Path) -> None:
    for other in sorted(fixtures_dir.rglob("*.json*")):
        if other.parent.name == "llm-load-test":
            continue
        assert not llm_load_test.sniff(other, other.read_bytes()[: 1 << 16]), other


def test_failed_and_partial_requests(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _raw(fixtures_dir)
    failed = raw["results"][2]
    failed.update(
        error_code=500,
        error_text="Internal Server Error",
        output_tokens=None,
        ttft=None,
        itl=None,
        tpot=None,
        first_token_time=None,
        output_text="",
    )
    no_text = raw["results"][3]
    no_text.update(error_code=None, error_text="timeout")
    no_ttft = raw["results"][4]  # ttft missing but the timestamps are there
    expected_ttft = no_ttft["first_token_time"] - no_ttft["start_time"]
    no_ttft.update(ttft=None, response_time=None)
    expected_e2e = no_ttft["end_time"] - no_ttft["start_time"]
    (run,) = tpot_widget.load_runs(_write(tmp_path, raw))
    assert run.n_errors == 2
    assert run["error"][2] == "error 500: Internal Server Error"
    assert run["error"][3] == "timeout"
    assert np.isnan(run["time_to_first_token"][2])
    assert run["time_to_last_token"][2] == pytest.approx(failed["response_time"] / 1e3)
    assert run["time_to_first_token"][4] == pytest.approx(expected_ttft)
    assert run["time_to_last_token"][4] == pytest.approx(expected_e2e)
    valid = run.valid("time_per_output_token")
    assert not valid[2] and not valid[3] and valid[4]
    assert valid.sum() == 28


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["results"].clear(), "'results' is empty"),
        (lambda d: d["results"][5].pop("response_time"), "results[5] lacks response_time"),
        (lambda d: d["results"].__setitem__(1, "oops"), "results[1] is a str"),
        (
            lambda d: d["results"][7].update(input_tokens="35"),
            "results[7]: input_tokens should be a number",
        ),
        (lambda d: d.pop("results"), "an object with a 'results' list"),
    ],
)
def test_bad_input_names_file_and_index(
    fixtures_dir: Path, tmp_path: Path, mutate: Any, expected: str
) -> None:
    raw = copy.deepcopy(_raw(fixtures_dir))
    mutate(raw)
    path = _write(tmp_path, raw)
    with pytest.raises(LoadError) as info:
        llm_load_test.load(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_each_output_file_is_at_its_configured_concurrency(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    for c in (1, 16):
        raw = _raw(fixtures_dir)
        raw["config"]["load_options"]["concurrency"] = c
        _write(tmp_path, raw, f"output-{c:03d}.json")
    runs = tpot_widget.load_runs(tmp_path)
    assert levels(runs) == [("concurrency", 1.0), ("concurrency", 16.0)]
    # one folder of output files is one configuration's sweep
    assert sweep_structure(runs) == [(f"mock-model · {tmp_path.name}", None)] * 2
