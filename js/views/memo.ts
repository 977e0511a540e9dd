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

/**
 * `key` computed once per state object: a view whose figure and preview are memoised on the
 * same inputs reads them once per redraw (the load view's inputs are the sweep's numbers).
 */
export function oncePerState<S extends object>(key: (state: S) => string): (state: S) => string {
  const keys = new WeakMap<S, string>();
  return (state) => {
    let k = keys.get(state);
    if (k === undefined) {
      k = key(state);
      keys.set(state, k);
    }
    return k;
  };
}
