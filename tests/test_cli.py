"""`tpot-compare`: a table (or JSON) on stdout, the HTML report with -o, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tpot_widget import compare, load_run
from tpot_widget.cli import main, parse_tokens

GUIDELLM = "guidellm/guidellm-0.8.1_mock_concurrent4_benchmarks.json"
LOAD_TEST = "llm-load-test/llm-load-test-b27aad1_mock_openai-completions_c4_output-004.json"
LLMPERF = "llmperf/bedrock_13b_individual_responses.json"
LLMETER = "llmeter/v0.1.12-tiny-run-a"


@pytest.fixture
def a(fixtures_dir: Path) -> str:
    return str(fixtures_dir / GUIDELLM)


@pytest.fixture
def b(fixtures_dir: Path) -> str:
    return str(fixtures_dir / LOAD_TEST)


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_table_and_report(
    a: str, b: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    code, stdout, stderr = run_main([a, b, "-o", str(out)], capsys)
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].startswith("time_per_output_token, median, 95% CI (BCa, 9999 resamples)")
    assert any(line.startswith("mock-model · concurrent 4 streams ") for line in lines)
    assert any(line.startswith("vs mock-model · concurrent 4 streams") for line in lines)
    verdict_line = lines[-1]
    assert verdict_line.startswith("llm-load-test-b27aad1")
    assert "n=24+30" in verdict_line
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "mock-model · concurrent 4 streams" in html
    assert f"wrote {out}" in stderr


def test_json_equals_compare(a: str, b: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run_main(
        [a, b, "--format", "json", "--tokens", "20:45", "--statistic", "p90"], capsys
    )
    assert code == 0
    got = json.loads(stdout)
    want = compare(load_run(a), load_run(b), statistic="p90", token_range=(20, 45)).to_dict()
    assert got == want
    assert got["token_range"] == [20, 45]
    assert got["statistic"] == "p90"


def test_report_holds_the_printed_numbers(
    a: str, b: str, fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    c = str(fixtures_dir / LLMPERF)
    code, stdout, _ = run_main(
        [a, b, c, "--format", "json", "-o", str(out), "--n-resamples", "999"], capsys
    )
    assert code == 0
    printed = json.loads(stdout)
    assert len(printed["runs"]) == 3
    html = out.read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="tpot-stats">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    assert json.loads(body) == printed


def test_no_significant_difference_is_a_tilde(b: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run_main([b, b, "--tokens", ":100"], capsys)
    assert code == 0
    last = stdout.splitlines()[-1]
    name = "llm-load-test-b27aad1_mock_openai-completions_c4_output-004"
    assert last.startswith(f"{name} (2)")  # same name twice: told apart
    assert last[len(name) + 4 :].split()[0] == "~"
    assert "p=1.000 n=30+30" in last
    assert "requests with num_tokens_output in [-inf, 100]" in stdout


def test_llmeter_run_folder(fixtures_dir: Path, b: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, stderr = run_main(
        [str(fixtures_dir / LLMETER), b, "--format", "json", "--n-resamples", "499"], capsys
    )
    assert code == 0, stderr
    stats = json.loads(stdout)
    assert stats["runs"][0]["n"] > 0
    assert stats["runs"][0]["n_errors"] >= 1  # the fixture has errored requests


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        ([], 2, "need 2 to 8 runs"),
        (["{b}", "--tokens", "abc"], 2, "--tokens expects LO:HI"),
        (["{b}", "--tokens", "400:100"], 2, "LO is above HI"),
        (["{b}", "--dimension", "speed"], 2, "invalid choice: 'speed'"),
        (["{b}", "--confidence", "95"], 2, "--confidence must be between 0 and 1"),
        (["{b}", "--bogus"], 2, "unrecognized arguments: --bogus"),
        (["{missing}"], 1, "no such file or folder"),
        (["{empty}"], 1, "the file is empty"),
        (["{b}", "--statistic", "fastest"], 1, "'fastest'"),
        (["{b}", "-o", "{nodir}"], 1, "cannot write the report"),
    ],
)
def test_bad_input_is_one_clear_line(
    a: str,
    b: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    code: int,
    message: str,
) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("")
    values = {
        "b": b,
        "missing": str(tmp_path / "nope.json"),
        "empty": str(empty),
        "nodir": str(tmp_path / "no" / "dir" / "r.html"),
    }
    args = [a] + [arg.format(**values) for arg in extra]
    got, _, stderr = run_main(args, capsys)
    assert got == code
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("tpot-compare: error: ")
    assert message in stderr
    assert "Traceback" not in stderr


def test_no_arguments_at_all(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run_main([], capsys)
    assert code == 2
    assert stderr.count("\n") == 1
    assert "the following arguments are required: RUN" in stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [("100:400", (100.0, 400.0)), ("100:", (100.0, None)), (":400", (None, 400.0))],
)
def test_parse_tokens(text: str, expected: tuple[float | None, float | None]) -> None:
    assert parse_tokens(text) == expected


def console_script() -> Path:
    script = Path(sys.executable).parent / "tpot-compare"
    if not script.exists():
        pytest.fail(f"console script not installed at {script}; run `make setup`")
    return script


def test_console_script(a: str, b: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = subprocess.run(
        [console_script(), a, b, "--format", "json", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["runs"][1]["n"] == 30
    assert out.stat().st_size > 1_000_000  # plotly.js inlined

    failed = subprocess.run(
        [console_script(), a, str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert failed.returncode == 1
    assert failed.stderr.count("\n") == 1
    assert "no such file or folder" in failed.stderr
    assert "Traceback" not in failed.stderr
