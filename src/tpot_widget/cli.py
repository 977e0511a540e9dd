"""`tpot-compare RUN_A RUN_B [RUN...] -o report.html`: compare runs from the terminal.

Loads every run (any supported tool's output; the first is the baseline), prints the
statistics table benchstat-style (`~` = no significant difference) or as JSON
(`--format json`, for CI pipelines), and writes the offline HTML report with `-o`.
Bad arguments or unreadable runs give one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from .run import DURATION_COLUMNS, NUMERIC_COLUMNS

__all__ = ["format_table", "main", "parse_tokens"]

PROG = "tpot-compare"
#: Exit codes: 0 done, 1 a run could not be loaded / compared / written, 2 bad arguments.
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad command line (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting (one-line errors)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parse_tokens(text: str) -> tuple[float | None, float | None]:
    """`LO:HI` (either side may be empty) → (lo, hi); raises UsageError when malformed."""
    lo_text, sep, hi_text = text.partition(":")
    if not sep:
        raise UsageError(f"--tokens expects LO:HI (e.g. 100:400, 100: or :400), got {text!r}")
    try:
        lo = float(lo_text) if lo_text.strip() else None
        hi = float(hi_text) if hi_text.strip() else None
    except ValueError:
        raise UsageError(
            f"--tokens expects numbers as LO:HI (e.g. 100:400), got {text!r}"
        ) from None
    if lo is not None and hi is not None and lo > hi:
        raise UsageError(f"--tokens {text}: LO is above HI")
    return lo, hi


def _build_parser() -> _Parser:
    parser = _Parser(
        prog=PROG,
        description=(
            "Compare LLM benchmark runs' time per output token with bootstrap confidence "
            "intervals. The first run is the baseline."
        ),
    )
    parser.add_argument(
        "runs",
        nargs="+",
        metavar="RUN",
        help="a benchmark output file or folder (LLMeter, vLLM, SGLang, AIPerf, GenAI-Perf, "
        "GuideLLM, LLMPerf, llm-load-test); a file holding several runs adds them all",
    )
    parser.add_argument("-o", "--output", metavar="REPORT.html", help="write the HTML report")
    parser.add_argument(
        "--dimension",
        default="time_per_output_token",
        choices=NUMERIC_COLUMNS,
        help="the value compared (default: %(default)s)",
    )
    parser.add_argument(
        "--x-dimension",
        default="num_tokens_output",
        choices=NUMERIC_COLUMNS,
        help="the value --tokens selects on (default: %(default)s)",
    )
    parser.add_argument(
        "--tokens",
        metavar="LO:HI",
        type=str,
        help="only requests with LO <= x-dimension <= HI (either side may be empty)",
    )
    parser.add_argument(
        "--statistic", default="median", help="median, mean or a quantile such as p90, p99"
    )
    parser.add_argument(
        "--confidence",
        type=float,
        default=0.95,
        metavar="LEVEL",
        help="confidence level of the intervals (default: %(default)s)",
    )
    parser.add_argument(
        "--method", default="BCa", choices=("BCa", "percentile"), help="bootstrap CI method"
    )
    parser.add_argument(
        "--n-resamples", type=int, default=9999, metavar="N", help="bootstrap resamples"
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: fixed)")
    parser.add_argument(
        "--format",
        default="text",
        choices=("text", "json"),
        help="stdout: a table (text) or the statistics as JSON",
    )
    parser.add_argument(
        "--linear", action="store_true", help="linear instead of log axis for the box plots"
    )
    parser.add_argument(
        "--version", action="store_true", help="print the tpot_widget version and exit"
    )
    return parser


# --- the table ---------------------------------------------------------------------------


def _unit(dimension: str, values: Sequence[float | None]) -> tuple[str, float]:
    if dimension not in (*DURATION_COLUMNS, "request_start"):
        return "", 1.0
    top = max((abs(v) for v in values if v is not None), default=0.0)
    if top >= 1.0:
        return "s", 1.0
    if top >= 1e-3:
        return "ms", 1e3
    return "µs", 1e6


def _num(value: float | None, unit: tuple[str, float], signed: bool = False) -> str:
    if value is None:
        return "?"
    name, factor = unit
    text = f"{value * factor:+#.4g}" if signed else f"{value * factor:#.4g}"
    return f"{text.removesuffix('.')}{name}"


def _pct(value: float | None) -> str:
    return "?" if value is None else f"{value * 100:+.2f}%"


def _align(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def format_table(
    stats: Mapping[str, Any],
    n_resamples: int | None = None,
    x_dimension: str = "num_tokens_output",
) -> str:
    """The statistics (`Comparison.to_dict()`) as a benchstat-style text table."""
    dimension = str(stats["dimension"])
    statistic = str(stats["statistic"])
    level = float(stats["confidence_level"])
    runs = list(stats["runs"])
    diffs = list(stats["differences"])
    unit = _unit(dimension, [r.get("estimate") for r in runs])
    ci = f"{level:.0%} CI"
    resamples = f", {n_resamples} resamples" if n_resamples else ""
    selection = stats.get("token_range")
    if selection is None:
        where = "all requests"
    else:
        lo, hi = selection
        lo_text = "-inf" if lo is None else f"{lo:g}"
        hi_text = "inf" if hi is None else f"{hi:g}"
        where = f"requests with {x_dimension} in [{lo_text}, {hi_text}]"
    lines = [f"{dimension}, {statistic}, {ci} ({stats['method']}{resamples}); {where}", ""]
    rows = [["run", "n", "errors", statistic, ci]]
    for r in runs:
        rows.append(
            [
                str(r["name"]),
                str(r["n"]),
                str(r["n_errors"]),
                _num(r.get("estimate"), unit),
                f"[{_num(r.get('ci_low'), unit)}, {_num(r.get('ci_high'), unit)}]",
            ]
        )
    lines += _align(rows, right={1, 2, 3})
    if diffs:
        lines.append("")
        base_n = runs[0]["n"]
        rows = [[f"vs {diffs[0]['baseline']}", "delta", ci, "", ""]]
        for d, r in zip(diffs, runs[1:], strict=False):
            p = d.get("p_value")
            p_text = "p=?" if p is None else f"p={p:.3f}"
            n_text = f"n={base_n}+{r['n']}"
            verdict = d.get("verdict")
            if verdict == "no significant difference":
                rows.append([str(d["name"]), "~", "", f"({p_text} {n_text})", ""])
            elif verdict in ("faster", "slower"):
                rows.append(
                    [
                        str(d["name"]),
                        _pct(d.get("relative")),
                        f"[{_pct(d.get('relative_ci_low'))}, {_pct(d.get('relative_ci_high'))}]",
                        f"({p_text} {n_text})",
                        f"{verdict} ({_num(d.get('estimate'), unit, signed=True)})",
                    ]
                )
            else:
                rows.append([str(d["name"]), "?", "", f"({n_text})", str(verdict)])
        lines += _align(rows, right={1})
    return "\n".join(lines)


# --- main --------------------------------------------------------------------------------


def _load(paths: Sequence[str]) -> list[Any]:
    from .loaders import load_runs

    runs = []
    for path in paths:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            runs.extend(load_runs(path))
        for w in caught:
            print(f"{PROG}: warning: {w.message}", file=sys.stderr)
    return runs


def _run(argv: Sequence[str] | None) -> int:
    args = _build_parser().parse_args(argv)
    if args.version:
        from . import __version__

        print(f"tpot_widget {__version__}")
        return EXIT_OK
    token_range = parse_tokens(args.tokens) if args.tokens is not None else None
    if not 0.0 < args.confidence < 1.0:
        raise UsageError(f"--confidence must be between 0 and 1, got {args.confidence}")
    if args.n_resamples < 1:
        raise UsageError(f"--n-resamples must be positive, got {args.n_resamples}")

    from .comparison import compare
    from .report import unique_names, write_html

    runs = unique_names(_load(args.runs))
    if not 2 <= len(runs) <= 8:
        raise UsageError(
            f"need 2 to 8 runs to compare, the arguments hold {len(runs)}"
            + (f" ({runs[0].name!r})" if len(runs) == 1 else "")
        )
    comparison = compare(
        *runs,
        dimension=args.dimension,
        statistic=args.statistic,
        confidence_level=args.confidence,
        method=args.method,
        n_resamples=args.n_resamples,
        token_range=token_range,
        x_dimension=args.x_dimension,
        random_state=args.seed,
    )
    stats = comparison.to_dict()
    if args.format == "json":
        print(json.dumps(stats, indent=2, allow_nan=False), flush=True)
    else:
        print(format_table(stats, args.n_resamples, args.x_dimension), flush=True)
    if args.output:
        written = write_html(
            runs,
            args.output,
            token_range=token_range,
            dimension=args.dimension,
            x_dimension=args.x_dimension,
            statistic=args.statistic,
            confidence_level=args.confidence,
            method=args.method,
            n_resamples=args.n_resamples,
            random_state=args.seed,
            log_axis=not args.linear,
            comparison=comparison,
        )
        print(f"{PROG}: wrote {written}", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `tpot-compare`; returns the exit code (0 ok, 1 error, 2 usage)."""
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
