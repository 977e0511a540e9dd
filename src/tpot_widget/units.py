"""What a user passes as runs, turned into the compared units: once, for every surface.

`compare`, `Comparer`, `TPOTCompare`, the report and the CLI all call `as_units`, so they
read the same things the same way and name them by the one rule (`params.unique_names`):

- a `Run` or an `Arm` is one unit;
- a plain list or tuple of runs (or of paths / Results) in a run's place is an arm;
- a path, URL or folder is every run it holds (a folder of 12 runs is 12 units), as are
  an LLMeter `Result` and a DataFrame with the canonical columns (one run each);
- a 1-D array of numbers (numpy, pandas Series, list of numbers) is the values of the
  compared column themselves (`Values`), named "run 1", "run 2"... by position;
- a single list or tuple holding every unit (``TPOTCompare([a, b])``) is the units.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np

from .arm import Arm
from .params import unique_names
from .run import Run

__all__ = ["Unit", "Values", "as_units", "is_values"]


@dataclass(frozen=True, eq=False)
class Values:
    """Plain values of the compared column (no per-request columns: no ranges, no matching)."""

    name: str
    values: np.ndarray

    def renamed(self, name: str) -> Values:
        """The same values under another name."""
        return Values(name, self.values)


#: One compared unit: a run, an arm of repeated runs, or plain values.
Unit: TypeAlias = Run | Arm | Values


def is_values(obj: Any) -> bool:
    """Plain 1-D numbers (ndarray, pandas Series, list of numbers), not a run source."""
    if isinstance(obj, (Run, Arm, Values, str, bytes)) or hasattr(obj, "columns"):
        return False
    if isinstance(obj, np.ndarray):
        return True
    if hasattr(obj, "__array__") and getattr(obj, "ndim", None) == 1:
        return True
    if isinstance(obj, (list, tuple)) and obj:
        try:
            array = np.asarray(obj)
        except (ValueError, TypeError):
            return False
        return array.ndim == 1 and array.dtype.kind in "fiu"
    return False


def _plain_values(item: Any, name: str) -> np.ndarray:
    """A plain array as float64 values (NaN = missing); ±inf is no measurement: refused with
    its count, as a Run's loader would not let it through either."""
    values = np.asarray(item, dtype=np.float64).ravel()
    infinite = np.flatnonzero(np.isinf(values))
    if len(infinite):
        rows = ", ".join(map(str, infinite[:5])) + (", ..." if len(infinite) > 5 else "")
        raise ValueError(
            f"{name}: {len(infinite)} of its {len(values)} values are infinite (rows {rows}); "
            "a measurement is a finite number: drop them, or write NaN for a missing value"
        )
    return values


def _is_arm_list(obj: Any) -> bool:
    return isinstance(obj, (list, tuple)) and not is_values(obj)


def _expand(item: Any, index: int, what: str) -> list[Run | Arm | Values]:
    """The units one argument stands for (see the module docstring)."""
    if isinstance(item, (Run, Arm, Values)):
        return [item]
    from .sweep import Sweep

    if isinstance(item, Sweep):
        raise TypeError(
            f"{what} compares runs or arms, and {item.name!r} is a Sweep (one configuration's "
            "runs across load levels): compare sweeps with compare_sweeps(a, b) (or "
            "TPOTCompare(a, b) with sweeps only), or one level with sweep.at(level)"
        )
    if is_values(item):
        return [Values(f"run {index + 1}", _plain_values(item, f"run {index + 1}"))]
    if _is_arm_list(item):
        return [Arm(item)]
    from .loaders import load_runs

    return list(load_runs(item))


def renamed(unit: Unit, name: str) -> Unit:
    if unit.name == name:
        return unit
    if isinstance(unit, Run):
        return dataclasses.replace(unit, name=name)
    return unit.renamed(name)


def as_units(items: Iterable[Any], *, values: bool = True, what: str = "compare") -> list[Unit]:
    """The compared units of `items`, baseline first, names made distinct.

    Parameters
    ----------
    items
        What the user passed as runs (see the module docstring).
    values
        Whether plain values are accepted (False for the widget and the report, which draw
        per-request columns): a TypeError names `what` and says what to pass instead.
    what
        The surface, for messages ("compare", "TPOTCompare"...).

    Returns
    -------
    list of Run, Arm or Values
        Not counted: the caller checks the count (`params.check_run_count`) with its name.
    """
    given = list(items)
    if len(given) == 1 and _is_arm_list(given[0]):
        given = list(given[0])  # TPOTCompare([a, b]): the list holds the units
    units: list[Unit] = []
    for item in given:
        units.extend(_expand(item, len(units), what))
    if not values:
        plain = [u.name for u in units if isinstance(u, Values)]
        if plain:
            raise TypeError(
                f"{what} draws per-request columns, and {', '.join(plain)} "
                "is plain values: pass Runs (Run.from_columns builds one from arrays), or "
                "use compare() for plain values"
            )
    names = unique_names([u.name for u in units])
    return [renamed(u, name) for u, name in zip(units, names, strict=True)]
