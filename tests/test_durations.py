"""Duration texts and SLO objectives: what `--slo ttft=500ms`, the widget and `slo=` accept."""

from __future__ import annotations

import math

import pytest

from tpot_widget.durations import (
    SLO_ALIASES,
    format_duration,
    parse_duration,
    parse_slo,
    parse_slos,
    slo_key,
    validate_slo,
)
from tpot_widget.run import DURATION_COLUMNS


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("500ms", 0.5),
        ("0.5s", 0.5),
        ("50 ms", 0.05),
        ("1.2e-3s", 1.2e-3),
        ("250us", 250e-6),
        ("250µs", 250e-6),  # MICRO SIGN
        ("250μs", 250e-6),  # GREEK MU
        ("800ns", 800e-9),
        ("1.5min", 90.0),
        (" 2 s ", 2.0),
        (".5s", 0.5),
        ("3MS", 0.003),
        ("0ms", 0.0),
        ("2sec", 2.0),
    ],
)
def test_duration_texts_are_read_in_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds, rel=1e-12)


def test_python_numbers_are_seconds() -> None:
    assert parse_duration(0.5) == 0.5
    assert parse_duration(2) == 2.0


def test_a_bare_number_in_a_text_is_refused_unless_the_caller_names_the_unit() -> None:
    with pytest.raises(ValueError, match=r"'500' has no unit.*'500ms'"):
        parse_duration("500")
    assert parse_duration("500", default_unit="ms") == pytest.approx(0.5)
    assert parse_duration("2s", default_unit="ms") == 2.0  # an explicit unit wins


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2m", "ambiguous.*'ms'.*'min'"),
        ("5 seconds", "unknown unit 'seconds'.*ms"),
        ("fast", "cannot read the duration 'fast'"),
        ("-1s", "negative"),
        ("1e999s", "not finite"),
        ("", "cannot read"),
    ],
)
def test_bad_duration_texts_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


@pytest.mark.parametrize("value", [math.nan, math.inf, -0.1, True, None, [1]])
def test_bad_duration_values_are_refused(value: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("seconds", [0.5, 0.05, 2.0, 250e-6, 1.2e-3, 0.0, 12.5])
def test_format_duration_reads_back(seconds: float) -> None:
    assert parse_duration(format_duration(seconds)) == pytest.approx(seconds, rel=1e-9)


def test_format_duration_picks_a_readable_unit() -> None:
    assert format_duration(0.5) == "500ms"
    assert format_duration(2.0) == "2s"
    assert format_duration(250e-6) == "250us"


def test_slo_keys_accept_columns_aliases_and_spelling_variants() -> None:
    for column in DURATION_COLUMNS:
        assert slo_key(column) == column
    assert slo_key("ttft") == "time_to_first_token"
    assert slo_key("TPOT") == "time_per_output_token"
    assert slo_key("e2e") == slo_key("latency") == slo_key("e2el") == "time_to_last_token"
    assert slo_key("Time-To-First-Token") == "time_to_first_token"
    assert set(SLO_ALIASES.values()) <= set(DURATION_COLUMNS)


def test_unknown_slo_keys_list_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"'num_tokens_output'.*valid keys.*time_to_first_token"):
        slo_key("num_tokens_output")
    with pytest.raises(ValueError, match=r"'itl'.*tpot"):
        slo_key("itl")


def test_parse_slo_reads_the_cli_form() -> None:
    assert parse_slo("ttft=500ms") == ("time_to_first_token", 0.5)
    assert parse_slo("tpot = 50ms") == ("time_per_output_token", pytest.approx(0.05))
    assert parse_slo("e2e:2s") == ("time_to_last_token", 2.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ttft500ms", "key=duration"),
        ("=500ms", "key=duration"),
        ("ttft=500", "ttft=500.*no unit"),
        ("ttft=0ms", "must be > 0"),
        ("foo=1s", "unknown SLO objective 'foo'"),
    ],
)
def test_parse_slo_errors_quote_the_objective(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_slo(text)


def test_parse_slos_combines_repeated_and_comma_separated_objectives() -> None:
    got = parse_slos(["tpot=50ms,ttft=500ms", "e2e=10s"])
    assert got == pytest.approx(
        {"time_to_first_token": 0.5, "time_per_output_token": 0.05, "time_to_last_token": 10.0}
    )
    assert list(got) == [c for c in DURATION_COLUMNS if c in got]  # a stable order
    with pytest.raises(ValueError, match="given twice"):
        parse_slos(["ttft=500ms", "time_to_first_token=1s"])


def test_validate_slo_canonicalises_keys_and_accepts_texts() -> None:
    got = validate_slo({"ttft": "500ms", "time_per_output_token": 0.05})
    assert got == {"time_to_first_token": 0.5, "time_per_output_token": 0.05}
    assert all(type(v) is float for v in got.values())
    assert validate_slo({}) == {}


@pytest.mark.parametrize(
    ("objectives", "message"),
    [
        ({"ttft": 0}, "'ttft'.*> 0"),
        ({"ttft": -0.5}, "'ttft'.*negative"),
        ({"ttft": math.nan}, "'ttft'.*not finite"),
        ({"ttft": "500"}, "'ttft'.*no unit"),
        ({"speed": 1.0}, "'speed'.*valid keys"),
        ({"ttft": 0.5, "time_to_first_token": 0.4}, "given twice"),
        ({"ttft": True}, "'ttft'"),
    ],
)
def test_validate_slo_names_the_bad_key_or_value(objectives: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_slo(objectives)


def test_validate_slo_refuses_a_non_mapping() -> None:
    with pytest.raises(ValueError, match="mapping"):
        validate_slo([("ttft", 0.5)])  # type: ignore[arg-type]
