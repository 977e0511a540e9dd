"""Where a brush's time goes: a Chrome performance trace over a few real drags (issue 18).

    .venv/bin/python benchmarks/trace_widget.py [--size 100000] [--drags 5] [--moves 40]
                                                [--hz 60] [--out trace.json] [--top 12]

The drags are bench_widget.py's (real mouse drags over the scatter in JupyterLab + headless
Chromium, timed inside the page). Chromium traces them (devtools timeline, V8 CPU sampling,
user timing); the summary splits each drag into two windows, **while dragging** (pointerdown
→ last pointer event) and **after the hand stops** (last pointer event → the panel and every
plot final), in ms per drag:

- the page's main thread: scripting split by whose code runs (our js/ by file, plotly.js —
  attributed to the view whose `Plotly.react` is running —, JupyterLab / ipywidgets /
  anywidget, garbage collection), style + layout, paint + compositing, other work, idle;
- the other threads: compositor, raster, and the GPU process (software WebGL);
- the kernel: request → answer round trips seen by the page, idle main thread while a
  request is in flight, and the kernel's own time per request measured in Python.

JS samples are mapped to the original sources with a source map of the shipped bundle,
rebuilt here with the options of esbuild.mjs (the code is checked to be byte-identical to
src/tpot_widget/static/widget.js; if it is not, samples are attributed by function name).
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import statistics
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_sweep_widget import sweeps_shown
from bench_widget import (
    ROOT,
    DragResult,
    analyse_drag,
    kernel_state,
    lab_and_browser,
    machine_description,
    measure_drag,
    percentile,
    widget_page,
)

BUNDLE = ROOT / "src" / "tpot_widget" / "static" / "widget.js"

#: node: rebuild the shipped bundle with esbuild.mjs's own options plus an external source map.
REBUILD_JS = """
import { build } from "esbuild";
import { js } from "./esbuild.mjs";
await build({ ...js, sourcemap: "external", outfile: process.argv[1] });
"""

TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "disabled-by-default-devtools.timeline.frame",
    "toplevel",
    "v8",
    "v8.execute",
    "blink.user_timing",
    "disabled-by-default-v8.cpu_profiler",
    "disabled-by-default-v8.gc",
    "gpu",
    "cc",
    "viz",
]
#: With --invalidations: which DOM changes made the page restyle and re-lay out, from where.
INVALIDATION_CATEGORIES = [
    "disabled-by-default-devtools.timeline.invalidationTracking",
    "disabled-by-default-devtools.timeline.stack",
]

#: JS: log which view's Plotly.react (or newPlot) is running: plotly assigns `gd.data` at the
#: start of both, so an accessor on each plot div marks the start (no change to the widget).
HOOK_REACTS_JS = """
() => {
  const b = window.__bench;
  b.reacts = [];
  const start = b.start;
  b.start = () => { start(); b.reacts = []; };
  for (const gd of b.root.querySelectorAll('.tpot-plot[data-testid]')) {
    const id = gd.dataset.testid;
    let value = gd.data;
    Object.defineProperty(gd, 'data', {
      configurable: true, enumerable: true,
      get() { return value; },
      set(v) { value = v; if (b.recording) b.reacts.push([id, performance.now()]); },
    });
  }
}
"""

# Main-thread trace events by DevTools' categories (self time; anything else is "other").
SCRIPTING = {
    "FunctionCall", "EvaluateScript", "v8.compile", "V8.CompileCode", "v8.compileModule",
    "V8.CompileModule", "v8.evaluateModule", "TimerFire", "EventDispatch", "FireAnimationFrame",
    "RunMicrotasks", "v8.run", "v8.callFunction", "V8.Execute", "MinorGC", "MajorGC",
    "V8.GC_SCAVENGER", "V8.GC_MARK_COMPACTOR", "BlinkGC.AtomicPhase", "CppGC.IncrementalSweep",
    "V8.GCScavenger", "V8.GCIncrementalMarking", "V8.GCFinalizeMC", "V8.GCCompactor",
    "ThreadState::performIdleLazySweep", "XHRReadyStateChange", "XHRLoad", "FireIdleCallback",
    "v8.produceCache", "v8.produceModuleCache", "V8.ScriptCompiler", "v8.parseOnBackground",
    "TimerInstall", "TimerRemove", "RequestAnimationFrame", "CancelAnimationFrame",
    "MessageEvent", "WebSocketReceive", "V8.HandleInterrupts", "V8.StackGuard",
}  # fmt: skip
STYLE_LAYOUT = {
    "UpdateLayoutTree", "RecalculateStyles", "Layout", "InvalidateLayout",
    "ScheduleStyleRecalculation", "HitTest", "IntersectionObserverController::computeIntersections",
    "ComputeIntersections", "UpdateLayerTree", "PrePaint", "LayoutInvalidationTracking",
    "StyleRecalcInvalidationTracking", "SelectorStats", "ParseAuthorStyleSheet",
}  # fmt: skip
PAINT = {
    "Paint", "PaintImage", "PaintSetup", "Layerize", "Commit", "CompositeLayers",
    "UpdateLayer", "Decode Image", "ImageDecodeTask", "Rasterize", "RasterTask", "GPUTask",
    "BeginMainThreadFrame", "ScrollLayer", "Animation", "Screenshot",
    "ProxyMain::BeginMainFrame", "ProxyMain::BeginMainFrame::commit",
    "LayerTreeHost::DoUpdateLayers", "LayerTreeHost::WaitForCommitCompletion",
    "LayerTreeHost::UpdateLayers", "PaintArtifactCompositor::Update",
}  # fmt: skip
TOP_LEVEL = {"RunTask", "ThreadControllerImpl::RunTask", "ThreadPool_RunTask"}
#: The tracing's own work, left out of every thread's time.
TRACING = {"CpuProfiler::StartProfiling", "CpuProfiler::StopProfiling", "TracingStartedInBrowser"}


# --- source map ---------------------------------------------------------------------------

_B64 = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}


def _vlq(segment: str) -> list[int]:
    """The numbers of one source-map segment (base64 VLQ)."""
    values, shift, value = [], 0, 0
    for ch in segment:
        digit = _B64[ch]
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
        else:
            values.append(-(value >> 1) if value & 1 else value >> 1)
            shift = value = 0
    return values


@dataclass
class SourceMap:
    """Generated (line, column) → original source file, line and the function's name."""

    sources: list[str]
    contents: list[str | None]
    lines: list[tuple[list[int], list[tuple[int, int, int]]]]

    @classmethod
    def load(cls, path: Path) -> SourceMap:
        raw = json.loads(path.read_text(encoding="utf-8"))
        src = line = col = 0
        lines = []
        for text in raw["mappings"].split(";"):
            gen = 0
            cols: list[int] = []
            targets: list[tuple[int, int, int]] = []
            for seg in text.split(","):
                if not seg:
                    continue
                v = _vlq(seg)
                gen += v[0]
                if len(v) >= 4:
                    src, line, col = src + v[1], line + v[2], col + v[3]
                    cols.append(gen)
                    targets.append((src, line, col))
            lines.append((cols, targets))
        sources = [normalise_source(s) for s in raw["sources"]]
        return cls(sources, raw.get("sourcesContent") or [None] * len(sources), lines)

    def lookup(self, line: int, column: int) -> tuple[str, int, int] | None:
        """The original (source, line, column) of a generated position (0-based)."""
        if line >= len(self.lines):
            return None
        cols, targets = self.lines[line]
        i = bisect.bisect_right(cols, column) - 1
        if i < 0:
            return None
        src, orig_line, orig_col = targets[i]
        return self.sources[src], orig_line, orig_col

    def function_name(self, source: str, line: int, column: int) -> str:
        """The name the original source gives the function defined at (line, column)."""
        try:
            text = self.contents[self.sources.index(source)] or ""
        except ValueError:
            return "?"
        lines = text.splitlines()
        if line >= len(lines):
            return "?"
        head, tail = lines[line][:column].rstrip(), lines[line][column:]
        m = re.match(r"\s*(?:async\s+)?function\s*\*?\s*([\w$]+)", tail)
        if m:
            return m.group(1)
        m = re.match(r"\s*(?:get |set |async )?([\w$]+)\s*[(<]", tail)
        if m and m.group(1) not in _KEYWORDS:
            return m.group(1)
        for pattern in (
            r"function\s*\*?\s*([\w$]+)$",
            r"([\w$.]+)\s*[:=]\s*(?:async\s*)?(?:function\b\s*\*?\s*[\w$]*)?$",
            r"(?:^|[\s;{}])(?:(?:private|public|protected|static|async|get|set)\s+)*([\w$]+)$",
        ):
            m = re.search(pattern, head)
            if m and m.group(1).split(".")[-1] not in _KEYWORDS:
                return m.group(1)
        m = re.search(r"([\w$.]+)\s*\(\s*(?:[\w$]+\s*,\s*)*$", head)
        if m:
            return f"(callback of {m.group(1)})"
        return f"(anonymous) line {line + 1}"


