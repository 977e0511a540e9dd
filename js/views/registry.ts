/**
 * Every view of the widget, in display order: adding a view is one file in js/views/ and one
 * entry here (the widget creates its plot div, feeds it the draw state and redraws it on the
 * triggers it names).
 */

import { boxView } from "./box";
import type { ViewSpec } from "./common";
import { ecdfView } from "./ecdf";
import { histView } from "./hist";
import { loadView } from "./load";
import { paretoView } from "./pareto";
import { scatterView } from "./scatter";
import { shiftView } from "./shift";
import { timeView } from "./time";

export const VIEWS: readonly ViewSpec[] = [
  scatterView,
  // sweep widgets only (`sweepOnly`): every level at once, first in the grid
  loadView,
  paretoView,
  timeView,
  boxView,
  histView,
  ecdfView,
  shiftView,
];
