/** The widget's stylesheet (scoped under .tpot-widget; colours from JupyterLab's --jp-* vars). */

export const CSS = `
.tpot-widget {
  --tpot-fg: var(--jp-ui-font-color1, #1f2328);
  --tpot-muted: var(--jp-ui-font-color2, #59636e);
  --tpot-bg: var(--jp-layout-color0, #ffffff);
  --tpot-panel: var(--jp-layout-color1, #f6f8fa);
  --tpot-border: var(--jp-border-color2, #d0d7de);
  --tpot-accent: var(--jp-brand-color1, #1f6feb);
  --tpot-good: var(--jp-success-color1, #1a7f37);
  --tpot-bad: var(--jp-error-color1, #cf222e);
  --tpot-warn: var(--jp-warn-color1, #9a6700);
  color: var(--tpot-fg);
  background: var(--tpot-bg);
  font-family: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  font-size: 13px;
  line-height: 1.4;
  display: flex;
  flex-direction: column;
  gap: 8px;
  padding: 8px 4px;
  box-sizing: border-box;
  min-width: 0;
}
.tpot-widget[data-theme="dark"] {
  --tpot-fg: var(--jp-ui-font-color1, #e6edf3);
  --tpot-muted: var(--jp-ui-font-color2, #9198a1);
  --tpot-bg: var(--jp-layout-color0, #111111);
  --tpot-panel: var(--jp-layout-color1, #1c2128);
  --tpot-border: var(--jp-border-color2, #30363d);
  --tpot-accent: var(--jp-brand-color1, #4493f8);
  --tpot-good: var(--jp-success-color1, #3fb950);
  --tpot-bad: var(--jp-error-color1, #f85149);
  --tpot-warn: var(--jp-warn-color1, #d29922);
}
.tpot-widget * { box-sizing: border-box; }
.tpot-header { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: stretch; }
.tpot-run {
  display: flex; align-items: center; gap: 8px; padding: 4px 10px 4px 8px;
  border: 1px solid var(--tpot-border); border-radius: 6px; background: var(--tpot-panel);
  max-width: 100%; min-width: 0;
}
.tpot-swatch { width: 12px; height: 12px; border-radius: 3px; flex: none; }
.tpot-run-name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 28em; }
.tpot-run-role { color: var(--tpot-muted); font-size: 11px; }
.tpot-run-count, .tpot-run-errors { color: var(--tpot-muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
.tpot-run-errors[data-count]:not([data-count="0"]) { color: var(--tpot-warn); cursor: help; }
.tpot-note { color: var(--tpot-muted); font-size: 12px; }
.tpot-controls {
  display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center;
  padding: 6px 8px; border: 1px solid var(--tpot-border); border-radius: 6px; background: var(--tpot-panel);
}
.tpot-controls label { display: inline-flex; align-items: center; gap: 5px; color: var(--tpot-muted); white-space: nowrap; }
.tpot-controls select, .tpot-controls input[type="number"], .tpot-controls button {
  font: inherit; color: var(--tpot-fg); background: var(--tpot-bg);
  border: 1px solid var(--tpot-border); border-radius: 4px; padding: 2px 6px; height: 26px;
}
.tpot-controls input[type="number"] { width: 6.5em; }
.tpot-controls button { cursor: pointer; }
.tpot-controls button:hover { border-color: var(--tpot-accent); }
.tpot-controls input[type="checkbox"] { accent-color: var(--tpot-accent); margin: 0; }
.tpot-main { display: grid; grid-template-columns: minmax(0, 1.6fr) minmax(300px, 1fr); gap: 8px; }
.tpot-bottom { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 8px; }
@media (max-width: 820px) {
  .tpot-main, .tpot-bottom { grid-template-columns: minmax(0, 1fr); }
}
.tpot-plot { min-width: 0; border: 1px solid var(--tpot-border); border-radius: 6px; overflow: hidden; }
.tpot-plot[data-testid="scatter"] {
  height: 460px; position: relative; touch-action: pan-y;
  /* a fixed height, not stretched to the stats panel: new numbers must not resize (= replot)
     the scatter, and plotly's autosize must not feed back into the div's own height */
  align-self: start;
}
.tpot-brush {
  position: absolute; pointer-events: none; z-index: 5;
  background: color-mix(in srgb, var(--tpot-accent) 14%, transparent);
  border-left: 1px solid var(--tpot-accent); border-right: 1px solid var(--tpot-accent);
}
.tpot-brush[hidden] { display: none; }
.tpot-veil { position: absolute; pointer-events: none; overflow: hidden; }
.tpot-veil[hidden] { display: none; }
.tpot-veil-side { position: absolute; top: 0; bottom: 0; }
.tpot-veil-edge { position: absolute; top: 0; bottom: 0; width: 0; border-left: 1px dotted; }
.tpot-plot[data-testid="box"], .tpot-plot[data-testid="hist"] { height: 300px; }
.tpot-panel {
  border: 1px solid var(--tpot-border); border-radius: 6px; background: var(--tpot-panel);
  padding: 8px 10px; display: flex; flex-direction: column; gap: 8px; min-width: 0;
  transition: opacity 120ms;
}
.tpot-panel-title { font-weight: 600; display: flex; justify-content: space-between; gap: 8px; }
.tpot-pending { color: var(--tpot-muted); font-weight: 400; font-size: 12px; visibility: hidden; }
.tpot-panel[data-stale="true"] .tpot-pending { visibility: visible; }
.tpot-panel[data-stale="true"] .tpot-values { opacity: 0.45; }
.tpot-panel[data-stale="true"] .tpot-values .tpot-num { text-decoration: line-through dotted var(--tpot-muted); }
.tpot-selection { color: var(--tpot-muted); font-size: 12px; }
.tpot-table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
.tpot-table th { text-align: left; font-weight: 500; color: var(--tpot-muted); font-size: 12px; padding: 2px 4px; border-bottom: 1px solid var(--tpot-border); }
.tpot-table td { padding: 3px 4px; vertical-align: top; }
.tpot-table { table-layout: fixed; }
.tpot-table th:nth-child(2), .tpot-table td:nth-child(2) { width: 5.2em; text-align: right; padding-right: 10px; }
.tpot-table th:first-child { width: 34%; }
.tpot-table td.tpot-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tpot-table .tpot-ci { color: var(--tpot-muted); font-size: 12px; }
.tpot-diff { border-top: 1px solid var(--tpot-border); padding-top: 6px; display: flex; flex-direction: column; gap: 2px; }
.tpot-diff-title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tpot-diff-line { font-variant-numeric: tabular-nums; }
.tpot-diff-line .tpot-ci { color: var(--tpot-muted); }
.tpot-verdict { font-weight: 600; }
.tpot-verdict[data-verdict="faster"] { color: var(--tpot-good); }
.tpot-verdict[data-verdict="slower"] { color: var(--tpot-bad); }
.tpot-verdict[data-verdict="not enough data"] { color: var(--tpot-warn); }
.tpot-error { color: var(--tpot-bad); white-space: pre-wrap; }
.tpot-error:empty { display: none; }
.tpot-dot { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 5px; vertical-align: baseline; }
`;
