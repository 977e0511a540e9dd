"""`tpot-compare RUN_A RUN_B [RUN...] -o report.html`: compare runs from the terminal.

Loads every run (any supported tool's output; the first is the baseline), prints the
statistics benchstat-style (`~` = no significant difference), as JSON (`--format json`) or
as Markdown for a pull request (`--format markdown`), and writes the offline HTML report with
`-o`. A glob matching several files (`'a/*.json'`) or a repeated `--arm` is an arm of
repeated runs. `--fail-on slower,inconclusive` makes a CI job fail on those verdicts.

`tpot-compare --sweep A B` compares load sweeps instead: each argument is one
configuration's sweep (or every configuration a vLLM sweep folder holds), and the output is
the per-level table, the crossing, max load within the SLO (`--slo`, `--slo-target`) and the
Pareto table (`--gpus`); `--fail-on` applies to every level's verdict; `-o` writes the
report with the load and Pareto views, in which every level can be chosen.

Exit codes: 0 done; 1 a run could not be loaded / compared / written; 2 bad arguments;
3 a verdict named by `--fail-on` occurred.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

from . import params
from .durations import parse_slos
from .loaders._remote import DEFAULT_TIMEOUT, check_timeout
from .run import NUMERIC_COLUMNS
from .tables import markdown_table, sweep_markdown_table, sweep_text_table, text_table

__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXIT_VERDICT",
    "main",
    "parse_range",
    "parse_threshold",
]

PROG = "tpot-compare"
#: Exit codes: 0 done, 1 a run could not be loaded / compared / written, 2 bad arguments,
#: 3 a verdict named by --fail-on occurred (the comparison itself succeeded).
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_VERDICT = 0, 1, 2, 3
#: Verdicts --fail-on accepts.
VERDICTS: tuple[str, ...] = (
    "faster",
    "slower",
    "equivalent",
    "inconclusive",
    "no significant difference",
    "not enough data",
)


class UsageError(Exception):
    """A bad command line (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting (one-line errors)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


#: The comparison parameter each range option sets (its messages name the parameter, as
#: `compare` does, so a bad range reads the same on every surface).
_RANGE_PARAMETER = {"--tokens": "token_range", "--time": "time_range"}


def _bound(text: str, option: str, whole: str) -> float | None:
    """One side of `LO:HI`: empty → None, "200" → 200 (an int, as `compare(...)` is written)."""
    body = text.strip()
    if not body:
        return None
    try:
        return int(body)
    except ValueError:
        pass
    try:
        return float(body)
    except ValueError:
        raise UsageError(
            f"{option} {whole!r}: {body!r} is not a number "
            "(write LO:HI, e.g. 100:400, 100: or :400)"
        ) from None


def parse_range(text: str, option: str = "--tokens") -> params.Range | None:
    """`LO:HI` → a range validated by `params` (an empty side is open; inf is refused)."""
    lo_text, sep, hi_text = text.partition(":")
    if not sep:
        raise UsageError(f"{option} expects LO:HI (e.g. 100:400, 100: or :400), got {text!r}")
    lo, hi = _bound(lo_text, option, text), _bound(hi_text, option, text)
    try:
        return params.normalize_range((lo, hi), _RANGE_PARAMETER.get(option, option.lstrip("-")))
    except ValueError as exc:
        raise UsageError(f"{option} {text!r}: {exc}") from None


def parse_threshold(text: str) -> float:
    """`2%` or `0.02` → 0.02 (validated by `params`)."""
    body = text.strip()
    try:
        value = float(body[:-1]) / 100 if body.endswith("%") else float(body)
    except ValueError:
        raise UsageError(
            f"--threshold {text}: write a relative difference, e.g. 2% or 0.02"
        ) from None
    try:
        threshold = params.normalize_threshold(value)
    except ValueError as exc:
        raise UsageError(f"--threshold {text}: {exc}") from None
    assert threshold is not None
    return threshold


def _parse_seed(text: str) -> int:
    """`--seed N`: a whole number >= 0 (numpy's seeds are non-negative)."""
    try:
        seed = int(text.strip())
    except ValueError:
        seed = -1
    if seed < 0:
        raise argparse.ArgumentTypeError(
            f"{text!r}: a seed is a whole number >= 0, e.g. 0 or 42 (omit --seed for the fixed "
            "default)"
        )
    return seed


def _parse_timeout(text: str) -> float:
    """`--timeout SECONDS`: a positive number of seconds."""
    try:
        return float(check_timeout(float(text)) or 0)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: a timeout is a positive number of seconds, e.g. 30"
        ) from None


