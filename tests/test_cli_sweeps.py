"""`tpot-compare --sweep A B`: the per-level table, crossing, max load and Pareto table (text,
Markdown, JSON), `--fail-on` per level, and every bad combination of options refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from factories import make_run

from tpot_widget import compare, compare_sweeps, load_sweep
from tpot_widget.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, EXIT_VERDICT, main
from tpot_widget.demo import demo_sweeps
from tpot_widget.display import format_ci, format_percent, format_value, short_labels

FAST = ["--n-resamples", "999"]


def report_model(text: str) -> dict[str, object]:
    """The model a report embeds (js/protocol.ts ReportModel)."""
    found = re.search(r'<script type="application/json" id="tpot-model">(.*?)</script>', text)
    assert found is not None, "no embedded model in the report"
    return dict(json.loads(found.group(1)))


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The demo's two configurations (12 concurrency levels × 3 repeats, 200 requests per
    run), one Parquet file per run: a folder per configuration, in one parent folder."""
    root = tmp_path_factory.mktemp("sweeps")
    for tag, sweep in zip("ab", demo_sweeps(n=200), strict=True):
        (root / tag).mkdir()
        for i, run in enumerate(sweep.runs):
            run.to_parquet(root / tag / f"run{i:02d}.parquet")
    return root, root / "a", root / "b"


