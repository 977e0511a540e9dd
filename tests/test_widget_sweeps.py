"""TPOTCompare given sweeps: the configurations compared at `load_level`, `sweep_stats` live,
level-keyed columns for the front end; plain runs unchanged."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import traitlets
from factories import make_run, make_sweep

from tpot_widget import Load, Sweep, TPOTCompare, compare, compare_sweeps
from tpot_widget._transport import decode_array
from tpot_widget.demo import demo_sweeps
from tpot_widget.units import renamed

#: What a refused value raises: ValueError from params, TraitError on a trait assignment.
INVALID = (ValueError, traitlets.TraitError)
QUICK = {"n_resamples": 999}
SLO = {"time_per_output_token": 0.030}


@pytest.fixture(scope="module")
def sweeps() -> list[Sweep]:
    """Two configurations × 12 concurrency levels × 3 repeats (72 runs), 300 requests each."""
    return demo_sweeps(n=300)


@pytest.fixture
def widget(sweeps: list[Sweep]) -> TPOTCompare:
    return TPOTCompare(*sweeps, **QUICK)


def at_level(sweeps: list[Sweep], level: Any, **values: Any) -> dict[str, Any]:
    """`compare` of every configuration's runs at `level`, named after the configuration."""
    units = [renamed(s.at(level), s.name) for s in sweeps]
    return dict(compare(*units, **QUICK, **values).to_dict())


def rate_sweeps() -> tuple[Sweep, Sweep]:
    """guidellm-like: each configuration at request rates of its own (B lacks rate 2)."""
    a = make_sweep("A", ["synchronous", "rate=1", "rate=2", "rate=4", "throughput"], seed=1)
    b = make_sweep("B", ["synchronous", "rate=1", "rate=3", "rate=4", "throughput"], 0.018)
    return a, b


def columns_answer(w: TPOTCompare, keys: list[str], monkeypatch: Any) -> dict[str, np.ndarray]:
    """The columns the kernel answers a browser's request for `keys` with, by key."""
    sent: list[tuple[dict[str, Any], list[Any]]] = []
    monkeypatch.setattr(w, "send", lambda content, buffers=None: sent.append((content, buffers)))
    w._on_custom_msg(w, {"type": "columns", "keys": keys}, [])
    ((content, buffers),) = sent
    assert "error" not in content, content
    out = {c["key"]: decode_array(c, b) for c, b in zip(content["columns"], buffers, strict=True)}
    out.update({key: None for key in content["rejected"]})  # type: ignore[misc]
    return out


# --- the level compared ---------------------------------------------------------------------


def test_stats_are_compare_of_the_configurations_at_the_chosen_level(
    widget: TPOTCompare, sweeps: list[Sweep]
) -> None:
    widget.load_level = 16
    assert widget.load_level == 16
    assert widget.stats == at_level(sweeps, 16)
    assert [r["name"] for r in widget.stats["runs"]] == [s.name for s in sweeps]
    assert [r["n_runs"] for r in widget.stats["runs"]] == [3, 3]
    assert [r.name for r in widget.runs] == [s.name for s in sweeps]
    widget.token_range = (100, 600)
    assert widget.stats == at_level(sweeps, 16, token_range=(100, 600))
    json.dumps(widget.stats, allow_nan=False)


def test_it_opens_at_the_highest_level_every_configuration_ran(
    widget: TPOTCompare, sweeps: list[Sweep]
) -> None:
    assert widget.load_level == 128
    assert widget.stats == at_level(sweeps, 128)
    levels = widget._choices["load_levels"]
    assert [c["value"] for c in levels] == [float(x.value) for x in sweeps[0].levels]
    assert levels[0] == {
        "value": 1.0,
        "kind": "concurrency",
        "label": "concurrency 1",
        "configurations": [s.name for s in sweeps],
    }


