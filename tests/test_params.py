"""One answer on every surface (issue 8): compare(), Comparer.compare(), TPOTCompare (constructor
and trait assignment), report.render_html and the CLI accept and refuse the same values with
the same message; to_dict() is strict JSON; two runs with one name stay two runs everywhere.

The reference message of a refused value is compare()'s; the Python surfaces must raise that
exact text (a ValueError, or traitlets' TraitError on the widget: it is not a ValueError
subclass), the CLI must exit 2 with that text on its one error line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import traitlets
from factories import make_run

from tpot_widget import Run, TPOTCompare, compare
from tpot_widget.cli import EXIT_USAGE, main
from tpot_widget.comparison import Comparer
from tpot_widget.display import short_labels
from tpot_widget.params import (
    MAX_RESAMPLES,
    MIN_RESAMPLES,
    RANGE_BOUND_RULE,
    Parameters,
    normalize_range,
    unique_names,
)
from tpot_widget.report import render_html

assert not issubclass(traitlets.TraitError, ValueError)  # hence "either" on the widget
REFUSED = (ValueError, traitlets.TraitError)
#: Small bootstraps where the case is not about n_resamples (the answers do not depend on it).
QUICK = 199

# --- the runs every surface compares ----------------------------------------------------


@pytest.fixture(scope="module")
def runs() -> dict[str, list[Run]]:
    timed = [make_run("a", 200, seed=1), make_run("b", 200, seed=2, tpot=0.022)]
    untimed = [timed[0], make_run("no start times", 200, seed=3, duration=None)]
    return {"timed": timed, "untimed": untimed}


@pytest.fixture(scope="module")
def paths(
    runs: dict[str, list[Run]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    folder = tmp_path_factory.mktemp("runs")
    out: dict[str, list[str]] = {}
    for key, pair in runs.items():
        out[key] = [str(r.to_parquet(folder / f"{key}-{i}.parquet")) for i, r in enumerate(pair)]
    return out


# --- the cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A parameter value and its one answer: refused, or accepted as `stats[key] == want`."""

    id: str
    values: Mapping[str, Any]
    refused: bool
    want: Callable[[Mapping[str, Any]], bool] = lambda stats: True
    cli: list[str] | None = None  # the same value on the command line (None: not expressible)
    cli_message: Callable[[str], str] = lambda message: message  # the part the CLI repeats
    runs: str = "timed"


def _tail(message: str) -> str:
    """An SLO message after "SLO objective '<key>': " (the CLI names `key=value` there)."""
    return message.split("': ", 1)[1]


