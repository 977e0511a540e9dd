"""display: short run labels that tell runs apart, and numbers formatted as js/format.ts does."""

from __future__ import annotations

import pytest

from tpot_widget.display import (
    MAX_LABEL,
    PALETTE,
    format_ci,
    format_count,
    format_delta,
    format_p,
    format_percent,
    format_percent_ci,
    format_range,
    format_share,
    format_threshold,
    format_value,
    middle_ellipsis,
    short_labels,
    statistic_label,
)
from tpot_widget.params import unique_names

MINUS = "\u2212"
#: The names of issue 12: a long shared prefix, the compared setting at the end.
ISSUE_12 = [
    "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs=256",
    "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs=128",
]


def assert_usable(labels: list[str], names: list[str]) -> None:
    """What every label set must be: one per name, distinct, short enough."""
    assert len(labels) == len(names)
    assert len(set(labels)) == len(labels), labels
    assert all(0 < len(label) <= MAX_LABEL for label in labels), labels


# --- short labels --------------------------------------------------------------------------


def test_issue_12_names_keep_the_setting_that_differs() -> None:
    labels = short_labels(ISSUE_12)
    assert_usable(labels, ISSUE_12)
    assert "256" in labels[0] and "128" in labels[1]
    assert "128" not in labels[0] and "256" not in labels[1]


def test_suffix_difference_keeps_the_end() -> None:
    names = [
        "a-very-long-common-prefix-for-these-runs-variant-one",
        "a-very-long-common-prefix-for-these-runs-variant-two",
    ]
    labels = short_labels(names)
    assert_usable(labels, names)
    assert labels[0].endswith("one") and labels[1].endswith("two")


def test_prefix_difference_keeps_the_start() -> None:
    names = [
        "vllm-0.11-llama-3.1-70b-instruct-H100x4-tp4-run",
        "sglang-0.4-llama-3.1-70b-instruct-H100x4-tp4-run",
    ]
    labels = short_labels(names)
    assert_usable(labels, names)
    assert labels[0].startswith("vllm") and labels[1].startswith("sglang")


def test_middle_difference_is_shown_with_its_context() -> None:
    names = [
        "a-very-long-common-prefix-here-run-A-and-a-long-common-suffix-too",
        "a-very-long-common-prefix-here-run-B-and-a-long-common-suffix-too",
    ]
    labels = short_labels(names)
    assert_usable(labels, names)
    assert "run-A" in labels[0] and "run-B" in labels[1]


def test_identical_names_made_distinct_keep_their_numbers_and_context() -> None:
    name = "llm-load-test-b27aad1_mock_openai-completions_c4_output-004"
    names = unique_names([name, name])
    assert names == [f"{name} (1)", f"{name} (2)"]
    labels = short_labels(names)
    assert_usable(labels, names)
    assert labels[0].endswith("(1)") and labels[1].endswith("(2)")
    # more than the bare number: the label still says which run it is
    assert all("output-004" in label for label in labels)


def test_only_a_number_differs_keeps_the_word_before_it() -> None:
    names = [f"llama-3.1-70b-instruct / vllm 0.11 / H100x4 / seed {i}" for i in (1, 2)]
    labels = short_labels(names)
    assert_usable(labels, names)
    assert labels[0].endswith("seed 1") and labels[1].endswith("seed 2")


@pytest.mark.parametrize("separator", [" / ", "-"])
def test_eight_runs(separator: str) -> None:
    names = [
        separator.join(["llama-3.1-70b-instruct", "vllm 0.11", "H100x4", f"max_num_seqs={2**i}"])
        for i in range(8)
    ]
    labels = short_labels(names)
    assert_usable(labels, names)
    for i, label in enumerate(labels):
        assert label.endswith(f"={2**i}"), label


def test_eight_identical_names() -> None:
    names = unique_names(["llama-3.1-70b-instruct / vllm 0.11 / H100x4"] * 8)
    labels = short_labels(names)
    assert_usable(labels, names)
    assert [label[-3:] for label in labels] == [f"({i})" for i in range(1, 9)]


def test_short_names_stay_whole() -> None:
    assert short_labels(["baseline", "candidate"]) == ["baseline", "candidate"]
    assert short_labels(["only one run with a rather long name, surely"]) == [
        middle_ellipsis("only one run with a rather long name, surely")
    ]


