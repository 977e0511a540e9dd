"""`tpot-compare`: a table (or JSON) on stdout, the HTML report with -o, one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from factories import make_run

from tpot_widget import Arm, Run, compare, load_run
from tpot_widget.cli import EXIT_VERDICT, main, parse_range
from tpot_widget.display import (
    format_ci,
    format_percent,
    format_percent_ci,
    format_value,
    short_labels,
)
from tpot_widget.tables import markdown_table

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


def row_of(lines: list[str], label: str, table: int = 0) -> list[str]:
    """The cells (split on 2+ spaces) of the row starting with `label` in the `table`-th
    table that has one (0: the runs, 1: the differences vs the baseline)."""
    rows = [line for line in lines if line.startswith(label + "  ")]
    return re.split(r"\s{2,}", rows[table].strip())


def test_table_and_report(
    a: str, b: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    code, stdout, stderr = run_main([a, b, "-o", str(out)], capsys)
    assert code == 0
    want = compare(load_run(a), load_run(b)).to_dict()
    names = [r["name"] for r in want["runs"]]
    labels = short_labels(names)
    lines = stdout.splitlines()
    assert lines[0] == "TPOT, median, 95% CI (BCa, 9999 resamples); all requests"
    # one row per run under its short label: n, errors, the estimate and CI in ms
    for label, run in zip(labels, want["runs"], strict=True):
        cells = row_of(lines, label)
        assert cells[1:] == [
            str(run["n"]),
            str(run["n_errors"]),
            format_value(run["estimate"], "s"),
            format_ci(run["ci_low"], run["ci_high"], "s"),
        ]
    assert any(line.startswith(f"vs {labels[0]}") for line in lines)
    diff = want["differences"][0]
    cells = row_of(lines, labels[1], table=1)
    assert format_percent(diff["relative"]) in cells
    assert cells[-1] == diff["verdict"] == "faster"
    # the full names are one line away
    (mapping,) = [line for line in lines if line.startswith("note: runs: ")]
    assert all(f"{label} = {name}" in mapping for label, name in zip(labels, names, strict=True))
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
    lines = stdout.splitlines()
    assert lines[0].endswith("; output tokens ≤ 100")
    name = "llm-load-test-b27aad1_mock_openai-completions_c4_output-004"
    names = [f"{name} (1)", f"{name} (2)"]  # same name twice: told apart, as params names them
    first, second = short_labels(names)
    assert first != second and first.endswith("(1)") and second.endswith("(2)")
    assert row_of(lines, first)[1] == row_of(lines, second)[1] == "30"
    diff = row_of(lines, second, table=1)
    assert diff[-1] == "~"
    assert diff[4] == "1.00"  # p = 1: the very same requests
    (mapping,) = [line for line in lines if line.startswith("note: runs: ")]
    assert f"{first} = {names[0]}" in mapping and f"{second} = {names[1]}" in mapping


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
        (["{b}", "--tokens", "400:100"], 2, "token_range=(400, 100) is empty"),
        (["{b}", "--dimension", "speed"], 2, "invalid choice: 'speed'"),
        (["{b}", "--confidence", "95"], 2, "confidence_level=95 must be a number in [0.5,"),
        (["{b}", "--bogus"], 2, "unrecognized arguments: --bogus"),
        (["{missing}"], 1, "no such file or folder"),
        (["{empty}"], 1, "the file is empty"),
        (["{b}", "--statistic", "fastest"], 2, "statistic='fastest' is not supported"),
        (["{b}", "--threshold", "2"], 2, "threshold=2 must be None or a relative difference"),
        (["{b}", "--threshold", "abc"], 2, "--threshold abc: write a relative difference"),
        (["{b}", "--fail-on", "worse"], 2, "--fail-on 'worse': use verdicts from"),
        (["{b}", "--fail-on", "slower", "{missing}"], 1, "no such file or folder"),
        (["{b}", "--arm", "{nomatch}"], 2, "matches no file"),
        # checked before anything is loaded, computed or written (issue 16)
        (["{b}", "-o", "{nodir}"], 2, "does not exist; create it first"),
        (["{b}", "-o", ""], 2, "-o needs a file name"),
        (["{b}", "-o", "{folder}"], 2, "is a folder; name the report file"),
        (["{b}", "--seed", "-1"], 2, "a seed is a whole number >= 0"),
        (["{b}", "--seed=-1"], 2, "a seed is a whole number >= 0"),
        (["{b}", "--timeout", "0"], 2, "a timeout is a positive number of seconds"),
        (["{b}", "--arm", ","], 2, "--arm ',' names no run"),
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
        "nomatch": str(tmp_path / "nothing-*.json"),
        "folder": str(tmp_path),
    }
    args = [a] + [arg.format(**values) for arg in extra]
    got, _, stderr = run_main(args, capsys)
    assert got == code
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("tpot-compare: error: ")
    assert message in stderr
    assert "Traceback" not in stderr


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    """Two run files and a folder of two more, with a link to the first file inside it."""
    folder = tmp_path / "runs"
    folder.mkdir()
    paths = {
        "a": make_run("a", 60, seed=1).to_parquet(tmp_path / "a.parquet"),
        "b": make_run("b", 60, seed=2).to_parquet(tmp_path / "b.parquet"),
        "c": make_run("c", 60, seed=3).to_parquet(folder / "c.parquet"),
        "d": make_run("d", 60, seed=4).to_parquet(folder / "d.parquet"),
        "folder": folder,
        "link": tmp_path / "link.parquet",
    }
    paths["link"].symlink_to(paths["a"])
    return paths


@pytest.mark.parametrize(
    ("args", "output", "named"),
    [
        (["a", "b"], "a", "is the input"),
        (["a", "b"], "link", "is the input"),  # -o through a link to an input
        (["link", "b"], "a", "is the input"),  # an input through a link
        (["a", "folder"], "c", "is inside the input folder"),
        (["a", "b", "--arm", "{folder}/*"], "d", "is the input"),
    ],
)
def test_a_report_never_overwrites_an_input(
    inputs: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    output: str,
    named: str,
) -> None:
    """-o naming an input (directly, through a link, inside an input folder) exits 2 naming
    both, before anything is written (issue 16: the input was overwritten)."""
    before = {p: p.read_bytes() for p in inputs.values() if p.is_file()}
    argv = [str(inputs[x]) if x in inputs else x.format(**inputs) for x in args]
    code, stdout, stderr = run_main(
        [*argv, "-o", str(inputs[output]), "--n-resamples", "199"], capsys
    )
    assert code == 2, stderr
    assert f"-o {inputs[output]} {named}" in stderr and stderr.count("\n") == 1
    assert stdout == ""
    assert {p: p.read_bytes() for p in before} == before


def test_a_report_never_overwrites_a_file_an_input_folder_links_to(
    inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (inputs["folder"] / "b-link.parquet").symlink_to(inputs["b"])
    before = inputs["b"].read_bytes()
    argv = [str(inputs["a"]), str(inputs["folder"]), "-o", str(inputs["b"])]
    code, _, stderr = run_main(argv, capsys)
    assert code == 2
    assert f"-o {inputs['b']} is a file of the input folder {inputs['folder']}" in stderr
    assert inputs["b"].read_bytes() == before


def test_a_silent_server_fails_after_timeout_seconds(
    silent_server: str, b: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{silent_server}/run.json"
    code, _, stderr = run_main([url, b, "--timeout", "0.3"], capsys)
    assert code == 1
    assert f"{url}: no answer from the server within 0.3 s" in stderr
    assert stderr.count("\n") == 1


def test_no_arguments_at_all(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run_main([], capsys)
    assert code == 2
    assert stderr.count("\n") == 1
    assert "give at least two runs to compare (the first is the baseline)" in stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [("100:400", (100.0, 400.0)), ("100:", (100.0, None)), (":400", (None, 400.0))],
)
def test_parse_range(text: str, expected: tuple[float | None, float | None]) -> None:
    assert parse_range(text, "--tokens") == expected


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


# --- CI gating, Markdown, thresholds and arms (runs saved with Run.to_parquet) -------------


def save(run: Run, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    return str(run.to_parquet(folder / f"{run.name}.parquet"))


@pytest.fixture
def base(tmp_path: Path) -> str:
    return save(make_run("base", 600, tpot=0.020, seed=1), tmp_path)


@pytest.fixture
def slower(tmp_path: Path) -> str:
    return save(make_run("slower", 600, tpot=0.024, seed=2), tmp_path)


@pytest.fixture
def same(tmp_path: Path) -> str:
    """As `base` but another sample: the same speed, measured again."""
    return save(make_run("same", 600, tpot=0.020, seed=3), tmp_path)


FAST = ["--n-resamples", "999"]


def test_fail_on_slower_exits_3_when_a_run_is_slower(
    base: str, slower: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stdout, stderr = run_main([base, slower, "--fail-on", "slower", *FAST], capsys)
    assert code == EXIT_VERDICT == 3
    assert stdout.startswith("TPOT, median")  # the table is still printed
    assert "verdict slower (--fail-on): exit 3" in stderr


def test_fail_on_passes_when_no_named_verdict_occurs(
    base: str, same: str, slower: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, stderr = run_main([base, same, "--fail-on", "slower", *FAST], capsys)
    assert code == 0, stderr
    # a faster candidate does not fail a gate on "slower" either
    code, _, stderr = run_main([slower, base, "--fail-on", "slower,inconclusive", *FAST], capsys)
    assert code == 0, stderr


def test_fail_on_names_several_verdicts(
    base: str, same: str, capsys: pytest.CaptureFixture[str]
) -> None:
    want = compare(load_run(base), load_run(same), threshold=0.02, n_resamples=999)
    verdict = want.differences[0].verdict
    code, _, stderr = run_main(
        [base, same, "--threshold", "2%", "--fail-on", f"slower,{verdict}", *FAST], capsys
    )
    assert code == 3
    assert f"verdict {verdict} (--fail-on)" in stderr


def test_threshold_says_equivalent_for_runs_of_the_same_speed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = save(make_run("a", 1000, sigma=0.05, seed=1), tmp_path)
    b = save(make_run("b", 1000, sigma=0.05, seed=2), tmp_path)
    code, stdout, _ = run_main([a, b, "--threshold", "2%", *FAST], capsys)
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].endswith("; practical threshold ±2%")
    assert row_of(lines, "b", table=1)[-1] == "equivalent"
    code, stdout, _ = run_main([a, b, "--threshold", "0.02", "--format", "json", *FAST], capsys)
    stats = json.loads(stdout)
    assert stats["threshold"] == 0.02
    assert stats["differences"][0]["verdict"] == "equivalent"
    # without a threshold the same runs are "no significant difference", not "equivalent"
    code, stdout, _ = run_main([a, b, "--format", "json", *FAST], capsys)
    assert json.loads(stdout)["differences"][0]["verdict"] == "no significant difference"


def test_markdown_is_a_table_for_a_pull_request(
    base: str, slower: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stdout, _ = run_main([base, slower, "--format", "markdown", *FAST], capsys)
    assert code == 0
    want = compare(load_run(base), load_run(slower), n_resamples=999).to_dict()
    assert stdout == markdown_table(want)
    tables = [
        [[c.strip() for c in line.strip("|").split(" | ")] for line in block.splitlines()]
        for block in stdout.split("\n\n")
        if block.startswith("|")
    ]
    runs_table, diff_table = tables
    assert runs_table[0][:4] == ["run", "n", "errors", "median"]
    for run, row in zip(want["runs"], runs_table[2:], strict=True):
        assert row[0] == run["name"]
        assert format_value(run["estimate"], "s") in row
        assert format_ci(run["ci_low"], run["ci_high"], "s") in row
    diff = want["differences"][0]
    assert diff_table[0][0] == "vs base"
    (diff_row,) = diff_table[2:]
    assert diff_row[0] == "slower" and diff_row[-1] == "slower" == diff["verdict"]
    assert format_percent(diff["relative"]) in diff_row
    assert format_percent_ci(diff["relative_ci_low"], diff["relative_ci_high"]) in diff_row
    assert any(line.startswith("> ") for line in stdout.splitlines())  # the notes


def test_json_is_strict_json_with_an_open_range(
    a: str, b: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    code, stdout, stderr = run_main(
        [a, b, "--tokens", "5:", "--format", "json", "-o", str(out), *FAST], capsys
    )
    assert code == 0, stderr
    stats = json.loads(stdout)
    assert stats["token_range"] == [5, None]
    json.dumps(stats, allow_nan=False)
    assert out.stat().st_size > 0


def arm_folders(tmp_path: Path) -> tuple[list[Run], list[Run]]:
    a = [make_run(f"cfg-a run {i}", 200, seed=i) for i in range(3)]
    b = [make_run(f"cfg-b run {i}", 200, seed=10 + i, tpot=0.03) for i in range(3)]
    for run in a:
        save(run, tmp_path / "a")
    for run in b:
        save(run, tmp_path / "b")
    return a, b


def test_a_quoted_glob_is_an_arm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = arm_folders(tmp_path)
    globs = [str(tmp_path / "a" / "*.parquet"), str(tmp_path / "b" / "*.parquet")]
    code, stdout, stderr = run_main([*globs, "--format", "json", *FAST], capsys)
    assert code == 0, stderr
    stats = json.loads(stdout)
    assert stats == compare(Arm(a), Arm(b), n_resamples=999).to_dict()
    assert [r["n_runs"] for r in stats["runs"]] == [3, 3]
    assert stats["differences"][0]["verdict"] == "slower"


def test_repeated_arm_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = arm_folders(tmp_path)
    listed = ",".join(str(tmp_path / "b" / f"{r.name}.parquet") for r in b)
    code, stdout, stderr = run_main(
        ["--arm", str(tmp_path / "a" / "*.parquet"), "--arm", listed, "--format", "json", *FAST],
        capsys,
    )
    assert code == 0, stderr
    assert json.loads(stdout) == compare(Arm(a), Arm(b), n_resamples=999).to_dict()
    # the text table says how many runs each arm holds
    glob_a = str(tmp_path / "a" / "*.parquet")
    code, stdout, _ = run_main(["--arm", glob_a, "--arm", listed, *FAST], capsys)
    assert code == 0
    header = next(line for line in stdout.splitlines() if line.startswith("run "))
    assert header.split()[-1] == "runs"


def test_options_may_stand_between_the_runs(
    a: str, b: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stdout, stderr = run_main([a, "--tokens", "20:45", b, "--format", "json"], capsys)
    assert code == 0, stderr
    assert len(json.loads(stdout)["runs"]) == 2
