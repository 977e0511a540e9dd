"""units.as_units: what a user passes as runs becomes the compared units the same way on every
surface (compare, Comparer, TPOTCompare, the CLI), named by the one rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import make_run

from tpot_widget import Arm, Run, TPOTCompare, compare
from tpot_widget.cli import EXIT_USAGE, main
from tpot_widget.comparison import Comparer
from tpot_widget.units import Values, as_units


def _runs_folder(factory: pytest.TempPathFactory, names: list[str], n: int) -> Path:
    """A folder holding one Parquet run of `n` requests per name (file "<name>.parquet",
    spaces as "-"; seeded by position), as a sweep or a repeated benchmark leaves them."""
    path = factory.mktemp("runs")
    for seed, name in enumerate(names):
        make_run(name, n, seed=seed).to_parquet(path / f"{name.replace(' ', '-')}.parquet")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 runs, "run 00" to "run 11"."""
    return _runs_folder(tmp_path_factory, [f"run {i:02d}" for i in range(12)], 40)


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 runs, "c0" to "c2"."""
    return _runs_folder(tmp_path_factory, [f"c{i}" for i in range(3)], 60)


def test_each_kind_of_argument() -> None:
    a, b, c = make_run("a", 30, seed=1), make_run("b", 30, seed=2), make_run("c", 30, seed=3)
    units = as_units([a, Arm([b, c], name="arm"), [b, c], a.to_pandas(), np.arange(5.0)])
    assert [type(u) for u in units] == [Run, Arm, Arm, Run, Values]
    assert [u.name for u in units][:2] == ["a (1)", "arm"]  # the frame holds run "a" too
    assert len(units[2]) == 2  # a plain list of runs is an arm
    assert len(units[3]) == len(a)  # a DataFrame is a run
    assert units[4].name == "run 5"  # plain values are named by their position
    np.testing.assert_array_equal(units[4].values, np.arange(5.0))


def test_names_are_made_distinct_across_kinds() -> None:
    a = make_run("a", 30, seed=1)
    units = as_units([a, a, make_run("run 4", 30, seed=2), [1.0, 2.0]])
    assert [u.name for u in units] == ["a (1)", "a (2)", "run 4 (1)", "run 4 (2)"]
    assert as_units([a, make_run("b", 30, seed=2)])[0] is a  # a unique name: the run as is


def test_a_single_list_holds_the_units() -> None:
    a, b = make_run("a", 30, seed=1), make_run("b", 30, seed=2)
    assert [u.name for u in as_units([[a, b]])] == ["a", "b"]
    arms = as_units([[a, b], [b, a]])  # two lists: two arms
    assert [len(u) for u in arms if isinstance(u, Arm)] == [2, 2]


def test_a_folder_is_every_run_it_holds(three: Path) -> None:
    assert [u.name for u in as_units([three])] == ["c0", "c1", "c2"]
    w = TPOTCompare(three, n_resamples=199)
    assert [r["name"] for r in w.stats["runs"]] == ["c0", "c1", "c2"]
    assert w.stats == compare(three, n_resamples=199).to_dict()
    assert Comparer([three]).names == ["c0", "c1", "c2"]


@pytest.mark.parametrize("surface", ["TPOTCompare", "compare", "Comparer"])
def test_a_folder_of_twelve_runs_is_counted_as_twelve(folder: Path, surface: str) -> None:
    call = {"TPOTCompare": TPOTCompare, "compare": compare, "Comparer": lambda f: Comparer([f])}
    with pytest.raises(ValueError, match=r"needs 2 to 8 runs or arms .*got 12$"):
        call[surface](folder)


def test_the_cli_counts_the_folder_the_same(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(folder)]) == EXIT_USAGE
    assert "the arguments hold 12" in capsys.readouterr().err


def test_the_widget_refuses_plain_values_saying_what_to_pass() -> None:
    a = make_run("a", 30, seed=1)
    with pytest.raises(TypeError, match=r"TPOTCompare draws per-request columns, and run 2 is"):
        TPOTCompare(a, np.arange(10.0))
    c = compare(a["time_per_output_token"], np.arange(1.0, 11.0), n_resamples=199)
    assert [r.name for r in c.runs] == ["run 1", "run 2"]


def test_a_series_is_values_and_a_frame_is_a_run() -> None:
    a = make_run("a", 30, seed=1)
    series = pd.Series(a["time_per_output_token"])
    units = as_units([series, a.to_pandas()])
    assert isinstance(units[0], Values) and isinstance(units[1], Run)


def test_a_sweep_in_a_runs_place_is_refused_with_what_to_use_instead() -> None:
    from factories import make_sweep

    a, b = make_sweep("A", [1, 4], n=50), make_sweep("B", [1, 4], n=50, seed=3)
    with pytest.raises(TypeError, match=r"'A' is a Sweep .* compare_sweeps\(a, b\)"):
        compare(a, b)
    with pytest.raises(TypeError, match=r"sweep\.at\(level\)"):
        as_units([a.at(1), b])
