"""llm-load-test (openshift-psap) `output-NNN.json`: `results[]` is one run.

Durations are milliseconds (`ttft`, `response_time` = E2E, `tpot` = its own TPOT including
the TTFT), timestamps epoch seconds; a failed request has `error_code` / `error_text`.

Load level: `config.load_options.concurrency`, the number of users sending requests one
after another. Given a list of concurrencies, llm-load-test runs each and writes one file
per level into one folder (`output-{concurrency:03d}.json`, llm_load_test/load_test.py):
its runs share the `sweep_config` "model · folder".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..load import Load
from ..run import Run
from ._columns import RequestColumns
from ._io import data_stem
from ._json import member, read_json_object_list
from ._levels import limit
from ._metadata import sweep_metadata
from ._names import model_folder_name
from ._records import as_row
from ._values import diff_or_none, field_number, ms_to_s

FORMAT = "llm-load-test"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ()

#: Keys every result row must have (llm-load-test writes them all, null when unknown).
REQUIRED_KEYS = ("ttft", "response_time", "output_tokens")
_RESULTS = re.compile(rb'"results"\s*:\s*\[')
_ROW_KEYS = re.compile(rb'"(response_time|tt_ack|output_tokens_before_timeout)"\s*:')
_CONFIG_KEYS = re.compile(rb'"(load_options|plugin_options)"\s*:')


def sniff(path: Path, head: bytes) -> bool:
    """A JSON object with a `results` list of llm-load-test rows (or its config block)."""
    if not head.lstrip().startswith(b"{") or _RESULTS.search(head) is None:
        return False
    return _ROW_KEYS.search(head) is not None or _CONFIG_KEYS.search(head) is not None


def _error_text(row: dict[str, Any]) -> str | None:
    """'<code>: <text>' for a failed request, None for a successful one."""
    code, text = row.get("error_code"), row.get("error_text")
    if code is None and not text:
        return None
    if code is None:
        return str(text)
    return f"error {code}: {text}" if text else f"error {code}"


def load(path: Path) -> list[Run]:
    """The run of an llm-load-test output file (ms → s, epoch s → s since the first request)."""
    path = Path(path)
    data, results = read_json_object_list(
        path,
        "results",
        expected="an llm-load-test output file (an object with a 'results' list)",
        empty="'results' is empty; the run holds no request",
    )
    requests = RequestColumns()
    for index, item in enumerate(results):
        where = f"{path}: results[{index}]"
        row = as_row(item, where, REQUIRED_KEYS, needed_by="every llm-load-test result")
        start = field_number(row, "start_time", where)
        first_token = ms_to_s(field_number(row, "ttft", where))
        if first_token is None:  # fall back to the timestamps
            first_token = diff_or_none(field_number(row, "first_token_time", where), start)
        total = ms_to_s(field_number(row, "response_time", where))
        if total is None:
            total = diff_or_none(field_number(row, "end_time", where), start)
        requests.add(
            ttft=first_token,
            e2e=total,
            tpot_reported=ms_to_s(field_number(row, "tpot", where)),
            input_tokens=field_number(row, "input_tokens", where),
            output_tokens=field_number(row, "output_tokens", where),
            start=start,
            error=_error_text(row),
        )
    config = member(data, "config")
    plugin_options = config.get("plugin_options") or {}
    load_options = config.get("load_options") or {}
    concurrency = limit(load_options.get("concurrency"), unlimited=())
    model = plugin_options.get("model_name")
    return [
        requests.run(
            data_stem(path),
            path,
            format=FORMAT,
            load=None if concurrency is None else Load("concurrency", concurrency),
            metadata={
                **sweep_metadata(
                    model_folder_name(path, model if isinstance(model, str) else None)
                ),
                "tool": "llm-load-test",
                "model": plugin_options.get("model_name"),
                "host": plugin_options.get("host"),
                "endpoint": plugin_options.get("endpoint"),
                "concurrency": load_options.get("concurrency"),
                "config": config,
                "summary": data.get("summary"),
                "tpot_reported": "llm-load-test tpot (includes the TTFT), in seconds",
            },
        )
    ]
