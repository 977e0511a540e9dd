"""Load levels as the tools write them: a request-rate limit and a concurrency limit
(vLLM, SGLang, evalscope, AIPerf), or a level in a folder or file name (`concurrency_16`,
`request_rate=2.5`, `00016-clients`...).

A value a tool writes in a form not understood here (text, a negative number) gives no
level rather than an error: the level only labels a run, its requests load the same.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from ..load import Load
from ._io import data_stem

#: The value of a limit the tool says is absent ("inf", Infinity, vLLM's null concurrency).
UNLIMITED = math.inf


def limit(value: Any, *, unlimited: tuple[Any, ...] = ("inf", "Infinity")) -> float | None:
    """A tool's rate or concurrency limit: a positive number; `UNLIMITED` for infinity or one
    of `unlimited` (the tool's words or numbers for "no limit"); None for anything else."""
    if isinstance(value, bool):
        return None
    if any(value == u and type(value) is type(u) for u in unlimited):
        return UNLIMITED
    if not isinstance(value, (int, float)):
        return None
    number = float(value)
    if number == math.inf:
        return UNLIMITED
    return number if math.isfinite(number) and number > 0 else None


def offered_load(rate: float | None, concurrency: float | None) -> Load | None:
    """The level of a run limited by a request rate and/or a concurrency.

    A finite rate is the level (a concurrency limit beside it only caps it); else a finite
    concurrency; "throughput" when both are `UNLIMITED`; None when the tool did not say.
    """
    if rate is not None and math.isfinite(rate):
        return Load("rate", rate)
    if concurrency is not None and math.isfinite(concurrency):
        return Load("concurrency", concurrency)
    if rate == UNLIMITED and concurrency == UNLIMITED:
        return Load("throughput")
    return None


_NUMBER = r"(?P<{}>\d+(?:\.\d+)?)(?![\d.])"
#: A level in a name: `concurrency_16`, `max_concurrency=16`, `num_concurrency16`,
#: `request_rate_2.5`, `rate=2`, `qps_4`, `2.0qps` / `infqps` (vLLM's default file name),
#: `00016-clients` (LLMeter's LoadTest). A key starts a word: `max_num_seqs=32` is not one.
_NAME_LEVEL = re.compile(
    r"(?<![A-Za-z])(?P<ckey>max_concurrency|num_concurrency|concurrency)[=_-]?"
    + _NUMBER.format("cvalue")
    + r"|(?<![A-Za-z])(?P<rkey>request_rate|rate|qps|rps)[=_-]?"
    + _NUMBER.format("rvalue")
    + r"|(?<![\w.])(?P<qvalue>\d+(?:\.\d+)?|inf)qps"
    + r"|(?<![\w.])(?P<clients>\d+)-clients(?![A-Za-z])",
    re.IGNORECASE,
)


def level_in_name(name: str) -> Load | None:
    """The load level a file or folder name states (see `_NAME_LEVEL`), by `offered_load`;
    None when it states none, or two different ones of a kind."""
    rates: set[float] = set()
    concurrencies: set[float] = set()
    for match in _NAME_LEVEL.finditer(name):
        if match.group("cvalue") or match.group("clients"):
            concurrencies.add(float(match.group("cvalue") or match.group("clients")))
        else:
            rates.add(float(match.group("rvalue") or match.group("qvalue")))
    if len(rates) > 1 or len(concurrencies) > 1:
        return None
    rate = limit(next(iter(rates), None))
    concurrency = limit(next(iter(concurrencies), None))
    return offered_load(rate, concurrency)


def level_in_path(path: Path) -> Load | None:
    """The level the name of `path` states (a file's name without its suffixes, a folder's
    whole name), else the name of the folder holding it (`level_in_name`)."""
    own = path.name if path.is_dir() else data_stem(path)
    return level_in_name(own) or level_in_name(path.parent.name)