def test_a_level_is_chosen_by_number_load_text_pair_or_dict(widget: TPOTCompare) -> None:
    for value in (8, 8.0, np.int64(8), Load("concurrency", 8), "concurrency=8", ("concurrency", 8)):
        widget.load_level = 1
        widget.load_level = value
        assert widget.load_level == 8 and isinstance(widget.load_level, float), value
    widget.load_level = {"kind": "concurrency", "value": 32}  # as the front end may send it
    assert widget.load_level == 32


def test_synchronous_and_throughput_are_held_by_their_names() -> None:
    a, b = rate_sweeps()
    w = TPOTCompare(a, b, **QUICK)
    assert w.load_level == "throughput"  # the highest level both ran
    w.load_level = Load("synchronous")
    assert w.load_level == "synchronous"
    assert w.stats == at_level([a, b], "synchronous")
    w.load_level = "rate=2.0"
    assert w.load_level == 2.0


def test_a_level_no_configuration_ran_is_refused_naming_the_levels(widget: TPOTCompare) -> None:
    widget.load_level = 16
    before = widget.stats
    for bad in (3, "rate=16", "fast", None, True):
        with pytest.raises(INVALID, match=r"their levels are 1.0, 2.0, 4.0, .*128.0"):
            widget.load_level = bad
    assert widget.load_level == 16 and widget.stats == before


def test_a_level_refused_when_opening(sweeps: list[Sweep]) -> None:
    with pytest.raises(INVALID, match="load_level=3 is not a level of these sweeps"):
        TPOTCompare(*sweeps, load_level=3, **QUICK)
    w = TPOTCompare(*sweeps, load_level="concurrency=4", **QUICK)
    assert w.load_level == 4 and w.stats == at_level(sweeps, 4)


def test_a_configuration_without_the_level_shows_its_nearest_and_says_so() -> None:
    a, b = rate_sweeps()
    w = TPOTCompare(a, b, **QUICK)
    w.load_level = 2
    # B ran rates 1 and 3 around 2: by achieved request rate, rate 3 is nearer (log scale)
    assert [m["load_level"] for m in w._runs_meta] == [2.0, 3.0]
    note = w._runs_meta[1]["level_note"]
    assert note is not None and "B did not run rate 2" in note and "rate 3" in note
    assert w._runs_meta[0]["level_note"] is None
    expected = dict(compare(renamed(a.at(2), "A"), renamed(b.at(3), "B"), **QUICK).to_dict())
    assert w.stats["notes"] == [note, *expected["notes"]]
    assert {**w.stats, "notes": expected["notes"]} == expected
    levels = {c["label"]: c["configurations"] for c in w._choices["load_levels"]}
    assert (
        levels["rate 2"] == ["A"] and levels["rate 3"] == ["B"] and levels["rate 1"] == ["A", "B"]
    )


# --- sweep_stats ------------------------------------------------------------------------------


def test_sweep_stats_are_compare_sweeps_for_the_current_parameters(
    widget: TPOTCompare, sweeps: list[Sweep]
) -> None:
    assert widget.sweep_stats == compare_sweeps(*sweeps, **QUICK).to_dict()
    with widget.hold_trait_notifications():
        widget.token_range = (100, 600)
        widget.threshold = 0.05
        widget.slo = SLO
    expected = compare_sweeps(
        *sweeps, token_range=(100, 600), threshold=0.05, slo=SLO, **QUICK
    ).to_dict()
    assert widget.sweep_stats == expected
    assert widget.sweep_comparison is not None
    assert widget.sweep_comparison.to_dict() == expected
    widget.load_level = 4  # another level: sweep_stats stays, stats follow
    assert widget.sweep_stats == expected
    assert widget.stats == at_level(sweeps, 4, token_range=(100, 600), threshold=0.05, slo=SLO)