CASES = [
    Case("statistic=p100", {"statistic": "p100"}, True, cli=["--statistic", "p100"]),
    Case("statistic=p0", {"statistic": "p0"}, True, cli=["--statistic", "p0"]),
    Case(
        "statistic=p99.90",
        {"statistic": "p99.90"},
        False,
        want=lambda s: s["statistic"] == "p99.9",
        cli=["--statistic", "p99.90"],
    ),
    Case(
        "statistic=p95",
        {"statistic": "p95"},
        False,
        want=lambda s: s["statistic"] == "p95",
        cli=["--statistic", "p95"],
    ),
    Case(
        "statistic=P90",
        {"statistic": "P90"},
        False,
        want=lambda s: s["statistic"] == "p90",
        cli=["--statistic", "P90"],
    ),
    Case("confidence_level=0.3", {"confidence_level": 0.3}, True, cli=["--confidence", "0.3"]),
    Case(
        "token_range=(nan, 400)",
        {"token_range": (math.nan, 400)},
        True,
        cli=["--tokens", "nan:400"],
    ),
    Case(
        "token_range='12'",
        {"token_range": "12"},
        True,
        cli=["--tokens", "12"],  # the CLI reads LO:HI, so its message explains that form
        cli_message=lambda _: "--tokens expects LO:HI",
    ),
    # An infinite bound is not "open" (issue 16): the rule is said on every surface.
    Case(
        "token_range=(0, 10**400)",
        {"token_range": (0, 10**400)},
        True,
        cli=["--tokens", f"0:{10**400}"],
    ),
    Case(
        "token_range=(100, inf)",
        {"token_range": (100, math.inf)},
        True,
        cli=["--tokens", "100:inf"],
    ),
    Case(
        "token_range=(inf, None)", {"token_range": (math.inf, None)}, True, cli=["--tokens", "inf:"]
    ),
    Case(
        "token_range=(None, -inf)",
        {"token_range": (None, -math.inf)},
        True,
        cli=["--tokens", ":-inf"],
    ),
    Case(
        "token_range=(5, -inf)", {"token_range": (5, -math.inf)}, True, cli=["--tokens", "5:-inf"]
    ),
    Case(
        "token_range=(1e400, None)",
        {"token_range": (float("1e400"), None)},
        True,
        cli=["--tokens", "1e400:"],
    ),
    Case(
        "time_range=(-inf, 5)",
        {"time_range": (-math.inf, 5)},
        True,
        cli=["--time=-inf:5"],
    ),
    Case(
        "token_range=(100, None)",
        {"token_range": (100, None)},
        False,
        want=lambda s: s["token_range"] == [100, None],
        cli=["--tokens", "100:"],
    ),
    Case(
        "n_resamples=1",
        {"n_resamples": 1},
        True,
        cli=["--n-resamples", "1"],
    ),
    Case(
        "n_resamples=10**9",
        {"n_resamples": 10**9},
        True,
        cli=["--n-resamples", str(10**9)],
    ),
    Case("threshold=0", {"threshold": 0}, True, cli=["--threshold", "0"]),
    Case("threshold=1.5", {"threshold": 1.5}, True, cli=["--threshold", "150%"]),
    Case(
        "threshold='2%'",
        {"threshold": "2%"},
        True,  # in Python a threshold is a number; "2%" is the CLI's way to write 0.02
    ),
    Case(
        "threshold=0.02",
        {"threshold": 0.02},
        False,
        want=lambda s: s["threshold"] == 0.02,
        cli=["--threshold", "2%"],
    ),
    Case("match=foo", {"match": "foo"}, True, cli=["--match", "foo"]),
    Case(
        "match=num_tokens_input",
        {"match": "num_tokens_input"},
        False,
        want=lambda s: s["match"] == ["num_tokens_input"],
        cli=["--match", "num_tokens_input"],
    ),
    Case(
        "slo ttft=abc",
        {"slo": {"ttft": "abc"}},
        True,
        cli=["--slo", "ttft=abc"],
        cli_message=_tail,
    ),
    Case(
        "slo ttft=-1s",
        {"slo": {"ttft": "-1s"}},
        True,
        cli=["--slo", "ttft=-1s"],
        cli_message=_tail,
    ),
    Case("slo seconds=-0.5", {"slo": {"time_to_first_token": -0.5}}, True),
    Case(
        "slo ttft=500ms",
        {"slo": {"ttft": "500ms"}},
        False,
        want=lambda s: s["slo"]["objectives"] == {"time_to_first_token": 0.5},
        cli=["--slo", "ttft=500ms"],
    ),
    Case(
        "time_range without start times",
        {"time_range": (10, None)},
        True,
        cli=["--time", "10:"],
        runs="untimed",
    ),
    Case(
        "time_range=(10, None)",
        {"time_range": (10, None)},
        False,
        want=lambda s: s["time_range"] == [10, None],
        cli=["--time", "10:"],
    ),
]

# --- the surfaces: each returns the stats of an accepted value or raises ------------------


def _quick(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"n_resamples": QUICK, **values}


def via_compare(pair: list[Run], values: Mapping[str, Any]) -> dict[str, Any]:
    return compare(*pair, **_quick(values)).to_dict()


def via_comparer(pair: list[Run], values: Mapping[str, Any]) -> dict[str, Any]:
    return Comparer(pair).compare(**_quick(values)).to_dict()


def via_widget_init(pair: list[Run], values: Mapping[str, Any]) -> dict[str, Any]:
    return dict(TPOTCompare(*pair, **values).stats)


def via_widget_set(pair: list[Run], values: Mapping[str, Any]) -> dict[str, Any]:
    w = TPOTCompare(*pair)
    for key, value in values.items():
        setattr(w, key, value)
    return dict(w.stats)


class _StatsScript(HTMLParser):
    """The report's machine-readable statistics (<script id="tpot-stats">)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "script" and ("id", "tpot-stats") in attrs

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


def report_stats(html: str) -> dict[str, Any]:
    parser = _StatsScript()
    parser.feed(html)
    stats: dict[str, Any] = json.loads(parser.text)
    return stats


def via_report(pair: list[Run], values: Mapping[str, Any]) -> dict[str, Any]:
    return report_stats(render_html(pair, **_quick(values)))


PYTHON_SURFACES: dict[str, Callable[[list[Run], Mapping[str, Any]], dict[str, Any]]] = {
    "compare": via_compare,
    "comparer": via_comparer,
    "widget_init": via_widget_init,
    "widget_set": via_widget_set,
    "report": via_report,
}


def _python_params() -> list[Any]:
    out = []
    for case in CASES:
        for surface in PYTHON_SURFACES:
            out.append(pytest.param(case, surface, id=f"{case.id}-{surface}"))
    return out


def reference_message(case: Case, pair: list[Run]) -> str:
    """compare()'s message for a refused value (the text every surface must give)."""
    with pytest.raises(ValueError) as info:
        via_compare(pair, case.values)
    return str(info.value)