def _parse_fail_on(text: str) -> set[str]:
    names = {part.strip() for part in text.split(",") if part.strip()}
    unknown = names - set(VERDICTS)
    if unknown or not names:
        raise UsageError(
            f"--fail-on {text!r}: use verdicts from {', '.join(VERDICTS)} (comma-separated)"
        )
    return names


def _parse_gpus(text: str) -> list[int | None]:
    """`--gpus 8` or `--gpus 8,4` (one per configuration; `?` where unknown)."""
    counts: list[int | None] = []
    for part in text.split(","):
        body = part.strip()
        if body == "?":
            counts.append(None)
            continue
        try:
            counts.append(int(body))
        except ValueError:
            raise UsageError(
                f"--gpus {text}: {body!r} is not a GPU count; write one count for every "
                "configuration (--gpus 8) or one per configuration (--gpus 8,4; ? = unknown)"
            ) from None
    return counts


def _build_parser() -> _Parser:
    d = params.DEFAULTS
    parser = _Parser(
        prog=PROG,
        description=(
            "Compare LLM benchmark runs' time per output token with bootstrap confidence "
            "intervals. The first run is the baseline."
        ),
    )
    parser.add_argument(
        "runs",
        nargs="*",
        metavar="RUN",
        help="a benchmark output file, folder or URL (LLMeter, vLLM, SGLang, AIPerf, "
        "GenAI-Perf, GuideLLM, LLMPerf, llm-load-test, ...); a file holding several runs adds "
        "them all; a quoted glob matching several files ('a/*.json') is an arm of repeated runs",
    )
    parser.add_argument(
        "--arm",
        action="append",
        default=[],
        metavar="RUNS",
        help="an arm of repeated runs of one configuration: a glob or comma-separated paths "
        "(repeat for each arm; added after the positional runs)",
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="compare load sweeps: each RUN is one configuration's runs across load levels (a "
        "file or folder; one holding several configurations, e.g. a vLLM sweep folder, gives "
        "them all; a quoted glob gathers the files it matches); the first is the baseline",
    )
    parser.add_argument("-o", "--output", metavar="REPORT.html", help="write the HTML report")
    parser.add_argument(
        "--dimension",
        default=d.dimension,
        choices=NUMERIC_COLUMNS,
        help="the value compared (default: %(default)s)",
    )
    parser.add_argument(
        "--x-dimension",
        default=d.x_dimension,
        choices=NUMERIC_COLUMNS,
        help="the value --tokens selects on (default: %(default)s)",
    )
    parser.add_argument(
        "--tokens",
        metavar="LO:HI",
        help="only requests with LO <= x-dimension <= HI (either side may be empty)",
    )
    parser.add_argument(
        "--time",
        metavar="LO:HI",
        help="only requests that started LO..HI seconds into their run (e.g. 30: drops warm-up)",
    )
    parser.add_argument(
        "--statistic", default=d.statistic, help="median, mean or a percentile such as p90, p99"
    )
    parser.add_argument(
        "--confidence",
        type=float,
        default=d.confidence_level,
        metavar="LEVEL",
        help="confidence level of the intervals (default: %(default)s)",
    )
    parser.add_argument(
        "--method", default=d.method, choices=params.METHODS, help="bootstrap CI method"
    )
    parser.add_argument(
        "--n-resamples", type=int, default=d.n_resamples, metavar="N", help="bootstrap resamples"
    )
    parser.add_argument(
        "--threshold",
        metavar="T",
        help="practical threshold, e.g. 2%% or 0.02: verdicts faster / slower / equivalent / "
        "inconclusive by the relative CI against ±T",
    )
    parser.add_argument(
        "--match",
        action="append",
        metavar="COLUMN",
        help=f"compare matched workloads on {' or '.join(params.MATCH_COLUMNS)} (repeat for both)",
    )
    parser.add_argument(
        "--slo",
        action="append",
        default=[],
        metavar="COLUMN=DURATION",
        help="an SLO objective, e.g. --slo ttft=500ms --slo tpot=50ms (adds attainment)",
    )
    parser.add_argument(
        "--slo-target",
        type=float,
        default=None,
        metavar="SHARE",
        help="with --sweep and --slo: the share of requests meeting every objective that max "
        "load holds to (default 0.9)",
    )
    parser.add_argument(
        "--gpus",
        metavar="N[,N...]",
        help="with --sweep: GPUs per configuration (one count for all, or one per "
        "configuration): the Pareto table's output tokens/s per GPU",
    )
    parser.add_argument(
        "--fail-on",
        metavar="VERDICTS",
        help="exit with code 3 when any difference has one of these verdicts "
        "(comma-separated, e.g. slower,inconclusive; with --sweep, at any level)",
    )
    parser.add_argument(
        "--seed", type=_parse_seed, default=None, help="random seed, >= 0 (default: fixed)"
    )
    parser.add_argument(
        "--timeout",
        type=_parse_timeout,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="for http(s) URLs: how long the server may stay silent before the load fails "
        "(default: %(default)g)",
    )
    parser.add_argument(
        "--format",
        default="text",
        choices=("text", "json", "markdown"),
        help="stdout: a table (text), the statistics as JSON, or a Markdown table",
    )
    parser.add_argument(
        "--linear", action="store_true", help="linear instead of log axis for the box plots"
    )
    parser.add_argument(
        "--version", action="store_true", help="print the tpot_widget version and exit"
    )
    return parser


