"""Files users really have: compressed, remote (s3:// on a local moto server, http:// on a
local HTTP server, both started here), Parquet, and progress bars for slow loads."""

from __future__ import annotations

import bz2
import functools
import gzip
import http.server
import json
import lzma
import shutil
import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import zstandard
from loader_checks import LLMETER_RUN, assert_same_runs, per_request_fixtures, quiet_load

import tpot_widget
from tpot_widget.loaders import LoadError, _io, _jsonl_columns
from tpot_widget.loaders._jsonl_columns import read_json_lines_columns

VLLM = "vllm/vllm-0.33.0_mock_openai-chat_c4_detailed.json"
#: Formats whose run names this module's loaders derive from the file name.
NAMED_BY_FILE = {"llmeter", "vllm", "sglang", "llmperf", "llm-load-test", "genai-perf"}

COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}


# --- compression ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_compressed_files_load_like_the_originals(
    fixtures_dir: Path, tmp_path: Path, suffix: str
) -> None:
    for original in per_request_fixtures(fixtures_dir):
        folder = tmp_path / original.parent.name
        if not folder.exists():
            shutil.copytree(original.parent, folder)
        packed = folder / (original.name + suffix)
        packed.write_bytes(COMPRESSORS[suffix](original.read_bytes()))
        expected = quiet_load(original)
        got = quiet_load(packed)
        assert_same_runs(got, expected, names=expected[0].format in NAMED_BY_FILE)


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_an_llmeter_folder_with_compressed_responses(
    fixtures_dir: Path, tmp_path: Path, suffix: str
) -> None:
    source = fixtures_dir / LLMETER_RUN
    folder = tmp_path / "runs" / source.name
    folder.mkdir(parents=True)
    shutil.copy(source / "summary.json", folder)
    packed = COMPRESSORS[suffix]((source / "responses.jsonl").read_bytes())
    (folder / f"responses.jsonl{suffix}").write_bytes(packed)
    expected = quiet_load(source)
    assert_same_runs(quiet_load(folder), expected)
    assert_same_runs(quiet_load(folder.parent), expected)  # found in a folder of runs too


def test_gzip_content_under_a_plain_name(fixtures_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(gzip.compress((fixtures_dir / VLLM).read_bytes()))
    assert_same_runs(quiet_load(path), quiet_load(fixtures_dir / VLLM))
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "responses.jsonl").write_bytes(
        gzip.compress((fixtures_dir / LLMETER_RUN / "responses.jsonl").read_bytes())
    )
    assert len(quiet_load(folder)[0]) == 10


def test_a_truncated_archive_is_a_clear_error(fixtures_dir: Path, tmp_path: Path) -> None:
    data = gzip.compress((fixtures_dir / VLLM).read_bytes())
    path = tmp_path / "cut.json.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError, match=r"cut\.json\.gz: cannot read gzip data .*complete"):
        tpot_widget.load_run(path)


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_the_fast_reader_over_compressed_chunks(tmp_path: Path, suffix: str) -> None:
    rows = [
        {"text": "x" * (i % 300), "time_to_first_token": i / 1000, "num_tokens_output": i}
        for i in range(5000)
    ]
    plain = tmp_path / "r.jsonl"
    plain.write_text("".join(json.dumps(r) + "\n" for r in rows))
    packed = tmp_path / f"r.jsonl{suffix}"
    packed.write_bytes(COMPRESSORS[suffix](plain.read_bytes()))
    keys = ("time_to_first_token", "num_tokens_output")
    for chunk_size in (4096, 1 << 16):
        a = read_json_lines_columns(plain, keys, chunk_size=chunk_size)
        b = read_json_lines_columns(packed, keys, chunk_size=chunk_size)
        for key in keys:
            np.testing.assert_array_equal(a.numbers[key], b.numbers[key])
        np.testing.assert_array_equal(a.lines, b.lines)
    assert b.numbers["num_tokens_output"].tolist() == list(range(5000))


def test_a_truncated_last_line_in_a_compressed_file_still_only_warns(tmp_path: Path) -> None:
    lines = [json.dumps({"time_to_first_token": 0.1, "num_tokens_output": i}) for i in range(50)]
    text = "\n".join(lines) + "\n" + lines[0][:20]
    path = tmp_path / "r.jsonl.gz"
    path.write_bytes(gzip.compress(text.encode()))
    with pytest.warns(UserWarning, match=r"r\.jsonl\.gz:51: the last line is incomplete"):
        columns = read_json_lines_columns(path, ("num_tokens_output",), chunk_size=512)
    assert len(columns) == 50


