"""tables: the comparison as a benchstat-style text table and as Markdown for a pull request."""

from __future__ import annotations

import re
from typing import Any

import pytest
from factories import make_run, make_sweep

from tpot_widget import compare, compare_sweeps
from tpot_widget.display import (
    format_ci,
    format_delta,
    format_percent,
    format_percent_ci,
    format_share,
    format_value,
    short_labels,
)
from tpot_widget.tables import (
    markdown_table,
    sweep_markdown_table,
    sweep_text_table,
    text_table,
)

QUICK = 999
LONG = [
    "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs=256",
    "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs=128",
]


def stats_of(*runs: Any, **values: Any) -> dict[str, Any]:
    return compare(*runs, n_resamples=QUICK, **values).to_dict()


@pytest.fixture(scope="module")
def slower() -> dict[str, Any]:
    """A baseline and a clearly slower candidate (+30%)."""
    return stats_of(make_run("base", 400, 0.020, seed=1), make_run("cand", 400, 0.026, seed=2))


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def md_tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table of `text` as rows of cells (header, rule, rows)."""
    return [
        [[c.strip() for c in line.strip("|").split(" | ")] for line in block.splitlines()]
        for block in text.split("\n\n")
        if block.startswith("|")
    ]


# --- text -----------------------------------------------------------------------------------


def test_text_table_rows_hold_the_numbers(slower: dict[str, Any]) -> None:
    lines = text_table(slower).splitlines()
    assert lines[0] == f"TPOT, median, 95% CI (BCa, {QUICK} resamples); all requests"
    header = cells(lines[2])
    assert header == ["run", "n", "errors", "median", "95% CI"]
    for line, run in zip(lines[3:5], slower["runs"], strict=True):
        assert cells(line) == [
            run["name"],
            str(run["n"]),
            str(run["n_errors"]),
            format_value(run["estimate"], "s"),
            format_ci(run["ci_low"], run["ci_high"], "s"),
        ]
    diff = slower["differences"][0]
    (row,) = [cells(line) for line in lines if line.startswith("cand ") and "%" in line]
    assert row[0] == "cand"
    assert row[1] == format_percent(diff["relative"]) and row[1].startswith("+")
    assert row[2] == format_percent_ci(diff["relative_ci_low"], diff["relative_ci_high"])
    assert row[3] == format_delta(diff["estimate"], "s")
    assert row[-1] == "slower"
    assert any(line.startswith("vs base ") for line in lines)
    # the notes close the table
    assert lines[-1].startswith("note: ") and "request-to-request noise" in lines[-1]


def test_no_significant_difference_is_a_tilde() -> None:
    a = make_run("a", 300, seed=1)
    stats = stats_of(a, a)
    assert stats["differences"][0]["verdict"] == "no significant difference"
    (row,) = [line for line in text_table(stats).splitlines() if line.startswith("a (2) ")][1:]
    assert row.split()[-1] == "~"
    # Markdown spells the verdict out
    assert md_tables(markdown_table(stats))[1][2][-1] == "no significant difference"


def test_long_names_get_short_labels_and_a_key() -> None:
    stats = stats_of(*(make_run(name, 300, seed=i) for i, name in enumerate(LONG)))
    text = text_table(stats)
    labels = short_labels(LONG)
    lines = text.splitlines()
    assert sum(line.startswith(labels[0] + " ") for line in lines) == 1
    assert sum(line.startswith(labels[1] + " ") for line in lines) == 2  # runs and differences
    assert f"vs {labels[0]}" in text
    (key,) = [line for line in lines if line.startswith("note: runs: ")]
    assert key == f"note: runs: {labels[0]} = {LONG[0]}; {labels[1]} = {LONG[1]}"
    # full names on request, then no key
    full = text_table(stats, full_names=True)
    assert all(name in full for name in LONG) and "note: runs:" not in full


def test_heading_names_the_selection_threshold_and_matching() -> None:
    runs = [make_run("a", 600, seed=1), make_run("b", 600, seed=2)]
    stats = stats_of(
        *runs,
        statistic="p90",
        confidence_level=0.9,
        token_range=(200, 800),
        time_range=(5, None),
        threshold=0.02,
        match="num_tokens_output",
    )
    heading = text_table(stats).splitlines()[0]
    assert heading == (
        f"TPOT, p90, 90% CI (BCa, {QUICK} resamples); 200 ≤ output tokens ≤ 800, "
        "request start ≥ 5 s; practical threshold ±2%; matched on num_tokens_output"
    )
    assert markdown_table(stats).startswith(f"**{heading}**\n")


def test_threshold_verdicts_are_printed() -> None:
    a, b = make_run("a", 1500, sigma=0.05, seed=1), make_run("b", 1500, sigma=0.05, seed=2)
    stats = stats_of(a, b, threshold=0.02)
    assert stats["differences"][0]["verdict"] == "equivalent"
    diff_row = [line for line in text_table(stats).splitlines() if line.startswith("b ")][1]
    assert diff_row.split()[-1] == "equivalent"
    assert md_tables(markdown_table(stats))[1][2][-1] == "equivalent"


def test_not_enough_data_is_n_a_not_a_number() -> None:
    stats = stats_of(make_run("a", 100), make_run("b", 100, seed=1), token_range=(10**6, None))
    text = text_table(stats)
    assert "output tokens ≥ 1,000,000" in text.splitlines()[0]
    row = cells(next(line for line in text.splitlines() if line.startswith("b ")))
    assert row == ["b", "0", "0", "n/a", "n/a"]
    assert "not enough data" in text
    assert "nan" not in text.lower().replace("not enough", "")


def test_arms_show_how_many_runs_and_their_between_run_share() -> None:
    arm = [make_run(f"cfg run {i}", 200, seed=i) for i in range(3)]
    stats = stats_of(arm, make_run("single", 300, seed=9))
    lines = text_table(stats).splitlines()
    assert cells(lines[2])[-1] == "runs"
    share = stats["runs"][0]["between_run_share"]
    assert cells(lines[3])[-1] == f"3 ({share:.0%} between runs)"
    assert cells(lines[4])[-1] == "1"
    (runs_table, _) = md_tables(markdown_table(stats))
    assert runs_table[0][-1] == "runs" and runs_table[2][-1].startswith("3 (")


def test_slo_attainment_table() -> None:
    stats = stats_of(
        *(make_run(name, 300, seed=i) for i, name in enumerate(LONG)),
        slo={"ttft": "200ms", "tpot": "30ms"},
    )
    text = text_table(stats)
    (head,) = [line for line in text.splitlines() if line.startswith("SLO: ")]
    assert head.startswith("SLO: TTFT ≤ 200 ms, TPOT ≤ 30.0 ms")
    labels = short_labels(LONG)
    for label, run in zip(labels, stats["slo"]["runs"], strict=True):
        (row,) = [cells(line) for line in text.splitlines() if line.startswith(label + " ")][-1:]
        assert row[1:3] == [str(run["n"]), str(run["met"])]
        # shares as the panel writes them (js/format.ts formatShare): no sign, one decimal
        assert row[3] == format_share(run["attainment"])
        assert row[4] == f"[{format_share(run['ci_low'])}, {format_share(run['ci_high'])}]"
    assert f"  {labels[1]} vs {labels[0]}: " in text
    # Markdown keeps it as a literal block
    md = markdown_table(stats)
    assert "```\nSLO: TTFT ≤ 200 ms" in md


def test_an_attainment_interval_from_zero_has_no_sign() -> None:
    # nothing meets a 1 ms TPOT objective: the interval starts at 0 %, written "0.0%", not "±0.00%"
    stats = stats_of(make_run("a", 300, seed=1), make_run("b", 300, seed=2), slo={"tpot": "1ms"})
    slo_part = text_table(stats).split("SLO: ")[1].splitlines()
    rows = [line for line in slo_part if line.startswith(("a ", "b "))]
    assert len(rows) == 2 and all("±" not in row and "[0.0%, " in row for row in rows)


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_names_both_runs_with_estimates_cis_deltas_and_verdicts(
    slower: dict[str, Any],
) -> None:
    md = markdown_table(slower)
    runs_table, diff_table = md_tables(md)
    assert runs_table[0] == ["run", "n", "errors", "median", "95% CI"]
    assert set(runs_table[1]) <= {"---", "---:"}
    for row, run in zip(runs_table[2:], slower["runs"], strict=True):
        assert row == [
            run["name"],
            str(run["n"]),
            str(run["n_errors"]),
            format_value(run["estimate"], "s"),
            format_ci(run["ci_low"], run["ci_high"], "s"),
        ]
    diff = slower["differences"][0]
    assert diff_table[0][:3] == ["vs base", "Δ%", "95% CI"] and diff_table[0][-1] == "verdict"
    (row,) = diff_table[2:]
    assert row[0] == "cand" and row[-1] == "slower"
    assert row[1] == format_percent(diff["relative"])
    assert row[2] == format_percent_ci(diff["relative_ci_low"], diff["relative_ci_high"])
    notes = [line[2:] for line in md.splitlines() if line.startswith("> ")]
    assert notes == slower["notes"]
    assert md.endswith("\n")


def test_markdown_keeps_full_names() -> None:
    stats = stats_of(*(make_run(name, 300, seed=i) for i, name in enumerate(LONG)))
    runs_table, diff_table = md_tables(markdown_table(stats))
    assert [row[0] for row in runs_table[2:]] == LONG
    assert diff_table[0][0] == f"vs {LONG[0]}" and diff_table[2][0] == LONG[1]


def test_markdown_shows_names_literally() -> None:
    name = "a|b *bold* `code` <img src=x onerror=alert(1)>"
    stats = stats_of(make_run(name, 200), make_run("other", 200, seed=1))
    md = markdown_table(stats)
    escaped = r"a\|b \*bold\* \`code\` &lt;img src=x onerror=alert(1)>"
    assert f"| {escaped} |" in md
    assert "<img" not in md
    # each row still has as many cells as its header
    for table in md_tables(md):
        widths = {len(re.split(r"(?<!\\)\|", "|" + " | ".join(row) + "|")) for row in table}
        assert len(widths) == 1


def test_empty_stats_give_empty_markdown() -> None:
    assert markdown_table({}) == ""


# --- sweeps -----------------------------------------------------------------------------------


def sweep_stats(a_name: str = "A", b_name: str = "B", **values: Any) -> dict[str, Any]:
    """guidellm-like sweeps: A at rates 1, 2, 4; B at 1, 3, 4 and 3 % slower at rate 4."""
    a = make_sweep(a_name, ["synchronous", "rate=1", "rate=2", "rate=4"], 0.020, n=400, seed=1)
    b = make_sweep(
        b_name,
        ["synchronous", "rate=1", "rate=3", "rate=4"],
        lambda level: 0.030 if level.value == 4 else 0.016,
        n=400,
        seed=2,
    )
    return dict(compare_sweeps(a, b, n_resamples=QUICK, **values).to_dict())


@pytest.fixture(scope="module")
def sweep() -> dict[str, Any]:
    return sweep_stats(slo={"time_per_output_token": 0.025}, gpus=[1, 2])


def test_sweep_text_has_a_row_per_level_of_any_configuration(sweep: dict[str, Any]) -> None:
    lines = sweep_text_table(sweep).splitlines()
    assert lines[0] == (
        f"TPOT, median, 95% CI (BCa, {QUICK} resamples); all requests; across rate levels"
    )
    assert lines[2] == "median per rate level"
    header = cells(lines[3])
    assert header == [
        "level", "A median", "95% CI", "B median", "95% CI",
        "Δ% B", "95% CI", "p", "p (Holm)", "verdict",
    ]  # fmt: skip
    rows = {cells(line)[0]: cells(line) for line in lines[4:9]}
    assert list(rows) == ["synchronous", "rate 1", "rate 2", "rate 3", "rate 4"]
    # B did not run rate 2; A did not run rate 3 (B's is compared with A interpolated)
    assert rows["rate 2"][3:] == ["—", "—"]
    assert rows["rate 3"][1] == "—" and rows["rate 3"][-1].endswith(" (interpolated)")
    b_points = {p["label"]: p for p in sweep["curves"][1]["points"]}
    diffs = {p["label"]: p for p in sweep["differences"][0]["points"]}
    for label in ("synchronous", "rate 1", "rate 4"):
        point, diff = b_points[label], diffs[label]
        assert rows[label][3:7] == [
            format_value(point["estimate"], "s"),
            format_ci(point["ci_low"], point["ci_high"], "s"),
            format_percent(diff["relative"]),
            format_percent_ci(diff["relative_ci_low"], diff["relative_ci_high"]),
        ]
    assert rows["rate 1"][-1] == "faster" and rows["rate 4"][-1] == "slower"


def test_sweep_text_says_no_significant_difference_as_benchstat_does() -> None:
    a = make_sweep("A", [1, 4], 0.020, n=200, seed=1)
    b = make_sweep("B", [1, 4], 0.020, n=200, seed=1)  # the same runs
    text = sweep_text_table(compare_sweeps(a, b, n_resamples=QUICK).to_dict())
    rows = [cells(line) for line in text.splitlines() if line.startswith("concurrency ")]
    assert [row[-1] for row in rows[:2]] == ["~", "~"]


def test_sweep_text_states_the_crossing_max_load_and_pareto(sweep: dict[str, Any]) -> None:
    text = sweep_text_table(sweep)
    lines = text.splitlines()
    crossing = sweep["crossing"][0]
    i = lines.index("crossing: the load where each configuration stops being faster than A")
    assert lines[i + 1].startswith(f"  B: {crossing['estimate']:.3g} [")
    assert lines[i + 1].endswith(f"req/s ({crossing['status']})")
    i = lines.index("max load within the SLO (≥ 90% of requests meet every objective)")
    for line, m in zip(lines[i + 1 : i + 3], sweep["max_load"], strict=True):
        status = m["status"]
        assert line.endswith(f"req/s ({status})" if m["estimate"] is not None else f": {status}")
    assert "SLO attainment (TPOT ≤ 25.0 ms)" in lines
    (pareto,) = [n for n, line in enumerate(lines) if line.startswith("Pareto: ")]
    assert cells(lines[pareto + 1]) == [
        "configuration", "level", "per user tok/s", "95% CI", "output tok/s", "95% CI",
        "per GPU tok/s", "95% CI", "frontier",
    ]  # fmt: skip
    assert len([line for line in lines[pareto + 2 :] if line.startswith(("A ", "B "))]) == 8
    notes = [line[6:] for line in lines if line.startswith("note: ")]
    assert notes == sweep["notes"]


def test_sweep_markdown_keeps_full_names_literally() -> None:
    name = "a|b *bold* <img src=x onerror=alert(1)>"
    md = sweep_markdown_table(sweep_stats(a_name=name))
    escaped = r"a\|b \*bold\* &lt;img src=x onerror=alert(1)>"
    assert f"| {escaped} median |" in md
    assert "<img" not in md
    for table in md_tables(md):
        widths = {len(re.split(r"(?<!\\)\|", "|" + " | ".join(row) + "|")) for row in table}
        assert len(widths) == 1
    assert md.endswith("\n") and sweep_markdown_table({}) == ""