# --- main --------------------------------------------------------------------------------


def _expand(pattern: str) -> list[str]:
    """A path, URL or glob → the paths it names (a glob that matches nothing is kept)."""
    if "://" in pattern or not glob.has_magic(pattern):
        return [pattern]
    matches = sorted(glob.glob(pattern))
    if not matches:
        raise UsageError(f"{pattern!r} matches no file")
    return matches


def _load_one(path: str, timeout: float) -> list[Any]:
    from .loaders import load_runs

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runs = load_runs(path, timeout=timeout)
    for w in caught:
        print(f"{PROG}: warning: {w.message}", file=sys.stderr)
    return list(runs)


def _arm_paths(text: str) -> list[str]:
    """The paths of one --arm (a glob or comma-separated paths); none is a usage error."""
    paths = [p for part in text.split(",") if part.strip() for p in _expand(part.strip())]
    if not paths:
        raise UsageError(f"--arm {text!r} names no run (a glob or comma-separated paths)")
    return paths


def _inputs(args: argparse.Namespace) -> list[list[str]]:
    """The paths of each positional argument and each --arm, in order (globs expanded)."""
    return [_expand(text) for text in args.runs] + [_arm_paths(text) for text in args.arm]


def _check_output(output: str, inputs: Sequence[str]) -> None:
    """Refuse an -o that would overwrite an input (an input file, or anything inside an input
    folder, links resolved) or cannot be written (a folder, a missing parent folder), before
    anything is loaded or written."""
    if not output.strip():
        raise UsageError("-o needs a file name, e.g. -o report.html")
    target = os.path.realpath(output)
    for text in inputs:
        path = _local_path(text)
        if path is None:
            continue
        source = os.path.realpath(path)
        if target == source:
            raise UsageError(
                f"-o {output} is the input {text}: the report would overwrite it; write the "
                "report to another file"
            )
        if not os.path.isdir(source):
            continue
        if target.startswith(source.rstrip(os.sep) + os.sep):
            raise UsageError(
                f"-o {output} is inside the input folder {text}: the report would overwrite "
                "or join the runs loaded from it; write the report outside that folder"
            )
        if target in _linked_files(source):
            raise UsageError(
                f"-o {output} is a file of the input folder {text} (through a link): the "
                "report would overwrite it; write the report to another file"
            )
    if os.path.isdir(target):
        raise UsageError(
            f"-o {output} is a folder; name the report file, e.g. {output}/report.html"
        )
    parent = os.path.dirname(target)
    if not os.path.isdir(parent):
        raise UsageError(
            f"-o {output}: the folder {os.path.dirname(output) or parent} does not exist; "
            "create it first"
        )


def _linked_files(folder: str) -> set[str]:
    """The real paths of the files below `folder`, links followed, as deep as `load_runs`
    looks (a link inside an input folder makes its target an input too)."""
    from .loaders._remote import MAX_DEPTH

    found: set[str] = set()
    top = folder.rstrip(os.sep).count(os.sep)
    for current, dirs, files in os.walk(folder, followlinks=True):
        if current.rstrip(os.sep).count(os.sep) - top >= MAX_DEPTH - 1:
            dirs.clear()  # also ends a walk round a link loop
        found.update(os.path.realpath(os.path.join(current, name)) for name in files)
    return found


def _local_path(text: str) -> str | None:
    """The local path an input names (None for a remote URL)."""
    from .loaders._io import file_url_path, is_url

    if is_url(text):
        return None
    try:
        return file_url_path(text) or text
    except ValueError:
        return None  # a file URL on another host: loading it says so