# --- Parquet -------------------------------------------------------------------------------


def test_parquet_round_trip_of_every_fixture(fixtures_dir: Path, tmp_path: Path) -> None:
    for index, original in enumerate(per_request_fixtures(fixtures_dir)):
        for j, run in enumerate(quiet_load(original)):
            path = run.to_parquet(tmp_path / f"{index}-{j}.parquet")
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a clean run reloads without a word
                again = tpot_widget.load_run(path)
            assert_same_runs([again], [run])
            assert again.source == run.source
            assert json.dumps(dict(again.metadata), default=str) == json.dumps(
                dict(run.metadata), default=str
            )


def test_a_plain_parquet_table_with_the_canonical_columns(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "time_to_first_token": [0.1, 0.2, None],
            "time_to_last_token": [1.1, 2.2, None],
            "num_tokens_output": [11, 21, 0],
            "error": [None, None, "HTTP 500"],
        }
    )
    path = tmp_path / "mine.parquet"
    frame.to_parquet(path)
    run = tpot_widget.load_run(path)
    assert (run.name, run.format, run.source) == ("mine", "parquet", str(path))
    np.testing.assert_allclose(run["time_per_output_token"][:2], [0.1, 0.1])
    assert run.n_errors == 1
    frame.drop(columns="num_tokens_output").to_parquet(path)
    with pytest.raises(LoadError, match=r"mine\.parquet: the Parquet table lacks num_tokens_o"):
        tpot_widget.load_run(path)
    frame.assign(num_tokens_output=["a", "b", "c"]).to_parquet(path)
    with pytest.raises(LoadError, match=r"column 'num_tokens_output' is of type (large_)?string"):
        tpot_widget.load_run(path)