def expected(a: Path, b: Path, **values: object) -> dict[str, object]:
    return dict(compare_sweeps(load_sweep(a), load_sweep(b), n_resamples=999, **values).to_dict())


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def test_text_prints_every_level_the_crossing_and_the_pareto_table(
    folders: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, a, b = folders
    code, out, err = run_main(["--sweep", str(a), str(b), *FAST], capsys)
    assert code == EXIT_OK, err
    want = expected(a, b)
    lines = out.splitlines()
    assert (
        lines[0]
        == "TPOT, median, 95% CI (BCa, 999 resamples); all requests; across concurrency levels"
    )
    names = [c["name"] for c in want["configurations"]]  # type: ignore[attr-defined]
    labels = short_labels(names)
    header = cells(lines[3])
    assert header[:3] == ["level", f"{labels[0]} median", "95% CI"]
    assert header[-5:] == [f"Δ% {labels[1]}", "95% CI", "p", "p (Holm)", "verdict"]
    for i, point in enumerate(want["curves"][1]["points"]):  # type: ignore[index]
        row = cells(lines[4 + i])
        diff = want["differences"][0]["points"][i]  # type: ignore[index]
        assert row[0] == point["label"]
        assert row[3:5] == [
            format_value(point["estimate"], "s"),
            format_ci(point["ci_low"], point["ci_high"], "s"),
        ]
        assert row[5] == format_percent(diff["relative"])
        assert row[-1] == {"no significant difference": "~"}.get(diff["verdict"], diff["verdict"])
    assert len(want["curves"][0]["points"]) == 12  # type: ignore[index]
    assert any(line.startswith("crossing: ") for line in lines)
    assert any(line.startswith("Pareto: ") for line in lines)
    assert not any(line.startswith("max load") for line in lines)  # no --slo
    assert any(line.startswith("note: configurations: ") for line in lines)


def test_json_is_compare_sweeps_to_dict(
    folders: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, a, b = folders
    args = ["--sweep", str(a), str(b), "--slo", "tpot=30ms", "--slo-target", "0.8"]
    code, out, err = run_main(
        [*args, "--gpus", "2", "--tokens", "50:", "--format", "json", *FAST], capsys
    )
    assert code == EXIT_OK, err
    want = expected(
        a, b, slo={"time_per_output_token": 0.03}, slo_target=0.8, gpus=2, token_range=(50, None)
    )
    assert json.loads(out) == want
    assert want["max_load"] and want["pareto"]["y"] == "per_gpu"  # type: ignore[index]


def test_markdown_has_the_level_attainment_and_pareto_tables_and_max_load(
    folders: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, a, b = folders
    args = ["--sweep", str(a), str(b), "--slo", "tpot=30ms", "--format", "markdown", *FAST]
    code, out, err = run_main(args, capsys)
    assert code == EXIT_OK, err
    tables = [block for block in out.split("\n\n") if block.startswith("|")]
    assert len(tables) == 3  # levels, SLO attainment, Pareto
    assert len(tables[0].splitlines()) == 2 + 12
    assert len(tables[2].splitlines()) == 2 + 24
    assert "*max load within the SLO (≥ 90% of requests meet every objective)*" in out
    assert "- synthetic: baseline (TP=1): " in out  # full names in Markdown


def test_a_folder_holding_both_configurations_gives_both(
    folders: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, a, b = folders
    code, out, err = run_main(["--sweep", str(root), "--format", "json", *FAST], capsys)
    assert code == EXIT_OK, err
    assert json.loads(out) == expected(a, b)


def test_a_glob_gathers_one_configurations_files(
    folders: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, a, b = folders
    code, out, err = run_main(
        ["--sweep", f"{a}/*.parquet", str(b), "--format", "json", *FAST], capsys
    )
    assert code == EXIT_OK, err
    assert json.loads(out) == expected(a, b)


def test_fail_on_applies_to_every_level(
    folders: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, a, b = folders
    verdicts = {
        p["label"]: p["verdict"]
        for p in expected(a, b)["differences"][0]["points"]  # type: ignore[index]
    }
    slower = [label for label, v in verdicts.items() if v == "slower"]
    assert slower and "faster" in verdicts.values()  # the demo crosses within the sweep
    code, _, err = run_main(["--sweep", str(a), str(b), "--fail-on", "slower", *FAST], capsys)
    assert code == EXIT_VERDICT
    assert f"verdict slower at {', '.join(slower)} (synthetic: candidate" in err
    # verdicts that occur at no level pass
    code, _, err = run_main(
        ["--sweep", str(a), str(b), "--fail-on", "equivalent,inconclusive", *FAST], capsys
    )
    assert code == EXIT_OK, err


def test_o_writes_the_sweep_report_with_the_printed_numbers_and_every_level(
    folders: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, a, b = folders
    report = tmp_path / "report.html"
    args = ["--sweep", str(a), str(b), "-o", str(report), "--seed", "7", "--slo", "tpot=30ms"]
    code, out, err = run_main([*args, *FAST, "--format", "json"], capsys)
    assert code == EXIT_OK, err
    assert "the load and Pareto views and every level's comparison" in err
    assert "it opens at concurrency 128" in err
    model = report_model(report.read_text(encoding="utf-8"))
    # the load and Pareto views draw exactly what was printed (the same seed)
    assert model["state"]["sweep_stats"] == json.loads(out)
    levels = model["levels"]
    assert [level["load_level"] for level in levels] == [
        point["level"]["value"] for point in json.loads(out)["curves"][0]["points"]
    ]
    # each level's panel numbers: compare() of that level's runs with the CLI's seed
    sweep_a, sweep_b = load_sweep(a), load_sweep(b)
    for level in levels[::5]:
        want = compare(
            sweep_a.at(level["load_level"]),
            sweep_b.at(level["load_level"]),
            n_resamples=999,
            slo={"time_per_output_token": 0.03},
            random_state=7,
        ).to_dict()
        assert [r["estimate"] for r in level["stats"]["runs"]] == [
            r["estimate"] for r in want["runs"]
        ]
        assert level["stats"]["differences"][0]["ci_low"] == want["differences"][0]["ci_low"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--sweep", "{a}"], EXIT_USAGE, "--sweep needs 2 to 8 configurations to compare"),
        (["--sweep"], EXIT_USAGE, "give at least two sweeps (configurations)"),
        (["--sweep", "{a}", "{b}", "--slo-target", "0.8"], EXIT_USAGE, "--slo-target needs --slo"),
        (
            ["--sweep", "{a}", "{b}", "--slo", "tpot=30ms", "--slo-target", "1.5"],
            EXIT_USAGE,
            "--slo-target 1.5: slo_target=1.5 must be a share of requests in (0, 1)",
        ),
        (
            ["--sweep", "{a}", "{b}", "--slo", "tpot=30ms", "--slo-target", "x"],
            EXIT_USAGE,
            "argument --slo-target: invalid float value",
        ),
        (["--sweep", "{a}", "{b}", "--gpus", "2,4,8"], EXIT_USAGE, "3 counts for 2 configurations"),
        (["--sweep", "{a}", "{b}", "--gpus", "two"], EXIT_USAGE, "'two' is not a GPU count"),
        (["--sweep", "{a}", "{b}", "--gpus", "0"], EXIT_USAGE, "gpus: 0 is not a GPU count"),
        (["{a}", "{b}", "--gpus", "2"], EXIT_USAGE, "--gpus applies to --sweep"),
        (["{a}", "{b}", "--slo-target", "0.8"], EXIT_USAGE, "--slo-target applies to --sweep"),
        (["--sweep", "{a}", "--arm", "{b}"], EXIT_USAGE, "--arm is for runs"),
        (["--sweep", "{a}", "{b}", "--fail-on", "worse"], EXIT_USAGE, "--fail-on 'worse'"),
        (["--sweep", "{a}", "{nomatch}"], EXIT_USAGE, "matches no file"),
        (["--sweep", "{a}", "{b}", "-o", "{a}/r.html"], EXIT_USAGE, "inside the input folder"),
        (["--sweep", "{a}", "{noload}"], EXIT_ERROR, "have no load level"),
        (["--sweep", "{a}", "{missing}"], EXIT_ERROR, "no such file or folder"),
    ],
)
def test_bad_input_is_one_clear_line(
    args: list[str],
    code: int,
    message: str,
    folders: tuple[Path, Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, a, b = folders
    noload = tmp_path / "noload.parquet"
    make_run("no level", 100).to_parquet(noload)
    paths = {
        "a": str(a),
        "b": str(b),
        "noload": str(noload),
        "missing": str(tmp_path / "missing.json"),
        "nomatch": str(tmp_path / "none-*.json"),
    }
    got, out, err = run_main([arg.format(**paths) for arg in args], capsys)
    assert got == code
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_time_on_sweeps_without_start_times_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for tag in "ab":
        (tmp_path / tag).mkdir()
        for c in (1, 4):
            run = make_run(f"{tag} c={c}", 100, duration=None, load=f"concurrency={c}")
            run.to_parquet(tmp_path / tag / f"c{c}.parquet")
        paths.append(str(tmp_path / tag))
    code, _, err = run_main(["--sweep", *paths, "--time", "10:", *FAST], capsys)
    assert code == EXIT_USAGE
    assert "--time 10:: time_range needs request start times" in err