def _load(inputs: Sequence[Sequence[str]], n_runs: int, timeout: float) -> list[Any]:
    """The compared units of the expanded positional arguments (the first `n_runs` of
    `inputs`) and the --arm options, in order: one path is every run it holds, several paths
    (a glob, an --arm) are one arm; named by `as_units`' one rule."""
    from .arm import Arm
    from .units import as_units

    items: list[Any] = []
    for index, paths in enumerate(inputs):
        if index < n_runs and len(paths) == 1:
            items.extend(_load_one(paths[0], timeout))
        else:
            items.append(Arm([r for p in paths for r in _load_one(p, timeout)]))
    return list(as_units(items))


def _run(argv: Sequence[str] | None) -> int:
    # Intermixed: options may stand between the runs (`tpot-compare a.json --tokens 1:5 b.json`).
    args = _build_parser().parse_intermixed_args(argv)
    if args.version:
        from . import __version__

        print(f"tpot_widget {__version__}")
        return EXIT_OK
    if not args.runs and not args.arm:
        what = "sweeps (configurations)" if args.sweep else "runs"
        raise UsageError(f"give at least two {what} to compare (the first is the baseline)")
    if not args.sweep:
        for option, value in (("--slo-target", args.slo_target), ("--gpus", args.gpus)):
            if value is not None:
                raise UsageError(f"{option} applies to --sweep (load sweeps)")
    fail_on = _parse_fail_on(args.fail_on) if args.fail_on else set()
    try:
        parameters = params.Parameters.from_user(
            dimension=args.dimension,
            x_dimension=args.x_dimension,
            statistic=args.statistic,
            confidence_level=args.confidence,
            method=args.method,
            n_resamples=args.n_resamples,
            token_range=parse_range(args.tokens, "--tokens") if args.tokens else None,
            time_range=parse_range(args.time, "--time") if args.time else None,
            threshold=parse_threshold(args.threshold) if args.threshold else None,
            # One column as a name, as compare(match="...") is called: the same message.
            match=args.match[0] if args.match and len(args.match) == 1 else args.match,
            slo=parse_slos(args.slo),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    if args.sweep:
        return _run_sweeps(args, parameters, fail_on)

    from .comparison import Comparer
    from .report import write_html

    inputs = _inputs(args)
    if args.output is not None:
        _check_output(args.output, [path for paths in inputs for path in paths])
    units = _load(inputs, len(args.runs), args.timeout)
    try:
        params.check_run_count(len(units), PROG)
    except ValueError:
        raise UsageError(
            f"need 2 to 8 runs to compare, the arguments hold {len(units)}"
            + (f" ({units[0].name!r})" if len(units) == 1 else "")
        ) from None
    comparer = Comparer(units, parameters.dimension, parameters.x_dimension)
    if parameters.time_range is not None:
        # --time on runs without start times is a bad argument for these runs (exit 2), with
        # the message compare() gives; selection_mask checks the ranges against every run.
        try:
            comparer.selection_mask(0, parameters.token_range, parameters.time_range)
        except ValueError as exc:
            raise UsageError(f"--time {args.time}: {exc}") from None
    comparison = comparer.compare(parameters, random_state=args.seed)
    stats = comparison.to_dict()
    if args.format == "json":
        print(json.dumps(stats, indent=2, allow_nan=False), flush=True)
    elif args.format == "markdown":
        print(markdown_table(stats), end="", flush=True)
    else:
        print(text_table(stats), flush=True)
    if args.output:
        written = write_html(
            comparer.units,
            args.output,
            parameters=parameters,
            random_state=args.seed,
            log_axis=not args.linear,
            comparison=comparison,
        )
        print(f"{PROG}: wrote {written}", file=sys.stderr)
    hits = sorted({d.verdict for d in comparison.differences} & fail_on)
    if hits:
        print(
            f"{PROG}: verdict {', '.join(hits)} (--fail-on): exit {EXIT_VERDICT}", file=sys.stderr
        )
        return EXIT_VERDICT
    return EXIT_OK


def _load_sweeps(
    inputs: Sequence[Sequence[str]], texts: Sequence[str], timeout: float
) -> list[Any]:
    """The configurations each argument holds (`load_sweeps` of its runs), in order."""
    from .sweep import load_sweeps

    sweeps: list[Any] = []
    for text, paths in zip(texts, inputs, strict=True):
        runs = [r for p in paths for r in _load_one(p, timeout)]
        try:
            sweeps.extend(load_sweeps(runs))
        except ValueError as exc:
            raise ValueError(f"{text}: {exc}") from None
    return sweeps


def _run_sweeps(args: argparse.Namespace, parameters: params.Parameters, fail_on: set[str]) -> int:
    """`--sweep`: compare configurations level by level (`compare_sweeps`)."""
    from .report import write_html
    from .sweep_comparison import SweepComparer
    from .sweep_levels import SweepLevels

    if args.arm:
        raise UsageError(
            "--arm is for runs; with --sweep, the runs at one load level are the repeats of "
            "that level (an arm) by themselves"
        )
    if args.slo_target is not None and not parameters.slo:
        raise UsageError(
            "--slo-target needs --slo: max load is the highest load at which that share of "
            "requests meets every objective"
        )
    try:
        slo_target = params.normalize_slo_target(
            0.9 if args.slo_target is None else args.slo_target
        )
    except ValueError as exc:
        raise UsageError(f"--slo-target {args.slo_target}: {exc}") from None
    gpus = _parse_gpus(args.gpus) if args.gpus is not None else None
    inputs = [_expand(text) for text in args.runs]
    if args.output is not None:
        _check_output(args.output, [path for paths in inputs for path in paths])
    sweeps = _load_sweeps(inputs, args.runs, args.timeout)
    if not params.MIN_RUNS <= len(sweeps) <= params.MAX_RUNS:
        found = "; ".join(f"{s.name!r} ({len(s)} levels)" for s in sweeps)
        raise UsageError(
            f"--sweep needs {params.MIN_RUNS} to {params.MAX_RUNS} configurations to compare "
            f"(the first is the baseline), the arguments hold {len(sweeps)}"
            + (f": {found}" if sweeps else "")
        )
    if gpus is not None:
        if len(gpus) not in (1, len(sweeps)):
            raise UsageError(
                f"--gpus {args.gpus}: {len(gpus)} counts for {len(sweeps)} configurations; "
                "give one count for all (--gpus 8) or one per configuration (--gpus 8,4; "
                "? = unknown)"
            )
        try:
            gpus = list(params.normalize_gpus(gpus if len(gpus) > 1 else gpus[0], len(sweeps)))
        except ValueError as exc:
            raise UsageError(f"--gpus {args.gpus}: {exc}") from None
    comparer = SweepComparer(sweeps, parameters.dimension, parameters.x_dimension)
    try:
        comparer.check_ranges(parameters.token_range, parameters.time_range)
    except ValueError as exc:
        raise UsageError(f"--time {args.time}: {exc}") from None
    comparison = comparer.compare(
        parameters, slo_target=slo_target, gpus=gpus, random_state=args.seed
    )
    result = comparison.to_dict()
    if args.format == "json":
        print(json.dumps(result, indent=2, allow_nan=False), flush=True)
    elif args.format == "markdown":
        print(sweep_markdown_table(result), end="", flush=True)
    else:
        print(sweep_text_table(result), flush=True)
    if args.output:
        # the load and Pareto views of these numbers, and every level's comparison
        written = write_html(
            comparer.sweeps,
            args.output,
            parameters=parameters,
            comparison=comparison,
            random_state=args.seed,
            log_axis=not args.linear,
            slo_target=slo_target,
            gpus=gpus,
        )
        levels = SweepLevels(comparer.sweeps)
        print(
            f"{PROG}: wrote {written}: the load and Pareto views and every level's comparison "
            f"(it opens at {levels.default()}; choose another level in the page)",
            file=sys.stderr,
        )
    hits: dict[tuple[str, str], list[str]] = {}
    for r in comparison.rows:
        if r.verdict in fail_on:
            hits.setdefault((r.verdict, r.config), []).append(str(r.level))
    if hits:
        where = "; ".join(
            f"{verdict} at {', '.join(levels)} ({config})"
            for (verdict, config), levels in hits.items()
        )
        print(f"{PROG}: verdict {where} (--fail-on): exit {EXIT_VERDICT}", file=sys.stderr)
        return EXIT_VERDICT
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `tpot-compare`; returns the exit code (0 ok, 1 error, 2 usage, 3 verdict)."""
    try:
        return _run(argv)
    except UsageError as exc:
        print(f"{PROG}: error: {exc} (see {PROG} --help)", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # stdout closed early (e.g. `| head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("TPOT_COMPARE_DEBUG"):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
