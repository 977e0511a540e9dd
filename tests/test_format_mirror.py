"""display.py and js/format.ts write numbers alike: both are checked on the same examples.

js/format.examples.json holds (function, arguments, text) triples; js/format.mirror.test.ts
checks the browser's formatters against the same file. The widget's panel, the HTML report,
the CLI and the Markdown summary thus print one number one way (exact binary ties, such as a
median of 1234.5 tokens, round half to even on both sides).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tpot_widget import display

EXAMPLES = Path(__file__).resolve().parents[1] / "js" / "format.examples.json"
CASES: list[dict[str, Any]] = json.loads(EXAMPLES.read_text(encoding="utf-8"))["examples"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['fn']}({json.dumps(c['args'])})" for c in CASES])
def test_display_writes_the_shared_example(case: dict[str, Any]) -> None:
    assert getattr(display, case["fn"])(*case["args"]) == case["expected"]


def test_the_examples_cover_every_mirrored_formatter_and_ties() -> None:
    functions = {c["fn"] for c in CASES}
    assert functions == {
        "format_value",
        "format_delta",
        "format_ci",
        "format_percent",
        "format_percent_ci",
        "format_points",
        "format_points_ci",
        "format_p",
        "format_threshold",
        "format_share",
        "format_count",
    }
    ties = [c for c in CASES if c["args"][:2] == [1234.5, "tokens"]]
    assert ties and ties[0]["expected"] == "1,234 tokens"  # half to even, not up