@pytest.mark.parametrize(("case", "surface"), _python_params())
def test_python_surfaces_give_one_answer(
    case: Case, surface: str, runs: dict[str, list[Run]]
) -> None:
    pair = runs[case.runs]
    call = PYTHON_SURFACES[surface]
    if case.refused:
        expected = reference_message(case, pair)
        errors = REFUSED if surface.startswith("widget") else ValueError
        with pytest.raises(errors) as info:
            call(pair, case.values)
        assert str(info.value) == expected
    else:
        stats = call(pair, case.values)
        assert case.want(stats), {k: stats.get(k) for k in case.values}
        json.dumps(stats, allow_nan=False)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.cli is not None])
def test_cli_gives_the_same_answer(
    case: Case,
    runs: dict[str, list[Run]],
    paths: dict[str, list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert case.cli is not None
    quick = [] if "n_resamples" in case.values else ["--n-resamples", str(QUICK)]
    code = main([*paths[case.runs], *case.cli, *quick, "--format", "json"])
    out, err = capsys.readouterr()
    if case.refused:
        assert code == EXIT_USAGE, err
        assert err.startswith("tpot-compare: error: ") and err.count("\n") == 1
        expected = case.cli_message(reference_message(case, runs[case.runs]))
        assert expected in err
        assert out == ""
    else:
        assert code == 0, err
        stats = json.loads(out)
        assert case.want(stats)


def test_the_cases_are_decided_by_params_itself() -> None:
    """The surfaces agree because they all call params: its answers are the reference's."""
    for case in CASES:
        if case.runs != "timed":
            continue  # decided against the runs, not by the value alone
        values = dict(case.values)
        if case.refused:
            with pytest.raises(ValueError) as info:
                Parameters.from_user(**values)
            pair = [make_run("a", 50, seed=1), make_run("b", 50, seed=2)]
            assert str(info.value) == reference_message(case, pair)
        else:
            Parameters.from_user(**values)


def test_resample_bounds_are_named_in_the_message() -> None:
    for n in (1, MIN_RESAMPLES - 1, MAX_RESAMPLES + 1, 10**9):
        with pytest.raises(ValueError, match=f"n_resamples={n} must be between 100 and 1,000,000"):
            Parameters.from_user(n_resamples=n)
    for n in (MIN_RESAMPLES, MAX_RESAMPLES):
        assert Parameters.from_user(n_resamples=n).n_resamples == n
    with pytest.raises(ValueError, match=r"n_resamples=99\.5 must be an integer"):
        Parameters.from_user(n_resamples=99.5)


def test_range_normalisation() -> None:
    assert normalize_range((None, None)) is None
    assert normalize_range([200.0, 800]) == (200, 800)  # ints stay ints, lists become pairs
    assert normalize_range((0.5, None)) == (0.5, None)
    for bad in ("12", (1, 2, 3), (True, 5), ("1", 2), 5):
        with pytest.raises(ValueError, match="token_range"):
            normalize_range(bad)


@pytest.mark.parametrize(
    "bounds",
    [
        (math.inf, None),
        (None, -math.inf),
        (5, -math.inf),
        (-math.inf, math.inf),
        (0, 10**400),
        (-(10**400), 5),
        (math.nan, 4),
    ],
)
def test_an_infinite_bound_is_not_open(bounds: tuple[Any, Any]) -> None:
    """inf is no way to write "open" (None is): the rule is the message."""
    with pytest.raises(ValueError) as info:
        normalize_range(bounds)
    assert str(info.value).endswith(RANGE_BOUND_RULE)


def test_values_are_quoted_alike_whatever_their_type() -> None:
    """95, 95.0 and numpy's 95.0 give one message (the CLI parses floats, traitlets casts)."""
    np = pytest.importorskip("numpy")
    messages = set()
    for value in (95, 95.0, np.float64(95.0)):
        with pytest.raises(ValueError) as info:
            Parameters.from_user(confidence_level=value)
        messages.add(str(info.value))
    assert messages == {"confidence_level=95 must be a number in [0.5, 0.9999], e.g. 0.95"}


# --- to_dict() is strict JSON on every surface --------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"token_range": (100, None)},
        {"token_range": (None, 300), "time_range": (0, None)},
        {"token_range": (10**6, None)},  # nothing selected: estimates are None, not NaN
        {"threshold": 0.02, "match": ["num_tokens_output"]},
    ],
    ids=["open upper", "open lower and time", "empty selection", "threshold and match"],
)
def test_to_dict_is_strict_json(values: dict[str, Any], runs: dict[str, list[Run]]) -> None:
    pair = runs["timed"]
    surfaces = [via_compare, via_widget_init]
    if (values.get("token_range") or (0,))[0] != 10**6:  # the report refuses an empty plot
        surfaces.append(via_report)
    for stats in (surface(pair, values) for surface in surfaces):
        text = json.dumps(stats, allow_nan=False)
        assert json.loads(text) == stats