_KEYWORDS = {
    "function",
    "if",
    "for",
    "while",
    "switch",
    "catch",
    "return",
    "new",
    "typeof",
    "await",
    "else",
    "do",
    "in",
    "of",
}


def normalise_source(path: str) -> str:
    """A bundle source path from the repository root: js/…, node_modules/…"""
    for marker in ("node_modules/", "js/"):
        i = path.find(marker)
        if i >= 0:
            return path[i:]
    return path


def build_source_map(tmp: Path) -> SourceMap | None:
    """Rebuild the shipped bundle with a source map; None if its code is not the shipped one."""
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists() or not BUNDLE.exists():
        print("no esbuild or bundle: JS attributed by function name only")
        return None
    out = tmp / "widget.js"
    subprocess.run(
        ["node", "--input-type=module", "-e", REBUILD_JS, str(out)], cwd=ROOT, check=True
    )
    code = re.sub(r"\n//# sourceMappingURL=\S+\n?$", "\n", out.read_text(encoding="utf-8"))
    if code.rstrip("\n") != BUNDLE.read_text(encoding="utf-8").rstrip("\n"):
        print("the rebuilt bundle differs from static/widget.js (run `npm run build`?): "
              "JS attributed by function name only")  # fmt: skip
        return None
    return SourceMap.load(out.with_suffix(".js.map"))