def test_the_panels_numbers_leave_the_kernel_before_every_level_is_computed(
    widget: TPOTCompare, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A brush's `stats` are sent, and the kernel waits for them to leave (see _outbox), before
    `sweep_stats` (tens of ms of every level) are computed."""
    sent: list[set[str]] = []
    at_wait: list[tuple[list[set[str]], Any]] = []
    real_send = widget._send

    def send(msg: dict[str, Any], buffers: Any = None) -> None:
        sent.append(set(msg.get("state", {})))
        real_send(msg, buffers)

    def wait(comm: Any, *_: Any) -> bool:
        at_wait.append(([*sent], widget.sweep_stats))
        return True

    monkeypatch.setattr(widget, "_send", send)
    monkeypatch.setattr("tpot_widget.widget._outbox.wait_until_sent", wait)
    before = widget.sweep_stats
    widget.token_range = (100, 600)
    assert len(at_wait) == 1
    sent_then, sweep_then = at_wait[0]
    assert any("stats" in keys for keys in sent_then)
    assert not any("sweep_stats" in keys for keys in sent_then)
    assert sweep_then == before  # not computed yet
    assert sent[-1] == {"sweep_stats"} and widget.sweep_stats != before
    widget.load_level = 4  # the same parameters at another level: no sweep recomputed, no wait
    assert len(at_wait) == 1


def test_slo_target_gpus_and_the_dimension_reach_sweep_stats(
    widget: TPOTCompare, sweeps: list[Sweep]
) -> None:
    widget.slo = SLO
    widget.slo_target = 0.8
    widget.gpus = 2
    assert widget.gpus == [2, 2]
    assert widget.sweep_stats == (
        compare_sweeps(*sweeps, slo=SLO, slo_target=0.8, gpus=2, **QUICK).to_dict()
    )
    assert widget.sweep_stats["pareto"]["y"] == "per_gpu"
    widget.dimension = "time_to_first_token"
    assert (
        widget.sweep_stats
        == compare_sweeps(
            *sweeps, dimension="time_to_first_token", slo=SLO, slo_target=0.8, gpus=2, **QUICK
        ).to_dict()
    )
    for name, bad in (("slo_target", 1.0), ("gpus", 0), ("gpus", [1, 2, 3])):
        with pytest.raises(INVALID):
            setattr(widget, name, bad)


def test_the_72_run_demo_opens_and_a_level_can_be_chosen() -> None:
    sweeps = demo_sweeps()
    assert sum(len(s.runs) for s in sweeps) == 72
    w = TPOTCompare(sweeps, **QUICK)  # one list of sweeps, as demo_sweeps() returns them
    assert len(w._choices["load_levels"]) == 12
    assert [m["n_runs"] for m in w._runs_meta] == [3, 3]
    w.load_level = 24
    assert w.stats == at_level(sweeps, 24)
    assert "concurrency 24" in w._summary_markdown


# --- the front end's columns -----------------------------------------------------------------


def test_runs_meta_keys_name_the_level_and_configuration_and_are_answered_later(
    widget: TPOTCompare, sweeps: list[Sweep], monkeypatch: Any
) -> None:
    widget.load_level = 4
    level = [c["value"] for c in widget._choices["load_levels"]].index(4.0)
    keys = [m["key"] for m in widget._runs_meta]
    assert keys == [f"L{level}.C0", f"L{level}.C1"]
    wanted = [f"{keys[1]}/time_per_output_token", f"{keys[1]}/error"]
    widget.load_level = 64  # the request arrives after the level changed
    answer = columns_answer(
        widget, [*wanted, "L99.C0/error", "L0.C7/error", "1/error"], monkeypatch
    )
    pooled = sweeps[1].at(4).pooled  # type: ignore[union-attr]
    np.testing.assert_array_equal(answer[wanted[0]], pooled["time_per_output_token"].astype("f4"))
    np.testing.assert_array_equal(answer[wanted[1]], pooled.errors.astype("u1"))
    assert answer["L99.C0/error"] is None and answer["L0.C7/error"] is None
    # a plain index is the current level's configuration (today's front end)
    current = sweeps[1].at(64).pooled  # type: ignore[union-attr]
    np.testing.assert_array_equal(answer["1/error"], current.errors.astype("u1"))


def test_a_level_the_configuration_lacks_is_refused_as_a_key(monkeypatch: Any) -> None:
    a, b = rate_sweeps()
    w = TPOTCompare(a, b, **QUICK)
    rate_2 = [c["label"] for c in w._choices["load_levels"]].index("rate 2")
    answer = columns_answer(w, [f"L{rate_2}.C0/error", f"L{rate_2}.C1/error"], monkeypatch)
    assert answer[f"L{rate_2}.C0/error"] is not None
    assert answer[f"L{rate_2}.C1/error"] is None  # B did not run rate 2


def test_the_browser_choosing_a_level_is_answered_with_that_levels_stats(
    widget: TPOTCompare, sweeps: list[Sweep]
) -> None:
    widget.set_state({"_request_seq": 7, "load_level": 12})
    assert widget._stats_seq == 7 and widget.load_level == 12
    assert widget.stats == at_level(sweeps, 12)
    assert [m["load_level"] for m in widget._runs_meta] == [12.0, 12.0]
    widget.set_state({"_request_seq": 8, "load_level": 5})  # refused, answered, not lost
    assert widget._stats_seq == 8 and widget.load_level == 12
    assert "load_level=5" in widget.error_message


def test_selection_df_holds_the_levels_rows(widget: TPOTCompare, sweeps: list[Sweep]) -> None:
    widget.load_level = 2
    widget.token_range = (100, 400)
    frame = widget.selection_df()
    assert list(frame["run"].cat.categories) == [s.name for s in sweeps]
    for s in sweeps:
        pooled = s.at(2).pooled  # type: ignore[union-attr]
        x = pooled["num_tokens_output"]
        assert (frame["run"] == s.name).sum() == ((x >= 100) & (x <= 400)).sum()


# --- what is refused; plain runs unchanged ------------------------------------------------------


def test_sweeps_mixed_with_runs_or_too_many_are_refused(sweeps: list[Sweep]) -> None:
    run = make_run("plain", 200)
    with pytest.raises(TypeError, match=r"either runs .* or sweeps, not both"):
        TPOTCompare(sweeps[0], run)
    with pytest.raises(ValueError, match="2 to 8 sweeps"):
        TPOTCompare(sweeps[0])
    with pytest.raises(ValueError, match=r"2 to 8 sweeps .*got 9"):
        TPOTCompare(*[sweeps[i % 2].renamed(f"c{i}") for i in range(9)])
    concurrency = make_sweep("C", [1, 4])
    rates = make_sweep("R", ["rate=1", "rate=4"])
    with pytest.raises(ValueError, match="different kinds of load"):
        TPOTCompare(concurrency, rates)


def test_eight_configurations_of_many_runs_open() -> None:
    sweeps = [make_sweep(f"c{i}", [1, 2], repeats=2, n=60, seed=i) for i in range(8)]
    w = TPOTCompare(*sweeps, **QUICK)
    assert len(w.stats["runs"]) == 8 and len(w.sweep_stats["configurations"]) == 8


def test_plain_runs_have_no_level_and_no_sweep_stats() -> None:
    a, b = make_run("a", 300, seed=1), make_run("b", 300, seed=2)
    w = TPOTCompare(a, b, **QUICK)
    assert w.load_level is None and w.sweep_stats == {} and w.sweep_comparison is None
    assert w.sweeps == () and w._choices["load_levels"] == []
    assert [m["key"] for m in w._runs_meta] == ["0", "1"]
    assert all(m["load_level"] is None and m["level_note"] is None for m in w._runs_meta)
    for name, value in (("load_level", 16), ("slo_target", 0.8), ("gpus", 2)):
        with pytest.raises(INVALID, match="applies to sweeps"):
            setattr(w, name, value)
        with pytest.raises(INVALID, match="apply to sweeps"):
            TPOTCompare(a, b, **{name: value})
