/**
 * The same object for the same inputs: a view whose inputs did not change (the Pareto view
 * while the token range is brushed, a sweep view redrawn by a data refresh, the load view
 * when only the chosen level's statistics came) hands back the figure or preview it already
 * drew, and nothing is redrawn (`Plotly.react` finds nothing new; the widget skips a preview
 * it drew last).
 */

/**
 * `build` memoised on `key` (a value: e.g. the JSON of the inputs): the last result while the
 * key is the same (one entry: the view's current figure or preview).
 */
export function sameFor<S, T>(key: (state: S) => string, build: (state: S) => T): (state: S) => T {
  let last: { key: string; value: T } | null = null;
  return (state) => {
    const k = key(state);
    if (last === null || last.key !== k) last = { key: k, value: build(state) };
    return last.value;
  };
}
