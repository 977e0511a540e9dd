"""evalscope perf benchmark_data.db: read-only SQLite, failed rows kept, pickles never read."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from loader_checks import SWEEPS, levels, other_tools_files, quiet_load, sweep_structure

import tpot_widget
from tpot_widget.loaders import LoadError, evalscope

FILE = Path("evalscope") / "parallel_2_number_4" / "benchmark_data.db"


def _rows(path: Path) -> list[sqlite3.Row]:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        return con.execute("SELECT * FROM result ORDER BY rowid").fetchall()
    finally:
        con.close()


def _copy(fixtures_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "parallel_2_number_4" / "benchmark_data.db"
    target.parent.mkdir(parents=True)
    shutil.copy(fixtures_dir / FILE, target)
    return target


def test_values_match_raw_fields(fixtures_dir: Path) -> None:
    path = fixtures_dir / FILE
    before = path.read_bytes()
    rows = _rows(path)
    run = tpot_widget.load_run(path)
    assert path.read_bytes() == before  # opened read-only
    assert run.format == "evalscope"
    assert len(run) == len(rows) == 4
    first = min(r["start_time"] for r in rows)
    for i, r in enumerate(rows):
        assert run["request_start"][i] == pytest.approx(r["start_time"] - first)
        if not r["success"]:
            continue
        ttft, e2e, n = r["first_chunk_latency"], r["latency"], r["completion_tokens"]
        assert run["time_to_first_token"][i] == pytest.approx(ttft)
        assert run["time_to_last_token"][i] == pytest.approx(e2e)
        assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (n - 1))
        assert run["tpot_reported"][i] == pytest.approx(r["time_per_output_token"])
        assert run["num_tokens_input"][i] == r["prompt_tokens"]
        assert run["num_tokens_output"][i] == n
    # by hand, row 1: (1.0625 - 0.0625) s / (65 - 1) tokens
    assert run["time_per_output_token"][0] == pytest.approx(1 / 64)


def test_failed_row_kept_and_named(fixtures_dir: Path) -> None:
    run = evalscope.load(fixtures_dir / FILE)[0]
    assert run.n_errors == 1
    assert "request failed" in run["error"][3]
    assert run.name == "Qwen2.5-0.5B-Instruct · parallel_2_number_4"
    assert run.metadata["model"] == "Qwen/Qwen2.5-0.5B-Instruct"


def test_non_streaming_rows_have_no_ttft(fixtures_dir: Path, tmp_path: Path) -> None:
    path = _copy(fixtures_dir, tmp_path)
    with sqlite3.connect(path) as con:
        con.execute("UPDATE result SET is_stream = 0 WHERE rowid = 1")
    con.close()
    run = evalscope.load(path)[0]
    assert np.isnan(run["time_to_first_token"][0])
    assert run["time_to_last_token"][0] == pytest.approx(1.0625)


def test_older_table_without_tpot_and_stream_columns(tmp_path: Path) -> None:
    """The layout of 2024-2025: chunk_times, n_chunks, no time_per_output_token/is_stream."""
    path = tmp_path / "benchmark_data.db"
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE result(request TEXT, start_time REAL, chunk_times TEXT, success INTEGER,"
        " response_messages TEXT, completed_time REAL, latency REAL, first_chunk_latency REAL,"
        " n_chunks INTEGER, chunk_time REAL, prompt_tokens INTEGER, completion_tokens INTEGER,"
        " max_gpu_memory_cost REAL)"
    )
    con.execute(
        "INSERT INTO result VALUES ('{}', 10.0, '[]', 1, '', 11.0, 1.0, 0.2, 5, 0.2, 8, 5, 0)"
    )
    con.commit()
    con.close()
    run = tpot_widget.load_run(path)
    assert run.format == "evalscope"
    assert run["time_per_output_token"][0] == pytest.approx(0.8 / 4)
    assert np.isnan(run["tpot_reported"][0])


def test_detected_by_content_only_evalscope(fixtures_dir: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "whatever.sqlite"
    shutil.copy(fixtures_dir / FILE, renamed)
    assert tpot_widget.load_run(renamed).format == "evalscope"
    other_db = tmp_path / "other.db"
    con = sqlite3.connect(other_db)
    con.execute("CREATE TABLE result(a INTEGER)")
    con.commit()
    con.close()
    assert not evalscope.sniff(other_db, other_db.read_bytes()[:100])
    for other in other_tools_files(fixtures_dir, "evalscope"):
        assert not evalscope.sniff(other, other.read_bytes()[: 1 << 16]), other


def test_bad_input(fixtures_dir: Path, tmp_path: Path) -> None:
    not_db = tmp_path / "benchmark_data.db"
    not_db.write_text("hello")
    with pytest.raises(LoadError, match="not an SQLite database"):
        evalscope.load(not_db)
    path = _copy(fixtures_dir, tmp_path)
    with sqlite3.connect(path) as con:
        con.execute("UPDATE result SET latency = 'slow' WHERE rowid = 2")
    con.close()
    with pytest.raises(LoadError, match=r"row 2: latency is 'slow', not a number") as info:
        evalscope.load(path)
    assert str(path) in str(info.value)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t(a INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(LoadError, match="table `result` lacks"):
        evalscope.load(other)


def test_found_in_a_folder_with_a_parquet_run(fixtures_dir: Path, tmp_path: Path) -> None:
    # evalscope's output tree: outputs/<time>/<model>/parallel_2_number_4/benchmark_data.db
    root = tmp_path / "outputs"
    run_dir = root / "20260101_000000" / "Qwen2.5-0.5B-Instruct" / "parallel_2_number_4"
    run_dir.mkdir(parents=True)
    shutil.copy(fixtures_dir / FILE, run_dir / "benchmark_data.db")
    other_run = tpot_widget.load_run(
        fixtures_dir / "llmperf" / "bedrock_13b_individual_responses.json"
    )
    other_run.to_parquet(root / "earlier.parquet")
    # a SQLite file of another program is named as skipped, not loaded or fatal
    other = sqlite3.connect(root / "cache.sqlite")
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    with pytest.warns(UserWarning, match=r"cache\.sqlite: not recognised"):
        runs = tpot_widget.load_runs(root)
    assert sorted(r.format for r in runs) == ["evalscope", "llmperf"]
    direct = tpot_widget.load_run(fixtures_dir / FILE)
    from_db = next(r for r in runs if r.format == "evalscope")
    assert from_db.name == direct.name
    np.testing.assert_array_equal(from_db["time_to_last_token"], direct["time_to_last_token"])
    from_parquet = next(r for r in runs if r.format == "llmperf")
    assert from_parquet.name == other_run.name
    np.testing.assert_array_equal(
        from_parquet["time_to_last_token"], other_run["time_to_last_token"]
    )


# --- load levels and sweeps ----------------------------------------------------------------


def test_closed_and_open_loop_sweeps_load_at_their_levels(fixtures_dir: Path) -> None:
    runs = quiet_load(fixtures_dir / SWEEPS / "evalscope-sweep")
    assert levels(runs) == [
        ("concurrency", 1.0),
        ("concurrency", 4.0),
        ("rate", 1.0),
        ("rate", 4.0),
    ]
    closed, opened = "20260601_120000", "20260601_130000"
    assert sweep_structure(runs) == [
        (f"Llama-3.1-8B-Instruct · {t}", None) for t in (closed, closed, opened, opened)
    ]


@pytest.mark.parametrize(
    ("folder", "args", "expected"),
    [
        ("parallel_8_number_100", None, ("concurrency", 8.0)),  # no benchmark_args.json
        ("rate_2.5_number_100", None, ("rate", 2.5)),
        ("parallel_8_number_100", {"parallel": 8, "rate": 3, "open_loop": False}, ("rate", 3.0)),
        ("parallel_8_number_100", {"parallel": [8], "rate": [-1]}, ("concurrency", 8.0)),
        ("run", None, None),  # a folder evalscope did not name: no level
    ],
)
def test_the_arguments_else_the_folder_give_the_level(
    fixtures_dir: Path, tmp_path: Path, folder: str, args: object, expected: object
) -> None:
    target = tmp_path / "out" / "model" / folder / "benchmark_data.db"
    target.parent.mkdir(parents=True)
    shutil.copy(fixtures_dir / FILE, target)
    if args is not None:
        (target.parent / "benchmark_args.json").write_text(json.dumps(args))
    assert levels(evalscope.load(target)) == [expected]