# --- the trace ----------------------------------------------------------------------------


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length of the overlap of [a0, a1] and [b0, b1]."""
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass
class Trace:
    """The parsed trace: threads by name, complete events per thread, CPU samples."""

    events: list[dict[str, Any]]
    thread_names: dict[tuple[int, int], str] = field(default_factory=dict)
    process_names: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for e in self.events:
            if e.get("ph") == "M" and e.get("name") == "thread_name":
                self.thread_names[(e["pid"], e["tid"])] = e["args"]["name"]
            if e.get("ph") == "M" and e.get("name") == "process_name":
                self.process_names[e["pid"]] = e["args"]["name"]

    def find_mark(self, name: str) -> dict[str, Any]:
        for e in self.events:
            if e.get("name") == name and "blink.user_timing" in e.get("cat", ""):
                return e
        raise RuntimeError(f"the user timing mark {name!r} is not in the trace")

    def slices(self, pid: int, tid: int) -> list[tuple[float, float, str, int]]:
        """(start µs, end µs, name, depth) of the thread's complete events, nested properly."""
        out: list[tuple[float, float, str]] = []
        open_: dict[str, list[float]] = defaultdict(list)
        for e in self.events:
            if e.get("pid") != pid or e.get("tid") != tid or e.get("name") in TRACING:
                continue
            ph = e.get("ph")
            if ph == "X" and "dur" in e:
                out.append((e["ts"], e["ts"] + e["dur"], e["name"]))
            elif ph == "B":
                open_[e["name"]].append(e["ts"])
            elif ph == "E" and open_[e.get("name", "")]:
                out.append((open_[e["name"]].pop(), e["ts"], e["name"]))
        out.sort(key=lambda s: (s[0], -s[1]))
        nested: list[tuple[float, float, str, int]] = []
        stack: list[float] = []
        for start, end, name in out:
            while stack and stack[-1] <= start:
                stack.pop()
            if stack and end > stack[-1]:
                end = stack[-1]  # clip a slice that overlaps its parent's end
            nested.append((start, end, name, len(stack)))
            stack.append(end)
        return nested

    def threads(self, pid: int | None = None) -> Iterator[tuple[int, int, str]]:
        for (p, t), name in self.thread_names.items():
            if pid is None or p == pid:
                yield p, t, name


def self_times(
    slices: list[tuple[float, float, str, int]],
) -> list[tuple[float, float, str, bool]]:
    """The slices cut into pieces where no child runs: (start, end, name, inside JS) of self
    time; inside JS = a scripting event encloses it (e.g. a layout forced by a DOM call)."""
    pieces: list[tuple[float, float, str, bool]] = []
    stack: list[list[Any]] = []  # [end, name, cursor, inside_js]

    def close_until(t: float) -> None:
        while stack and stack[-1][0] <= t:
            end, name, cursor, inside = stack.pop()
            if end > cursor:
                pieces.append((cursor, end, name, inside))
            if stack:
                stack[-1][2] = max(stack[-1][2], end)

    for start, end, name, _depth in slices:
        close_until(start)
        inside = False
        if stack:
            parent = stack[-1]
            if start > parent[2]:
                pieces.append((parent[2], start, parent[1], parent[3]))
            parent[2] = max(parent[2], end)
            inside = parent[3] or category_of(parent[1]) == "scripting"
        stack.append([end, name, start, inside])
    close_until(float("inf"))
    return pieces


