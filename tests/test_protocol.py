"""The wire contract: real Python outputs validate against js/protocol.ts's JSON Schema.

js/protocol.schema.json is generated from the TypeScript types the front end reads
(`npm run schema`; js/schema.test.ts fails when it is out of date). Here the Python side is
checked against it: `compare(...).to_dict()` in every shape it takes, the widget's
`_runs_meta`, `_choices` and whole synced state, and the model a report embeds. A key added,
dropped or retyped on either side fails here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from factories import make_run

from tpot_widget import Arm, TPOTCompare, compare
from tpot_widget.report import render_html

SCHEMA = Path(__file__).resolve().parents[1] / "js" / "protocol.schema.json"
SLO = {"time_per_output_token": 0.025, "time_to_first_token": 0.25}


@cache
def validator(definition: str) -> jsonschema.Draft7Validator:
    """A validator of one type of js/protocol.ts (its definitions resolve in the same file)."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator({**schema, "$ref": f"#/definitions/{definition}"})


def problems(definition: str, value: Any) -> list[str]:
    """Every way `value` breaks the schema of `definition` ([] when it is valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(definition).iter_errors(value)
    ]


def runs(k: int, n: int = 300) -> list[Any]:
    return [make_run(f"run {i}", n=n, seed=i, tpot=0.02 + 0.001 * i) for i in range(k)]


CASES: dict[str, Any] = {
    "two runs": lambda: compare(*runs(2), n_resamples=199),
    "arms": lambda: compare(Arm(runs(3), name="A"), Arm(runs(3)[::-1], name="B"), n_resamples=199),
    "slo": lambda: compare(*runs(2), slo=SLO, n_resamples=199),
    "match": lambda: compare(*runs(2), match=["num_tokens_output"], n_resamples=199),
    "threshold": lambda: compare(*runs(2), threshold=0.02, n_resamples=199),
    "empty selection": lambda: compare(*runs(2), token_range=(50_000, None), slo=SLO),
    "time range": lambda: compare(*runs(2), time_range=(10, 40), n_resamples=199),
    "warm-up": lambda: compare(
        make_run("w", n=600, warm_up=(10, 2.0)), make_run("v", seed=3, n=600), n_resamples=199
    ),
    "8 runs": lambda: compare(*runs(8, n=120), n_resamples=199),
}


@pytest.mark.parametrize("case", list(CASES))
def test_compare_to_dict_matches_the_stats_type(case: str) -> None:
    stats = CASES[case]().to_dict()
    assert problems("Stats", stats) == []


def test_the_cases_reach_every_optional_part() -> None:
    """The cases above fill what can be None: SLO table, warm-up hint, match, threshold."""
    shown = {case: CASES[case]().to_dict() for case in ("slo", "warm-up", "match", "threshold")}
    assert shown["slo"]["slo"] is not None
    assert shown["warm-up"]["warm_up"] is not None
    assert shown["match"]["match"] == ["num_tokens_output"]
    assert shown["threshold"]["threshold"] == 0.02


def test_the_schema_catches_drift() -> None:
    stats = CASES["two runs"]().to_dict()
    extra = {**stats, "new_key": 1}
    assert any("new_key" in p for p in problems("Stats", extra))
    missing = {k: v for k, v in stats.items() if k != "notes"}
    assert any("'notes' is a required property" in p for p in problems("Stats", missing))
    retyped = json.loads(json.dumps(stats))
    retyped["runs"][0]["estimate"] = "21 ms"
    assert problems("Stats", retyped) != []
    retyped = json.loads(json.dumps(stats))
    retyped["differences"][0]["verdict"] = "much faster"
    assert problems("Stats", retyped) != []
    nulled = json.loads(json.dumps(stats))
    nulled["runs"][0]["estimate"] = None  # "not enough data" is allowed
    assert problems("Stats", nulled) == []


def test_the_widgets_traits_match_the_widget_model() -> None:
    w = TPOTCompare(Arm(runs(2), name="arm"), *runs(2), slo=SLO, n_resamples=199)
    state = w.get_state(key=sorted(TPOTCompare.class_own_traits(sync=True)))
    for meta in state["_runs_meta"]:
        assert problems("RunMeta", meta) == []
    assert problems("Choices", state["_choices"]) == []
    assert problems("WidgetModel", json.loads(json.dumps(state))) == []
    w.close()


def test_a_written_reports_model_matches_the_report_model() -> None:
    text = render_html(runs(2), token_range=(100, 500), slo=SLO, n_resamples=199)
    start = text.index('id="tpot-model">') + len('id="tpot-model">')
    model = json.loads(text[start : text.index("</script>", start)])
    assert problems("ReportModel", model) == []


def test_the_front_ends_label_fixture_is_what_the_kernel_sends() -> None:
    """js/labels.fixture.json (the labels the vitest tests learn) = the registries' choices."""
    fixture = json.loads((SCHEMA.parent / "labels.fixture.json").read_text(encoding="utf-8"))
    w = TPOTCompare(*runs(2), n_resamples=199)
    assert fixture == {k: w._choices[k] for k in ("columns", "statistics")}
    w.close()


def test_a_sweep_widgets_traits_match_the_widget_model() -> None:
    """With sweeps: `load_level`, `sweep_stats` (`SweepComparison.to_dict()`), the level-keyed
    `_runs_meta` (one configuration shown at its nearest level) and `_choices.load_levels`."""
    from factories import make_sweep

    a = make_sweep("A", ["synchronous", "rate=1", "rate=2", "throughput"], repeats=2, n=120)
    b = make_sweep("B", ["synchronous", "rate=1", "rate=3"], 0.03, n=120, seed=5)
    w = TPOTCompare(a, b, slo=SLO, gpus=[2, None], load_level=2, n_resamples=199)
    state = json.loads(json.dumps(w.get_state(key=sorted(TPOTCompare.class_own_traits(sync=True)))))
    assert state["_runs_meta"][1]["level_note"] is not None and state["sweep_stats"]["max_load"]
    assert problems("WidgetModel", state) == []
    assert problems("SweepStats", state["sweep_stats"]) == []
    w.close()
