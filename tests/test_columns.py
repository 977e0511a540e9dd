"""columns: every Run column defined once (name, label, short label, unit, kind), and every
surface that names a column reads it: display, the tables, params and the widget's front end."""

from __future__ import annotations

import pytest
from factories import make_run

from tpot_widget import TPOTCompare, columns, compare, run
from tpot_widget.display import column_label, short_column_label, unit_of
from tpot_widget.params import normalize_column
from tpot_widget.tables import markdown_table, text_table


def test_every_run_column_is_defined_once_in_run_order() -> None:
    assert tuple(c.name for c in columns.ALL) == run.COLUMNS
    assert tuple(c.name for c in columns.ALL if c.kind != "text") == run.NUMERIC_COLUMNS
    assert len({c.label for c in columns.ALL}) == len(columns.ALL)
    assert len({c.short_label for c in columns.ALL}) == len(columns.ALL)


@pytest.mark.parametrize(
    ("name", "kind", "unit"),
    [
        ("time_per_output_token", "duration", "s"),
        ("time_to_first_token", "duration", "s"),
        ("time_to_last_token", "duration", "s"),
        ("tpot_reported", "duration", "s"),
        ("num_tokens_input", "tokens", "tokens"),
        ("num_tokens_output", "tokens", "tokens"),
        ("request_start", "time", "s"),
        ("error", "text", ""),
    ],
)
def test_kinds_and_units(name: str, kind: str, unit: str) -> None:
    c = columns.column(name)
    assert (c.kind, c.unit) == (kind, unit)
    assert (name in run.DURATION_COLUMNS) == (kind == "duration")
    assert (name in run.TOKEN_COLUMNS) == (kind == "tokens")


def test_display_reads_the_table() -> None:
    for c in columns.ALL:
        assert column_label(c.name) == c.label
        assert short_column_label(c.name) == c.short_label
    assert column_label("time_per_output_token") == "time per output token (TPOT)"
    assert short_column_label("time_to_last_token") == "E2E latency"
    assert unit_of("time_to_first_token") == "s"  # shown in ms
    assert unit_of("num_tokens_output") == "tokens"
    assert unit_of("request_start") == "s-offset"  # seconds into the run


def test_a_column_outside_the_table_is_its_name_in_words() -> None:
    assert column_label("my_dimension") == "my dimension"
    assert short_column_label("my_dimension") == "my dimension"


def test_params_takes_the_numeric_columns() -> None:
    for c in columns.ALL:
        if c.kind == "text":
            with pytest.raises(ValueError, match="not a numeric Run column"):
                normalize_column(c.name)
        else:
            assert normalize_column(c.name) == c.name


def test_the_tables_head_with_the_short_label() -> None:
    a, b = make_run("a", 80, seed=1), make_run("b", 80, seed=2)
    stats = compare(a, b, dimension="time_to_first_token", n_resamples=199).to_dict()
    for table in (text_table(stats), markdown_table(stats)):
        assert "TTFT, median" in table


def test_the_widget_sends_the_columns_to_the_front_end() -> None:
    """`_choices["columns"]`: [{name, label, short_label, unit, kind}, ...] for every column."""
    w = TPOTCompare(make_run("a", 60, seed=1), make_run("b", 60, seed=2), n_resamples=199)
    sent = w._choices["columns"]
    assert [c["name"] for c in sent] == list(run.COLUMNS)
    assert sent[2] == {
        "name": "time_per_output_token",
        "label": "time per output token (TPOT)",
        "short_label": "TPOT",
        "unit": "s",
        "kind": "duration",
    }
    assert all(set(c) == {"name", "label", "short_label", "unit", "kind"} for c in sent)