def busy_intervals(slices: list[tuple[float, float, str, int]]) -> list[tuple[float, float]]:
    """The merged [start, end] intervals in which the thread runs a task."""
    tops = sorted((s, e) for s, e, _, depth in slices if depth == 0)
    merged: list[list[float]] = []
    for s, e in tops:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def category_of(name: str) -> str:
    """DevTools' category of a main-thread trace event."""
    if name in SCRIPTING or name.startswith(("V8.", "v8.", "GC", "BlinkGC")):
        return "scripting"
    if name in STYLE_LAYOUT:
        return "style + layout"
    if name in PAINT:
        return "paint + compositing"
    return "other"


# --- CPU samples --------------------------------------------------------------------------


@dataclass
class Sample:
    ts: float  # µs, trace clock
    dur: float  # µs
    stack: list[dict[str, Any]]  # call frames, leaf first


def cpu_samples(trace: Trace, pid: int) -> list[Sample]:
    """The V8 CPU samples of renderer `pid`, with their stacks and durations."""
    nodes: dict[tuple[str, int], dict[str, Any]] = {}
    starts: dict[str, float] = {}
    raw: list[tuple[str, float, int]] = []
    for e in trace.events:
        if e.get("pid") != pid:
            continue
        if e.get("name") == "Profile":
            starts[e["id"]] = float(e["args"]["data"]["startTime"])
        elif e.get("name") == "ProfileChunk":
            pid_id = e["id"]
            data = e["args"]["data"]
            profile = data.get("cpuProfile", {})
            for node in profile.get("nodes", []):
                nodes[(pid_id, node["id"])] = node
            samples = profile.get("samples", [])
            deltas = data.get("timeDeltas", [])
            t = starts.get(pid_id, 0.0) if not raw or raw[-1][0] != pid_id else raw[-1][1]
            for node_id, delta in zip(samples, deltas, strict=False):
                t += delta
                raw.append((pid_id, t, node_id))
    raw.sort(key=lambda r: r[1])
    out: list[Sample] = []
    for i, (profile_id, t, node_id) in enumerate(raw):
        dur = (raw[i + 1][1] - t) if i + 1 < len(raw) else 0.0
        dur = min(dur, 5000.0)  # a gap in sampling is not time spent in this stack
        stack = []
        node = nodes.get((profile_id, node_id))
        while node is not None:
            stack.append(node["callFrame"])
            parent = node.get("parent")
            node = nodes.get((profile_id, parent)) if parent is not None else None
        out.append(Sample(t, dur, stack))
    return out


@dataclass
class Attribution:
    """Names JS frames: whose code (ours / plotly.js / Jupyter), file and original function."""

    source_map: SourceMap | None
    bundle_url: str | None = None

    def frame(self, frame: dict[str, Any]) -> tuple[str, str]:
        """(owner, "function (file:line)") of a call frame."""
        url = frame.get("url", "")
        name = frame.get("functionName") or "(anonymous)"
        if url.startswith("blob:") or (self.bundle_url and url == self.bundle_url):
            if self.source_map is None:
                return "widget bundle", name
            found = self.source_map.lookup(frame["lineNumber"], frame["columnNumber"])
            if found is None:
                return "widget bundle", name
            source, line, col = found
            fn = self.source_map.function_name(source, line, col)
            owner = "ours" if source.startswith("js/") else "plotly.js"
            short = source.removeprefix("node_modules/plotly.js/")
            return owner, f"{fn} ({short}:{line + 1})"
        if not url:
            # script 0: a builtin or DOM call (counted for its caller); other scripts without a
            # URL are Playwright's injected script and the benchmark's hooks in the page
            return ("harness", name) if frame.get("scriptId", 0) != 0 else ("native", name)
        return "jupyter", f"{name} ({url.rsplit('/', 1)[-1][:40]})"

    def leaf(self, sample: Sample) -> tuple[str, str]:
        """Who the sample's time belongs to: the innermost frame with a script (natives such as
        Array.sort count for the JS that called them)."""
        if not sample.stack:
            return "program", "(no stack)"
        top = sample.stack[0].get("functionName", "")
        if top in ("(idle)", "(program)", "(garbage collector)", "(root)"):
            return {"(idle)": "idle", "(garbage collector)": "gc"}.get(top, "program"), top
        for frame in sample.stack:
            owner, name = self.frame(frame)
            if owner != "native":
                return owner, name
        return "native", top


