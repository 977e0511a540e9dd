"""AIBrix benchmark client JSON lines: streaming timings, errors kept, placeholders dropped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import other_tools_files

import tpot_widget
from tpot_widget.loaders import LoadError, aibrix

FILE = Path("aibrix") / "aibrix_output.jsonl"


def _raw(fixtures_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (fixtures_dir / FILE).read_text().splitlines() if x.strip()]


def _write(path: Path, lines: list[Any]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return path


def test_values_match_raw_fields(fixtures_dir: Path) -> None:
    raw = _raw(fixtures_dir)
    run = tpot_widget.load_run(fixtures_dir / FILE)
    assert run.format == "aibrix"
    assert run.name == "aibrix_output"
    assert len(run) == len(raw) == 4
    first = min(r["start_time"] for r in raw)
    for i, r in enumerate(raw):
        assert run["request_start"][i] == pytest.approx(r["start_time"] - first)
        assert run["time_to_last_token"][i] == pytest.approx(r["latency"])
        if r["status"] != "success":
            continue
        n = r["output_tokens"]
        assert run["time_to_first_token"][i] == pytest.approx(r["ttft"])
        assert run["time_per_output_token"][i] == pytest.approx(
            (r["latency"] - r["ttft"]) / (n - 1)
        )
        assert run["tpot_reported"][i] == pytest.approx(r["tpot"])  # AIBrix divides by n
        assert run["num_tokens_input"][i] == r["prompt_tokens"]
        assert run["num_tokens_output"][i] == n
    # by hand, line 1: (2.211 - 0.211) s / (201 - 1) = 10 ms; AIBrix's own 2 / 201
    assert run["time_per_output_token"][0] == pytest.approx(0.010)
    assert run["tpot_reported"][0] == pytest.approx(2.0 / 201)


def test_error_line_kept_and_placeholder_tokens_dropped(fixtures_dir: Path) -> None:
    run = aibrix.load(fixtures_dir / FILE)[0]
    assert run.n_errors == 1
    assert run["error"][1] == "APIConnectionError: Connection error."
    # AIBrix writes 0 tokens for a failed request: unknown, not zero
    assert np.isnan(run["num_tokens_output"][1])
    assert np.isnan(run["num_tokens_input"][1])


def test_non_streaming_lines_have_no_ttft(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = [r for r in _raw(fixtures_dir) if r["status"] == "success"]
    for r in raw:
        r["ttft"] = r["tpot"] = None
    run = aibrix.load(_write(tmp_path / "batch.jsonl", raw))[0]
    assert np.isnan(run["time_to_first_token"]).all()
    assert run["time_to_last_token"].tolist() == pytest.approx([r["latency"] for r in raw])
    assert run.metadata["streaming_requests"] == 0


def test_first_versions_without_status(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = [r for r in _raw(fixtures_dir) if r["status"] == "success"]
    for r in raw:
        del r["status"], r["request_id"]
    run = tpot_widget.load_run(_write(tmp_path / "old.jsonl", raw))
    assert run.format == "aibrix"
    assert run.n_errors == 0


def test_detected_by_content_only_aibrix(fixtures_dir: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "results.jsonl"
    renamed.write_bytes((fixtures_dir / FILE).read_bytes())
    assert tpot_widget.load_run(renamed).format == "aibrix"
    # a first line longer than the detection head (a long prompt) is still recognised
    long_line = dict(_raw(fixtures_dir)[0], input=[{"role": "user", "content": "x" * 70000}])
    head = (json.dumps(long_line) + "\n").encode()[: 1 << 16]
    assert aibrix.sniff(Path("x.jsonl"), head)
    for other in other_tools_files(fixtures_dir, "aibrix"):
        assert not aibrix.sniff(other, other.read_bytes()[: 1 << 16]), other


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([{"prompt_tokens": 1, "output_tokens": 2}], ":1 lacks latency"),
        ([[1, 2]], ":1: expected a JSON object"),
        (
            [{"prompt_tokens": 1, "output_tokens": "2", "latency": 1.0, "ttft": 0.1}],
            "output_tokens",
        ),
    ],
)
def test_bad_input_names_file_and_line(tmp_path: Path, lines: list[Any], expected: str) -> None:
    path = _write(tmp_path / "out.jsonl", lines)
    with pytest.raises(LoadError) as info:
        aibrix.load(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)
