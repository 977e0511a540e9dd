/**
 * vitest setup: the labels a kernel sends in `_choices` (js/labels.fixture.json, checked
 * against the Python registries by tests/test_protocol.py), as a widget learns them.
 */

import fixture from "./labels.fixture.json";
import { learnLabels } from "./labels";
import type { ColumnChoice, StatisticChoice } from "./protocol";

learnLabels({
  columns: fixture.columns as ColumnChoice[],
  statistics: fixture.statistics as StatisticChoice[],
});