OWNER_LABELS = {
    "gc": "garbage collection",
    "program": "(program): browser work outside JS",
    "jupyter": "JupyterLab / ipywidgets / anywidget JS",
    "harness": "the benchmark's own polling (Playwright)",
    "native": "native code (no JS caller sampled)",
}

# --- the summary --------------------------------------------------------------------------


PHASES = ("while dragging", "after the hand stops")

#: Other threads, by (process, thread name), with what they do here.
THREAD_LABELS = {
    ("Renderer", "Compositor"): "renderer: compositor thread",
    ("Renderer", "ThreadPoolForegroundWorker"): "renderer: workers (software raster, GC)",
    ("Renderer", "Chrome_ChildIOThread"): "renderer: IO thread (IPC, websocket)",
    ("GPU Process", "VizCompositorThread"): "GPU process: display compositor (software)",
    ("GPU Process", "CrGpuMain"): "GPU process: main (WebGL / GL commands)",
    ("GPU Process", "Chrome_ChildIOThread"): "GPU process: IO thread",
}

#: plotly.js functions too generic to name a cost (control flow, d3 iteration).
GENERIC = {
    "syncOrAsync", "lib.syncOrAsync", "continueAsync", "promiseCallback",
    "d3_selectionPrototype.each", "d3_selection_each", "d3_selectionPrototype.call",
}  # fmt: skip


@dataclass
class Window:
    """One drag phase in trace µs."""

    start: float
    end: float
    drag: int


@dataclass
class Summary:
    """µs summed over the drags: rows (by phase), named costs, inclusive function times."""

    rows: dict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    top: dict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    inclusive: dict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    #: Style / layout forced inside JS, by the JS function whose DOM access forced it.
    forced: dict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )

    def add(self, phase: str, row: str, us: float) -> None:
        self.rows[row][phase] += us


def clip_sum(intervals: Iterable[tuple[float, float]], w0: float, w1: float) -> float:
    """Total length of `intervals` inside [w0, w1]."""
    return sum(overlap(s, e, w0, w1) for s, e in intervals)


def drag_windows(drags: list[DragResult], offset: float) -> dict[str, list[Window]]:
    """Each drag's two phases in trace µs: pointerdown → hand stops → panel and plots final."""
    windows: dict[str, list[Window]] = {phase: [] for phase in PHASES}
    for i, d in enumerate(drags):
        final = max(0.0 if d.panel_ms != d.panel_ms else d.panel_ms, d.views_ms)
        down, last = d.t_down * 1e3 + offset, d.t_last * 1e3 + offset
        windows[PHASES[0]].append(Window(down, last, i))
        windows[PHASES[1]].append(Window(last, last + final * 1e3, i))
    return windows


