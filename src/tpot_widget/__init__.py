"""tpot_widget: is configuration B really faster per output token than A, and how sure are we?

Load runs of any common LLM benchmark tool, compare their time per output token with
bootstrap confidence intervals, and brush matched workloads in a notebook widget.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from .arm import Arm
from .comparison import Comparison, compare, shift_function
from .load import Achieved, Load
from .loaders import FORMATS, LoadError, load_run, load_runs
from .params import Parameters
from .run import Run
from .sweep import Sweep, load_sweep, load_sweeps
from .sweep_comparison import SweepComparer, compare_sweeps
from .sweep_results import SweepComparison

if TYPE_CHECKING:
    from .widget import TPOTCompare

try:
    __version__ = version("tpot_widget")
except PackageNotFoundError:  # pragma: no cover - running from a source tree, not installed
    __version__ = "0.0.0+unknown"
__all__ = [
    "FORMATS",
    "Achieved",
    "Arm",
    "Comparison",
    "Load",
    "LoadError",
    "Parameters",
    "Run",
    "Sweep",
    "SweepComparer",
    "SweepComparison",
    "TPOTCompare",
    "__version__",
    "compare",
    "compare_sweeps",
    "load_run",
    "load_runs",
    "load_sweep",
    "load_sweeps",
    "shift_function",
]


def __getattr__(name: str) -> Any:
    # The widget pulls in ipywidgets/anywidget; import it only when asked for.
    if name == "TPOTCompare":
        from .widget import TPOTCompare

        return TPOTCompare
    raise AttributeError(f"module 'tpot_widget' has no attribute {name!r}")
