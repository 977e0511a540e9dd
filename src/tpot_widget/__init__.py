"""tpot_widget: is configuration B really faster per output token than A, and how sure are we?

Load runs of any common LLM benchmark tool, compare their time per output token with
bootstrap confidence intervals, and brush matched workloads in a notebook widget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .comparison import Comparison, compare
from .loaders import FORMATS, LoadError, load_run, load_runs
from .run import Run

if TYPE_CHECKING:
    from .widget import TPOTCompare

__version__ = "0.1.0"
__all__ = [
    "FORMATS",
    "Comparison",
    "LoadError",
    "Run",
    "TPOTCompare",
    "__version__",
    "compare",
    "load_run",
    "load_runs",
]


def __getattr__(name: str) -> Any:
    # The widget pulls in ipywidgets/anywidget; import it only when asked for.
    if name == "TPOTCompare":
        from .widget import TPOTCompare

        return TPOTCompare
    raise AttributeError(f"module 'tpot_widget' has no attribute {name!r}")