def test_parquet_files_in_a_folder_load_with_the_rest(fixtures_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "campaign"
    shutil.copytree(fixtures_dir / LLMETER_RUN, root / "llmeter-run")
    vllm = quiet_load(fixtures_dir / VLLM)[0]
    vllm.to_parquet(root / "vllm.parquet")
    runs = quiet_load(root)
    assert sorted(r.format for r in runs) == ["llmeter", "vllm"]


# --- remote --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request log in the test output."""


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(base URL, folder) of a local HTTP server that serves `folder`."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


def test_http_urls_load(fixtures_dir: Path, http_root: tuple[str, Path]) -> None:
    base, folder = http_root
    shutil.copy(fixtures_dir / VLLM, folder / "vllm.json")
    (folder / "vllm.json.gz").write_bytes(gzip.compress((fixtures_dir / VLLM).read_bytes()))
    expected = quiet_load(fixtures_dir / VLLM)
    for name in ("vllm.json", "vllm.json.gz"):
        runs = quiet_load(f"{base}/{name}")
        assert_same_runs(runs, expected)
        assert runs[0].source == f"{base}/{name}"
    with pytest.raises(LoadError, match=rf"{base}/missing\.json: no such file"):
        tpot_widget.load_run(f"{base}/missing.json")


def test_an_http_folder_url_without_its_slash_says_to_add_it(
    fixtures_dir: Path, http_root: tuple[str, Path]
) -> None:
    base, folder = http_root
    (folder / "runs").mkdir()
    shutil.copy(fixtures_dir / VLLM, folder / "runs" / "vllm.json")
    assert len(quiet_load(f"{base}/runs/")) == 1
    with pytest.raises(LoadError) as info:
        tpot_widget.load_runs(f"{base}/runs")
    message = str(info.value)
    assert message.startswith(f"{base}/runs: the server sent a web page (HTML)")
    assert f"end the URL with '/' ({base}/runs/)" in message


def test_an_empty_http_folder_is_a_clear_error(http_root: tuple[str, Path]) -> None:
    base, folder = http_root
    (folder / "empty").mkdir()
    with pytest.raises(LoadError) as info:
        tpot_widget.load_runs(f"{base}/empty/")
    message = str(info.value)
    assert message.startswith(f"{base}/empty/: found no file in this folder")
    assert "tpot_widget_remote_" not in message and "Errno" not in message


@pytest.mark.parametrize("path", ["/run.json", "/runs/"], ids=["file", "folder"])
def test_a_silent_server_fails_after_the_timeout_naming_the_url(
    silent_server: str, path: str
) -> None:
    url = silent_server + path
    with pytest.raises(LoadError) as info:
        tpot_widget.load_runs(url, timeout=0.3)
    assert str(info.value).startswith(f"{url}: no answer from the server within 0.3 s")
    assert "timeout=" in str(info.value)


def test_the_default_timeout_is_30_s_and_storage_options_can_set_their_own(
    silent_server: str,
) -> None:
    import inspect

    import aiohttp

    for load in (tpot_widget.load_runs, tpot_widget.load_run):
        assert inspect.signature(load).parameters["timeout"].default == 30
    own = {"client_kwargs": {"timeout": aiohttp.ClientTimeout(sock_read=0.3)}}
    url = f"{silent_server}/run.json"
    with pytest.raises(LoadError, match="the timeout of storage_options' client_kwargs"):
        tpot_widget.load_run(url, storage_options=own, timeout=None)


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan"), "30", True])
def test_a_timeout_is_a_positive_number_of_seconds(silent_server: str, timeout: object) -> None:
    with pytest.raises(ValueError, match="a timeout is a positive number of seconds"):
        tpot_widget.load_runs(f"{silent_server}/run.json", timeout=timeout)  # type: ignore[arg-type]


def test_file_urls_load_as_local_paths(fixtures_dir: Path, tmp_path: Path) -> None:
    """%20 escapes, file://localhost/... and the one-slash file:/abs form (RFC 8089)."""
    folder = tmp_path / "with space"
    folder.mkdir()
    path = folder / "v llm.json"
    shutil.copy(fixtures_dir / VLLM, path)
    expected = quiet_load(path)
    quoted = str(path).replace(" ", "%20")
    for url in (path.as_uri(), f"file://localhost{quoted}", f"file:{quoted}", f"FILE://{quoted}"):
        assert_same_runs(quiet_load(url), expected)
    with pytest.raises(LoadError, match=r"a file URL on another host \(elsewhere\)"):
        tpot_widget.load_run(f"file://elsewhere{quoted}")


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The URL of a moto S3 server on 127.0.0.1 (fake credentials in the environment)."""
    moto_server = pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_s3_file_and_llmeter_folder(
    fixtures_dir: Path, tmp_path: Path, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="bench")
    run_folder = fixtures_dir / LLMETER_RUN
    for member in run_folder.iterdir():
        s3.upload_file(str(member), "bench", f"exp/run-a/{member.name}")
    s3.put_object(Bucket="bench", Key="exp/notes.json", Body=b'{"hello": 1}')
    s3.upload_file(str(fixtures_dir / VLLM), "bench", "vllm.json")
    options = {"endpoint_url": s3_endpoint}

    runs = quiet_load("s3://bench/exp/run-a/", storage_options=options)
    assert_same_runs(runs, quiet_load(run_folder))
    assert runs[0].source == "s3://bench/exp/run-a"

    vllm = tpot_widget.load_run("s3://bench/vllm.json", storage_options=options)
    assert_same_runs([vllm], quiet_load(fixtures_dir / VLLM))
    assert vllm.source == "s3://bench/vllm.json"

    # a folder of runs: messages name the URL, not the temporary copy
    import fsspec.config

    # fsspec's own configuration (also read from FSSPEC_S3_* variables at import)
    monkeypatch.setitem(fsspec.config.conf, "s3", {"endpoint_url": s3_endpoint})
    with pytest.warns(UserWarning, match=r"s3://bench/exp/notes\.json: not recognised"):
        runs = tpot_widget.load_runs("s3://bench/exp")
    assert [r.name for r in runs] == ["run-a"]
    with pytest.raises(LoadError, match=r"s3://bench/nothing: no such file"):
        tpot_widget.load_run("s3://bench/nothing", storage_options=options)


def test_an_unknown_url_scheme_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="nosuchproto://x/y"):
        tpot_widget.load_run("nosuchproto://x/y")


# --- progress ------------------------------------------------------------------------------


def test_small_loads_print_no_progress(fixtures_dir: Path, capsys: pytest.CaptureFixture) -> None:
    quiet_load(fixtures_dir / LLMETER_RUN)
    quiet_load(fixtures_dir)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_slow_loads_show_a_progress_bar(
    fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(_io, "PROGRESS_DELAY", 0.0)  # as if the load were slow
    monkeypatch.setattr(_jsonl_columns, "PROGRESS_MIN_BYTES", 0)
    quiet_load(fixtures_dir / LLMETER_RUN / "responses.jsonl")
    assert "responses.jsonl" in capsys.readouterr().err  # bytes read
    quiet_load(fixtures_dir)
    assert "file" in capsys.readouterr().err  # files of a folder
