"""The load level a user gives when loading (`load_runs(source, load=...)`): one level, a
mapping from run names to levels, or a function of the run."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

from ..load import Load
from ..run import Run

#: What `load=` accepts: a level (a `Load`, "concurrency=16", ("rate", 2.5), {"kind",
#: "value"}), a mapping {run name: level or None}, or a function run → level or None.
LoadOption: TypeAlias = Load | str | tuple[Any, Any] | Mapping[str, Any] | Callable[[Run], Any]


def _is_one_level(option: Any) -> bool:
    """True for one level (not a mapping of names, not a function)."""
    if isinstance(option, Mapping):
        return "kind" in option and set(option) <= {"kind", "value"}
    return not callable(option) or isinstance(option, Load)


def _level(value: Any) -> Load | None:
    """A level from what the user gave (None stays None: no level)."""
    return None if value is None else Load.parse(value)


def apply_load(runs: Sequence[Run], option: Any, source: Any) -> list[Run]:
    """`runs` at the levels `option` gives (see `LoadOption`).

    One level goes to every run, unless the tool recorded different levels for them (a
    sweep): then the user is asked for a mapping or a function, since one level for all
    would erase the sweep. A mapping names runs (a name that matches none is an error
    listing the names); the runs it does not name keep their level. A function's result
    replaces each run's level (return `run.load` to keep it, None for no level).
    """
    runs = list(runs)
    if option is None:
        return runs
    if _is_one_level(option):
        level = _level(option)
        recorded = {r.load for r in runs if r.load is not None}
        if len(recorded) > 1:
            shown = ", ".join(str(x) for x in sorted(recorded))
            raise ValueError(
                f"{source}: its {len(runs)} runs were recorded at different load levels "
                f"({shown}), so one level for all (load={option!r}) would erase the sweep; "
                "pass a mapping {run name: level} or a function run -> level, or set "
                "levels on single runs with run.with_load(...)"
            )
        return [r.with_load(level) for r in runs]
    if isinstance(option, Mapping):
        names = {r.name for r in runs}
        unknown = [k for k in option if k not in names]
        if unknown:
            listed = ", ".join(repr(n) for n in sorted(names))
            raise ValueError(
                f"{source}: load= names run(s) {', '.join(map(repr, unknown))} that it does "
                f"not hold; its runs are: {listed}"
            )
        return [r.with_load(_level(option[r.name])) if r.name in option else r for r in runs]
    return [r.with_load(_level(option(r))) for r in runs]