def analyse(
    trace: Trace,
    attribution: Attribution,
    drags: list[DragResult],
    reacts: list[list[tuple[str, float]]],
    offset: float,
) -> Summary:
    """Summarise the trace over the drags' phases (`offset`: performance.now() ms → trace µs)."""
    mark = trace.find_mark("bench-clock")
    pid, tid = mark["pid"], mark["tid"]
    windows = drag_windows(drags, offset)
    summary = Summary()
    main = trace.slices(pid, tid)
    pieces = self_times(main)
    busy = busy_intervals(main)
    samples = cpu_samples(trace, pid)
    sample_ts = [s.ts for s in samples]
    react_marks = [sorted((t * 1e3 + offset, view) for view, t in r) for r in reacts]
    forced = sorted(
        (a, b) for a, b, name, inside in pieces if inside and category_of(name) == "style + layout"
    )
    forced_starts = [f[0] for f in forced]

    for phase, ws in windows.items():
        for w in ws:
            length = w.end - w.start
            b = clip_sum(busy, w.start, w.end)
            summary.add(phase, "wall", length)
            summary.add(phase, "busy", b)
            summary.add(phase, "idle", length - b)
            for s, e, name, inside_js in pieces:
                ov = overlap(s, e, w.start, w.end)
                if not ov:
                    continue
                cat = "other" if name in TOP_LEVEL else category_of(name)
                summary.add(phase, f"main/{cat}", ov)
                if cat == "style + layout" and inside_js:
                    summary.add(phase, "main/forced", ov)
                if cat != "scripting" and not inside_js:  # forced ones are in the JS samples
                    summary.top[phase][f"{cat}: {name}"] += ov
            marks = react_marks[w.drag]
            mark_ts = [m[0] for m in marks]
            lo = bisect.bisect_left(sample_ts, w.start)
            hi = bisect.bisect_right(sample_ts, w.end)
            for sample in samples[lo:hi]:
                dur = min(sample.dur, w.end - sample.ts)
                owner, name = attribution.leaf(sample)
                if owner == "idle":
                    continue
                summary.add(phase, f"js/{owner}", dur)
                k = bisect.bisect_right(forced_starts, sample.ts) - 1
                if k >= 0 and forced[k][1] >= sample.ts:
                    summary.forced[phase][f"{owner}: {name}"] += dur
                if owner == "plotly.js":
                    call = plotly_call(sample, attribution, marks, mark_ts)
                    summary.add(phase, f"js/plotly.js/{call}", dur)
                    summary.top[phase][f"plotly.js {call}"] += dur
                elif owner == "ours":
                    source = name.rsplit("(", 1)[-1].split(":")[0]
                    summary.add(phase, f"js/ours/{source}", dur)
                    summary.top[phase][f"ours: {name}"] += dur
                elif owner in OWNER_LABELS and owner != "program":  # program: the trace events
                    summary.top[phase][OWNER_LABELS[owner]] += dur
                seen = set()
                for frame in sample.stack:
                    frame_owner, frame_name = attribution.frame(frame)
                    short = frame_name.split(" (")[0]
                    if frame_owner in ("ours", "plotly.js") and frame_name not in seen:
                        seen.add(frame_name)
                        if short not in GENERIC and not short.startswith("("):
                            summary.inclusive[phase][f"{frame_owner}: {frame_name}"] += dur

    for p, t, name in trace.threads():
        label = THREAD_LABELS.get((trace.process_names.get(p, ""), name))
        if label is None or (label.startswith("renderer") and p != pid):
            continue
        thread_busy = busy_intervals(trace.slices(p, t))
        for phase, ws in windows.items():
            for w in ws:
                summary.add(phase, f"thread/{label}", clip_sum(thread_busy, w.start, w.end))
    return summary


def plotly_call(
    sample: Sample, attribution: Attribution, marks: list[tuple[float, str]], mark_ts: list[float]
) -> str:
    """Which plotly call a plotly.js sample belongs to: `Plotly.react(<view>)` when the stack
    runs plotly's react or newPlot (the view whose react started last before it), else the
    outermost plotly function of the stack."""
    plotly = [n for owner, n in map(attribution.frame, sample.stack) if owner == "plotly.js"]
    if any(n.startswith(("react ", "newPlot ", "_doPlot ")) for n in plotly):
        i = bisect.bisect_right(mark_ts, sample.ts) - 1
        return f"Plotly.react({marks[i][1] if i >= 0 else '?'})"
    outer = plotly[-1].split(" (")[0] if plotly else "?"
    return f"outside react: {outer}"


def kernel_waiting(
    drags: list[DragResult], busy: list[tuple[float, float]], offset: float
) -> dict[str, float]:
    """µs (summed) in which a kernel request was in flight and the main thread idle, by phase."""
    windows = drag_windows(drags, offset)
    out = dict.fromkeys(PHASES, 0.0)
    for phase, ws in windows.items():
        for w in ws:
            log = drags[w.drag].log
            sent = dict(log["requests"])
            for seq, answered in log["answers"]:
                if seq not in sent:
                    continue
                a = max(sent[seq] * 1e3 + offset, w.start)
                b = min(answered * 1e3 + offset, w.end)
                if b > a:
                    out[phase] += (b - a) - clip_sum(busy, a, b)
    return out


