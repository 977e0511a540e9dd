"""How fast does a big LLMeter `responses.jsonl` load? (prints a table; asserts nothing)

Writes a realistic file (default 1,000,000 lines with prompt, payload and response texts,
1 % failed requests, whole-second request times) in a temporary folder, then times each
way of reading it in a fresh subprocess (so memory and imports do not leak between them):

- LLMeter-style: `json.loads` of every line into dicts (what Result.load does, minus the
  dataclass construction), then the columns picked out of the dicts;
- orjson per line into dicts, then the columns;
- pyarrow.json.read_json with an explicit schema of the needed fields (if pyarrow is
  installed; it is a dev extra, not a dependency);
- tpot_widget's fast column reader alone, and the full `tpot_widget.load_run` (a Run);
- the same `load_run` of the file gzip-compressed (`responses.jsonl.gz`, level 1);
- `load_run` of the run saved by `Run.to_parquet` (the reload; goal: under 0.5 s for 1M).

Usage:  python benchmarks/bench_load.py [--lines N] [--path FILE] [--keep]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

FIELDS = (
    "time_to_first_token",
    "time_to_last_token",
    "num_tokens_input",
    "num_tokens_output",
    "time_per_output_token",
    "error",
    "request_time",
)
WORDS = [
    "the",
    "model",
    "answers",
    "questions",
    "about",
    "latency",
    "throughput",
    "tokens",
    "streaming",
    "endpoint",
    "benchmark",
    "request",
    "response",
    "prompt",
    "context",
    "window",
    "cache",
    "reasoning",
    "output",
    "input",
    "quality",
    "cost",
    "region",
    "instance",
    "GPU",
    "batch",
    "queue",
    "concurrency",
]


def generate(path: Path, n_lines: int, seed: int = 0) -> None:
    """Write `n_lines` LLMeter 0.1.12-style response lines (about 2 KB each) to `path`.

    Lines are laid out exactly as LLMeter writes them (`json.dumps` of the response
    dataclass); the texts come from pools, JSON-encoded once, so that writing is quick.
    """
    rng = random.Random(seed)
    prompts = [" ".join(rng.choices(WORDS, k=rng.randint(20, 90))) for _ in range(997)]
    replies = [" ".join(rng.choices(WORDS, k=rng.randint(5, 160))) for _ in range(991)]
    enc_prompts = [(json.dumps(p), len(p.split()) + 7) for p in prompts]
    enc_replies = [json.dumps(r) for r in replies]
    start = 1_767_225_600  # 2026-01-01T00:00:00Z
    stamps = [
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + s))
        for s in range(n_lines // 40 + 1)
    ]
    template = (
        '{{"response_text": {reply}, "input_payload": {{"messages": [{{"role": "user", '
        '"content": [{{"text": {prompt}}}]}}], "inferenceConfig": {{"maxTokens": {max_out}}}}}, '
        '"id": "{id:032x}", "input_prompt": {prompt}, "time_to_first_token": {ttft}, '
        '"time_to_last_token": {e2e}, "num_tokens_input": {n_in}, "num_tokens_output": {n_out}, '
        '"num_tokens_input_cached": null, "num_tokens_output_reasoning": null, '
        '"time_per_output_token": {tpot}, "error": {error}, "retries": 0, '
        '"request_time": "{stamp}"}}\n'
    )
    with path.open("w", encoding="utf-8") as f:
        batch: list[str] = []
        for i in range(n_lines):
            prompt, n_in = enc_prompts[i % len(enc_prompts)]
            n_out = rng.randint(1, 400)
            fields = {
                "prompt": prompt,
                "max_out": n_out,
                "id": rng.getrandbits(128),
                "stamp": stamps[i // 40],
            }
            if rng.random() < 0.01:  # a throttled request: no timings, no tokens
                fields.update(
                    reply="null",
                    ttft="null",
                    e2e="null",
                    n_in="null",
                    n_out="null",
                    tpot="null",
                    error='"ThrottlingException: Too many requests, please wait"',
                )
            else:
                ttft = rng.uniform(0.1, 0.8)
                tpot = rng.uniform(0.008, 0.03)
                fields.update(
                    reply=enc_replies[i % len(enc_replies)],
                    ttft=repr(ttft),
                    e2e=repr(ttft + tpot * (n_out - 1)),
                    n_in=n_in,
                    n_out=n_out,
                    tpot=repr(tpot) if n_out > 1 else "null",
                    error="null",
                )
            batch.append(template.format(**fields))
            if len(batch) == 20_000:
                f.write("".join(batch))
                batch.clear()
        f.write("".join(batch))


# --- the methods (each runs in its own subprocess) -----------------------------------------


def _columns_from_dicts(rows: list[dict]) -> int:
    for key in FIELDS[:5]:
        np.array([r.get(key) for r in rows], dtype=np.float64)
    for key in FIELDS[5:]:
        [r.get(key) for r in rows]
    return len(rows)


def method_json(path: Path) -> int:
    with path.open("r", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return _columns_from_dicts(rows)


def method_orjson(path: Path) -> int:
    with path.open("rb") as f:
        rows = [orjson.loads(line) for line in f if line.strip()]
    return _columns_from_dicts(rows)


def method_pyarrow(path: Path) -> int:
    schema = pa.schema(
        [(k, pa.float64()) for k in FIELDS[:5]] + [(k, pa.string()) for k in FIELDS[5:]]
    )
    table = pj.read_json(
        path,
        read_options=pj.ReadOptions(block_size=1 << 24),
        parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
    )
    for key in FIELDS[:5]:
        table.column(key).to_numpy()
    for key in FIELDS[5:]:
        table.column(key).to_pylist()
    return table.num_rows


def method_reader(path: Path) -> int:
    return len(read_json_lines_columns(path, FIELDS[:5], FIELDS[5:]))


def method_load_run(path: Path) -> int:
    return len(tpot_widget.load_run(path))


def method_gzip(path: Path) -> int:
    return len(tpot_widget.load_run(_gzip_path(path)))


def method_parquet(path: Path) -> int:
    return len(tpot_widget.load_run(_parquet_path(path)))


def _gzip_path(path: Path) -> Path:
    return path.with_name(path.name + ".gz")


def _parquet_path(path: Path) -> Path:
    return path.with_name("run.parquet")


def prepare(path: Path, methods: list[str]) -> None:
    """Write the gzip copy and the Parquet file the `gzip` / `parquet` methods read."""
    if "gzip" in methods and not _gzip_path(path).exists():
        t = time.perf_counter()
        with path.open("rb") as src, gzip.open(_gzip_path(path), "wb", compresslevel=1) as dst:
            shutil.copyfileobj(src, dst, 1 << 24)
        size = _gzip_path(path).stat().st_size
        print(f"gzip -1 copy: {size / 1e9:.2f} GB in {time.perf_counter() - t:.1f} s")
    if "parquet" in methods and not _parquet_path(path).exists():
        code = (
            "import sys, time, warnings, tpot_widget; warnings.simplefilter('ignore'); "
            "run = tpot_widget.load_run(sys.argv[1]); t = time.perf_counter(); "
            "run.to_parquet(sys.argv[2]); print(f'{time.perf_counter() - t:.2f}')"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(path), str(_parquet_path(path))],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        size = _parquet_path(path).stat().st_size
        print(f"Run.to_parquet: {size / 1e6:.0f} MB written in {out} s")


METHODS = {
    "json": ("LLMeter-style json.loads per line → dicts → columns", method_json),
    "orjson": ("orjson.loads per line → dicts → columns", method_orjson),
    "pyarrow": ("pyarrow.json.read_json, explicit schema", method_pyarrow),
    "reader": ("tpot_widget fast column reader", method_reader),
    "load_run": ("tpot_widget.load_run (full Run)", method_load_run),
    "gzip": ("tpot_widget.load_run of responses.jsonl.gz", method_gzip),
    "parquet": ("tpot_widget.load_run of Run.to_parquet's file", method_parquet),
}


def _child(method: str, path: Path) -> None:
    """Time one method in this (fresh) process; print a JSON line for the parent."""
    global np, pa, pj, read_json_lines_columns, tpot_widget  # imported before the clock starts
    import numpy as np

    if method == "pyarrow":
        import pyarrow as pa
        import pyarrow.json as pj
    if method == "parquet":
        import pyarrow.parquet  # noqa: F401  (its ~0.2 s first import is not the reload)
    if method in ("reader", "load_run", "gzip", "parquet"):
        import tpot_widget
        from tpot_widget.loaders._jsonl_columns import read_json_lines_columns
    run = METHODS[method][1]
    wall, cpu = time.perf_counter(), time.process_time()
    rows = run(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "wall": wall, "cpu": cpu, "peak_mb": peak_mb}))


def _measure(method: str, path: Path) -> dict | None:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", method, "--path", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  {method}: skipped ({last})")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--path", type=Path, help="an existing responses.jsonl to read")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.path)
        return

    tmp = None
    path = args.path
    if path is None:
        tmp = tempfile.mkdtemp(prefix="bench_load_")
        path = Path(tmp) / "bench-run" / "responses.jsonl"
        path.parent.mkdir()
        t = time.perf_counter()
        generate(path, args.lines)
        print(f"generated {args.lines:,} lines in {time.perf_counter() - t:.1f} s")
    size = path.stat().st_size
    print(f"file: {path} ({size / 1e9:.2f} GB, {size / max(args.lines, 1):.0f} B/line)")
    with path.open("rb") as f:  # warm the page cache so that every method reads from RAM
        while f.read(1 << 24):
            pass
    prepare(path, args.methods.split(","))
    print(f"{os.cpu_count()} CPU(s); each method in a fresh process\n")

    results = {}
    for method in args.methods.split(","):
        result = _measure(method, path)
        if result is not None:
            results[method] = result
    base = results.get("json")
    # speed-ups against the LLMeter-style baseline; CPU time is the steadier figure on a
    # shared machine, wall time is what a user waits
    header = f"{'method':<55} {'rows':>10} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}"
    print(f"{header} {'x wall':>7} {'x CPU':>7}")
    for method, r in results.items():
        wall_ratio = f"{base['wall'] / r['wall']:.1f}" if base else "-"
        cpu_ratio = f"{base['cpu'] / r['cpu']:.1f}" if base else "-"
        print(
            f"{METHODS[method][0]:<55} {r['rows']:>10,} {r['wall']:>8.2f} {r['cpu']:>8.2f} "
            f"{r['peak_mb']:>8.0f} {wall_ratio:>7} {cpu_ratio:>7}"
        )
    rows = {r["rows"] for r in results.values()}
    if len(rows) > 1:
        print(f"\nWARNING: the methods disagree on the number of rows: {sorted(rows)}")
    if tmp is not None and not args.keep:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
