/**
 * The same figure object for the same inputs: a view whose inputs did not change (the Pareto
 * view while the token range is brushed, a sweep view redrawn by a data refresh) hands plotly
 * the figure it already drew, and `Plotly.react` finds nothing to redraw.
 */

import type { Figure } from "./common";

/**
 * `build` memoised on `key` (a value: e.g. the JSON of the inputs): the last figure while the
 * key is the same (one entry: the view's current figure).
 */
export function sameFigureFor<S>(
  key: (state: S) => string,
  build: (state: S) => Figure | string,
): (state: S) => Figure | string {
  let last: { key: string; figure: Figure | string } | null = null;
  return (state) => {
    const k = key(state);
    if (last === null || last.key !== k) last = { key: k, figure: build(state) };
    return last.figure;
  };
}
