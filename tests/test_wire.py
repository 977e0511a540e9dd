"""wire: the TypedDicts describe real `to_dict()` outputs exactly (every key, no other key,
each value of its declared type), for every shape a comparison takes."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest
from factories import make_run

from tpot_widget import Arm, TPOTCompare, compare, wire
from tpot_widget.params import Parameters


def conforms(value: Any, hint: Any, where: str = "stats") -> None:
    """Assert `value` is of type `hint` (TypedDicts, lists, dicts, unions, Literals, scalars)."""
    origin = get_origin(hint)
    if typing.is_typeddict(hint):
        assert isinstance(value, dict), f"{where}: {value!r} is not a dict"
        hints = get_type_hints(hint)
        assert set(value) == set(hints), (
            f"{where}: keys {sorted(set(value) ^ set(hints))} differ from {hint.__name__}"
        )
        for key, sub in hints.items():
            conforms(value[key], sub, f"{where}.{key}")
    elif origin in (Union, types.UnionType):
        errors = []
        for option in get_args(hint):
            try:
                conforms(value, option, where)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{where}: {value!r} is none of {hint}: {errors}")
    elif origin is Literal:
        assert value in get_args(hint), f"{where}: {value!r} not in {get_args(hint)}"
    elif origin is list:
        assert isinstance(value, list), f"{where}: {value!r} is not a list"
        (item,) = get_args(hint)
        for i, v in enumerate(value):
            conforms(v, item, f"{where}[{i}]")
    elif origin is dict:
        assert isinstance(value, dict), f"{where}: {value!r} is not a dict"
        key_hint, value_hint = get_args(hint)
        for k, v in value.items():
            conforms(k, key_hint, f"{where} key")
            conforms(v, value_hint, f"{where}[{k!r}]")
    elif hint is type(None):
        assert value is None, f"{where}: {value!r} is not None"
    elif hint is float:
        assert isinstance(value, (int, float)) and not isinstance(value, bool), where
    elif hint is int:
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r}"
    else:
        assert isinstance(value, hint), f"{where}: {value!r} is not {hint}"


def _arm(prefix: str, seed: int) -> Arm:
    return Arm([make_run(f"{prefix} #{i}", 150, 0.02, seed + i) for i in range(3)], name=prefix)


a, b = make_run("a", 300, seed=1), make_run("b", 300, seed=2, tpot=0.022)
QUICK = {"n_resamples": 199}
SHAPES: dict[str, Callable[[], dict[str, Any]]] = {
    "two runs": lambda: dict(compare(a, b, **QUICK).to_dict()),
    "three runs, threshold": lambda: dict(
        compare(a, b, make_run("c", 200, seed=3), threshold=0.02, **QUICK).to_dict()
    ),
    "arms": lambda: dict(compare(_arm("A", 10), _arm("B", 20), **QUICK).to_dict()),
    "slo": lambda: dict(
        compare(a, b, slo={"time_to_first_token": 0.2, "tpot": "25ms"}, **QUICK).to_dict()
    ),
    "match": lambda: dict(compare(a, b, match="num_tokens_output", **QUICK).to_dict()),
    "empty selection": lambda: dict(compare(a, b, token_range=(5000, None), **QUICK).to_dict()),
    "warm-up hint": lambda: dict(
        compare(make_run("w", 600, seed=4, warm_up=(10, 3.0)), b, **QUICK).to_dict()
    ),
    "plain values, mean": lambda: dict(
        compare(
            a["time_per_output_token"], b["time_per_output_token"], statistic="mean", **QUICK
        ).to_dict()
    ),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_to_dict_is_a_stats_dict(shape: str) -> None:
    stats = SHAPES[shape]()
    conforms(stats, wire.StatsDict)
    json.dumps(stats, allow_nan=False)


def test_the_shapes_cover_every_optional_part() -> None:
    seen = {name: SHAPES[name]() for name in ("slo", "warm-up hint", "empty selection")}
    assert seen["slo"]["slo"] is not None
    assert seen["warm-up hint"]["warm_up"] is not None
    assert seen["empty selection"]["differences"][0]["verdict"] == "not enough data"


def test_parameters_to_dict() -> None:
    conforms(
        Parameters.from_user(slo={"ttft": 0.5}, token_range=(1, None)).to_dict(),
        wire.ParametersDict,
    )


def test_the_widget_traits() -> None:
    w = TPOTCompare(a, b, **QUICK)
    conforms(dict(w.stats), wire.StatsDict)
    conforms(dict(w._choices), wire.ChoicesDict, "_choices")
    for i, meta in enumerate(w._runs_meta):
        conforms(dict(meta), wire.RunMetaDict, f"_runs_meta[{i}]")


def test_the_checker_catches_an_extra_or_missing_key() -> None:
    stats = SHAPES["two runs"]()
    with pytest.raises(AssertionError, match="differ from StatsDict"):
        conforms({**stats, "extra": 1}, wire.StatsDict)
    del stats["runs"][0]["n"]
    with pytest.raises(AssertionError, match="differ from RunDict"):
        conforms(stats, wire.StatsDict)


# --- sweeps: `SweepComparison.to_dict()` (the widget's `sweep_stats`) and the sweep widget --------


def _sweeps() -> list[Any]:
    """guidellm-like sweeps (B's rates interpolated against A's), repeats at rate 1."""
    from factories import make_sweep

    a = make_sweep("A", ["synchronous", "rate=1", "rate=2", "rate=4", "throughput"], repeats=2)
    b = make_sweep("B", ["synchronous", "rate=1", "rate=3", "rate=8"], 0.03, seed=5)
    return [a, b]


SWEEP_SHAPES: dict[str, dict[str, Any]] = {
    "plain": {},
    "slo, gpus, threshold": {
        "slo": {"time_per_output_token": 0.025},
        "gpus": [2, None],
        "threshold": 0.02,
    },
    "gpus for all, empty selection": {"gpus": 4, "token_range": (5000, None)},
}


@pytest.mark.parametrize("shape", list(SWEEP_SHAPES))
def test_sweep_to_dict_is_a_sweep_stats_dict(shape: str) -> None:
    from tpot_widget import compare_sweeps

    stats = compare_sweeps(*_sweeps(), **SWEEP_SHAPES[shape], **QUICK).to_dict()
    conforms(stats, wire.SweepStatsDict, "sweep_stats")
    json.dumps(stats, allow_nan=False)
    if shape == "plain":  # the shapes hold interpolated points and an open crossing
        points = stats["differences"][0]["points"]
        assert any(p["interpolated"] for p in points)


def test_the_sweep_widget_traits() -> None:
    w = TPOTCompare(*_sweeps(), **QUICK)
    w.load_level = 2  # B did not run it: shown at its nearest level, with a note
    conforms(dict(w.sweep_stats), wire.SweepStatsDict, "sweep_stats")
    conforms(dict(w.stats), wire.StatsDict)
    conforms(dict(w._choices), wire.ChoicesDict, "_choices")
    for i, meta in enumerate(w._runs_meta):
        conforms(dict(meta), wire.RunMetaDict, f"_runs_meta[{i}]")
    assert w._runs_meta[1]["level_note"] is not None
    w.load_level = "throughput"
    conforms(w.load_level, wire.LoadLevelValue, "load_level")