def test_cli_open_range_report_and_json(
    paths: dict[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    code = main([*paths["timed"], "--tokens", "5:", "-o", str(out), "--n-resamples", "199"])
    _, err = capsys.readouterr()
    assert code == 0, err
    stats = report_stats(out.read_text(encoding="utf-8"))
    assert stats["token_range"] == [5, None]
    json.dumps(stats, allow_nan=False)
    code = main([*paths["timed"], "--tokens", "5:", "--format", "json", "--n-resamples", "199"])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(printed)["token_range"] == [5, None]


# --- two runs with one name stay two runs everywhere ---------------------------------------


@pytest.fixture(scope="module")
def namesakes() -> list[Run]:
    """Three runs named alike: the second slower, the third faster than the first."""
    return [
        make_run("same", 300, 0.020, seed=1),
        make_run("same", 300, 0.026, seed=2),
        make_run("same", 300, 0.015, seed=3),
    ]


NAMES = ["same (1)", "same (2)", "same (3)"]


def test_unique_names_rule() -> None:
    assert unique_names(["a", "b"]) == ["a", "b"]
    assert unique_names(["a", "a", "b"]) == ["a (1)", "a (2)", "b"]
    # a generated name never takes one already present
    assert unique_names(["a", "a", "a (1)"]) == ["a (2)", "a (3)", "a (1)"]
    assert len(set(unique_names(["x"] * 8))) == 8


def test_compare_rows_and_differences_are_each_runs_own(namesakes: list[Run]) -> None:
    c = compare(*namesakes, n_resamples=QUICK)
    assert [r.name for r in c.runs] == NAMES
    assert [(d.name, d.baseline, d.verdict) for d in c.differences] == [
        ("same (2)", "same (1)", "slower"),
        ("same (3)", "same (1)", "faster"),
    ]
    frame = c.to_frame()
    assert list(frame.index) == NAMES
    assert math.isnan(frame.loc["same (1)", "diff_estimate"])
    for d in c.differences:
        assert frame.loc[d.name, "diff_estimate"] == d.estimate
        assert frame.loc[d.name, "verdict"] == d.verdict
    assert frame.loc["same (2)", "diff_estimate"] > 0 > frame.loc["same (3)", "diff_estimate"]
    assert Comparer(namesakes).names == NAMES


def test_widget_stats_and_selection_keep_namesakes_apart(namesakes: list[Run]) -> None:
    w = TPOTCompare(*namesakes)
    assert [r["name"] for r in w.stats["runs"]] == NAMES
    assert [d["name"] for d in w.stats["differences"]] == NAMES[1:]
    df = w.selection_df()
    assert list(df["run"].cat.categories) == NAMES
    assert df["run"].value_counts().to_dict() == dict.fromkeys(NAMES, 300)
    labels = [m["label"] for m in w._runs_meta]
    assert len(set(labels)) == 3


def test_report_tables_keep_namesakes_apart(namesakes: list[Run]) -> None:
    # the report's tables are drawn in the browser from these statistics (the widget's panel)
    stats = report_stats(render_html(namesakes, n_resamples=QUICK))
    assert [r["name"] for r in stats["runs"]] == NAMES
    assert [d["name"] for d in stats["differences"]] == NAMES[1:]
    assert stats == compare(*namesakes, n_resamples=QUICK).to_dict()


def test_cli_table_keeps_namesakes_apart(
    namesakes: list[Run], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(r.to_parquet(tmp_path / f"{i}.parquet")) for i, r in enumerate(namesakes)]
    code = main([*files, "--n-resamples", str(QUICK)])
    out, err = capsys.readouterr()
    assert code == 0, err
    labels = short_labels(NAMES)
    assert labels == NAMES  # short names stay whole
    lines = out.splitlines()
    for label in labels:  # in the runs table, and (but the baseline) in the differences
        rows = sum(line.startswith(label + " ") for line in lines)
        assert rows == (1 if label == NAMES[0] else 2)
    verdicts = {line.split()[1]: line.split()[-1] for line in lines if line.startswith("same (")}
    assert verdicts["(2)"] == "slower" and verdicts["(3)"] == "faster"
