"""`RequestColumns`: a run's per-request columns filled one request at a time, the
builder of every loader that walks a list of request records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..load import Load
from ..run import Run
from ._times import since_first_start


@dataclass
class RequestColumns:
    """A run's per-request columns, filled one request at a time (`add`) and made into the
    Run (`run`): what every loader that walks a list of request records shares."""

    ttft: list[float | None] = field(default_factory=list)
    e2e: list[float | None] = field(default_factory=list)
    tpot_reported: list[float | None] = field(default_factory=list)
    input_tokens: list[float | None] = field(default_factory=list)
    output_tokens: list[float | None] = field(default_factory=list)
    starts: list[float | None] = field(default_factory=list)
    errors: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.errors)

    def add(
        self,
        *,
        ttft: float | None,
        e2e: float | None,
        output_tokens: float | None,
        input_tokens: float | None = None,
        tpot_reported: float | None = None,
        start: float | None = None,
        error: str | None = None,
    ) -> None:
        """One request: seconds, token counts, its start on the tool's clock, error text."""
        self.ttft.append(ttft)
        self.e2e.append(e2e)
        self.tpot_reported.append(tpot_reported)
        self.input_tokens.append(input_tokens)
        self.output_tokens.append(output_tokens)
        self.starts.append(start)
        self.errors.append(error)

    def run(
        self,
        name: str,
        path: Path,
        *,
        format: str,
        metadata: Mapping[str, Any],
        per_second: float = 1.0,
        load: Load | None = None,
    ) -> Run:
        """The Run of these requests at load level `load`, their starts in seconds after the
        first one (`per_second`: the unit of the starts, 1e9 for nanoseconds; see
        `since_first_start`)."""
        return Run.from_columns(
            name,
            time_to_first_token=self.ttft,
            time_to_last_token=self.e2e,
            tpot_reported=self.tpot_reported,
            num_tokens_input=self.input_tokens,
            num_tokens_output=self.output_tokens,
            request_start=since_first_start(self.starts, per_second=per_second),
            error=self.errors,
            format=format,
            source=str(path),
            metadata=metadata,
            load=load,
        )