def test_middle_ellipsis_keeps_more_of_the_end() -> None:
    text = "abcdefghijklmnopqrstuvwxyz0123456789"
    cut = middle_ellipsis(text, 12)
    assert len(cut) == 12 and "…" in cut
    head, tail = cut.split("…")
    assert text.startswith(head) and text.endswith(tail) and len(tail) > len(head)
    assert middle_ellipsis("short", 12) == "short"


def test_palette_has_a_distinct_colour_per_run() -> None:
    assert len(PALETTE) == 8 and len(set(PALETTE)) == 8
    assert all(c.startswith("#") and len(c) == 7 for c in PALETTE)


# --- numbers: the examples js/format.test.ts checks for the front end ----------------------


def test_durations_as_in_js_format() -> None:
    assert format_value(0.0214, "s") == "21.4 ms"
    assert format_value(0.000512, "s") == "0.512 ms"
    assert format_value(2.345, "s") == "2,345 ms"
    assert format_value(None, "s") == "n/a"
    assert format_value(float("nan"), "s") == "n/a"
    assert format_value(512, "tokens") == "512 tokens"
    assert format_value(1024, "tokens") == "1,024 tokens"


def test_differences_are_signed_with_a_real_minus() -> None:
    assert format_delta(-0.00334, "s") == f"{MINUS}3.34 ms"
    assert format_delta(0.0012, "s") == "+1.20 ms"
    assert format_delta(None, "s") == "n/a"


def test_cis_have_one_unit_and_n_a_for_a_missing_bound() -> None:
    assert format_ci(0.0209, 0.022, "s") == "[20.9, 22.0] ms"
    assert format_ci(-0.00353, 0.00014, "s", signed=True) == f"[{MINUS}3.53, +0.140] ms"
    assert format_ci(None, 0.02, "s") == "n/a"


def test_percentages_as_in_js_format() -> None:
    assert format_percent(-0.1266) == f"{MINUS}12.7%"
    assert format_percent(0.051) == "+5.10%"
    assert format_percent(1.5) == "+150%"
    assert format_percent(0) == "±0.00%"
    assert format_percent_ci(-0.139, -0.115) == f"[{MINUS}13.9%, {MINUS}11.5%]"
    assert format_percent_ci(None, 0.1) == "n/a"


def test_p_values_threshold_and_shares_as_in_js_format() -> None:
    # js: formatP(0.0004) "p < 0.001", formatP(0.0123) "p = 0.012", formatP(0.5) "p = 0.50"
    assert format_p(0.0004) == "< 0.001"
    assert format_p(0.0123) == "0.012"
    assert format_p(0.5) == "0.50"
    assert format_p(None) == "n/a"
    assert format_threshold(0.02) == "±2%"
    assert format_threshold(0.025) == "±2.5%"
    assert format_share(0.9342) == "93.4%"


def test_counts_statistics_and_ranges_in_words() -> None:
    assert format_count(4951) == "4,951"
    assert statistic_label("p90") == "90th percentile"
    assert statistic_label("median") == "median"
    assert format_range(None, "num_tokens_output") == "all requests"
    # the wording of js/panel.ts's rangeWords: tokens as counts, request start in seconds
    assert format_range((200, 800), "num_tokens_output") == "200 ≤ output tokens ≤ 800"
    assert format_range((1000, None), "num_tokens_output") == "output tokens ≥ 1,000"
    assert format_range((10**6, None), "num_tokens_input") == "input tokens ≥ 1,000,000"
    assert format_range((120.5, 480.4), "num_tokens_output") == "121 ≤ output tokens ≤ 480"
    assert format_range((None, 30), "request_start") == "request start ≤ 30 s"
    assert format_range((12.5, 300), "request_start") == "12.5 s ≤ request start ≤ 300 s"
    assert format_range((None, None), "request_start") == "all requests"


def test_points_are_percentage_points_as_in_js() -> None:
    from tpot_widget.display import format_points, format_points_ci

    assert format_points(0.0096) == "+0.96 pp"
    assert format_points(-0.125) == "\u221212.5 pp"
    assert format_points(None) == "n/a"
    assert format_points_ci(-0.0135, 0.0326) == "[\u22121.35, +3.26] pp"
    assert format_points_ci(None, 0.1) == "n/a"