def print_summary(
    summary: Summary,
    drags: list[DragResult],
    kernel: dict[str, Any],
    waiting: dict[str, float],
    top: int,
) -> None:
    """The tables: main thread by category, JS by owner and view, other threads, kernel, top."""
    n = len(drags)
    rows = summary.rows
    width = 66

    def line(key: str, label: str) -> None:
        if key not in rows:
            return
        vals = [rows[key][p] / 1e3 / n for p in PHASES]
        print(f"{label:<{width}}  {vals[0]:>9.1f}  {vals[1]:>10.1f}")

    def sub(prefix: str, indent: str) -> None:
        keys = [k for k in rows if k.startswith(prefix)]
        keys.sort(key=lambda k: -(rows[k][PHASES[0]] + rows[k][PHASES[1]]))
        for k in keys:
            line(k, indent + k.removeprefix(prefix))

    moves = statistics.median(d.moves for d in drags)
    print(f"\nms per drag, mean of {n} drags ({moves:.0f} pointer moves each, median);")
    print("'after stop' = from the last pointer event until the panel and every plot are final\n")
    print(f"{'':<{width}}  {'dragging':>9}  {'after stop':>10}")
    line("wall", "wall time of the phase")
    line("busy", "main thread busy (trace events)")
    line("main/scripting", "  scripting")
    line("main/style + layout", "  style + layout")
    line("main/forced", "    of which forced inside JS (DOM reads after writes)")
    line(
        "main/paint + compositing",
        "  paint + compositing on the main thread (paint, layerize, commit)",
    )
    line("main/other", "  other (task scheduling, IPC)")
    line("idle", "main thread idle")
    w = [waiting[p] / 1e3 / n for p in PHASES]
    print(f"{'  of which a kernel request is in flight':<{width}}  {w[0]:>9.1f}  {w[1]:>10.1f}")
    print(f"\n{'whose code ran on the main thread (V8 samples, incl. forced layout)':<{width}}")
    line("js/ours", "  our code (js/)")
    sub("js/ours/", "    ")
    line("js/plotly.js", "  plotly.js")
    sub("js/plotly.js/", "    ")
    line("js/jupyter", "  JupyterLab / ipywidgets / anywidget (comm, JSON, model)")
    line("js/gc", "  garbage collection")
    line("js/native", "  builtins without a sampled JS caller")
    line("js/harness", "  the benchmark's hooks and Playwright's polling")
    line("js/program", "  no JS on the stack (rendering pipeline: style, layout, paint)")
    print(f"\n{'other threads (busy; they share the 2 cores with the above)':<{width}}")
    sub("thread/", "  ")
    t = kernel["timing"]
    trips = [
        answered - dict(d.log["requests"])[seq]
        for d in drags
        for seq, answered in d.log["answers"]
        if seq in dict(d.log["requests"])
    ]
    print(
        f"\nkernel, per request (median of {len(trips)}): round trip seen by the page "
        f"{statistics.median(trips):.1f} ms (p90 {percentile(trips, 90):.1f}); inside the kernel "
        f"(set_state: apply, recompute, answer) {statistics.median(t['set_state']):.1f} ms, "
        f"of which the statistics (Comparer.compare) {statistics.median(t['compare']):.1f} ms"
    )
    for phase in PHASES:
        print(
            f"\ntop costs {phase} (ms per drag; main thread: JS by who runs it, incl. the "
            "layouts it forces; rendering by trace event):"
        )
        for name, us in sorted(summary.top[phase].items(), key=lambda kv: -kv[1])[:top]:
            print(f"  {us / 1e3 / n:7.1f}  {name}")
        ranked = sorted(summary.inclusive[phase].items(), key=lambda kv: -kv[1])
        print(f"top functions {phase} by inclusive time (ms per drag; nested ones overlap):")
        for name, us in ranked[:top]:
            print(f"  {us / 1e3 / n:7.1f}  {name}")
        print(f"style + layout forced {phase}, by the JS function that forced it (ms per drag):")
        for name, us in sorted(summary.forced[phase].items(), key=lambda kv: -kv[1])[:5]:
            print(f"  {us / 1e3 / n:7.1f}  {name}")
        print(f"our functions {phase} by inclusive time (V8 inlines small ones into callers):")
        for name, us in [kv for kv in ranked if kv[0].startswith("ours:")][:top]:
            print(f"  {us / 1e3 / n:7.1f}  {name}")


def record(args: argparse.Namespace) -> tuple[bytes, dict[str, Any]]:
    """Drag while Chromium traces; the raw trace and what the page and the kernel logged."""
    with lab_and_browser() as (lab, browser):
        machine = machine_description(browser)
        print(f"machine: {machine}", flush=True)
        shown = sweeps_shown(args.size) if args.sweeps else None
        with widget_page(lab, browser, args.size, shown) as wp:
            wp.page.evaluate(HOOK_REACTS_JS)
            measure_drag(wp, 99, args.moves, args.hz)  # untraced: the first drag warms up
            kernel_state(wp)  # clears the kernel's timing log
            categories = TRACE_CATEGORIES + (INVALIDATION_CATEGORIES if args.invalidations else [])
            browser.start_tracing(page=wp.page, categories=categories)
            wp.page.wait_for_timeout(1500)  # the profiler's start blocks the page for a moment
            clock = wp.page.evaluate("() => performance.mark('bench-clock').startTime")
            logs, reacts = [], []
            for i in range(args.drags):
                logs.append(measure_drag(wp, i, args.moves, args.hz).log)
                reacts.append(wp.page.evaluate("() => window.__bench.reacts"))
            raw = browser.stop_tracing()
            kernel = kernel_state(wp)
    meta = {"size": args.size, "machine": machine, "clock_ms": clock, "logs": logs,
            "reacts": reacts, "kernel": kernel}  # fmt: skip
    return raw, meta


