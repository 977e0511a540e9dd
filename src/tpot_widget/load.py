"""A run's load level (`Load`: what the benchmark offered) and what it achieved (`Achieved`).

TPOT depends on load more than on anything else, so a run knows the load level its tool ran
it at (`Run.load`, set by the loaders where the tool records it, or by the user with
`load_run(path, load=...)` or `run.with_load(...)`) and what the requests themselves show
was achieved (`Run.achieved`, measured from start times and latencies). A sweep
(`tpot_widget.sweep`) orders runs by their `Load`.

Where a tool's files say how runs form a sweep, the loaders record it in `Run.metadata`
(docs/formats.md, "Load levels and sweeps", says where each tool writes it), under the keys
`tpot_widget.sweep` reads:

``metadata["sweep_config"]`` (`sweep.SWEEP_CONFIG_KEY`)
    Text naming the configuration a run belongs to: the runs of one sweep share it, two
    sweeps never do (a vLLM sweep folder's SERVE parameters, an AIPerf sweep's artifact
    folder, an LLMeter LoadTest's folder, "model · folder" for a sweep file).
``metadata["repeat"]`` (`sweep.REPEAT_KEY`)
    Which repeat of its level a run is, as the tool numbers it (an int: vLLM's
    ``run=K``, AIPerf's ``run_000K``); absent when the tool runs each level once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ._finite import clean

if TYPE_CHECKING:
    from .run import Run
    from .wire import LoadDict

__all__ = ["KINDS", "Achieved", "Load", "LoadKind", "measure_achieved"]

LoadKind = Literal["concurrency", "rate", "synchronous", "throughput"]
#: The kinds of load level, in the order a sweep runs them (guidellm's sweep: synchronous,
#: then constant rates, then throughput; concurrency sweeps are ordered by value).
KINDS: tuple[LoadKind, ...] = ("synchronous", "concurrency", "rate", "throughput")
_UNIT = {"concurrency": "concurrent", "rate": "req/s"}
_TEXT = re.compile(
    r"^\s*(?P<kind>concurrency|rate|synchronous|throughput)\s*(?:[=:\s]\s*(?P<value>[^\s]+))?"
    r"(?:\s*(?:req/s|concurrent))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, order=False)
class Load:
    """A load level: `kind` and `value`.

    kind
        "concurrency" (requests kept in flight; value = that count), "rate" (requests per
        second offered; value = the rate; a Poisson or constant arrival process),
        "synchronous" (one request at a time; value 1) or "throughput" (as many as the
        server takes; value None).
    value
        A positive finite number (None only for "throughput").
    """

    kind: LoadKind
    value: float | None = None

    def __post_init__(self) -> None:
        kind = str(self.kind).lower()
        if kind not in KINDS:
            raise ValueError(
                f"a load kind is one of {', '.join(KINDS)}, got {self.kind!r} "
                "(e.g. Load('concurrency', 16) or Load('rate', 2.5))"
            )
        object.__setattr__(self, "kind", kind)
        value = self.value
        if kind == "synchronous":
            value = 1.0 if value is None else value
        if kind == "throughput" and value is None:
            object.__setattr__(self, "value", None)
            return
        if value is None or isinstance(value, bool):
            raise ValueError(f"a {kind} load needs a value (a positive number), got {value!r}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"a {kind} load needs a positive number, got {value!r}") from None
        if not (math.isfinite(number) and number > 0):
            raise ValueError(f"a {kind} load needs a positive finite number, got {value!r}")
        object.__setattr__(self, "value", number)

    @classmethod
    def parse(cls, value: Any) -> Load:
        """A Load from a Load, a (kind, value) pair, a dict or a text such as "concurrency=16".

        A bare number is refused (is 16 a concurrency or a rate?): say which.
        """
        if isinstance(value, Load):
            return value
        if isinstance(value, dict):
            return cls(value.get("kind"), value.get("value"))  # type: ignore[arg-type]
        if isinstance(value, (tuple, list)) and len(value) == 2:
            return cls(value[0], value[1])
        if isinstance(value, str):
            m = _TEXT.match(value)
            if m:
                raw = m.group("value")
                return cls(m.group("kind").lower(), None if raw is None else float(raw))  # type: ignore[arg-type]
        raise ValueError(
            f"cannot read a load level from {value!r}: use Load('concurrency', 16), "
            "Load('rate', 2.5), Load('synchronous') or Load('throughput'), or a text such as "
            "'concurrency=16' or 'rate=2.5'"
        )

    @property
    def sort_key(self) -> tuple[int, float]:
        """Order within a sweep: synchronous, then by value, then throughput."""
        rank = {"synchronous": 0, "concurrency": 1, "rate": 1, "throughput": 2}[self.kind]
        return rank, math.inf if self.value is None else self.value

    def __lt__(self, other: Load) -> bool:
        return self.sort_key < other.sort_key

    def __str__(self) -> str:
        if self.kind in ("synchronous", "throughput"):
            return self.kind
        assert self.value is not None
        return f"{self.kind} {self.value:g}"

    def to_dict(self) -> LoadDict:
        """JSON-safe: {"kind", "value"} (value None for throughput)."""
        return {"kind": self.kind, "value": self.value}


@dataclass(frozen=True)
class Achieved:
    """What a run achieved, measured from its requests (None where the data cannot tell).

    `duration` is from the first request's start to the last request's end (seconds);
    `request_rate` requests started per second; `mean_in_flight` the time-average number
    of requests in flight (sum of E2E latencies / duration, Little's law);
    `output_tokens_per_s` output tokens of successful requests per second.
    """

    duration: float | None
    request_rate: float | None
    mean_in_flight: float | None
    output_tokens_per_s: float | None

    def to_dict(self) -> dict[str, float | None]:
        """JSON-safe."""
        return {
            "duration": self.duration,
            "request_rate": self.request_rate,
            "mean_in_flight": self.mean_in_flight,
            "output_tokens_per_s": self.output_tokens_per_s,
        }


def measure_achieved(run: Run) -> Achieved:
    """Measure `Achieved` from a run's start times and latencies (all None without start times)."""
    start = np.asarray(run["request_start"], dtype=np.float64)
    e2e = np.asarray(run["time_to_last_token"], dtype=np.float64)
    known = np.isfinite(start)
    if known.sum() < 2:
        return Achieved(None, None, None, None)
    end = start + np.where(np.isfinite(e2e), e2e, 0.0)
    duration = float(np.nanmax(end[known]) - np.nanmin(start[known]))
    if not duration > 0:
        return Achieved(None, None, None, None)
    ok = known & ~run.errors
    tokens = np.asarray(run["num_tokens_output"], dtype=np.float64)[ok]
    busy = e2e[known & np.isfinite(e2e)]
    return Achieved(
        duration=duration,
        request_rate=clean(known.sum() / duration),
        mean_in_flight=clean(busy.sum() / duration) if len(busy) else None,
        output_tokens_per_s=(
            clean(np.nansum(tokens) / duration) if np.isfinite(tokens).any() else None
        ),
    )
