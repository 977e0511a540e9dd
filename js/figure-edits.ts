/**
 * How a drawn plotly layout differs from the one a view wants now, for the widget's cheapest
 * redraw: nothing (plotly catches up later), a relayout of titles and axis ranges, or a new
 * figure; and the axis rules of the brush's previews (an axis grows when shapes outgrow it).
 */

/** Axis name → range (plotly's units). */
export type AxisRanges = Partial<Record<"xaxis" | "yaxis", [number, number]>>;

/** `layout` with these axis ranges (fixed) instead of its own. */
export function withRanges(layout: Record<string, unknown>, ranges: AxisRanges): Record<string, unknown> {
  const out = { ...layout };
  for (const [name, range] of Object.entries(ranges)) {
    out[name] = { ...(layout[name] as Record<string, unknown> | undefined), range, autorange: false };
  }
  return out;
}

/**
 * The relayout that turns a drawn layout into a wanted one when they differ in titles and
 * axis ranges only ({} when they are the same); null when anything else differs (the figure
 * is drawn anew).
 */
export function layoutEdits(
  drawn: Record<string, unknown>,
  wanted: Record<string, unknown>,
): Record<string, unknown> | null {
  const edits: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(drawn), ...Object.keys(wanted)]);
  for (const key of keys) {
    const a = drawn[key];
    const b = wanted[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return null;
    const inner = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const part of inner) {
      const x = (a as Record<string, unknown>)[part];
      const y = (b as Record<string, unknown>)[part];
      if (JSON.stringify(x) === JSON.stringify(y)) continue;
      const editable = (key === "title" && part === "text") || (/^[xy]axis\d*$/.test(key) && part === "range");
      if (!editable || y === undefined) return null;
      edits[`${key}.${part}`] = y;
    }
  }
  return edits;
}

/** `reach` does not fit in an axis drawn over `drawn` (a rounding error aside). */
export function outgrows(drawn: [number, number] | null, reach: [number, number]): boolean {
  if (drawn === null) return true;
  const tol = Math.abs(drawn[1] - drawn[0]) * 1e-9;
  return reach[0] < Math.min(...drawn) - tol || reach[1] > Math.max(...drawn) + tol;
}