def report(trace: Trace, meta: dict[str, Any], attribution: Attribution, top: int) -> None:
    """Print where the time of the traced drags went."""
    mark = trace.find_mark("bench-clock")
    offset = mark["ts"] - meta["clock_ms"] * 1e3  # performance.now() ms → trace µs
    drags = [analyse_drag(log) for log in meta["logs"]]
    summary = analyse(trace, attribution, drags, meta["reacts"], offset)
    waiting = kernel_waiting(drags, busy_intervals(trace.slices(mark["pid"], mark["tid"])), offset)
    print(
        f"{len(drags)} traced drags: hand stops → panel final median "
        f"{percentile([d.panel_ms for d in drags], 50):.0f} ms, → every plot redrawn median "
        f"{percentile([d.views_ms for d in drags], 50):.0f} ms; "
        f"{statistics.median(d.moves / d.drag_s for d in drags):.0f} pointer moves/s received"
    )
    print_summary(summary, drags, meta["kernel"], waiting, top)
    print_invalidations(trace, attribution, drags, offset, top)


def print_invalidations(
    trace: Trace, attribution: Attribution, drags: list[DragResult], offset: float, top: int
) -> None:
    """The DOM changes (style / layout invalidations) while dragging, per pointer move, by
    element, reason and the code that made them (a trace recorded with --invalidations)."""
    windows = drag_windows(drags, offset)[PHASES[0]]
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for e in trace.events:
        name = e.get("name", "")
        if not name.endswith("InvalidationTracking") or not any(
            w.start <= e.get("ts", 0) <= w.end for w in windows
        ):
            continue
        data = e.get("args", {}).get("data", {})
        where = "-"
        for f in data.get("stackTrace") or []:
            frame = {**f, "lineNumber": f.get("lineNumber", 1) - 1,
                     "columnNumber": f.get("columnNumber", 1) - 1}  # fmt: skip
            owner, fn = attribution.frame(frame)
            if owner in ("ours", "widget bundle"):
                where = fn
                break
            if where == "-" and owner == "plotly.js":
                where = fn
        kind = name.removesuffix("InvalidationTracking")
        counts[(f"{kind}: {data.get('nodeName', '?')}", str(data.get("reason", "")), where)] += 1
    if not counts:
        return
    moves = sum(d.moves for d in drags)
    print(f"\nDOM invalidations while dragging, per pointer move (top {top}):")
    for (node, reason, where), n in sorted(counts.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {n / moves:5.2f}  {node[:60]} ({reason or '-'}) ← {where}")


def main() -> None:
    """Trace a few drags (or re-read a saved trace) and print where the time goes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="requests per run")
    parser.add_argument("--drags", type=int, default=5, help="traced drags")
    parser.add_argument("--moves", type=int, default=40, help="pointer moves per drag")
    parser.add_argument("--hz", type=float, default=60.0, help="pointer moves per second")
    parser.add_argument("--out", type=Path, help="save the raw trace and the page's logs here")
    parser.add_argument("--load", type=Path, help="summarise a folder saved with --out instead")
    parser.add_argument("--top", type=int, default=12, help="how many top costs to list")
    parser.add_argument(
        "--sweeps", action="store_true", help="the 72-run sweep widget (demo_sweeps, --size/run)"
    )
    parser.add_argument(
        "--invalidations", action="store_true", help="also trace the DOM changes that re-lay out"
    )
    args = parser.parse_args()

    if args.load:
        raw = (args.load / "trace.json").read_bytes()
        meta = json.loads((args.load / "bench.json").read_text(encoding="utf-8"))
    else:
        raw, meta = record(args)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "trace.json").write_bytes(raw)
            (args.out / "bench.json").write_text(json.dumps(meta), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="trace-widget-") as tmp:
        source_map = build_source_map(Path(tmp))
    data = json.loads(raw)
    trace = Trace(data["traceEvents"] if isinstance(data, dict) else data)
    print(f"{meta['size']:,} requests per run; machine: {meta['machine']}")
    report(trace, meta, Attribution(source_map), args.top)


if __name__ == "__main__":
    main()
